//! Tokens over the normalised text: numbers, words and single symbols, with the whitespace
//! before each, so extractors can look at neighbours without re-reading characters.

use sandesh_text::NormalizedText;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// ASCII digits, with `,` or `.` allowed between digits (`1,50,000`, `2.5`).
    Num,
    /// Letters of any script with their combining marks.
    Word,
    /// Any other single character that is not whitespace.
    Sym,
}

/// The whitespace before a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Written right after the previous token (or at the start of the text).
    None,
    /// Spaces or tabs.
    Space,
    /// At least one line break.
    Newline,
}

/// One token; offsets are in normalised characters and bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
    pub bstart: usize,
    pub bend: usize,
    pub gap: Gap,
}

/// The normalised text with its tokens.
pub(crate) struct Scan<'a> {
    pub norm: &'a NormalizedText,
    pub toks: Vec<Tok>,
    /// The number word each word token is, looked up once (several extractors ask).
    num_words: Vec<Option<crate::lexicon::NumWord>>,
    /// Byte offset of each normalised character, plus the total length.
    char_bytes: Vec<usize>,
}

pub(crate) fn is_mark(c: char) -> bool {
    // Combining marks of the Indic blocks that `char::is_alphabetic` leaves out (virama, nukta,
    // some signs), joiners, and the general combining diacritics.
    let u = c as u32;
    (0x0300..=0x036F).contains(&u)
        || u == 0x200C
        || u == 0x200D
        || ((0x0900..=0x0DFF).contains(&u)
            && !c.is_alphabetic()
            && !c.is_numeric()
            && !matches!(u, 0x0964 | 0x0965 | 0x0970 | 0x0AF0 | 0x0DF4))
}

pub(crate) fn is_word_char(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphabetic();
    }
    // Fast path for the Indic blocks (each 128 code points, digits at offsets 0x66-0x6F): the
    // Unicode tables are a fifth of extraction time otherwise.
    if (0x0900..=0x0DFF).contains(&u) {
        return !((0x66..=0x6F).contains(&(u & 0x7F))
            || matches!(u, 0x0964 | 0x0965 | 0x0970 | 0x0AF0 | 0x0DF4));
    }
    c.is_alphabetic() || is_mark(c)
}

impl<'a> Scan<'a> {
    pub fn new(norm: &'a NormalizedText) -> Self {
        let chars = norm.chars();
        let mut char_bytes = Vec::with_capacity(chars.len() + 1);
        let mut b = 0;
        for c in chars {
            char_bytes.push(b);
            b += c.len_utf8();
        }
        char_bytes.push(b);
        let mut toks = Vec::new();
        let mut i = 0;
        let mut gap = Gap::None;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                if c == '\n' || c == '\r' {
                    gap = Gap::Newline;
                } else if gap == Gap::None {
                    gap = Gap::Space;
                }
                i += 1;
                continue;
            }
            let start = i;
            let kind = if c.is_ascii_digit() {
                i += 1;
                while i < chars.len() {
                    if chars[i].is_ascii_digit() {
                        i += 1;
                    } else if matches!(chars[i], ',' | '.')
                        && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                    {
                        i += 2;
                    } else {
                        break;
                    }
                }
                TokKind::Num
            } else if is_word_char(c) {
                i += 1;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                TokKind::Word
            } else {
                i += 1;
                TokKind::Sym
            };
            toks.push(Tok {
                kind,
                start,
                end: i,
                bstart: char_bytes[start],
                bend: char_bytes[i],
                gap,
            });
            gap = Gap::None;
        }
        let text = norm.text();
        let num_words = toks
            .iter()
            .map(|t| match t.kind {
                TokKind::Word => crate::lexicon::number_word(&text[t.bstart..t.bend]),
                _ => None,
            })
            .collect();
        Scan {
            norm,
            toks,
            num_words,
            char_bytes,
        }
    }

    /// The normalised text.
    pub fn text(&self) -> &'a str {
        self.norm.text()
    }

    /// The text of token `i` (empty when out of range).
    pub fn tok(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) => &self.norm.text()[t.bstart..t.bend],
            None => "",
        }
    }

    /// The end (exclusive) of a span whose next token is `end`, extended over a native-script
    /// case ending written on it, directly or after a hyphen (`9ಕ್ಕೆ`, `8:30-க்கு`, `18,000-னு`).
    pub fn suffix_end(&self, end: usize) -> usize {
        let native_word = |k: usize| self.kind(k) == Some(TokKind::Word) && !self.tok(k).is_ascii();
        if self.glued(end) && native_word(end) {
            end + 1
        } else if self.glued(end)
            && self.is(end, "-")
            && self.glued(end + 1)
            && native_word(end + 1)
        {
            end + 2
        } else {
            end
        }
    }

    /// The number word token `i` is, if it is a word and one.
    pub fn num_word(&self, i: usize) -> Option<crate::lexicon::NumWord> {
        self.num_words.get(i).copied().flatten()
    }

    pub fn kind(&self, i: usize) -> Option<TokKind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub fn is(&self, i: usize, s: &str) -> bool {
        self.toks.get(i).is_some() && self.tok(i) == s
    }

    /// Whether token `i` is written right after token `i - 1`, with no space.
    pub fn glued(&self, i: usize) -> bool {
        i > 0 && self.toks.get(i).is_some_and(|t| t.gap == Gap::None)
    }

    /// Whether a line break comes before token `i` (or it is the first token).
    pub fn line_start(&self, i: usize) -> bool {
        i == 0 || self.toks.get(i).is_some_and(|t| t.gap == Gap::Newline)
    }

    /// Character index of a byte offset of the normalised text.
    pub fn char_at_byte(&self, byte: usize) -> usize {
        match self.char_bytes.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }
}
