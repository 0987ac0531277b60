//! Day-level references: relative days (`aaj`, `kal`, `parso`, `tomorrow`, `நாளை`, `రేపు`),
//! weekdays (`next Monday`, `somvar`, `रविवारी`), dates (`15/08`, `15-08-2025`, `3rd Dec`,
//! `15 tarikh`). Resolved to an ISO date against the reference day when unambiguous; "kal" with
//! no tense gives both readings as candidates.

use crate::calendar::Date;
use crate::lexicon::{build_map, build_set, lookup_prefixed, lookup_stem};
use crate::lexicon::{HashMap, HashSet};
use crate::numbers::parse_digits;
use crate::scan::TokKind;
use crate::{Candidate, Extractor, Input, Tense};
use sandesh_types::EntityKind;
use std::sync::LazyLock;

/// A relative day: its offset, and whether the tense picks the sign (`kal` = ±1).
#[derive(Debug, Clone, Copy)]
struct Rel(i64, bool);

#[rustfmt::skip]
const RELATIVE: &[(&str, Rel)] = &[
    ("aaj", Rel(0, false)), ("aj", Rel(0, false)), ("today", Rel(0, false)), ("tdy", Rel(0, false)),
    ("tomorrow", Rel(1, false)), ("tmrw", Rel(1, false)), ("tmr", Rel(1, false)), ("tmrow", Rel(1, false)),
    ("tomorow", Rel(1, false)), ("tommorow", Rel(1, false)), ("tommorrow", Rel(1, false)),
    ("tomoro", Rel(1, false)), ("2moro", Rel(1, false)), ("2morrow", Rel(1, false)),
    ("yesterday", Rel(-1, false)), ("yday", Rel(-1, false)), ("ystrdy", Rel(-1, false)),
    ("kal", Rel(1, true)), ("kall", Rel(1, true)), ("parso", Rel(2, true)), ("parson", Rel(2, true)),
    ("parsu", Rel(2, true)), ("parsho", Rel(2, true)),
    ("आज", Rel(0, false)), ("कल", Rel(1, true)), ("परसों", Rel(2, true)), ("परसो", Rel(2, true)),
    // Marathi
    ("उद्या", Rel(1, false)), ("काल", Rel(-1, false)), ("परवा", Rel(2, true)), ("आजच", Rel(0, false)),
    ("kaal", Rel(1, true)), ("innu", Rel(0, false)), ("ಇವತ್ತೇ", Rel(0, false)), ("ivatte", Rel(0, false)),
    ("કાલની", Rel(1, true)), ("आजचा", Rel(0, false)), ("आजची", Rel(0, false)), ("आजचे", Rel(0, false)),
    ("kalcha", Rel(1, true)), ("kalchi", Rel(1, true)), ("parmdivse", Rel(2, true)), ("parmdivase", Rel(2, true)), ("उद्याची", Rel(1, false)), ("उद्याचा", Rel(1, false)), ("उद्याचे", Rel(1, false)),
    ("రేపటి", Rel(1, false)), ("ಇವತ್ತಿನ", Rel(0, false)), ("ഇന്നലത്തെ", Rel(-1, false)), ("ഇന്നത്തെ", Rel(0, false)),
    ("naalethekku", Rel(1, false)), ("naalathe", Rel(1, false)), ("parmdivase", Rel(2, true)),
    ("પરમદિવસે", Rel(2, true)), ("পরশুর", Rel(2, true)), ("আজকের", Rel(0, false)), ("কালকের", Rel(1, true)),
    ("udya", Rel(1, false)), ("udyaa", Rel(1, false)), ("udyaa", Rel(1, false)), ("parva", Rel(2, true)),
    // Gujarati
    ("આજે", Rel(0, false)), ("કાલે", Rel(1, true)), ("કાલ", Rel(1, true)),
    ("આવતીકાલે", Rel(1, false)), ("ગઈકાલે", Rel(-1, false)), ("aaje", Rel(0, false)),
    ("kale", Rel(1, true)), ("kaale", Rel(1, true)), ("avtikale", Rel(1, false)),
    ("aavtikale", Rel(1, false)), ("gaikale", Rel(-1, false)),
    // Punjabi
    ("ਅੱਜ", Rel(0, false)), ("ਕੱਲ੍ਹ", Rel(1, true)), ("ਕੱਲ", Rel(1, true)), ("ਭਲਕੇ", Rel(1, false)),
    ("ਪਰਸੋਂ", Rel(2, true)), ("ajj", Rel(0, false)), ("bhalke", Rel(1, false)),
    // Bengali
    ("আজ", Rel(0, false)), ("আজকে", Rel(0, false)), ("কাল", Rel(1, true)), ("কালকে", Rel(1, true)),
    ("আগামীকাল", Rel(1, false)), ("গতকাল", Rel(-1, false)), ("পরশু", Rel(2, true)),
    ("ajke", Rel(0, false)), ("kalke", Rel(1, true)), ("agamikal", Rel(1, false)),
    ("gotokal", Rel(-1, false)), ("porshu", Rel(2, true)), ("porshu", Rel(2, true)),
    // Tamil
    ("இன்று", Rel(0, false)), ("இன்னைக்கு", Rel(0, false)), ("இன்னிக்கு", Rel(0, false)),
    ("நாளை", Rel(1, false)), ("நாளைக்கு", Rel(1, false)), ("நேற்று", Rel(-1, false)),
    ("நேத்து", Rel(-1, false)), ("நேத்திக்கு", Rel(-1, false)), ("inniku", Rel(0, false)),
    ("inniki", Rel(0, false)), ("innaiku", Rel(0, false)), ("innaikku", Rel(0, false)),
    ("indru", Rel(0, false)), ("naalai", Rel(1, false)), ("naalaiku", Rel(1, false)),
    ("naalaikku", Rel(1, false)), ("naliku", Rel(1, false)), ("naaliku", Rel(1, false)),
    ("nethu", Rel(-1, false)), ("netru", Rel(-1, false)), ("nethiki", Rel(-1, false)),
    // Telugu
    ("ఈరోజు", Rel(0, false)), ("నేడు", Rel(0, false)), ("రేపు", Rel(1, false)), ("నిన్న", Rel(-1, false)),
    ("ఎల్లుండి", Rel(2, false)), ("eeroju", Rel(0, false)), ("ivala", Rel(0, false)),
    ("ivvala", Rel(0, false)), ("repu", Rel(1, false)), ("ninna", Rel(-1, false)),
    ("ellundi", Rel(2, false)),
    // Kannada
    ("ಇಂದು", Rel(0, false)), ("ಇವತ್ತು", Rel(0, false)), ("ನಾಳೆ", Rel(1, false)), ("ನಿನ್ನೆ", Rel(-1, false)),
    ("ನಾಡಿದ್ದು", Rel(2, false)), ("ivattu", Rel(0, false)), ("ivathu", Rel(0, false)),
    ("naale", Rel(1, false)), ("naaley", Rel(1, false)), ("nale", Rel(1, false)),
    ("ninne", Rel(-1, false)), ("naadiddu", Rel(2, false)),
    // Malayalam
    ("ഇന്ന്", Rel(0, false)), ("നാളെ", Rel(1, false)), ("ഇന്നലെ", Rel(-1, false)),
    ("മറ്റന്നാൾ", Rel(2, false)), ("innale", Rel(-1, false)),
    ("mattannal", Rel(2, false)),
];

