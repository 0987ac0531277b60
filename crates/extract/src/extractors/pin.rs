//! Indian postal PIN codes: six digits, first 1-9, after a PIN keyword or at the end of an
//! address.

use crate::scan::TokKind;
use crate::{Candidate, Extractor, Input};
use sandesh_types::{EntityKind, EntityValue};

const PIN_CUES: &[&str] = &[
    "pin",
    "pincode",
    "pinkod",
    "zip",
    "zipcode",
    "postal",
    "पिन",
    "पिनकोड",
    "পিন",
    "পিনকোড",
    "பின்",
    "பின்கோடு",
    "పిన్",
    "పిన్‌కోడ్",
    "ಪಿನ್",
    "ಪಿನ್‌ಕೋಡ್",
    "പിൻ",
    "പിൻകോഡ്",
    "પિન",
    "પિનકોડ",
    "ਪਿੰਨ",
    "ਪਿਨ",
    "ਪਿੰਨਕੋਡ",
];
const FILLERS: &[&str] = &["code", "no", ":", "-", ".", "number", "कोड", "is", "=", "#"];
const ADDRESS_CUES: &[&str] = &[
    "road",
    "rd",
    "nagar",
    "colony",
    "sector",
    "street",
    "lane",
    "near",
    "opp",
    "opposite",
    "flat",
    "house",
    "floor",
    "building",
    "apartment",
    "apartments",
    "apt",
    "society",
    "marg",
    "chowk",
    "bazar",
    "bazaar",
    "market",
    "dist",
    "district",
    "taluka",
    "tehsil",
    "village",
    "west",
    "east",
    "layout",
    "cross",
    "main",
    "phase",
    "block",
    "plot",
    "address",
    "addr",
    "pata",
    "deliver",
    "delivery",
    "ship",
    "shipping",
    "courier",
    "location",
    "area",
    "city",
    "nivas",
    "residency",
    "enclave",
    "vihar",
    "puram",
    "palayam",
    "peth",
    "wadi",
    "pada",
    "gali",
    "mohalla",
    "tower",
    "पता",
    "रोड",
    "नगर",
    "पत्ता",
    "ঠিকানা",
    "முகவரி",
    "చిరునామా",
    "ವಿಳಾಸ",
    "വിലാസം",
    "સરનામું",
    "ਪਤਾ",
];

/// Words after which six digits are a code of another kind.
const NOT_PLACES: &[&str] = &[
    "otp",
    "code",
    "id",
    "no",
    "number",
    "ref",
    "order",
    "bill",
    "ticket",
    "invoice",
    "txn",
    "utr",
    "account",
    "ac",
    "a/c",
    "customer",
    "emp",
    "employee",
    "roll",
    "reg",
    "registration",
    "pnr",
    "booking",
    "token",
    "password",
    "pass",
    "serial",
    "sr",
    "imei",
    "model",
    "is",
    "hai",
    "total",
];

/// `560001`, `PIN: 110 092`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PinExtractor;

impl Extractor for PinExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Pin
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let mut address = None;
        for i in 0..scan.len() {
            if scan.kind(i) != Some(TokKind::Num) {
                continue;
            }
            let t = scan.tok(i);
            let (end_tok, digits) = if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
                (i, t.to_string())
            } else if t.len() == 3
                && t.bytes().all(|b| b.is_ascii_digit())
                && scan.kind(i + 1) == Some(TokKind::Num)
                && scan.tok(i + 1).len() == 3
                && !scan.glued(i + 1)
                && !scan.glued(i + 2)
            {
                (i + 1, format!("{t}{}", scan.tok(i + 1)))
            } else {
                continue;
            };
            if digits.starts_with('0') {
                continue;
            }
            // Not glued into a longer token.
            if (scan.glued(i) && scan.kind(i - 1) != Some(TokKind::Sym))
                || (scan.glued(end_tok + 1) && scan.kind(end_tok + 1) != Some(TokKind::Sym))
            {
                continue;
            }
            let mut k = i;
            let mut steps = 0;
            while k > 0 && steps < 3 && FILLERS.contains(&scan.tok(k - 1)) {
                k -= 1;
                steps += 1;
            }
            let keyword = k > 0 && PIN_CUES.contains(&scan.tok(k - 1))
                || (k > 1 && scan.tok(k - 1) == "code" && scan.tok(k - 2) == "pin");
            let keyword = keyword || (k > 0 && scan.tok(k - 1).ends_with("pincode"));
            let priority = if keyword {
                super::priority::PIN_KEYWORD
            } else {
                let has_address = *address.get_or_insert_with(|| {
                    (0..scan.len()).any(|j| ADDRESS_CUES.contains(&scan.tok(j)))
                });
                // After a place name: a capitalised or native-script word, or a word and a comma.
                let prev = scan.tok(i.wrapping_sub(1));
                let word_before = i > 0
                    && scan.kind(i - 1) == Some(TokKind::Word)
                    && !NOT_PLACES.contains(&prev)
                    && !crate::lexicon::is_money_cue(prev);
                let place_like = word_before
                    && (!prev.is_ascii()
                        || input
                            .original_char(scan.toks[i - 1].start)
                            .is_some_and(char::is_uppercase));
                let punct_after_word = i > 1
                    && matches!(prev, "-" | "," | "–")
                    && scan.kind(i - 2) == Some(TokKind::Word)
                    && !NOT_PLACES.contains(&scan.tok(i - 2));
                if !(place_like || punct_after_word || (has_address && word_before)) {
                    continue;
                }
                super::priority::PIN_ADDRESS
            };
            out.push(
                Candidate::tokens(scan, EntityKind::Pin, i, end_tok, priority)
                    .with_value(EntityValue::Text(digits)),
            );
        }
    }
}
