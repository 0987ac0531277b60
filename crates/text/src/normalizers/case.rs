//! Case folding of Latin letters. Indic scripts have no case; other scripts are left alone.
//! The result is put back into NFC, so the stage keeps NFC text in NFC.

use super::{Nfc, Normalizer};
use crate::NormalizedText;

/// Lower-cases Latin letters.
pub struct LowercaseLatin;

fn is_latin(c: char) -> bool {
    matches!(c, 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{FF21}'..='\u{FF3A}')
}

impl Normalizer for LowercaseLatin {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        if !input
            .chars()
            .iter()
            .any(|&c| is_latin(c) && c.is_uppercase())
        {
            return input;
        }
        let lowered = input.rebuild(|_, c, o, out| {
            if is_latin(c) && c.is_uppercase() {
                out.extend(c.to_lowercase().map(|l| (l, o)));
            } else {
                out.push((c, o));
            }
        });
        // Lowering `İ` gives `i` + a combining dot, which may need composing or reordering
        // with the marks after it: keep the text in NFC.
        Nfc.normalize(lowered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowers_latin_only() {
        let n = LowercaseLatin.normalize(NormalizedText::identity("ORDER Ä İ Ω क"));
        assert_eq!(n.text(), "order ä i\u{307} Ω क");
        assert_eq!(n.len(), 14);
        assert_eq!(n.origins()[8], (8, 9));
        assert_eq!(n.origins()[9], (8, 9));
    }
}
