//! Clock times and parts of the day: `5 baje`, `shaam 6`, `10:30am`, `18:00`, `5 மணிக்கு`,
//! `বিকেল ৫টায়`, `lunch time`. Greetings (`good morning`) and questions (`kitne baje`) are not
//! times. Resolved to `HH:MM` when the clock time is unambiguous.

use crate::lexicon::HashMap;
use crate::lexicon::{build_map, lookup_prefixed, lookup_stem, NumWord};
use crate::scan::TokKind;
use crate::{Candidate, Extractor, Input};
use sandesh_types::EntityKind;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Morning,
    Noon,
    Afternoon,
    Evening,
    Night,
}

#[rustfmt::skip]
const PARTS: &[(&str, Part)] = &[
    ("subah", Part::Morning), ("subha", Part::Morning), ("suba", Part::Morning), ("savere", Part::Morning),
    ("sawere", Part::Morning), ("morning", Part::Morning), ("mrng", Part::Morning), ("morn", Part::Morning),
    ("dopahar", Part::Afternoon), ("dopaher", Part::Afternoon), ("dupahar", Part::Afternoon),
    ("dophar", Part::Afternoon), ("afternoon", Part::Afternoon), ("noon", Part::Noon),
    ("shaam", Part::Evening), ("sham", Part::Evening), ("evening", Part::Evening),
    ("evng", Part::Evening), ("eve", Part::Evening), ("raat", Part::Night), ("raath", Part::Night),
    ("night", Part::Night), ("tonight", Part::Night), ("midnight", Part::Night),
    ("सुबह", Part::Morning), ("सवेरे", Part::Morning), ("दोपहर", Part::Afternoon), ("शाम", Part::Evening),
    ("रात", Part::Night), ("रात्रि", Part::Night),
    ("सकाळी", Part::Morning), ("सकाळ", Part::Morning), ("दुपारी", Part::Afternoon), ("दुपार", Part::Afternoon),
    ("संध्याकाळी", Part::Evening), ("संध्याकाळ", Part::Evening), ("रात्री", Part::Night),
    ("sakali", Part::Morning), ("dupari", Part::Afternoon), ("sandhyakali", Part::Evening),
    ("ratri", Part::Night), ("raatri", Part::Night),
    ("સવારે", Part::Morning), ("સવાર", Part::Morning), ("બપોરે", Part::Afternoon), ("બપોર", Part::Afternoon),
    ("સાંજે", Part::Evening), ("સાંજ", Part::Evening), ("રાત્રે", Part::Night), ("રાતે", Part::Night),
    ("savare", Part::Morning), ("bapore", Part::Afternoon), ("saanje", Part::Evening), ("sanje", Part::Evening),
    ("raate", Part::Night), ("raatre", Part::Night), ("ratre", Part::Night),
    ("ਸਵੇਰੇ", Part::Morning), ("ਸਵੇਰ", Part::Morning), ("ਦੁਪਹਿਰ", Part::Afternoon), ("ਸ਼ਾਮ", Part::Evening),
    ("ਸ਼ਾਮੀਂ", Part::Evening), ("ਰਾਤ", Part::Night), ("ਰਾਤੀਂ", Part::Night), ("shaami", Part::Evening),
    ("সকাল", Part::Morning), ("সকালে", Part::Morning), ("দুপুর", Part::Afternoon), ("দুপুরে", Part::Afternoon),
    ("বিকেল", Part::Afternoon), ("বিকেলে", Part::Afternoon), ("বিকাল", Part::Afternoon), ("সন্ধ্যা", Part::Evening),
    ("সন্ধ্যায়", Part::Evening), ("সন্ধে", Part::Evening), ("রাত", Part::Night), ("রাতে", Part::Night),
    ("sokal", Part::Morning), ("sokale", Part::Morning), ("dupure", Part::Afternoon), ("bikel", Part::Afternoon),
    ("bikele", Part::Afternoon), ("sondhya", Part::Evening), ("sondhe", Part::Evening), ("সন্ধ্যে", Part::Evening), ("ভোর", Part::Morning), ("ভোরে", Part::Morning), ("bhore", Part::Morning),
    ("காலை", Part::Morning), ("மதியம்", Part::Afternoon), ("மாலை", Part::Evening), ("சாயங்காலம்", Part::Evening),
    ("இரவு", Part::Night), ("ராத்திரி", Part::Night), ("kaalai", Part::Morning), ("kalai", Part::Morning),
    ("madhiyam", Part::Afternoon), ("mathiyam", Part::Afternoon), ("maalai", Part::Evening),
    ("saayangalam", Part::Evening), ("iravu", Part::Night), ("kaalaila", Part::Morning),
    ("kalaila", Part::Morning), ("maalaila", Part::Evening), ("iravula", Part::Night),
    ("madhiyanam", Part::Afternoon), ("saayandhiram", Part::Evening), ("sayandhiram", Part::Evening),
    ("madhyaahnam", Part::Afternoon), ("savar", Part::Morning), ("sanj", Part::Evening),
    ("forenoon", Part::Morning), ("raathri", Part::Night), ("raathiri", Part::Night),
    ("madhyana", Part::Afternoon), ("madhyahna", Part::Afternoon), ("madhyahnam", Part::Afternoon), ("dupur", Part::Afternoon), ("dupehar", Part::Afternoon), ("dupaher", Part::Afternoon),
    ("ఉదయం", Part::Morning), ("పొద్దున", Part::Morning), ("పొద్దున్న", Part::Morning), ("మధ్యాహ్నం", Part::Afternoon),
    ("సాయంత్రం", Part::Evening), ("రాత్రి", Part::Night), ("udayam", Part::Morning), ("tellavaru", Part::Morning), ("tellavarujamu", Part::Morning), ("poddhuna", Part::Morning),
    ("podduna", Part::Morning), ("madhyanam", Part::Afternoon), ("saayantram", Part::Evening),
    ("sayantram", Part::Evening), ("raatri", Part::Night),
    ("ಬೆಳಿಗ್ಗೆ", Part::Morning), ("ಬೆಳಗ್ಗೆ", Part::Morning), ("ಮಧ್ಯಾಹ್ನ", Part::Afternoon), ("ಸಂಜೆ", Part::Evening),
    ("ರಾತ್ರಿ", Part::Night), ("beligge", Part::Morning), ("belagge", Part::Morning), ("madhyahna", Part::Afternoon),
    ("sanje", Part::Evening),
    ("രാവിലെ", Part::Morning), ("ഉച്ചയ്ക്ക്", Part::Afternoon), ("ഉച്ചക്ക്", Part::Afternoon), ("ഉച്ച", Part::Afternoon),
    ("വൈകിട്ട്", Part::Evening), ("വൈകുന്നേരം", Part::Evening), ("രാത്രി", Part::Night), ("raavile", Part::Morning),
    ("ravile", Part::Morning), ("uchakku", Part::Afternoon), ("vaikittu", Part::Evening),
    ("vaikunneram", Part::Evening), ("rathri", Part::Night),
];

