//! GST identification numbers: state code, PAN, entity number, `Z`, check character.

use crate::{Candidate, Extractor, Input};
use sandesh_types::EntityKind;

/// `27AAPFU0939F1ZV`, upper-cased.
#[derive(Debug, Default, Clone, Copy)]
pub struct GstinExtractor;

/// Whether 15 lower-cased ASCII characters have the GSTIN shape with a real state code.
pub(crate) fn is_gstin_shape(s: &[char]) -> bool {
    if s.len() != 15 {
        return false;
    }
    let d = |i: usize| s[i].is_ascii_digit();
    let l = |i: usize| s[i].is_ascii_lowercase();
    let shape = d(0)
        && d(1)
        && (2..7).all(l)
        && (7..11).all(d)
        && l(11)
        && (s[12].is_ascii_lowercase() || ('1'..='9').contains(&s[12]))
        && s[13] == 'z'
        && s[14].is_ascii_alphanumeric();
    if !shape {
        return false;
    }
    let state = (s[0] as u32 - '0' as u32) * 10 + (s[1] as u32 - '0' as u32);
    (1..=38).contains(&state) || state == 97 || state == 99
}

/// The GSTN check character of the first 14 characters (upper-case).
pub fn gstin_check_char(first14: &str) -> Option<char> {
    const CODE: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut sum = 0u32;
    for (i, c) in first14.bytes().enumerate() {
        let v = CODE.iter().position(|&x| x == c.to_ascii_uppercase())? as u32;
        let p = v * if i % 2 == 0 { 1 } else { 2 };
        sum += p / 36 + p % 36;
    }
    if first14.len() != 14 {
        return None;
    }
    Some(CODE[((36 - sum % 36) % 36) as usize] as char)
}

/// Whether `gst`, `gstin`, `gst no` and the like stand within three tokens before char `c`.
fn keyword_before(input: &Input<'_>, c: usize) -> bool {
    let scan = &input.scan;
    let Ok(t) = scan.toks.binary_search_by_key(&c, |t| t.start) else {
        return false;
    };
    (1..=3).any(|b| {
        t >= b
            && matches!(
                scan.tok(t - b),
                "gst" | "gstin" | "gstn" | "जीएसटी" | "ജിഎസ്ടി" | "জিএসটি"
            )
    })
}

impl Extractor for GstinExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Gstin
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let chars = input.scan.norm.chars();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            // A run of 15, or a run ending in 15 after a glued `gstin`/`gst` label.
            if i - start >= 15 {
                let s = i - 15;
                let label: String = chars[start..s].iter().collect();
                let glued_label = label == "gstin" || label == "gst" || label == "gstno";
                let first14: String = chars[s..s + 14].iter().collect();
                let checked = gstin_check_char(&first14)
                    .is_some_and(|c| c.eq_ignore_ascii_case(&chars[s + 14]));
                if (s == start || glued_label)
                    && is_gstin_shape(&chars[s..i])
                    && (checked || glued_label || keyword_before(input, s))
                {
                    out.push(Candidate::new(
                        EntityKind::Gstin,
                        s,
                        i,
                        super::priority::GSTIN,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_of_a_published_example() {
        // The format example of the GST portal's own help text.
        assert_eq!(gstin_check_char("27AAPFU0939F1Z"), Some('V'));
        assert_eq!(gstin_check_char("27AAPFU0939F1"), None);
    }
}