#[rustfmt::skip]
const WEEKDAYS: &[(&str, u32)] = &[
    ("monday", 0), ("mon", 0), ("tuesday", 1), ("tue", 1), ("tues", 1), ("wednesday", 2), ("wed", 2),
    ("thursday", 3), ("thu", 3), ("thur", 3), ("thurs", 3), ("friday", 4), ("fri", 4),
    ("saturday", 5), ("sunday", 6),
    ("somvar", 0), ("somwar", 0), ("mangalvar", 1), ("mangalwar", 1), ("budhvar", 2), ("budhwar", 2),
    ("guruvar", 3), ("guruwar", 3), ("brihaspativar", 3), ("veervar", 3), ("shukravar", 4),
    ("shukrawar", 4), ("shanivar", 5), ("shaniwar", 5), ("ravivar", 6), ("raviwar", 6),
    ("itvar", 6), ("itwar", 6), ("etwar", 6), ("aitvar", 6), ("aitwar", 6),
    ("सोमवार", 0), ("मंगलवार", 1), ("मंगळवार", 1), ("बुधवार", 2), ("गुरुवार", 3), ("बृहस्पतिवार", 3),
    ("शुक्रवार", 4), ("शनिवार", 5), ("रविवार", 6), ("इतवार", 6),
    ("સોમવાર", 0), ("મંગળવાર", 1), ("બુધવાર", 2), ("ગુરુવાર", 3), ("શુક્રવાર", 4), ("શનિવાર", 5),
    ("રવિવાર", 6),
    ("ਸੋਮਵਾਰ", 0), ("ਮੰਗਲਵਾਰ", 1), ("ਬੁੱਧਵਾਰ", 2), ("ਵੀਰਵਾਰ", 3), ("ਸ਼ੁੱਕਰਵਾਰ", 4), ("ਸ਼ਨੀਵਾਰ", 5),
    ("ਐਤਵਾਰ", 6),
    ("সোমবার", 0), ("মঙ্গলবার", 1), ("বুধবার", 2), ("বৃহস্পতিবার", 3), ("শুক্রবার", 4), ("শনিবার", 5),
    ("রবিবার", 6),
    ("திங்கள்", 0), ("திங்கட்கிழமை", 0), ("செவ்வாய்", 1), ("புதன்", 2), ("வியாழன்", 3),
    ("வியாழக்கிழமை", 3), ("வெள்ளிக்கிழமை", 4), ("சனிக்கிழமை", 5), ("ஞாயிறு", 6),
    ("ஞாயிற்றுக்கிழமை", 6),
    ("సోమవారం", 0), ("మంగళవారం", 1), ("బుధవారం", 2), ("గురువారం", 3), ("శుక్రవారం", 4),
    ("శనివారం", 5), ("ఆదివారం", 6),
    ("ಸೋಮವಾರ", 0), ("ಮಂಗಳವಾರ", 1), ("ಬುಧವಾರ", 2), ("ಗುರುವಾರ", 3), ("ಶುಕ್ರವಾರ", 4), ("ಶನಿವಾರ", 5),
    ("ಭಾನುವಾರ", 6),
    ("തിങ്കൾ", 0), ("തിങ്കളാഴ്ച", 0), ("ചൊവ്വാഴ്ച", 1), ("ബുധനാഴ്ച", 2), ("വ്യാഴാഴ്ച", 3),
    ("വെള്ളിയാഴ്ച", 4), ("ശനിയാഴ്ച", 5), ("ഞായറാഴ്ച", 6), ("ഞായർ", 6),
    ("thingal", 0), ("thingalkizhamai", 0), ("sevvai", 1), ("budhan", 2), ("vyazhan", 3),
    ("velli", 4), ("vellikizhamai", 4), ("sanikizhamai", 5), ("nyayiru", 6), ("gnayiru", 6),
    ("somavaram", 0), ("mangalavaram", 1), ("budhavaram", 2), ("guruvaram", 3), ("sukravaram", 4),
    ("shukravaram", 4), ("shanivaram", 5), ("sanivaram", 5), ("aadivaram", 6), ("adivaram", 6),
    ("somavara", 0), ("mangalavara", 1), ("budhavara", 2), ("guruvara", 3), ("shukravara", 4),
    ("shanivara", 5), ("bhanuvara", 6), ("thinkalazhcha", 0), ("chovvazhcha", 1),
    ("budhanazhcha", 2), ("vyazhazhcha", 3), ("velliyazhcha", 4), ("shaniyazhcha", 5),
    ("njayarazhcha", 6), ("somvaar", 0), ("mangalvaar", 1), ("budhvaar", 2), ("guruvaar", 3),
    ("shukravaar", 4), ("shukarvar", 4), ("shukarvaar", 4), ("shanivaar", 5), ("ravivaar", 6),
    ("itvaar", 6), ("somvare", 0), ("mangalvare", 1), ("budhvare", 2), ("guruvare", 3),
    ("shukravare", 4), ("shanivare", 5), ("ravivare", 6),
    ("somvari", 0), ("mangalvari", 1), ("budhvari", 2), ("guruvari", 3), ("shukravari", 4),
    ("shanivari", 5), ("ravivari", 6), ("sonibar", 5), ("shanivaaram", 5), ("shanivaara", 5),
    ("ravivaara", 6), ("somavaaram", 0), ("aadivaaram", 6), ("guruvaaram", 3), ("velliyazhchakku", 4), ("sombar", 0), ("mongolbar", 1), ("budhbar", 2), ("brihospotibar", 3),
    ("shukrobar", 4), ("shonibar", 5), ("robibar", 6),
];