/// Words after a number that make it a clock time (`baje`, `बजे`, `மணிக்கு`, `টায়`).
#[rustfmt::skip]
const CLOCK_WORDS: &[&str] = &[
    "baje", "bje", "bajey", "bajay", "baja", "bajke", "bajkar", "vaje", "vajta", "vajata", "vaajta",
    "vagye", "vaagye", "vage", "vaage", "manikku", "mani", "manikki", "gantalaku", "gantaku",
    "gantala", "gantege", "ganteg", "ganteki", "oclock", "hrs", "vaga", "vajun", "vajtachi", "vajle",
    "maniku", "maniyode", "manikk", "manikkulla",
    "बजे", "बजकर", "वाजता", "वाजे", "વાગ્યે", "વાગે", "વાગ્યા", "વાગ્યાનો", "વાગ્યાની", "ਵਜੇ", "টায়",
    "টা", "টার", "টাতে", "টে", "মণিক্কু", "மணிக்கு", "மணி", "గంటలకు", "గంటకు", "గంటల", "ಗಂಟೆಗೆ",
    "ಗಂಟೆಯ", "മണിക്ക്", "മണി", "tay", "tai", "ta", "tey", "gante", "gantalu", "টো", "টোয়", "টোর",
    "টে",
];

static PART_MAP: LazyLock<HashMap<String, Part>> = LazyLock::new(|| build_map(PARTS));
static CLOCK_MAP: LazyLock<HashMap<String, ()>> =
    LazyLock::new(|| build_map(&CLOCK_WORDS.iter().map(|w| (*w, ())).collect::<Vec<_>>()));

