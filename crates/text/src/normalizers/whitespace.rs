//! Whitespace: every run of spaces, tabs, line breaks, NBSP or narrow NBSP becomes one space;
//! leading and trailing whitespace goes.

use super::Normalizer;
use crate::NormalizedText;

/// Collapses and trims whitespace.
pub struct CollapseWhitespace;

impl Normalizer for CollapseWhitespace {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        let chars = input.chars();
        let tidy = chars.first().is_none_or(|c| !c.is_whitespace())
            && chars.last().is_none_or(|c| !c.is_whitespace())
            && chars
                .windows(2)
                .all(|w| !w[1].is_whitespace() || (w[1] == ' ' && !w[0].is_whitespace()));
        if tidy {
            return input;
        }
        let origins = input.origins();
        let mut out_chars = Vec::with_capacity(chars.len());
        let mut out_origins: Vec<(u32, u32)> = Vec::with_capacity(chars.len());
        let mut pending: Option<(u32, u32)> = None;
        for (&c, &o) in chars.iter().zip(origins) {
            if c.is_whitespace() {
                pending = Some(match pending {
                    Some((s, _)) => (s, o.1),
                    None => o,
                });
                continue;
            }
            if let Some(space) = pending.take() {
                if !out_chars.is_empty() {
                    out_chars.push(' ');
                    out_origins.push(space);
                }
            }
            out_chars.push(c);
            out_origins.push(o);
        }
        NormalizedText::from_parts(out_chars, out_origins, input.original_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_trims() {
        let n =
            CollapseWhitespace.normalize(NormalizedText::identity(" a\u{00A0}\u{202F}\r\n b\t"));
        assert_eq!(n.text(), "a b");
        assert_eq!(n.origins()[1], (2, 7));
    }
}