#[rustfmt::skip]
const MONTHS: &[(&str, u32)] = &[
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4),
    ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8),
    ("aug", 8), ("september", 9), ("sep", 9), ("sept", 9), ("october", 10), ("oct", 10),
    ("november", 11), ("nov", 11), ("december", 12), ("dec", 12),
    ("जनवरी", 1), ("फरवरी", 2), ("मार्च", 3), ("अप्रैल", 4), ("मई", 5), ("जून", 6), ("जुलाई", 7),
    ("अगस्त", 8), ("सितंबर", 9), ("सितम्बर", 9), ("अक्टूबर", 10), ("अक्तूबर", 10), ("नवंबर", 11),
    ("नवम्बर", 11), ("दिसंबर", 12), ("दिसम्बर", 12),
    ("ஜனவரி", 1), ("பிப்ரவரி", 2), ("மார்ச்", 3), ("ஏப்ரல்", 4), ("மே", 5), ("ஜூன்", 6), ("ஜூலை", 7),
    ("ஆகஸ்ட்", 8), ("செப்டம்பர்", 9), ("அக்டோபர்", 10), ("நவம்பர்", 11), ("டிசம்பர்", 12),
    ("జనవరి", 1), ("ఫిబ్రవరి", 2), ("మార్చి", 3), ("ఏప్రిల్", 4), ("మే", 5), ("జూన్", 6), ("జూలై", 7),
    ("ఆగస్టు", 8), ("సెప్టెంబర్", 9), ("అక్టోబర్", 10), ("నవంబర్", 11), ("డిసెంబర్", 12),
    ("ಜನವರಿ", 1), ("ಫೆಬ್ರವರಿ", 2), ("ಮಾರ್ಚ್", 3), ("ಏಪ್ರಿಲ್", 4), ("ಮೇ", 5), ("ಜೂನ್", 6), ("ಜುಲೈ", 7),
    ("ಆಗಸ್ಟ್", 8), ("ಸೆಪ್ಟೆಂಬರ್", 9), ("ಅಕ್ಟೋಬರ್", 10), ("ನವೆಂಬರ್", 11), ("ಡಿಸೆಂಬರ್", 12),
    ("ജനുവരി", 1), ("ഫെബ്രുവരി", 2), ("മാർച്ച്", 3), ("ഏപ്രിൽ", 4), ("മേയ്", 5), ("ജൂൺ", 6), ("ജൂലൈ", 7),
    ("ഓഗസ്റ്റ്", 8), ("സെപ്റ്റംബർ", 9), ("ഒക്ടോബർ", 10), ("നവംബർ", 11), ("ഡിസംബർ", 12),
    ("জানুয়ারি", 1), ("ফেব্রুয়ারি", 2), ("মার্চ", 3), ("এপ্রিল", 4), ("মে", 5), ("জুন", 6), ("জুলাই", 7),
    ("আগস্ট", 8), ("সেপ্টেম্বর", 9), ("অক্টোবর", 10), ("নভেম্বর", 11), ("ডিসেম্বর", 12),
    ("જાન્યુઆરી", 1), ("ફેબ્રુઆરી", 2), ("માર્ચ", 3), ("એપ્રિલ", 4), ("મે", 5), ("જૂન", 6), ("જુલાઈ", 7),
    ("ઓગસ્ટ", 8), ("સપ્ટેમ્બર", 9), ("ઓક્ટોબર", 10), ("નવેમ્બર", 11), ("ડિસેમ્બર", 12),
    ("ਜਨਵਰੀ", 1), ("ਫਰਵਰੀ", 2), ("ਮਾਰਚ", 3), ("ਅਪ੍ਰੈਲ", 4), ("ਮਈ", 5), ("ਜੂਨ", 6), ("ਜੁਲਾਈ", 7),
    ("ਅਗਸਤ", 8), ("ਸਤੰਬਰ", 9), ("ਅਕਤੂਬਰ", 10), ("ਨਵੰਬਰ", 11), ("ਦਸੰਬਰ", 12),
];

