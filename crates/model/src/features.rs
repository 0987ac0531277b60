//! Hashed n-gram features of a normalised message, fastText style.
//!
//! Feature families, each hashed in its own namespace:
//! - word unigrams (every token, punctuation and emoji included: `?` and `🙏` carry intent);
//! - word bigrams of consecutive tokens;
//! - character n-grams of each word with `<` `>` boundaries, so unseen spellings and inflections
//!   share features with seen ones (`bhejdo`, `bhej do`, `bheja`);
//! - a language feature, so the same word can weigh differently in different languages.
//!
//! Tokens with digits are replaced by their shape (`9876543210` → `0000000000`, `#45821` keeps
//! its `#` token): the value of a number does not tell the intent, its form does.

use sandesh_text::{
    bucket_of, char_ngram_hashes, fnv1a, has_digit, has_letter, words, Lang, Token,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Which features are extracted, and the size of the hash space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Number of hash buckets (rows of the embedding table).
    pub buckets: usize,
    /// Longest word n-gram (1 = unigrams only, 2 = with bigrams).
    pub word_ngrams: usize,
    /// Shortest character n-gram (0 disables character n-grams).
    pub char_min: usize,
    /// Longest character n-gram.
    pub char_max: usize,
    /// Whether the message's language is a feature.
    pub lang_feature: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            buckets: 1 << 17,
            word_ngrams: 2,
            char_min: 3,
            char_max: 5,
            lang_feature: true,
        }
    }
}

const NS_WORD: u8 = 10;
const NS_BIGRAM: u8 = 11;
const NS_CHAR: u8 = 12;
const NS_LANG: u8 = 13;

fn shape(token: &str) -> Cow<'_, str> {
    if has_digit(token) {
        Cow::Owned(
            token
                .chars()
                .map(|c| if c.is_numeric() { '0' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(token)
    }
}

impl FeatureConfig {
    /// Appends the bucket ids of `normalized` (in `lang`) to `out`.
    pub fn extract(&self, normalized: &str, lang: Lang, out: &mut Vec<u32>) {
        self.extract_tokens(&words(normalized), lang, out)
    }

    /// Appends the bucket ids of a normalised text already cut into `tokens` to `out`.
    pub fn extract_tokens(&self, tokens: &[Token<'_>], lang: Lang, out: &mut Vec<u32>) {
        let buckets = self.buckets as u64;
        let bucket = |h: u64| bucket_of(h, buckets) as u32;
        let tokens: Vec<Cow<'_, str>> = tokens.iter().map(|t| shape(t.text)).collect();
        for (i, tok) in tokens.iter().enumerate() {
            out.push(bucket(fnv1a(NS_WORD, &[tok])));
            if self.word_ngrams >= 2 {
                if let Some(next) = tokens.get(i + 1) {
                    out.push(bucket(fnv1a(NS_BIGRAM, &[tok, next])));
                }
            }
            if self.char_min == 0 || !has_letter(tok) {
                continue;
            }
            char_ngram_hashes(NS_CHAR, tok, self.char_min, self.char_max, |h| {
                out.push(bucket(h))
            });
        }
        if self.lang_feature {
            out.push(bucket(fnv1a(NS_LANG, &[lang.as_str()])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_shapes() {
        let cfg = FeatureConfig {
            buckets: 1 << 20,
            ..FeatureConfig::default()
        };
        let mut a = Vec::new();
        cfg.extract("call 9876543210", Lang::En, &mut a);
        let mut b = Vec::new();
        cfg.extract("call 9123456780", Lang::En, &mut b);
        assert_eq!(a, b, "numbers of one shape give the same features");
        // "call": 1 word + 1 bigram + char n-grams of "<call>" (4 + 3 + 2) ; number: 1 word; lang: 1.
        assert_eq!(a.len(), 1 + 1 + 9 + 1 + 1);
        let mut c = Vec::new();
        cfg.extract("call 9876543210", Lang::Hinglish, &mut c);
        assert_ne!(a, c, "the language feature differs");
        assert!(a.iter().all(|&x| (x as usize) < cfg.buckets));
        let mut empty = Vec::new();
        FeatureConfig {
            lang_feature: false,
            ..cfg
        }
        .extract("", Lang::En, &mut empty);
        assert!(empty.is_empty());
    }
}