fn part(w: &str) -> Option<Part> {
    let first = w.chars().next()?;
    if matches!(first as u32, 0x0B80..=0x0D7F) {
        lookup_prefixed(&PART_MAP, w).copied()
    } else if !first.is_ascii() {
        // Other scripts take a suffix only after a stem of four letters or more
        // (`दुपारपर्यंत`, `বিকেলের`), so that `शाम` does not match `शामिल`.
        lookup_stem(&PART_MAP, w, 4, 5).copied()
    } else {
        PART_MAP.get(w).copied()
    }
}

/// Nouns after a part of the day that make it something else (`night shift`, `night cream`).
const NOT_TIME_AFTER: &[&str] = &[
    "shift", "vision", "duty", "cream", "light", "lamp", "wear", "suit", "dress", "club", "life",
    "guard", "walk", "stay", "out", "watchman", "school", "college",
];

/// Phrases that set one time against another (`11 ki jagah 2 baje`, `6 ke bajaye 8`).
const INSTEAD: &[&[&str]] = &[
    &["ki", "jagah"],
    &["ke", "bajaye"],
    &["ki", "bajaye"],
    &["ke", "badle"],
    &["instead", "of"],
    &["nu", "badle"],
    &["ni", "jagya"],
    &["er", "bodole"],
    &["badle"],
    &["bajaye"],
    &["jagah"],
];

fn instead_at(scan: &crate::scan::Scan<'_>, k: usize) -> Option<usize> {
    INSTEAD
        .iter()
        .find(|p| p.iter().enumerate().all(|(j, w)| scan.tok(k + j) == *w))
        .map(|p| k + p.len())
}

/// A bare hour (1-24) at token `k`, not part of a date, amount or quantity.
fn bare_hour(scan: &crate::scan::Scan<'_>, k: usize) -> bool {
    scan.kind(k) == Some(TokKind::Num)
        && scan
            .tok(k)
            .parse::<u32>()
            .is_ok_and(|h| (1..=24).contains(&h))
        && !matches!(scan.tok(k + 1), ":" | "/" | "-" | ".")
        && !(k > 0 && scan.glued(k) && matches!(scan.tok(k - 1), "/" | "-" | "." | ":" | "₹"))
        && crate::lexicon::unit_word(scan.tok(k + 1)).is_none()
        && crate::lexicon::currency_after(scan.tok(k + 1)).is_none()
}

/// Words that make a message about a time, so that a bare hour after `at` or before a
/// postposition (`4 ku`, `6 ge`) reads as one.
const TIME_CONTEXT: &[&str] = &[
    "beech",
    "डेमो",
    "अपॉइंटमेंट",
    "इंटरव्यू",
    "वेळ",
    "टाइम",
    "समय",
    "సమయం",
    "நேரம்",
    "സമയം",
    "সময়",
    "સમય",
    "ਸਮਾਂ",
    "between",
    "instead",
    "kar",
    "sakti",
    "sakta",
    "shift",
    "session",
    "physio",
    "table",
    "interview",
    "slot",
    "appointment",
    "baje",
    "time",
    "timing",
    "pickup",
    "booking",
    "book",
    "class",
    "session",
    "meeting",
    "visit",
    "demo",
    "reach",
    "come",
    "aana",
    "aau",
    "aaun",
    "varalama",
    "barabahuda",
    "barla",
    "ravala",
    "ravacha",
    "vasthe",
    "asbo",
    "yeu",
    "reschedule",
    "confirm",
    "delivery",
    "deliver",
    "cab",
    "shoot",
    "puja",
    "party",
    "late",
    "wait",
];

