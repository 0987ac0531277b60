//! Unicode canonical composition (NFC), one normalisation segment at a time.
//!
//! NFC can join two starters (Bengali `ে` + `া` → `ো`) and reorders combining marks, so it
//! cannot run per code point. The text is cut before every *stable* character (canonical
//! combining class 0 and NFC quick check Yes: it never composes with what precedes it), the
//! boundaries at which NFC of the whole equals the concatenation of NFC of the pieces. A piece
//! that NFC leaves alone keeps its exact per-character alignment; a changed piece maps each of
//! its new characters to the piece's whole original range.

use super::Normalizer;
use crate::NormalizedText;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC normalisation.
pub struct Nfc;

fn is_stable(c: char) -> bool {
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

impl Normalizer for Nfc {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        // Indic vowel signs make the quick check say "maybe" on most Indic text, which is almost
        // always NFC already: the full check costs far less than rebuilding the text.
        match is_nfc_quick(input.chars().iter().copied()) {
            IsNormalized::Yes => return input,
            IsNormalized::Maybe
                if input
                    .chars()
                    .iter()
                    .copied()
                    .eq(input.chars().iter().copied().nfc()) =>
            {
                return input
            }
            _ => {}
        }
        let chars = input.chars();
        let origins = input.origins();
        let mut out_chars = Vec::with_capacity(chars.len());
        let mut out_origins = Vec::with_capacity(chars.len());
        let mut start = 0;
        while start < chars.len() {
            let mut end = start + 1;
            while end < chars.len() && !is_stable(chars[end]) {
                end += 1;
            }
            let piece = &chars[start..end];
            let composed: Vec<char> = piece.iter().copied().nfc().collect();
            if composed == piece {
                out_chars.extend_from_slice(piece);
                out_origins.extend_from_slice(&origins[start..end]);
            } else {
                let whole = (origins[start].0, origins[end - 1].1);
                out_origins.extend(std::iter::repeat_n(whole, composed.len()));
                out_chars.extend(composed);
            }
            start = end;
        }
        NormalizedText::from_parts(out_chars, out_origins, input.original_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_across_starters_and_orders_marks() {
        let n = Nfc.normalize(NormalizedText::identity("কে\u{9BE}x e\u{301}"));
        assert_eq!(n.text(), "কোx é");
        assert_eq!(n.origins()[1], (1, 3));
        assert_eq!(n.origins()[2], (3, 4));
        // Marks are put in canonical order even with no base before them.
        let marks = Nfc.normalize(NormalizedText::identity("\u{301}\u{327}"));
        assert_eq!(marks.text(), "\u{327}\u{301}");
    }

    #[test]
    fn agrees_with_whole_string_nfc() {
        // Regression (found by fuzzing): marks on either side of an unassigned code point.
        for s in [
            "\u{327}\u{337}\u{33F}\u{32F}\u{33F}\u{32F}\u{337}\u{337}\u{337}\u{337}\u{327}\u{31B}\u{31B}\u{327}\u{5C9}\u{337}",
            "a\u{308}\u{301}\u{327}",
            "ಕೈ\u{CD5}",
        ] {
            let whole: String = s.nfc().collect();
            assert_eq!(Nfc.normalize(NormalizedText::identity(s)).text(), whole, "{s:?}");
        }
    }
}
