//! Removal of invisible format characters that carry no meaning.
//!
//! Zero-width spaces, bidi marks and embeddings, the BOM, soft hyphens and word joiners are
//! dropped. ZWJ and ZWNJ are kept after a letter or sign (not a digit) of an Indic script, where
//! they select conjunct or half forms (`क्‍ष`, `ক্‍ষ`); elsewhere (emoji sequences, stray copies)
//! they go.

use super::Normalizer;
use crate::scripts::is_indic;
use crate::NormalizedText;
use unicode_normalization::char::canonical_combining_class;

/// Strips invisible format characters.
pub struct StripInvisible;

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

fn is_meaningless_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

impl Normalizer for StripInvisible {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        if !input
            .chars()
            .iter()
            .any(|&c| is_meaningless_format(c) || c == ZWJ || c == ZWNJ)
        {
            return input;
        }
        input.rebuild(|_, c, o, out| {
            let keep = if c == ZWJ || c == ZWNJ {
                // The joiner belongs to the nearest kept starter before it (combining marks
                // skipped, so NFC's reordering of marks cannot change the decision): an Indic
                // letter or sign, not a digit (digits become ASCII in a later stage).
                out.iter()
                    .rev()
                    .map(|&(p, _)| p)
                    .find(|&p| canonical_combining_class(p) == 0)
                    .is_some_and(|p| is_indic(p) && !p.is_numeric())
            } else {
                !is_meaningless_format(c)
            };
            if keep {
                out.push((c, o));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        StripInvisible
            .normalize(NormalizedText::identity(s))
            .text()
            .to_string()
    }

    #[test]
    fn drops_marks_keeps_indic_joiners() {
        assert_eq!(
            run("\u{FEFF}hi\u{200B} \u{200E}sir\u{202F}"),
            "hi sir\u{202F}"
        );
        assert_eq!(run("क्\u{200D}ष"), "क्\u{200D}ष");
        assert_eq!(run("ক্\u{200C}ষ"), "ক্\u{200C}ষ");
        assert_eq!(run("👨\u{200D}👩"), "👨👩");
        assert_eq!(run("a\u{200D}\u{200D}b"), "ab");
        assert_eq!(run("क्\u{200D}\u{200D}ष"), "क्\u{200D}ष");
        // Regression (found by the random test): a joiner after a native digit went on to sit
        // after an ASCII digit, so a second normalisation removed it.
        assert_eq!(run("೫\u{200C}"), "೫");
    }
}
