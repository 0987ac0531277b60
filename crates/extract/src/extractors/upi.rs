//! UPI virtual payment addresses: `handle@psp`, checked against the handle grammar (a local part
//! of 2-256 letters, digits, `.`, `-`, `_`; a PSP handle of letters and digits) and a list of the
//! PSP handles banks and apps issue. An unknown handle counts only when the message speaks of UPI.

use crate::lexicon::HashSet;
use crate::{Candidate, Extractor, Input};
use regex::Regex;
use sandesh_types::EntityKind;
use std::sync::LazyLock;

static UPI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[a-z0-9][a-z0-9._\-]{1,255}@[a-z][a-z0-9]{1,63}")
        .expect("the UPI pattern compiles")
});

/// PSP handles of the UPI apps and banks, as written after the `@`.
#[rustfmt::skip]
const HANDLES: &[&str] = &[
    "ybl", "ibl", "axl", "paytm", "pthdfc", "ptsbi", "ptaxis", "ptyes", "okhdfcbank", "okicici",
    "oksbi", "okaxis", "okbizaxis", "upi", "apl", "yapl", "rapl", "abfspay", "axisbank", "axisb",
    "hdfcbank", "hdfcbankjd", "icici", "sbi", "kotak", "kotak811", "kmbl", "indus", "federal", "fbl",
    "idfcbank", "idfcfirst", "aubank", "rbl", "freecharge", "jio", "airtel", "airtelpaymentsbank",
    "waicici", "wahdfcbank", "waaxis", "wasbi", "ikwik", "mobikwik", "barodampay", "pnb",
    "unionbank", "unionbankofindia", "uboi", "cnrb", "boi", "mahb", "kbl", "kvb", "tjsb", "yesbank",
    "yesbankltd", "equitas", "jupiteraxis", "slice", "timecosmos", "naviaxis", "superyes",
    "dbs", "hsbc", "sc", "citi", "citigold", "dlb", "jkb", "pockets", "postbank", "sib", "tmb",
    "uco", "united", "allbank", "andb", "cboi", "centralbank", "csbpay", "dcb", "idbi", "iob",
    "indianbank", "lvb", "psb", "rmhdfcbank", "scb", "ubi", "utbi", "fam", "pingpay", "ezeepay",
    "niyoicici", "icicibank", "sbin", "okpaytm", "paytmbank", "bank", "gpay", "phonepe", "amazonpay",
    "apay", "axisbiz", "hdfc", "yescred", "freo", "fifederal", "mbk", "pz",
];

static HANDLE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| HANDLES.iter().copied().collect());

const UPI_CUES: &[&str] = &[
    "upi",
    "vpa",
    "gpay",
    "phonepe",
    "paytm",
    "bhim",
    "googlepay",
    "pay",
];

/// `name@okhdfcbank`, `9876543210@paytm`, lower-cased.
#[derive(Debug, Default, Clone, Copy)]
pub struct UpiExtractor;

impl Extractor for UpiExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::UpiId
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let text = input.scan.text();
        if !text.contains('@') {
            return;
        }
        let cue_cell = std::cell::OnceCell::new();
        let cue = || {
            *cue_cell.get_or_init(|| {
                (0..input.scan.len()).any(|i| UPI_CUES.contains(&input.scan.tok(i)))
            })
        };
        for m in UPI.find_iter(text) {
            let rest = &text[m.end()..];
            // A dot and more letters after the handle make an e-mail domain, not a PSP.
            let mut after = rest.chars();
            match (after.next(), after.next()) {
                (Some('.'), Some(c)) if c.is_ascii_alphanumeric() => continue,
                (Some(c), _) if c.is_alphanumeric() => continue,
                _ => {}
            }
            let s = m.as_str();
            let Some(at) = s.find('@') else { continue };
            let (local, handle) = (&s[..at], &s[at + 1..]);
            if local.ends_with('.') || local.starts_with('.') {
                continue;
            }
            let known = HANDLE_SET.contains(handle);
            if !(known || handle.bytes().all(|b| b.is_ascii_lowercase()) && cue()) {
                continue;
            }
            out.push(Candidate::new(
                EntityKind::UpiId,
                input.scan.char_at_byte(m.start()),
                input.scan.char_at_byte(m.end()),
                super::priority::UPI,
            ));
        }
    }
}