/// Modifiers kept in a weekday's span (`next Monday`, LABELS.md). The writers left the native
/// words for "this" and "last" out of their spans, so only these are joined.
const DATE_MODIFIERS: &[&str] = &[
    "next",
    "this",
    "coming",
    "agle",
    "agla",
    "upcoming",
    "aane",
    "last",
    "pichle",
    "अगले",
    "पिछले",
    "पुढच्या",
    "मागच्या",
    "ਅਗਲੇ",
    "ਪਿਛਲੇ",
    "আগামী",
    "அடுத்த",
    "వచ్చే",
    "ಮುಂದಿನ",
    "അടുത്ത",
];
static MODIFIER_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(DATE_MODIFIERS));
const TARIKH: &[&str] = &[
    "tarikh",
    "tareekh",
    "taarikh",
    "tarik",
    "tareek",
    "tarikh",
    "date",
    "तारीख",
    "तारीख़",
    "तारखेला",
    "तारखेला",
    "तारीखेला",
    "તારીખે",
    "તારીખ",
    "তারিখ",
    "তারিখে",
    "தேதி",
    "తేదీ",
    "ತಾರೀಖು",
    "ತಾರೀಕು",
    "തീയതി",
    "ਤਾਰੀਖ",
    "ਤਾਰੀਖ਼",
    "ਤਰੀਕ",
    "తారీఖు",
    "tareeku",
    "tarik",
    "तारख",
    "तारखेची",
    "தேதி",
];
/// Ordinal markers between a day number and the word for "date" (`20 ನೇ ತಾರೀಖು`, `10 ne tareeku`).
const ORDINAL_MARKS: &[&str] = &[
    "ne",
    "ನೇ",
    "వ",
    "ஆம்",
    "वी",
    "वीं",
    "ই",
    "শে",
    "মে",
    "ਵੀਂ",
    "મી",
    "ാം",
    "th",
    "st",
    "nd",
    "rd",
];
/// Words near an ordinal that make it a school year (`12th pass`, `class 10th`).
const EDUCATION_BEFORE: &[&str] = &[
    "class",
    "std",
    "standard",
    "passed",
    "pass",
    "completed",
    "done",
    "studying",
    "padh",
    "kiya",
];

