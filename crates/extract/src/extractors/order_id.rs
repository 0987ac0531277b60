//! Order, invoice, bill, PO, ticket, complaint, booking, AWB, LR, challan, UTR and transaction
//! references: anchored by a keyword nearby, or by a shape that can only be an ID.

use crate::lexicon::{currency_before, unit_word};
use crate::scan::{Gap, TokKind};
use crate::{Candidate, Extractor, Input};
use sandesh_types::EntityKind;

/// Keywords after which any reference of three or more digits is an ID.
#[rustfmt::skip]
const STRONG: &[&str] = &[
    "order", "orders", "ord", "oid", "invoice", "inv", "ticket", "tkt", "complaint", "complain",
    "booking", "pnr", "awb", "lr", "bilty", "builty", "challan", "chalan", "utr", "txn", "transaction",
    "trxn", "trn", "ref", "reference", "refno", "rrn", "tracking", "docket", "consignment", "receipt",
    "rcpt", "jobcard", "case", "srn", "request", "shipment", "parcel", "po", "bill", "quotation",
    "ऑर्डर", "आर्डर", "ऑडर", "इनवॉइस", "बिल", "टिकट", "बुकिंग", "बिल्टी", "शिकायत", "चालान", "रसीद",
    "অর্ডার", "চালান", "বিল", "টিকিট", "ஆர்டர்", "பில்", "டிக்கெட்", "ఆర్డర్", "బిల్", "బిల్లు",
    "టికెట్", "ಆರ್ಡರ್", "ಬಿಲ್", "ಟಿಕೆಟ್", "ഓർഡർ", "ബിൽ", "ടിക്കറ്റ്", "ઓર્ડર", "બિલ", "ટિકિટ",
    "ਆਰਡਰ", "ਬਿੱਲ", "ਟਿਕਟ", "ਬਿਲਟੀ", "संदर्भ", "ಚಲನ್", "చలాన్", "ચલણ", "ਚਲਾਨ", "ചലാൻ", "சலான்",
    "ಎಲ್‌ಆರ್", "യുടിആർ", "यूटीआर", "एलआर", "કમ્પ્લેન", "कंप्लेंट", "কমপ্লেন", "बिल्टी", "बिलटी", "इनवॉइस", "इन्वॉइस", "ಇನ್ವಾಯ್ಸ್", "ఇన్వాయిస్", "ഇൻവോയ്സ്", "ઇન્વૉઇસ", "ইনভয়েস",
];

/// Keywords that are also money words ("bill 1500 hua"): a plain number after them is an ID
/// only with a filler such as `no` or `#` between, or five digits or more.
const WEAK: &[&str] = &[
    "bill",
    "po",
    "invoice",
    "inv",
    "बिल",
    "বিল",
    "பில்",
    "బిల్",
    "బిల్లు",
    "ಬಿಲ್",
    "ബിൽ",
    "બિલ",
    "ਬਿੱਲ",
    "receipt",
    "quotation",
];

#[rustfmt::skip]
const FILLERS: &[&str] = &[
    "no", "num", "number", "nr", "id", "#", ":", "-", "is", "hai", "h", "ka", "ki", "ke", "=", ".",
    "nos", "ref", "details", "नंबर", "नं", "क्र", "नंबर:", "ನಂ", "ನಂಬರ್", "నం", "నంబర్", "নং", "নম্বর",
    "નં", "નંબર", "ਨੰ", "ਨੰਬਰ", "எண்", "நம்பர்", "നമ്പർ", "no.", "code", "ka", "wala", "waala",
    "mera", "my", "your", "the", "with", "for", "of", "tracking", "awb", "lr", "utr", "ref",
    "संख्या", "क्रमांक", "नं.",
];

/// Words before a code that is not an order's: employee and student codes, vehicles.
const NOT_ORDER_CUES: &[&str] = &[
    "employee",
    "emp",
    "staff",
    "roll",
    "student",
    "member",
    "vehicle",
    "gaadi",
    "gadi",
    "truck",
    "car",
    "bike",
    "registration",
    "reg",
    "licence",
    "license",
    "dl",
    "pan",
    "aadhaar",
    "aadhar",
    "ifsc",
    "passport",
    "voter",
];

/// Words that join a second ID to the first (`bill 771 aur 802`).
const JOINERS: &[&str] = &[
    ",", "and", "aur", "&", "और", "/", "ani", "ane", "o", "mattu", "mariyu", "um", "te", "ar", "আর",
];

static STRONG_SET: std::sync::LazyLock<crate::lexicon::HashSet<String>> =
    std::sync::LazyLock::new(|| crate::lexicon::build_set(STRONG));
static FILLER_SET: std::sync::LazyLock<crate::lexicon::HashSet<String>> =
    std::sync::LazyLock::new(|| crate::lexicon::build_set(FILLERS));

/// A token run that may be an ID: glued alphanumeric tokens with `-`, `/`, `_` inside.
struct Run {
    first: usize,
    last: usize,
    digits: usize,
    letters: usize,
    plain_digits: bool,
}

