//! Indian phone numbers: ten-digit mobiles starting 6-9, and landlines written with their trunk
//! `0` or `+91` (STD code of 2-4 digits, ten digits in all), in any grouping, normalised to E.164.

use crate::scan::{Gap, TokKind};
use crate::{Candidate, Extractor, Input};
use sandesh_types::{EntityKind, EntityValue};

/// Words that may be glued before a number and still leave it a phone (`mob9876543210`).
const GLUED_CUES: &[&str] = &[
    "mob", "m", "ph", "tel", "no", "call", "whatsapp", "wa", "mo", "contact", "cell",
];

/// `98765 43210`, `+91-9876543210`, `080-2345 6789` → `+919876543210`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PhoneExtractor;

/// The national significant number of `digits`, when they make a valid Indian number.
/// `trunk` says whether a `+`, `0` or `91` prefix was written.
pub(crate) fn national_number(digits: &str, plus: bool) -> Option<String> {
    let (nsn, prefixed) = match digits.len() {
        10 => (digits, false),
        11 if digits.starts_with('0') => (&digits[1..], true),
        12 if digits.starts_with("91") => (&digits[2..], true),
        13 if digits.starts_with("091") => (&digits[3..], true),
        14 if digits.starts_with("0091") => (&digits[4..], true),
        _ => return None,
    };
    let first = nsn.as_bytes()[0];
    let ok = match first {
        b'6'..=b'9' => true,
        b'1'..=b'5' => prefixed || plus,
        _ => false,
    };
    ok.then(|| nsn.to_string())
}

impl Extractor for PhoneExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Phone
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let n = scan.len();
        let mut i = 0;
        while i < n {
            if scan.kind(i) != Some(TokKind::Num)
                || !scan.tok(i).bytes().all(|b| b.is_ascii_digit())
            {
                i += 1;
                continue;
            }
            // Gather a chain of digit groups joined by spaces, `-`, `.`, or brackets.
            let mut groups = vec![i];
            let mut j = i + 1;
            while j < n && groups.len() < 6 {
                let sep_ok = |k: usize| matches!(scan.tok(k), "-" | "." | ")" | "(" | "–");
                if scan.kind(j) == Some(TokKind::Num)
                    && scan.toks[j].gap == Gap::Space
                    && scan.tok(j).bytes().all(|b| b.is_ascii_digit())
                {
                    groups.push(j);
                    j += 1;
                } else if sep_ok(j)
                    && scan.kind(j + 1) == Some(TokKind::Num)
                    && scan.tok(j + 1).bytes().all(|b| b.is_ascii_digit())
                    && scan.toks[j + 1].gap != Gap::Newline
                    && scan.toks[j].gap != Gap::Newline
                {
                    groups.push(j + 1);
                    j += 2;
                } else {
                    break;
                }
            }
            // The longest valid sub-chain starting at the earliest group.
            let mut found = None;
            'outer: for s in 0..groups.len() {
                for e in (s + 1..=groups.len()).rev() {
                    let digits: String = groups[s..e].iter().map(|&g| scan.tok(g)).collect();
                    if digits.len() < 10 {
                        break;
                    }
                    let first = groups[s];
                    let plus = first > 0 && scan.is(first - 1, "+");
                    if let Some(nsn) = national_number(&digits, plus) {
                        found = Some((s, e, nsn, plus));
                        break 'outer;
                    }
                }
            }
            let Some((s, e, nsn, plus)) = found else {
                i = groups.last().map_or(i + 1, |g| g + 1);
                continue;
            };
            let first = groups[s];
            let last = groups[e - 1];
            // Not part of a longer alphanumeric token (an order ID) unless a phone cue is glued.
            let glued_before = scan.glued(first)
                && !plus
                && match scan.kind(first - 1) {
                    Some(TokKind::Word) => !GLUED_CUES.contains(&scan.tok(first - 1)),
                    Some(TokKind::Sym) => {
                        matches!(scan.tok(first - 1), "#" | "₹" | "$" | "/" | "@")
                    }
                    _ => true,
                };
            let glued_after = last + 1 < n
                && scan.glued(last + 1)
                && (scan.kind(last + 1) == Some(TokKind::Word) || scan.is(last + 1, "@"));
            if glued_before || glued_after {
                i = last + 1;
                continue;
            }
            // A `+` or an opening bracket written on the number belongs to it.
            let start_tok = if plus || (scan.is(first.wrapping_sub(1), "(") && scan.glued(first)) {
                first - 1
            } else {
                first
            };
            out.push(
                Candidate::tokens(
                    scan,
                    EntityKind::Phone,
                    start_tok,
                    last,
                    super::priority::PHONE,
                )
                .with_value(EntityValue::Text(format!("+91{nsn}"))),
            );
            i = last + 1;
        }
    }
}