/// Words after an ordinal that make it something other than a day (`2nd floor`).
const NOT_DAY_AFTER: &[&str] = &[
    "floor",
    "std",
    "class",
    "year",
    "yr",
    "sem",
    "semester",
    "standard",
    "pass",
    "position",
    "rank",
    "anniversary",
    "birthday",
    "time",
    "term",
    "attempt",
    "grade",
    "gen",
    "generation",
    "edition",
    "round",
    "innings",
    "match",
    "week",
    "cross",
    "main",
    "stage",
    "phase",
    "block",
    "sector",
    "pass",
    "passed",
    "me",
    "mein",
    "result",
    "marks",
    "board",
    "exam",
    "exams",
    "ke",
    "ki",
    "ka",
    "std",
    "student",
    "students",
    "grade",
    "fail",
    "marksheet",
    "session",
    "sessions",
    "tarvata",
    "tarvatha",
    "baad",
    "after",
    "complete",
    "completed",
];
const ORDINAL_LEAD: &[&str] = &[
    "on", "by", "till", "until", "before", "after", "from", "dated", "upto",
];

static REL_MAP: LazyLock<HashMap<String, Rel>> = LazyLock::new(|| build_map(RELATIVE));
static WEEKDAY_MAP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| build_map(WEEKDAYS));
static MONTH_MAP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| build_map(MONTHS));

fn relative(w: &str) -> Option<Rel> {
    // Only the agglutinating scripts take a suffix (`ನಾಳೆಗೆ`, `நாளைக்கு`); `कल` ≠ `कलर`.
    let first = w.chars().next()?;
    if matches!(first as u32, 0x0B80..=0x0D7F) {
        lookup_prefixed(&REL_MAP, w).copied()
    } else if !first.is_ascii() {
        lookup_stem(&REL_MAP, w, 4, 6).copied()
    } else {
        REL_MAP.get(w).copied()
    }
}