fn run_at(input: &Input<'_>, i: usize) -> Option<Run> {
    let scan = &input.scan;
    let is_part = |k: usize| match scan.kind(k) {
        Some(TokKind::Num) => !scan.tok(k).contains([',', '.']),
        Some(TokKind::Word) => scan.tok(k).bytes().all(|b| b.is_ascii_alphabetic()),
        _ => false,
    };
    if !is_part(i) {
        return None;
    }
    let mut last = i;
    let mut k = i + 1;
    loop {
        if is_part(k) && scan.glued(k) {
            last = k;
            k += 1;
        } else if matches!(scan.tok(k), "-" | "/" | "_")
            && scan.glued(k)
            && is_part(k + 1)
            && scan.glued(k + 1)
        {
            last = k + 1;
            k += 2;
        } else {
            break;
        }
    }
    let text = &scan.text()[scan.toks[i].bstart..scan.toks[last].bend];
    let digits = text.bytes().filter(|b| b.is_ascii_digit()).count();
    let letters = text.bytes().filter(|b| b.is_ascii_alphabetic()).count();
    Some(Run {
        first: i,
        last,
        digits,
        letters,
        plain_digits: digits == text.len(),
    })
}

/// Whether the run is a date (`15/08/2025`), a clock time or a money or unit expression.
fn looks_like_other(input: &Input<'_>, r: &Run) -> bool {
    let scan = &input.scan;
    let text = &scan.text()[scan.toks[r.first].bstart..scan.toks[r.last].bend];
    let parts: Vec<&str> = text.split(['/', '-']).collect();
    if parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
        && parts[0].len() <= 2
        && parts[1].len() <= 2
    {
        return true;
    }
    let lead: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let tail: String = text
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let tail: String = tail.chars().rev().collect();
    !lead.is_empty()
        && (currency_before(&lead).is_some()
            || matches!(
                lead.as_str(),
                "rs" | "no" | "ph" | "mob" | "pin" | "gst" | "otp"
            ))
        || (!tail.is_empty()
            && r.letters == tail.len()
            && (unit_word(&tail).is_some()
                || matches!(
                    tail.as_str(),
                    "am" | "pm"
                        | "st"
                        | "nd"
                        | "rd"
                        | "th"
                        | "k"
                        | "lakh"
                        | "cr"
                        | "l"
                        | "hrs"
                        | "min"
                        | "mins"
                        | "days"
                        | "gb"
                        | "mb"
                        | "mah"
                        | "w"
                        | "kw"
                        | "hp"
                        | "cc"
                        | "bhk"
                        | "g"
                        | "x"
                )))
}

/// `#45821`, `OD1234567890`, `ORD-2024-0098`, `INV/23-24/118`, `UTR 412345678901`.
#[derive(Debug, Default, Clone, Copy)]
pub struct OrderIdExtractor;

