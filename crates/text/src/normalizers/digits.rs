//! Digits of the Indic scripts (and Arabic-Indic, used in Urdu) to ASCII.

use super::Normalizer;
use crate::NormalizedText;

/// Maps native decimal digits to `0`–`9`.
pub struct IndicDigits;

/// Code points of native zeros; each script's digits follow its zero contiguously.
const ZEROS: [u32; 11] = [
    0x0966, // Devanagari
    0x09E6, // Bengali
    0x0A66, // Gurmukhi
    0x0AE6, // Gujarati
    0x0B66, // Odia
    0x0BE6, // Tamil
    0x0C66, // Telugu
    0x0CE6, // Kannada
    0x0D66, // Malayalam
    0x0660, // Arabic-Indic
    0x06F0, // Extended Arabic-Indic (Urdu)
];

/// The ASCII digit for a native digit, if `c` is one.
pub fn ascii_digit(c: char) -> Option<char> {
    let cp = c as u32;
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&cp))
        .and_then(|&zero| char::from_digit(cp - zero, 10))
}

impl Normalizer for IndicDigits {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        if !input
            .chars()
            .iter()
            .any(|&c| !c.is_ascii() && ascii_digit(c).is_some())
        {
            return input;
        }
        input.rebuild(|_, c, o, out| out.push((ascii_digit(c).unwrap_or(c), o)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_maps_all_ten_digits() {
        for zero in ZEROS {
            for d in 0..10 {
                let c = char::from_u32(zero + d).unwrap();
                assert_eq!(ascii_digit(c), char::from_digit(d, 10), "{c}");
            }
        }
        assert_eq!(ascii_digit('5'), None);
        assert_eq!(ascii_digit('क'), None);
        let n = IndicDigits.normalize(NormalizedText::identity("௫ ౫ ೫ ൫ ੫ ૫ ୫"));
        assert_eq!(n.text(), "5 5 5 5 5 5 5");
    }
}