/// Words right after a bare hour that mark "at" in romanized languages (`4 ku`, `6 ge`, `7 la`).
const AT_AFTER: &[&str] = &[
    "ku", "ge", "la", "ki", "tay", "nu", "ko", "kku", "ki?", "ke", "ची", "chi", "ला",
];
/// Words right before a bare hour that mark a clock time (`at 3`, `around 4`, `after 6`).
const AT_BEFORE: &[&str] = &[
    "at", "around", "after", "before", "by", "till", "until", "from", "@",
];
/// Words after a number that make it a count or a duration, not a clock time.
const NOT_HOUR_AFTER: &[&str] = &[
    "months",
    "month",
    "days",
    "day",
    "years",
    "year",
    "weeks",
    "week",
    "hours",
    "hour",
    "hrs",
    "mins",
    "minutes",
    "people",
    "log",
    "pcs",
    "pieces",
    "persons",
    "pax",
    "guests",
    "members",
    "din",
    "saal",
    "mahine",
    "%",
    "percent",
    "kids",
    "children",
    "adults",
    "items",
    "bottles",
    "dono",
    "tarikh",
    "tareekh",
    "taarikh",
    "tarik",
    "date",
    "dates",
    "jan",
    "january",
    "feb",
    "february",
    "march",
    "mar",
    "april",
    "apr",
    "may",
    "june",
    "jun",
    "july",
    "jul",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
    "तारीख",
    "तारीख़",
    "ਤਾਰੀਖ",
    "તારીખ",
    "তারিখ",
    "વાર",
    "बार",
    "baar",
    "times",
    "दिन",
    "দিন",
    "দিনের",
    "வாட்டி",
    "సార్లు",
    "ಸಲ",
    "തവണ",
];

/// Whether a word counts people (`8 మందికి`, `८ जणांसाठी`, `৮ জনের`), so the number before it is
/// no clock time.
fn people_word(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "మంది",
        "जण",
        "জন",
        "ಜನ",
        "പേര",
        "பேர",
        "जन",
        "लोग",
        "ਲੋਕ",
        "લોક",
        "log",
        "jan",
        "jana",
        "people",
        "persons",
        "pax",
        "guests",
        "members",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
}

fn time_context(scan: &crate::scan::Scan<'_>) -> bool {
    (0..scan.len()).any(|k| TIME_CONTEXT.contains(&scan.tok(k)))
}

/// Words joining the two ends of a time range (`4 se 5`, `7 to 8`, `৭ থেকে ১১`).
const RANGE_JOINERS: &[&str] = &[
    "se",
    "to",
    "-",
    "–",
    "ton",
    "till",
    "until",
    "ਤੋਂ",
    "থেকে",
    "thi",
    "થી",
    "ते",
    "पासून",
    "से",
    "ಇಂದ",
    "నుండి",
    "முதல்",
    "മുതൽ",
    "or",
    "ya",
    "te",
    "నుంచి",
    "nunchi",
    "nundi",
    "ನಿಂದ",
    "irundhu",
    "theke",
];

/// Words that start like a clock word but count hours (`1 മണിക്കൂർ`, `ಒಂದು ಗಂಟೆಯಿಂದ`).
const DURATION_WORDS: &[&str] = &[
    "മണിക്കൂർ",
    "മണിക്കൂറ്",
    "മണിക്കൂറായി",
    "ಗಂಟೆಯಿಂದ",
    "ಗಂಟೆಗಳ",
    "மணிநேரம்",
    "ঘণ্টা",
];

fn clock_word(w: &str) -> bool {
    !w.is_empty() && !DURATION_WORDS.contains(&w) && lookup_prefixed(&CLOCK_MAP, w).is_some()
}

const GREETING_BEFORE: &[&str] = &[
    "good",
    "gud",
    "gd",
    "shubh",
    "शुभ",
    "suprabhat",
    "very",
    "happy",
    "শুভ",
    "இனிய",
    "ಶುಭ",
    "శుభ",
    "ശുഭ",
    "શુભ",
    "ਸ਼ੁਭ",
    "subh",
    "shubho",
    "shubha",
    "subho",
];

/// Words before a part of the day that make it a count or a rate (`3 night package`, `per
/// night`, `4k/night`).
const NOT_TIME_BEFORE: &[&str] = &[
    "per",
    "/",
    "more",
    "one",
    "two",
    "a",
    "each",
    "ek",
    "do",
    "एक",
    "एका",
    "এক",
    "ஒரு",
    "ఒక",
    "ಒಂದು",
    "ഒരു",
    "એક",
    "ਇੱਕ",
];