impl Extractor for OrderIdExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::OrderId
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        if !scan.text().bytes().any(|b| b.is_ascii_digit()) {
            return;
        }
        let mut taken_until = 0;
        for i in 0..scan.len() {
            if i < taken_until {
                continue;
            }
            let t = scan.tok(i);
            // Keyword-anchored.
            if STRONG_SET.contains(t) {
                let weak = WEAK.contains(&t);
                let mut k = i + 1;
                let mut filler = false;
                let mut hash = false;
                // The keyword glued to its number is one ID (`INV-1182`, `ORD58820193`).
                if let Some(r) = run_at(input, i).filter(|r| r.digits >= 3 && r.last > i) {
                    if !looks_like_other(input, &r) && !glued_alnum(input, r.last + 1) {
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::OrderId,
                            i,
                            r.last,
                            super::priority::ORDER_ID_KEYWORD,
                        ));
                        taken_until = r.last + 1;
                        continue;
                    }
                }
                while k < scan.len()
                    && k <= i + 4
                    && FILLER_SET.contains(scan.tok(k))
                    && !(scan.kind(k) == Some(TokKind::Word) && glued_alnum(input, k + 1))
                {
                    filler |= scan.tok(k) != "-" && scan.tok(k) != ":";
                    hash |= scan.tok(k) == "#";
                    if scan.toks[k].gap == Gap::Newline {
                        break;
                    }
                    k += 1;
                }
                if k < scan.len() && scan.toks[k].gap != Gap::Newline {
                    if let Some(r) = run_at(input, k) {
                        let round = scan.tok(r.first).parse::<u64>().is_ok_and(|v| v % 10 == 0);
                        let enough = if r.plain_digits {
                            r.digits >= 3
                                && (!weak
                                    || filler
                                    || hash
                                    || r.digits >= 5
                                    || (!round && r.first == r.last))
                        } else {
                            r.digits >= 1 && r.digits + r.letters >= 3
                        };
                        let unit_after = unit_word(scan.tok(r.last + 1)).is_some()
                            || currency_after_tok(input, r.last + 1);
                        if enough
                            && !unit_after
                            && !looks_like_other(input, &r)
                            && !phone_like(input, &r)
                        {
                            let start_tok = if k > 0 && scan.is(k - 1, "#") && scan.glued(k) {
                                k - 1
                            } else {
                                k
                            };
                            // `4128 7730 1192`: a reference written in groups of four.
                            let mut last = r.last;
                            if r.plain_digits && scan.tok(r.first).len() == 4 && r.first == r.last {
                                while scan.kind(last + 1) == Some(TokKind::Num)
                                    && scan.tok(last + 1).len() == 4
                                    && scan.toks[last + 1].gap == Gap::Space
                                {
                                    last += 1;
                                }
                            }
                            out.push(Candidate::tokens(
                                scan,
                                EntityKind::OrderId,
                                start_tok,
                                last,
                                super::priority::ORDER_ID_KEYWORD,
                            ));
                            taken_until = last + 1;
                            // More IDs of the same kind joined to the first.
                            let mut j = last + 1;
                            while JOINERS.contains(&scan.tok(j)) {
                                let hash = scan.is(j + 1, "#");
                                let at = if hash { j + 2 } else { j + 1 };
                                let Some(r2) = run_at(input, at) else { break };
                                if (r2.plain_digits != r.plain_digits && !r2.plain_digits)
                                    || r2.digits < 3
                                    || looks_like_other(input, &r2)
                                    || glued_alnum(input, r2.last + 1)
                                {
                                    break;
                                }
                                let s2 = if hash { j + 1 } else { at };
                                out.push(Candidate::tokens(
                                    scan,
                                    EntityKind::OrderId,
                                    s2,
                                    r2.last,
                                    super::priority::ORDER_ID_KEYWORD,
                                ));
                                taken_until = r2.last + 1;
                                j = r2.last + 1;
                            }
                            continue;
                        }
                    }
                }
            }
            // `#45821` anywhere.
            if t == "#" && scan.glued(i + 1) {
                if let Some(r) = run_at(input, i + 1) {
                    if r.digits >= 3 && !looks_like_other(input, &r) {
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::OrderId,
                            i,
                            r.last,
                            super::priority::ORDER_ID_SHAPE,
                        ));
                        taken_until = r.last + 1;
                        continue;
                    }
                }
            }
            // Shapes that can only be IDs: letters then digits (`OD1234567890`, `ORD-2024-0098`),
            // unless they follow words for staff, students or vehicles.
            let personal = (1..=2).any(|b| i >= b && NOT_ORDER_CUES.contains(&scan.tok(i - b)));
            if scan.kind(i) == Some(TokKind::Word) && (i == 0 || !scan.glued(i)) && !personal {
                if let Some(r) = run_at(input, i) {
                    let text = &scan.text()[scan.toks[r.first].bstart..scan.toks[r.last].bend];
                    // Letter groups (`hyd-bk-`), then digits and separators only.
                    let digits_from = text
                        .find(|c: char| c.is_ascii_digit())
                        .unwrap_or(text.len());
                    let (head, tail) = text.split_at(digits_from);
                    let lead = head.bytes().filter(|b| b.is_ascii_alphabetic()).count();
                    let head_ok = head
                        .split(['-', '/', '_'])
                        .filter(|g| !g.is_empty())
                        .all(|g| g.len() <= 6 && g.bytes().all(|b| b.is_ascii_alphabetic()));
                    let separated = head.ends_with(['-', '/', '_']);
                    let rest_ok = tail
                        .bytes()
                        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b'_'));
                    let ifsc = lead == 4 && text.len() == 11 && text.as_bytes()[4] == b'0';
                    let enough = if separated {
                        r.digits >= 3
                    } else {
                        (lead >= 2 && r.digits >= 4) || r.digits >= 8
                    };
                    if lead >= 1
                        && head_ok
                        && rest_ok
                        && enough
                        && !ifsc
                        && !glued_alnum(input, r.last + 1)
                        && !looks_like_other(input, &r)
                    {
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::OrderId,
                            r.first,
                            r.last,
                            super::priority::ORDER_ID_SHAPE,
                        ));
                        taken_until = r.last + 1;
                    }
                }
            }
        }
    }
}

/// Whether token `k` is a letter or digit token written right after the previous one.
fn glued_alnum(input: &Input<'_>, k: usize) -> bool {
    input.scan.glued(k) && matches!(input.scan.kind(k), Some(TokKind::Word | TokKind::Num))
}

/// A landline written `040-2335 6617`, or digits that continue into a phone number.
fn phone_like(input: &Input<'_>, r: &Run) -> bool {
    let scan = &input.scan;
    if !r.plain_digits
        && !scan.text()[scan.toks[r.first].bstart..scan.toks[r.last].bend]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-')
    {
        return false;
    }
    let text = &scan.text()[scan.toks[r.first].bstart..scan.toks[r.last].bend];
    let mut digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let spaced_next =
        scan.kind(r.last + 1) == Some(TokKind::Num) && scan.toks[r.last + 1].gap == Gap::Space;
    if spaced_next {
        digits.push_str(scan.tok(r.last + 1));
    }
    (text.contains('-') || spaced_next)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && super::phone::national_number(&digits, false).is_some()
}

fn currency_after_tok(input: &Input<'_>, k: usize) -> bool {
    let t = input.scan.tok(k);
    !t.is_empty() && crate::lexicon::currency_after(t).is_some()
}
