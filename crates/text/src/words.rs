//! Word segmentation (UAX #29 word boundaries via unicode-segmentation).
//!
//! Unlike `unicode_words`, punctuation and emoji are kept as tokens of their own: `?` and `🙏`
//! carry intent in chat. Whitespace is dropped.

use unicode_segmentation::UnicodeSegmentation;

/// A token with its char offsets in the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token's text.
    pub text: &'a str,
    /// First char, inclusive.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

impl Token<'_> {
    /// Whether the token holds a letter or digit (a word, not punctuation or emoji).
    pub fn is_word(&self) -> bool {
        has_letter(self.text) || has_digit(self.text)
    }
}

/// Whether `s` holds a letter (ASCII checked first: most chat text is ASCII).
pub fn has_letter(s: &str) -> bool {
    s.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_alphabetic()
        } else {
            c.is_alphabetic()
        }
    })
}

/// Whether `s` holds a digit of any script.
pub fn has_digit(s: &str) -> bool {
    s.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_digit()
        } else {
            c.is_numeric()
        }
    })
}

/// Splits `text` at word boundaries, dropping whitespace.
pub fn words(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut char_pos = 0;
    for piece in text.split_word_bounds() {
        let n = piece.chars().count();
        if !piece.chars().all(char::is_whitespace) {
            out.push(Token {
                text: piece,
                start: char_pos,
                end: char_pos + n,
            });
        }
        char_pos += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_punctuation_emoji_and_indic_words_whole() {
        let toks = words("kitne ka hai? 🙏 मेरा ऑर्डर #45821");
        let texts: Vec<_> = toks.iter().map(|t| t.text).collect();
        assert_eq!(
            texts,
            ["kitne", "ka", "hai", "?", "🙏", "मेरा", "ऑर्डर", "#", "45821"]
        );
        let t = toks[5];
        assert_eq!((t.start, t.end), (16, 20));
        assert!(t.is_word() && !toks[3].is_word());
    }
}