/// Modifiers written with a part of the day and kept in its span (`last night`, `early morning`).
const PART_MODIFIERS: &[&str] = &["last", "early", "late", "kal", "aaj"];
const QUESTION_BEFORE: &[&str] = &[
    "kitne",
    "kitna",
    "kab",
    "kis",
    "what",
    "which",
    "कितने",
    "किस",
    "kaun",
    "kya",
];

fn resolve(h: u32, m: u32, meridiem: Option<bool>, part: Option<Part>) -> Option<String> {
    if h > 23 || m > 59 {
        return None;
    }
    let h24 = match (meridiem, part) {
        (Some(pm), _) if (1..=12).contains(&h) => (h % 12) + if pm { 12 } else { 0 },
        (Some(_), _) => return None,
        (None, _) if h >= 13 || h == 0 => h,
        (None, Some(Part::Morning)) => h % 12,
        (None, Some(Part::Noon)) => h,
        (None, Some(Part::Afternoon)) if h == 12 => 12,
        (None, Some(Part::Afternoon)) if h <= 7 => h + 12,
        (None, Some(Part::Afternoon)) => h,
        (None, Some(Part::Evening)) => (h % 12) + 12,
        (None, Some(Part::Night)) if h == 12 => 0,
        (None, Some(Part::Night)) if h >= 6 => h + 12,
        (None, Some(Part::Night)) => h,
        (None, None) => return None,
    };
    Some(format!("{h24:02}:{m:02}"))
}

/// `5 baje`, `shaam 6`, `10:30am`, `18:00`, `shaam`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TimeExtractor;