/// `rel` days from the reference, with the tense choosing the sign of ambiguous words.
fn resolve_relative(input: &Input<'_>, rel: Rel, at: usize) -> (Option<String>, Vec<String>) {
    let Some(today) = input.reference else {
        return (None, Vec::new());
    };
    let Rel(n, ambiguous) = rel;
    if !ambiguous || n == 0 {
        return (today.add_days(n).map(|d| d.to_string()), Vec::new());
    }
    match input.tense_near(at) {
        Tense::Past => (today.add_days(-n).map(|d| d.to_string()), Vec::new()),
        Tense::Future => (today.add_days(n).map(|d| d.to_string()), Vec::new()),
        Tense::Unknown => (
            None,
            [-n, n]
                .iter()
                .filter_map(|&k| today.add_days(k).map(|d| d.to_string()))
                .collect(),
        ),
    }
}

/// Resolves a day and month (and maybe year): the next such day from the reference unless the
/// message speaks of the past.
fn resolve_day_month(
    at: usize,
    input: &Input<'_>,
    day: u32,
    month: u32,
    year: Option<i32>,
) -> Option<String> {
    let today = input.reference?;
    if let Some(y) = year {
        return Date::new(y, month, day).map(|d| d.to_string());
    }
    let this = Date::new(today.year(), month, day)?;
    let d = match input.tense_near(at) {
        Tense::Past if this > today => Date::new(today.year() - 1, month, day)?,
        Tense::Past => this,
        _ if this < today => Date::new(today.year() + 1, month, day)?,
        _ => this,
    };
    Some(d.to_string())
}

fn ordinal_day(scan: &crate::scan::Scan<'_>, i: usize) -> Option<(u32, usize)> {
    if scan.kind(i) != Some(TokKind::Num) {
        return None;
    }
    let t = scan.tok(i);
    if t.len() > 2 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u32 = t.parse().ok()?;
    if !(1..=31).contains(&d) {
        return None;
    }
    // `15th`, and native suffixes written on the number (`16ಕ್ಕೆ`, `18వ`, `৫ই`).
    let end = if scan.glued(i + 1)
        && (matches!(scan.tok(i + 1), "st" | "nd" | "rd" | "th")
            || (scan.kind(i + 1) == Some(TokKind::Word) && !scan.tok(i + 1).is_ascii()))
    {
        i + 2
    } else {
        i + 1
    };
    Some((d, end))
}

fn year_at(scan: &crate::scan::Scan<'_>, i: usize) -> Option<i32> {
    if scan.kind(i) != Some(TokKind::Num) {
        return None;
    }
    let t = scan.tok(i);
    match t.len() {
        4 => t.parse().ok().filter(|y| (1900..=2100).contains(y)),
        // Two-digit years pivot at 50: `25` is 2025, `74` is 1974.
        2 => t
            .parse::<i32>()
            .ok()
            .map(|y| if y < 50 { 2000 + y } else { 1900 + y }),
        _ => None,
    }
}

/// `kal`, `next Monday`, `15/08`, `3rd Dec`, `15 tarikh`.
#[derive(Debug, Default, Clone, Copy)]
pub struct DateExtractor;

