//! A normalised text that remembers where each of its characters came from.

use sandesh_types::Span;

/// Text after normalisation, with an alignment map back to the original.
///
/// Invariant: `chars.len() == origins.len()`, and each origin is a non-empty half-open range of
/// original characters; origins never decrease (a later character never comes from earlier text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedText {
    chars: Vec<char>,
    origins: Vec<(u32, u32)>,
    text: String,
    original_chars: usize,
}

impl NormalizedText {
    /// The identity normalisation of `original`.
    pub fn identity(original: &str) -> Self {
        let chars: Vec<char> = original.chars().collect();
        let origins = (0..chars.len() as u32).map(|i| (i, i + 1)).collect();
        let original_chars = chars.len();
        Self::from_parts(chars, origins, original_chars)
    }

    pub(crate) fn from_parts(
        chars: Vec<char>,
        origins: Vec<(u32, u32)>,
        original_chars: usize,
    ) -> Self {
        debug_assert_eq!(chars.len(), origins.len());
        let text = chars.iter().collect();
        NormalizedText {
            chars,
            origins,
            text,
            original_chars,
        }
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The normalised characters.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// For each normalised character, the original characters it came from (start, end).
    pub fn origins(&self) -> &[(u32, u32)] {
        &self.origins
    }

    /// Number of characters in the original text.
    pub fn original_len(&self) -> usize {
        self.original_chars
    }

    /// Number of normalised characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether nothing is left after normalisation.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Maps a span of normalised characters back to the original characters it came from.
    /// `None` when the span is empty or out of range.
    pub fn to_original(&self, span: Span) -> Option<Span> {
        if span.is_empty() || span.end > self.origins.len() {
            return None;
        }
        let start = self.origins[span.start].0 as usize;
        let end = self.origins[span.end - 1].1 as usize;
        Some(Span::new(start, end))
    }

    /// Applies `f` to every (char, origin) pair, which yields zero or more new pairs.
    pub(crate) fn rebuild(
        &self,
        mut f: impl FnMut(usize, char, (u32, u32), &mut Vec<(char, (u32, u32))>),
    ) -> Self {
        let mut out: Vec<(char, (u32, u32))> = Vec::with_capacity(self.chars.len());
        for (i, (&c, &o)) in self.chars.iter().zip(&self.origins).enumerate() {
            f(i, c, o, &mut out);
        }
        let (chars, origins) = out.into_iter().unzip();
        Self::from_parts(chars, origins, self.original_chars)
    }
}