impl Extractor for TimeExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Time
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let n = scan.len();
        let mut context: Option<bool> = None;
        let mut i = 0;
        while i < n {
            if let Some((end, resolved, start)) = clock_at(input, i) {
                // The start of a range: `4 se 6 baje`, `10-11 am`.
                if start >= 2
                    && RANGE_JOINERS.contains(&scan.tok(start - 1))
                    && bare_hour(scan, start - 2)
                    && !(start >= 3
                        && scan.glued(start - 2)
                        && scan.kind(start - 3) == Some(TokKind::Num))
                {
                    out.push(Candidate::tokens(
                        scan,
                        EntityKind::Time,
                        start - 2,
                        start - 2,
                        super::priority::TIME_CLOCK,
                    ));
                }
                // The time it replaces: `kal 11 ki jagah 2 baje`.
                for back in [3usize, 2] {
                    if start >= back
                        && bare_hour(scan, start - back)
                        && instead_at(scan, start - back + 1) == Some(start)
                    {
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::Time,
                            start - back,
                            start - back,
                            super::priority::TIME_CLOCK,
                        ));
                    }
                }
                out.push(
                    Candidate::tokens(
                        scan,
                        EntityKind::Time,
                        start,
                        end - 1,
                        super::priority::TIME_CLOCK,
                    )
                    .with_resolution(resolved, Vec::new()),
                );
                i = end;
                // The time that replaces it: `shaam 6 ke bajaye 8`.
                if let Some(k) = instead_at(scan, i) {
                    if clock_at(input, k).is_none() && bare_hour(scan, k) {
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::Time,
                            k,
                            k,
                            super::priority::TIME_CLOCK,
                        ));
                        i = k + 1;
                        continue;
                    }
                }
                // The other end of a range: `subah 6 baje se 10 baje tak`, `7 to 8`.
                if RANGE_JOINERS.contains(&scan.tok(i)) {
                    if let Some((end2, resolved2, start2)) = clock_at(input, i + 1) {
                        out.push(
                            Candidate::tokens(
                                scan,
                                EntityKind::Time,
                                start2,
                                end2 - 1,
                                super::priority::TIME_CLOCK,
                            )
                            .with_resolution(resolved2, Vec::new()),
                        );
                        i = end2;
                    } else if bare_hour(scan, i + 1) {
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::Time,
                            i + 1,
                            i + 1,
                            super::priority::TIME_CLOCK,
                        ));
                        i += 2;
                    }
                }
                continue;
            }
            let t = scan.tok(i);
            // Two bare hours joined as a range or a swap, in a message about a time:
            // `10 se 4`, `11-1 ke beech`, `5 instead of 4`.
            if scan.kind(i) == Some(TokKind::Num) && bare_hour(scan, i) && !(i > 0 && scan.glued(i))
            {
                let second =
                    if RANGE_JOINERS.contains(&scan.tok(i + 1)) || scan.tok(i + 1) == "inda" {
                        Some(i + 2)
                    } else {
                        instead_at(scan, i + 1)
                    };
                if let Some(k) = second {
                    if bare_hour(scan, k)
                        && !NOT_HOUR_AFTER.contains(&scan.tok(k + 1))
                        && clock_at(input, k).is_none()
                        && *context.get_or_insert_with(|| time_context(scan))
                    {
                        for t in [i, k] {
                            out.push(Candidate::tokens(
                                scan,
                                EntityKind::Time,
                                t,
                                t,
                                super::priority::TIME_CLOCK,
                            ));
                        }
                        i = k + 1;
                        continue;
                    }
                }
            }
            // A bare hour that context makes a clock time: `at 3`, `around 4`, `4 ku`, `6 ge`.
            if scan.kind(i) == Some(TokKind::Num)
                && bare_hour(scan, i)
                && scan
                    .tok(i)
                    .parse::<u32>()
                    .is_ok_and(|h| (1..=12).contains(&h))
                && !NOT_HOUR_AFTER.contains(&scan.tok(i + 1))
                && !(i > 0 && scan.glued(i))
            {
                let at_before = i > 0 && AT_BEFORE.contains(&scan.tok(i - 1));
                let at_after = AT_AFTER.contains(&scan.tok(i + 1)) && !scan.glued(i + 1);
                // `11-ന്`: a case ending after a hyphen.
                let suffixed = scan.suffix_end(i + 1) > i + 1;
                if (at_before || at_after || suffixed)
                    && *context.get_or_insert_with(|| time_context(scan))
                {
                    let end = scan.suffix_end(i + 1);
                    out.push(Candidate::tokens(
                        scan,
                        EntityKind::Time,
                        i,
                        end - 1,
                        super::priority::TIME_CLOCK,
                    ));
                    i = end;
                    continue;
                }
            }
            if scan.kind(i) == Some(TokKind::Word) {
                if (t == "lunch" || t == "dinner" || t == "breakfast") && scan.is(i + 1, "time") {
                    out.push(Candidate::tokens(
                        scan,
                        EntityKind::Time,
                        i,
                        i + 1,
                        super::priority::TIME_PART,
                    ));
                    i += 2;
                    continue;
                }
                if matches!(t, "lunchtime") {
                    out.push(Candidate::tokens(
                        scan,
                        EntityKind::Time,
                        i,
                        i,
                        super::priority::TIME_PART,
                    ));
                    i += 1;
                    continue;
                }
                let counted = i > 0
                    && (NOT_TIME_BEFORE.contains(&scan.tok(i - 1))
                        || scan.kind(i - 1) == Some(TokKind::Num));
                if part(t).is_some() && !NOT_TIME_AFTER.contains(&scan.tok(i + 1)) && !counted {
                    let greeting = i > 0 && GREETING_BEFORE.contains(&scan.tok(i - 1))
                        || matches!(
                            scan.tok(i + 1),
                            "வணக்கம்" | "vanakkam" | "namaskara" | "ನಮಸ್ಕಾರ"
                        );
                    let glued_word = scan.glued(i) && scan.kind(i - 1) == Some(TokKind::Word);
                    if !greeting && !glued_word {
                        let start = if i > 0
                            && PART_MODIFIERS.contains(&scan.tok(i - 1))
                            && scan.tok(i - 1).len() > 3
                        {
                            i - 1
                        } else {
                            i
                        };
                        let end = scan.suffix_end(i + 1);
                        out.push(Candidate::tokens(
                            scan,
                            EntityKind::Time,
                            start,
                            end - 1,
                            super::priority::TIME_PART,
                        ));
                        i = end;
                        continue;
                    }
                }
                // Meals that say when: `lunch ke baad`, `after lunch`, `dinner tak`.
                if matches!(t, "lunch" | "dinner" | "breakfast" | "nashta" | "nashte")
                    && (matches!(
                        scan.tok(i + 1),
                        "ke" | "ki"
                            | "baad"
                            | "tak"
                            | "se"
                            | "pe"
                            | "par"
                            | "break"
                            | "pehle"
                            | "ke baad"
                    ) || (i > 0
                        && matches!(
                            scan.tok(i - 1),
                            "after" | "before" | "till" | "by" | "at" | "during"
                        )))
                {
                    out.push(Candidate::tokens(
                        scan,
                        EntityKind::Time,
                        i,
                        i,
                        super::priority::TIME_PART,
                    ));
                }
            }
            i += 1;
        }
    }
}