impl Extractor for DateExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Date
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let n = scan.len();
        let mut i = 0;
        while i < n {
            let t = scan.tok(i);
            match scan.kind(i) {
                Some(TokKind::Word) => {
                    // Relative days, one word or a fixed phrase: `kal`, `day after tomorrow`,
                    // `પરમ દિવસે`, and Telugu `ఈ రోజు` / `ee roju` (one word written as two).
                    let phrase = if matches!(t, "પરમ" | "param" | "parama")
                        && matches!(scan.tok(i + 1), "દિવસે" | "divase" | "divse")
                    {
                        Some((Rel(2, true), i + 1))
                    } else if t == "day" && scan.is(i + 1, "after") && scan.is(i + 2, "tomorrow") {
                        Some((Rel(2, false), i + 2))
                    } else if matches!(t, "ee" | "ఈ") && matches!(scan.tok(i + 1), "roju" | "రోజు")
                    {
                        Some((Rel(0, false), i + 1))
                    } else {
                        // Kannada `innu bandilla` is "not yet", Malayalam `innu` is today.
                        let not_yet = t == "innu" && scan.tok(i + 1).ends_with("illa");
                        relative(t)
                            .filter(|_| !not_yet)
                            .filter(|_| !(scan.glued(i) && scan.kind(i - 1) == Some(TokKind::Word)))
                            .map(|rel| (rel, i))
                    };
                    if let Some((rel, last)) = phrase {
                        let (resolved, candidates) = resolve_relative(input, rel, i);
                        out.push(
                            Candidate::tokens(
                                scan,
                                EntityKind::Date,
                                i,
                                last,
                                super::priority::DATE_WORD,
                            )
                            .with_resolution(resolved, candidates),
                        );
                        i = last + 1;
                        continue;
                    }
                    let wd = if t.chars().next().is_some_and(|c| !c.is_ascii()) {
                        lookup_prefixed(&WEEKDAY_MAP, t).copied()
                    } else {
                        WEEKDAY_MAP.get(t).copied()
                    };
                    if let Some(wd) = wd {
                        let modifier =
                            i > 0 && MODIFIER_SET.contains(scan.tok(i - 1)) && !scan.glued(i);
                        let start = if modifier { i - 1 } else { i };
                        let resolved = input.reference.map(|today| {
                            let ahead = (wd as i64 - today.weekday() as i64).rem_euclid(7);
                            let past = input.tense_near(i) == Tense::Past
                                || scan.tok(i.wrapping_sub(1)) == "last"
                                || scan.tok(i.wrapping_sub(1)) == "pichle";
                            let delta = if past {
                                if ahead == 0 {
                                    -7
                                } else {
                                    ahead - 7
                                }
                            } else if ahead == 0 && scan.tok(i.wrapping_sub(1)) != "this" {
                                7
                            } else {
                                ahead
                            };
                            today.add_days(delta).map(|d| d.to_string())
                        });
                        out.push(
                            Candidate::tokens(
                                scan,
                                EntityKind::Date,
                                start,
                                i,
                                super::priority::DATE_WORD,
                            )
                            .with_resolution(resolved.flatten(), Vec::new()),
                        );
                        i += 1;
                        continue;
                    }
                    // "Dec 3", "December 3rd, 2025"
                    let month = MONTH_MAP.get(t).copied().or_else(|| {
                        (!t.is_ascii())
                            .then(|| lookup_prefixed(&MONTH_MAP, t).copied())
                            .flatten()
                    });
                    if let Some(m) = month.filter(|_| {
                        t != "may" && t != "mar" || scan.kind(i + 1) == Some(TokKind::Num)
                    }) {
                        if let Some((d, mut end)) = ordinal_day(scan, i + 1) {
                            let mut year = None;
                            let k = if scan.is(end, ",") { end + 1 } else { end };
                            if let Some(y) = year_at(scan, k).filter(|_| scan.tok(k).len() == 4) {
                                year = Some(y);
                                end = k + 1;
                            }
                            if Date::new(year.unwrap_or(2024), m, d).is_some() {
                                let resolved = resolve_day_month(i, input, d, m, year);
                                out.push(
                                    Candidate::tokens(
                                        scan,
                                        EntityKind::Date,
                                        i,
                                        end - 1,
                                        super::priority::DATE_NUMERIC,
                                    )
                                    .with_resolution(resolved, Vec::new()),
                                );
                                i = end;
                                continue;
                            }
                        }
                    }
                }
                Some(TokKind::Num) => {
                    if let Some(found) = numeric_date(input, i) {
                        let (end, resolved) = found;
                        out.push(
                            Candidate::tokens(
                                scan,
                                EntityKind::Date,
                                i,
                                end - 1,
                                super::priority::DATE_NUMERIC,
                            )
                            .with_resolution(resolved, Vec::new()),
                        );
                        i = end;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Dates that start with digits; returns the end token and the resolution.
fn numeric_date(input: &Input<'_>, i: usize) -> Option<(usize, Option<String>)> {
    let scan = &input.scan;
    let t = scan.tok(i);
    // `15.08.2025` is one token.
    if t.matches('.').count() == 2 && parse_digits(t).is_none() {
        let parts: Vec<&str> = t.split('.').collect();
        let (d, m) = (parts[0].parse().ok()?, parts[1].parse().ok()?);
        let y = match parts[2].len() {
            4 => parts[2].parse().ok()?,
            2 => parts[2]
                .parse::<i32>()
                .ok()
                .map(|y| if y < 50 { 2000 + y } else { 1900 + y })?,
            _ => return None,
        };
        return Some((i + 1, Some(Date::new(y, m, d)?.to_string())));
    }
    if scan.glued(i) && matches!(scan.tok(i - 1), "/" | "-" | "." | ":" | "#") {
        return None;
    }
    // `15/08`, `15/08/2025`, `15-08-2025`
    if matches!(scan.tok(i + 1), "/" | "-")
        && scan.glued(i + 1)
        && scan.glued(i + 2)
        && scan.kind(i + 2) == Some(TokKind::Num)
    {
        let sep = scan.tok(i + 1);
        let (d, m): (u32, u32) = (t.parse().ok()?, scan.tok(i + 2).parse().ok()?);
        if t.len() > 2 || scan.tok(i + 2).len() > 2 {
            return None;
        }
        let mut end = i + 3;
        let mut year = None;
        if scan.is(i + 3, sep) && scan.glued(i + 3) && scan.glued(i + 4) {
            year = Some(year_at(scan, i + 4)?);
            end = i + 5;
        } else if sep == "-" {
            return None; // `5-6` is a range, not a date
        }
        if scan.glued(end) && scan.kind(end) == Some(TokKind::Num) {
            return None;
        }
        Date::new(year.unwrap_or(2024), m, d)?;
        return Some((end, resolve_day_month(i, input, d, m, year)));
    }
    let (d, end) = ordinal_day(scan, i)?;
    // `3rd Dec`, `15 of August`, `3 dec 2025`
    let k = if scan.is(end, "of") { end + 1 } else { end };
    let month = MONTH_MAP.get(scan.tok(k)).copied().or_else(|| {
        (!scan.tok(k).is_ascii())
            .then(|| lookup_prefixed(&MONTH_MAP, scan.tok(k)).copied())
            .flatten()
    });
    if let Some(m) = month.filter(|_| scan.kind(k) == Some(TokKind::Word)) {
        let mut last = k + 1;
        let mut year = None;
        if let Some(y) = year_at(scan, k + 1).filter(|_| scan.tok(k + 1).len() == 4) {
            year = Some(y);
            last = k + 2;
        }
        Date::new(year.unwrap_or(2024), m, d)?;
        return Some((last, resolve_day_month(i, input, d, m, year)));
    }
    // `15 tarikh`, `20 ನೇ ತಾರೀಖು`
    let end = if ORDINAL_MARKS.contains(&scan.tok(end)) && tarikh_word(scan.tok(end + 1)) {
        end + 1
    } else {
        end
    };
    if tarikh_word(scan.tok(end)) {
        let resolved = day_of_month(input, d, i);
        return Some((end + 1, resolved.map(|d| d.to_string())));
    }
    // `on 15th`, `15th tak`
    if end == i + 2
        && matches!(scan.tok(i + 1), "st" | "nd" | "rd" | "th")
        && (i > 0 && ORDINAL_LEAD.contains(&scan.tok(i - 1))
            || !NOT_DAY_AFTER.contains(&scan.tok(end))
                && scan.tok(end).is_ascii()
                && !EDUCATION_BEFORE
                    .iter()
                    .any(|w| (1..=3).any(|b| i >= b && scan.tok(i - b) == *w)))
    {
        // Unresolved when this month has no such day (`31st` in November).
        let resolved = input
            .reference
            .filter(|today| Date::new(today.year(), today.month(), d).is_some())
            .and_then(|_| day_of_month(input, d, i));
        return Some((end, resolved.map(|d| d.to_string())));
    }
    None
}

/// Day `d` of this month when it is still to come or the clause speaks of the past, else of next
/// month (also when this month has no such day).
fn day_of_month(input: &Input<'_>, d: u32, i: usize) -> Option<Date> {
    let today = input.reference?;
    match (
        Date::new(today.year(), today.month(), d),
        input.tense_near(i),
    ) {
        (Some(x), Tense::Past) => Some(x),
        (Some(x), _) if x >= today => Some(x),
        _ => {
            let (y, m) = if today.month() == 12 {
                (today.year() + 1, 1)
            } else {
                (today.year(), today.month() + 1)
            };
            Date::new(y, m, d)
        }
    }
}

/// The word for "date" (`tarikh`, `तारीख`), or a native one with a case ending (`तारखेची`).
fn tarikh_word(w: &str) -> bool {
    TARIKH_MAP.contains_key(w) || (!w.is_ascii() && lookup_stem(&TARIKH_MAP, w, 3, 4).is_some())
}

static TARIKH_MAP: LazyLock<HashMap<String, ()>> =
    LazyLock::new(|| build_map(&TARIKH.iter().map(|w| (*w, ())).collect::<Vec<_>>()));