/// A clock time whose number starts at `i` (or whose part-of-day or `saade` word does).
/// Returns the end token, the resolution and the start token.
fn clock_at(input: &Input<'_>, i: usize) -> Option<(usize, Option<String>, usize)> {
    let scan = &input.scan;
    let mut k = i;
    let part_before = part(scan.tok(k)).filter(|_| scan.kind(k) == Some(TokKind::Word));
    if part_before.is_some() {
        if i > 0 && GREETING_BEFORE.contains(&scan.tok(i - 1)) {
            return None;
        }
        k += 1;
    }
    let adjust = match scan.num_word(k) {
        Some(NumWord::Adjust(a)) if scan.kind(k) == Some(TokKind::Word) => {
            k += 1;
            Some(a)
        }
        _ => None,
    };
    let (h, mut m, mut end) = match scan.kind(k)? {
        TokKind::Num => {
            let t = scan.tok(k);
            if let Some((a, b)) = t.split_once('.') {
                // `10.30` only with am/pm or a clock word after it.
                if a.len() > 2 || b.len() != 2 || t.contains(',') {
                    return None;
                }
                (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?, k + 1)
            } else if t.len() <= 2 && !t.contains(',') {
                let h: u32 = t.parse().ok()?;
                if scan.is(k + 1, ":")
                    && scan.glued(k + 1)
                    && scan.glued(k + 2)
                    && scan.kind(k + 2) == Some(TokKind::Num)
                    && scan.tok(k + 2).len() == 2
                {
                    (h, scan.tok(k + 2).parse().ok()?, k + 3)
                } else {
                    (h, 0, k + 1)
                }
            } else if t.len() == 4
                && clock_word(scan.tok(k + 1))
                && matches!(scan.tok(k + 1), "hrs" | "hours")
            {
                let v: u32 = t.parse().ok()?;
                (v / 100, v % 100, k + 1)
            } else {
                return None;
            }
        }
        TokKind::Word => match scan.num_word(k) {
            Some(NumWord::Unit(u)) if (1.0..=12.0).contains(&u) && u.fract() == 0.0 => {
                (u as u32, 0, k + 1)
            }
            Some(NumWord::Frac(f)) if f == 1.5 || f == 2.5 => (f as u32, 30, k + 1),
            _ => return None,
        },
        TokKind::Sym => return None,
    };
    // Not part of a date, a range of numbers or an amount.
    if k > 0 && scan.glued(k) && matches!(scan.tok(k - 1), "/" | "-" | "." | "₹" | "#" | "+" | ":")
    {
        return None;
    }
    let colon = end == k + 3;
    let dotted = scan.tok(k).contains('.');
    let mut meridiem = None;
    let mut has_clock_word = false;
    // am / pm / a.m. / p.m.
    match scan.tok(end) {
        "am" | "pm" => {
            meridiem = Some(scan.tok(end) == "pm");
            end += 1;
        }
        "a" | "p" if scan.is(end + 1, ".") && scan.is(end + 2, "m") => {
            meridiem = Some(scan.tok(end) == "p");
            end += if scan.is(end + 3, ".") { 4 } else { 3 };
        }
        _ => {}
    }
    if scan.tok(end) == "o" && scan.is(end + 1, "'") && scan.is(end + 2, "clock") {
        has_clock_word = true;
        end += 3;
    } else if scan.tok(end) == "o" && scan.is(end + 1, "clock") {
        has_clock_word = true;
        end += 2;
    } else if scan.kind(end) == Some(TokKind::Word)
        && clock_word(scan.tok(end))
        && scan.tok(end) != "hrs"
        && scan.tok(end) != "hours"
        || matches!(scan.tok(end), "hrs" | "hours") && colon
    {
        // `5 ta` is Bengali romanized only when glued or with a part of day; keep it tight.
        let t = scan.tok(end);
        // Counters that also make clock times (`৪টে লাইট` is four lights): only with a part of
        // the day, or glued to the number for the romanized ones.
        let bengali_counter = matches!(t, "টা" | "টে" | "টো");
        let weak = matches!(
            t,
            "ta" | "tay" | "tai" | "tey" | "te" | "mani" | "gante" | "gantalu"
        ) || bengali_counter;
        // `dupari 2 te sandhyakali 5`: `te` joins a range here, it is no clock word.
        let joins_next = t == "te"
            && (scan.kind(end + 1) == Some(TokKind::Num) || part(scan.tok(end + 1)).is_some());
        let postposition_after = matches!(
            scan.tok(end + 1),
            "ge" | "ki" | "ku" | "ke" | "ko" | "la" | "te"
        );
        let needs_part = bengali_counter || (weak && !scan.glued(end) && !postposition_after);
        if !(needs_part && part_before.is_none() || weak && joins_next) {
            has_clock_word = true;
            end += 1;
            // Bengali romanized `10 ta te` (at ten): the locative stays with the time.
            if matches!(t, "ta" | "tay") && scan.is(end, "te") {
                end += 1;
            }
        }
    }
    if let Some(a) = adjust {
        if !has_clock_word && part_before.is_none() {
            return None;
        }
        // saade 5 = 5:30, sava 5 = 5:15, paune 5 = 4:45
        let mins = ((h as f64 + a) * 60.0).round() as i64;
        let (hh, mm) = ((mins / 60) as u32, (mins % 60) as u32);
        let _ = (hh, mm);
        m = mm;
        return finish(input, i, end, hh, m, meridiem, part_before, has_clock_word);
    }
    if dotted && meridiem.is_none() && !has_clock_word && part_before.is_none() {
        return None;
    }
    // `raavile oru appointment`: a number word after a part of the day needs a clock word.
    if scan.kind(k) == Some(TokKind::Word) && !has_clock_word && meridiem.is_none() {
        return None;
    }
    // `savare 3 vaar` (three times), `3 raat 4 din`, `raatri 8 mandiki` (eight people)
    if !has_clock_word
        && meridiem.is_none()
        && (NOT_HOUR_AFTER.contains(&scan.tok(end)) || people_word(scan.tok(end)))
    {
        return None;
    }
    let question = k > 0
        && QUESTION_BEFORE.contains(&scan.tok(if part_before.is_some() {
            i.wrapping_sub(1)
        } else {
            k.wrapping_sub(1)
        }));
    if question {
        return None;
    }
    let ok = colon && h <= 23 && m <= 59
        || meridiem.is_some() && (1..=12).contains(&h)
        || has_clock_word && h <= 24
        || part_before.is_some() && (1..=12).contains(&h);
    if !ok {
        return None;
    }
    if colon && end == k + 3 && scan.glued(end) && scan.kind(end) == Some(TokKind::Num) {
        return None;
    }
    let _ = &mut m;
    finish(input, i, end, h, m, meridiem, part_before, has_clock_word)
}

#[allow(clippy::too_many_arguments)]
fn finish(
    input: &Input<'_>,
    start: usize,
    mut end: usize,
    h: u32,
    m: u32,
    meridiem: Option<bool>,
    mut part_before: Option<Part>,
    _clock: bool,
) -> Option<(usize, Option<String>, usize)> {
    let scan = &input.scan;
    // A case ending written on the time stays in it (`9ಕ್ಕೆ`, `8:30-க்கு`).
    end = scan.suffix_end(end);
    // A part of the day right after (`6 baje shaam`, `6 in the evening`).
    if part_before.is_none() {
        if let Some(p) = part(scan.tok(end)).filter(|_| scan.kind(end) == Some(TokKind::Word)) {
            part_before = Some(p);
            end += 1;
        }
    }
    Some((end, resolve(h, m, meridiem, part_before), start))
}
