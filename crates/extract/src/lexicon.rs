//! Word lists: number words, multipliers, currencies, units, and the cue words extractors look
//! for, in English, Hindi and the regional languages, in native script and romanized.
//!
//! Lookups take the normalised (Latin-lower-cased, NFC) token. Native-script entries of the
//! agglutinative languages may carry a suffix in text (`ರೂಪಾಯಿಗೆ`), so [`lookup_prefixed`] also
//! matches a token that starts with an entry of at least three characters.

use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// FNV-1a: the word lists are fixed and small, so a fast non-keyed hash beats SipHash (which
/// took a fifth of extraction time in profiles). STYLE.md keeps this crate's dependencies to
/// types, text and regex, hence these few lines rather than a hasher crate.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A map keyed by normalised words.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fnv>>;
/// A set of normalised words.
pub(crate) type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fnv>>;

/// What a number word contributes to a number phrase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NumWord {
    /// A value below 100 (`paanch`, `ਪੰਜ`, `twenty`), or a whole compound (`ஐநூறு` = 500).
    Unit(f64),
    /// `sau`/`hundred`: multiplies what came before.
    Hundred,
    /// `hazaar`, `lakh`, `crore` and the like: closes a group.
    Mult(f64),
    /// A value that stands alone or before a multiplier: `dedh` 1.5, `dhai` 2.5, `aadha` 0.5.
    Frac(f64),
    /// Adjusts the next value: `sava` +0.25, `saade` +0.5, `paune` −0.25.
    Adjust(f64),
}

use NumWord::*;

#[rustfmt::skip]
const NUMBER_WORDS: &[(&str, NumWord)] = &[
    // English
    ("one", Unit(1.0)), ("two", Unit(2.0)), ("three", Unit(3.0)), ("four", Unit(4.0)),
    ("five", Unit(5.0)), ("six", Unit(6.0)), ("seven", Unit(7.0)), ("eight", Unit(8.0)),
    ("nine", Unit(9.0)), ("ten", Unit(10.0)), ("eleven", Unit(11.0)), ("twelve", Unit(12.0)),
    ("thirteen", Unit(13.0)), ("fourteen", Unit(14.0)), ("fifteen", Unit(15.0)),
    ("sixteen", Unit(16.0)), ("seventeen", Unit(17.0)), ("eighteen", Unit(18.0)),
    ("nineteen", Unit(19.0)), ("twenty", Unit(20.0)), ("thirty", Unit(30.0)), ("forty", Unit(40.0)),
    ("fifty", Unit(50.0)), ("sixty", Unit(60.0)), ("seventy", Unit(70.0)), ("eighty", Unit(80.0)),
    ("ninety", Unit(90.0)), ("hundred", Hundred), ("thousand", Mult(1e3)), ("lakh", Mult(1e5)),
    ("lakhs", Mult(1e5)), ("lac", Mult(1e5)), ("lacs", Mult(1e5)), ("laakh", Mult(1e5)),
    ("lakhs", Mult(1e5)), ("crore", Mult(1e7)), ("crores", Mult(1e7)), ("cr", Mult(1e7)),
    ("million", Mult(1e6)), ("millions", Mult(1e6)), ("billion", Mult(1e9)),
    ("billions", Mult(1e9)), ("krore", Mult(1e7)), ("krores", Mult(1e7)), ("half", Frac(0.5)),
    // Hinglish (romanized Hindi)
    ("ek", Unit(1.0)), ("do", Unit(2.0)), ("teen", Unit(3.0)), ("char", Unit(4.0)),
    ("chaar", Unit(4.0)), ("paanch", Unit(5.0)), ("panch", Unit(5.0)), ("paach", Unit(5.0)),
    ("chhe", Unit(6.0)), ("chhah", Unit(6.0)), ("chah", Unit(6.0)), ("saat", Unit(7.0)),
    ("aath", Unit(8.0)), ("nau", Unit(9.0)), ("das", Unit(10.0)), ("dus", Unit(10.0)),
    ("gyarah", Unit(11.0)), ("barah", Unit(12.0)), ("baarah", Unit(12.0)), ("terah", Unit(13.0)),
    ("chaudah", Unit(14.0)), ("pandrah", Unit(15.0)), ("pandra", Unit(15.0)), ("solah", Unit(16.0)),
    ("satrah", Unit(17.0)), ("atharah", Unit(18.0)), ("unnees", Unit(19.0)), ("bees", Unit(20.0)),
    ("pachees", Unit(25.0)), ("pachis", Unit(25.0)), ("tees", Unit(30.0)), ("chalees", Unit(40.0)),
    ("chalis", Unit(40.0)), ("pachaas", Unit(50.0)), ("pachas", Unit(50.0)), ("sattar", Unit(70.0)),
    ("assi", Unit(80.0)), ("nabbe", Unit(90.0)), ("sau", Hundred), ("so", Hundred),
    ("hazaar", Mult(1e3)), ("hazar", Mult(1e3)), ("hajar", Mult(1e3)), ("hajaar", Mult(1e3)),
    ("hazzar", Mult(1e3)), ("karod", Mult(1e7)), ("karor", Mult(1e7)), ("karodh", Mult(1e7)),
    ("arab", Mult(1e9)), ("kharab", Mult(1e11)),
    ("dedh", Frac(1.5)), ("derh", Frac(1.5)), ("dhai", Frac(2.5)), ("dhaai", Frac(2.5)),
    ("adhai", Frac(2.5)), ("arhai", Frac(2.5)), ("aadha", Frac(0.5)), ("adha", Frac(0.5)),
    ("aadhi", Frac(0.5)), ("sava", Adjust(0.25)), ("savva", Adjust(0.25)), ("saade", Adjust(0.5)),
    ("sade", Adjust(0.5)), ("saadhe", Adjust(0.5)), ("sadhe", Adjust(0.5)), ("paune", Adjust(-0.25)),
    ("pone", Adjust(-0.25)),
    // Hindi
    ("एक", Unit(1.0)), ("दो", Unit(2.0)), ("तीन", Unit(3.0)), ("चार", Unit(4.0)), ("पाँच", Unit(5.0)),
    ("पांच", Unit(5.0)), ("छह", Unit(6.0)), ("छः", Unit(6.0)), ("सात", Unit(7.0)), ("आठ", Unit(8.0)),
    ("नौ", Unit(9.0)), ("दस", Unit(10.0)), ("ग्यारह", Unit(11.0)), ("बारह", Unit(12.0)),
    ("पंद्रह", Unit(15.0)), ("बीस", Unit(20.0)), ("पच्चीस", Unit(25.0)), ("तीस", Unit(30.0)),
    ("चालीस", Unit(40.0)), ("पचास", Unit(50.0)), ("साठ", Unit(60.0)), ("सत्तर", Unit(70.0)),
    ("अस्सी", Unit(80.0)), ("नब्बे", Unit(90.0)), ("सौ", Hundred), ("हज़ार", Mult(1e3)),
    ("हजार", Mult(1e3)), ("लाख", Mult(1e5)), ("करोड़", Mult(1e7)), ("करोड", Mult(1e7)),
    ("डेढ़", Frac(1.5)), ("डेढ", Frac(1.5)), ("ढाई", Frac(2.5)), ("आधा", Frac(0.5)),
    ("अरब", Mult(1e9)), ("खरब", Mult(1e11)), ("सवा", Adjust(0.25)), ("साढ़े", Adjust(0.5)), ("साढे", Adjust(0.5)), ("पौने", Adjust(-0.25)),
    // Marathi
    ("दोन", Unit(2.0)), ("पाच", Unit(5.0)), ("सहा", Unit(6.0)), ("नऊ", Unit(9.0)), ("दहा", Unit(10.0)),
    ("वीस", Unit(20.0)), ("चाळीस", Unit(40.0)), ("पन्नास", Unit(50.0)), ("ऐंशी", Unit(80.0)),
    ("नव्वद", Unit(90.0)), ("शंभर", Unit(100.0)), ("कोटी", Mult(1e7)), ("दीड", Frac(1.5)),
    ("अडीच", Frac(2.5)), ("साडे", Adjust(0.5)), ("पावणे", Adjust(-0.25)),
    ("don", Unit(2.0)), ("saha", Unit(6.0)), ("daha", Unit(10.0)), ("pannas", Unit(50.0)),
    ("shambhar", Unit(100.0)), ("deed", Frac(1.5)), ("adich", Frac(2.5)),
    // Gujarati
    ("એક", Unit(1.0)), ("બે", Unit(2.0)), ("ત્રણ", Unit(3.0)), ("ચાર", Unit(4.0)), ("પાંચ", Unit(5.0)),
    ("છ", Unit(6.0)), ("સાત", Unit(7.0)), ("આઠ", Unit(8.0)), ("નવ", Unit(9.0)), ("દસ", Unit(10.0)),
    ("વીસ", Unit(20.0)), ("ત્રીસ", Unit(30.0)), ("ચાળીસ", Unit(40.0)), ("પચાસ", Unit(50.0)),
    ("સાઠ", Unit(60.0)), ("સિત્તેર", Unit(70.0)), ("એંસી", Unit(80.0)), ("નેવું", Unit(90.0)),
    ("સો", Hundred), ("હજાર", Mult(1e3)), ("લાખ", Mult(1e5)), ("કરોડ", Mult(1e7)),
    ("દોઢ", Frac(1.5)), ("અઢી", Frac(2.5)), ("સવા", Adjust(0.25)), ("સાડા", Adjust(0.5)),
    ("પોણા", Adjust(-0.25)), ("tran", Unit(3.0)), ("dodh", Frac(1.5)), ("adhi", Frac(2.5)),
    // Punjabi
    ("ਇੱਕ", Unit(1.0)), ("ਇਕ", Unit(1.0)), ("ਦੋ", Unit(2.0)), ("ਤਿੰਨ", Unit(3.0)), ("ਚਾਰ", Unit(4.0)),
    ("ਪੰਜ", Unit(5.0)), ("ਛੇ", Unit(6.0)), ("ਸੱਤ", Unit(7.0)), ("ਅੱਠ", Unit(8.0)), ("ਨੌਂ", Unit(9.0)),
    ("ਦਸ", Unit(10.0)), ("ਵੀਹ", Unit(20.0)), ("ਤੀਹ", Unit(30.0)), ("ਚਾਲੀ", Unit(40.0)),
    ("ਪੰਜਾਹ", Unit(50.0)), ("ਸੱਠ", Unit(60.0)), ("ਸੱਤਰ", Unit(70.0)), ("ਅੱਸੀ", Unit(80.0)),
    ("ਨੱਬੇ", Unit(90.0)), ("ਸੌ", Hundred), ("ਹਜ਼ਾਰ", Mult(1e3)), ("ਹਜਾਰ", Mult(1e3)),
    ("ਲੱਖ", Mult(1e5)), ("ਕਰੋੜ", Mult(1e7)), ("ਡੇਢ", Frac(1.5)), ("ਢਾਈ", Frac(2.5)),
    ("ਸਵਾ", Adjust(0.25)), ("ਸਾਢੇ", Adjust(0.5)), ("ਪੌਣੇ", Adjust(-0.25)),
    ("ikk", Unit(1.0)), ("tinn", Unit(3.0)), ("panj", Unit(5.0)), ("veeh", Unit(20.0)),
    ("panjah", Unit(50.0)),
    // Bengali
    ("এক", Unit(1.0)), ("দুই", Unit(2.0)), ("দু", Unit(2.0)), ("তিন", Unit(3.0)), ("চার", Unit(4.0)),
    ("পাঁচ", Unit(5.0)), ("ছয়", Unit(6.0)), ("সাত", Unit(7.0)), ("আট", Unit(8.0)), ("নয়", Unit(9.0)),
    ("দশ", Unit(10.0)), ("বিশ", Unit(20.0)), ("কুড়ি", Unit(20.0)), ("ত্রিশ", Unit(30.0)),
    ("চল্লিশ", Unit(40.0)), ("পঞ্চাশ", Unit(50.0)), ("ষাট", Unit(60.0)), ("সত্তর", Unit(70.0)),
    ("আশি", Unit(80.0)), ("নব্বই", Unit(90.0)), ("শো", Hundred), ("শ", Hundred),
    ("একশো", Unit(100.0)), ("হাজার", Mult(1e3)), ("লাখ", Mult(1e5)), ("লক্ষ", Mult(1e5)),
    ("কোটি", Mult(1e7)), ("দেড়", Frac(1.5)), ("আড়াই", Frac(2.5)), ("সাড়ে", Adjust(0.5)),
    ("dui", Unit(2.0)), ("tin", Unit(3.0)), ("choy", Unit(6.0)), ("dosh", Unit(10.0)),
    ("bish", Unit(20.0)), ("ponchash", Unit(50.0)), ("eksho", Unit(100.0)), ("dusho", Unit(200.0)),
    ("sho", Hundred), ("panchsho", Unit(500.0)), ("pachsho", Unit(500.0)), ("der", Frac(1.5)), ("arai", Frac(2.5)),
    ("sare", Adjust(0.5)),
    // Tamil
    ("ஒன்று", Unit(1.0)), ("ஒரு", Unit(1.0)), ("இரண்டு", Unit(2.0)), ("ரெண்டு", Unit(2.0)),
    ("மூன்று", Unit(3.0)), ("மூணு", Unit(3.0)), ("நான்கு", Unit(4.0)), ("நாலு", Unit(4.0)),
    ("ஐந்து", Unit(5.0)), ("அஞ்சு", Unit(5.0)), ("ஆறு", Unit(6.0)), ("ஏழு", Unit(7.0)),
    ("எட்டு", Unit(8.0)), ("ஒன்பது", Unit(9.0)), ("பத்து", Unit(10.0)), ("இருபது", Unit(20.0)),
    ("முப்பது", Unit(30.0)), ("நாற்பது", Unit(40.0)), ("ஐம்பது", Unit(50.0)), ("அறுபது", Unit(60.0)),
    ("எழுபது", Unit(70.0)), ("எண்பது", Unit(80.0)), ("தொண்ணூறு", Unit(90.0)), ("நூறு", Unit(100.0)),
    ("இருநூறு", Unit(200.0)), ("முந்நூறு", Unit(300.0)), ("நானூறு", Unit(400.0)),
    ("ஐநூறு", Unit(500.0)), ("ஆயிரம்", Mult(1e3)), ("ஆயிரத்து", Mult(1e3)),
    ("லட்சம்", Mult(1e5)), ("லட்ச", Mult(1e5)), ("கோடி", Mult(1e7)),
    ("onnu", Unit(1.0)), ("oru", Unit(1.0)), ("rendu", Unit(2.0)), ("moonu", Unit(3.0)),
    ("naalu", Unit(4.0)), ("anju", Unit(5.0)), ("aaru", Unit(6.0)), ("ezhu", Unit(7.0)),
    ("ettu", Unit(8.0)), ("pathu", Unit(10.0)), ("irupathu", Unit(20.0)), ("aimbathu", Unit(50.0)),
    ("nooru", Unit(100.0)), ("ainooru", Unit(500.0)), ("aayiram", Mult(1e3)), ("ayiram", Mult(1e3)),
    ("latcham", Mult(1e5)), ("latchum", Mult(1e5)), ("kodi", Mult(1e7)),
    // Telugu
    ("ఒకటి", Unit(1.0)), ("ఒక", Unit(1.0)), ("రెండు", Unit(2.0)), ("మూడు", Unit(3.0)),
    ("నాలుగు", Unit(4.0)), ("ఐదు", Unit(5.0)), ("ఆరు", Unit(6.0)), ("ఏడు", Unit(7.0)),
    ("ఎనిమిది", Unit(8.0)), ("తొమ్మిది", Unit(9.0)), ("పది", Unit(10.0)), ("ఇరవై", Unit(20.0)),
    ("ముప్పై", Unit(30.0)), ("నలభై", Unit(40.0)), ("యాభై", Unit(50.0)), ("అరవై", Unit(60.0)),
    ("డెబ్బై", Unit(70.0)), ("ఎనభై", Unit(80.0)), ("తొంభై", Unit(90.0)), ("వంద", Hundred),
    ("వందలు", Hundred), ("వందల", Hundred), ("వెయ్యి", Mult(1e3)), ("వేలు", Mult(1e3)),
    ("వేల", Mult(1e3)), ("లక్ష", Mult(1e5)), ("లక్షలు", Mult(1e5)), ("లక్షల", Mult(1e5)),
    ("కోటి", Mult(1e7)), ("కోట్లు", Mult(1e7)), ("కోట్ల", Mult(1e7)), ("ఒకటిన్నర", Frac(1.5)),
    ("రెండున్నర", Frac(2.5)),
    ("okati", Unit(1.0)), ("moodu", Unit(3.0)), ("naalugu", Unit(4.0)), ("aidu", Unit(5.0)),
    ("padi", Unit(10.0)), ("iravai", Unit(20.0)), ("yabhai", Unit(50.0)), ("vanda", Hundred),
    ("vandalu", Hundred), ("vandala", Hundred), ("veyyi", Mult(1e3)), ("velu", Mult(1e3)),
    ("vela", Mult(1e3)), ("laksha", Mult(1e5)), ("lakshalu", Mult(1e5)), ("koti", Mult(1e7)),
    ("rendunnara", Frac(2.5)),
    // Kannada
    ("ಒಂದು", Unit(1.0)), ("ಎರಡು", Unit(2.0)), ("ಮೂರು", Unit(3.0)), ("ನಾಲ್ಕು", Unit(4.0)),
    ("ಐದು", Unit(5.0)), ("ಆರು", Unit(6.0)), ("ಏಳು", Unit(7.0)), ("ಎಂಟು", Unit(8.0)),
    ("ಒಂಬತ್ತು", Unit(9.0)), ("ಹತ್ತು", Unit(10.0)), ("ಇಪ್ಪತ್ತು", Unit(20.0)), ("ಮೂವತ್ತು", Unit(30.0)),
    ("ನಲವತ್ತು", Unit(40.0)), ("ಐವತ್ತು", Unit(50.0)), ("ಅರವತ್ತು", Unit(60.0)), ("ಎಪ್ಪತ್ತು", Unit(70.0)),
    ("ಎಂಬತ್ತು", Unit(80.0)), ("ತೊಂಬತ್ತು", Unit(90.0)), ("ನೂರು", Unit(100.0)), ("ಇನ್ನೂರು", Unit(200.0)),
    ("ಮುನ್ನೂರು", Unit(300.0)), ("ಐನೂರು", Unit(500.0)), ("ಸಾವಿರ", Mult(1e3)), ("ಲಕ್ಷ", Mult(1e5)),
    ("ಕೋಟಿ", Mult(1e7)), ("ಒಂದೂವರೆ", Frac(1.5)), ("ಎರಡೂವರೆ", Frac(2.5)),
    ("ondu", Unit(1.0)), ("eradu", Unit(2.0)), ("mooru", Unit(3.0)), ("naalku", Unit(4.0)),
    ("hattu", Unit(10.0)), ("ippattu", Unit(20.0)), ("aivattu", Unit(50.0)), ("innooru", Unit(200.0)),
    ("saavira", Mult(1e3)), ("savira", Mult(1e3)), ("saavra", Mult(1e3)), ("ondoovare", Frac(1.5)),
    // Malayalam
    ("ഒന്ന്", Unit(1.0)), ("ഒരു", Unit(1.0)), ("രണ്ട്", Unit(2.0)), ("മൂന്ന്", Unit(3.0)),
    ("നാല്", Unit(4.0)), ("അഞ്ച്", Unit(5.0)), ("ആറ്", Unit(6.0)), ("ഏഴ്", Unit(7.0)),
    ("എട്ട്", Unit(8.0)), ("ഒമ്പത്", Unit(9.0)), ("പത്ത്", Unit(10.0)), ("ഇരുപത്", Unit(20.0)),
    ("മുപ്പത്", Unit(30.0)), ("നാല്പത്", Unit(40.0)), ("അമ്പത്", Unit(50.0)), ("അറുപത്", Unit(60.0)),
    ("എഴുപത്", Unit(70.0)), ("എൺപത്", Unit(80.0)), ("തൊണ്ണൂറ്", Unit(90.0)), ("നൂറ്", Unit(100.0)),
    ("ഇരുനൂറ്", Unit(200.0)), ("അഞ്ഞൂറ്", Unit(500.0)), ("ആയിരം", Mult(1e3)), ("ലക്ഷം", Mult(1e5)),
    ("കോടി", Mult(1e7)), ("ഒന്നര", Frac(1.5)), ("രണ്ടര", Frac(2.5)),
    ("randu", Unit(2.0)), ("moonnu", Unit(3.0)), ("ambathu", Unit(50.0)), ("anjooru", Unit(500.0)),
    ("laksham", Mult(1e5)), ("onnara", Frac(1.5)), ("randara", Frac(2.5)),
];

/// Suffixes that make hundreds of a unit word in one token (`पाचशे` = 500, `পাঁচশো` = 500,
/// `પાંચસો` = 500).
pub(crate) const HUNDRED_SUFFIXES: &[&str] = &["शे", "শো", "শ", "સો", "sho", "she"];

/// A map keyed by the normalised form of each entry, so that lookups of normalised tokens
/// match whatever composition the source file used (`ज़` vs `ज` + nukta).
pub(crate) fn build_map<V: Copy>(pairs: &[(&str, V)]) -> HashMap<String, V> {
    pairs
        .iter()
        .map(|(k, v)| (sandesh_text::normalize_light(k).text().to_string(), *v))
        .collect()
}

/// A set keyed like [`build_map`].
pub(crate) fn build_set(words: &[&str]) -> HashSet<String> {
    words
        .iter()
        .map(|k| sandesh_text::normalize_light(k).text().to_string())
        .collect()
}

/// The project's tables of number words 1-99, hundreds, thousands, lakh and crore in every
/// language (`data/number_words.tsv`: language, word, value).
const NUMBER_TABLE: &str = include_str!("../data/number_words.tsv");

static NUMBER_MAP: LazyLock<HashMap<String, NumWord>> = LazyLock::new(|| {
    let mut map = build_map(NUMBER_WORDS);
    for line in NUMBER_TABLE.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut f = line.split('\t');
        let (Some(_lang), Some(word), Some(value)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Ok(v) = value.trim().parse::<f64>() else {
            continue;
        };
        let w = match v {
            v if v <= 0.0 || v == 12.0 && word.contains("dozen") => continue,
            100.0 => Hundred,
            v if v == 1e3 || v == 1e5 || v == 1e6 || v == 1e7 || v == 1e9 => Mult(v),
            v => Unit(v),
        };
        map.entry(
            sandesh_text::normalize_light(word.trim())
                .text()
                .to_string(),
        )
        .or_insert(w);
    }
    map
});
static HUNDRED_SUFFIX_SET: LazyLock<Vec<String>> = LazyLock::new(|| {
    HUNDRED_SUFFIXES
        .iter()
        .map(|k| sandesh_text::normalize_light(k).text().to_string())
        .collect()
});

/// The first two characters of every tens word, to try splitting compounds only where one
/// may start.
static TENS_STARTS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    NUMBER_MAP
        .iter()
        .filter(|(k, v)| {
            matches!(v, Unit(u) if (20.0..100.0).contains(u) && u % 10.0 == 0.0) && !k.is_ascii()
        })
        .map(|(k, _)| k.chars().take(2).collect())
        .collect()
});

/// The first two characters of every adjustment word (`साडे`, `सव्वा`).
static ADJUST_STARTS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    NUMBER_MAP
        .iter()
        .filter(|(k, v)| matches!(v, Adjust(_)) && !k.is_ascii())
        .map(|(k, _)| k.chars().take(2).collect())
        .collect()
});

/// The number word `w`, exactly, or a native-script compound of a tens word and a unit written
/// as one word (`ഇരുപത്തിഒന്ന്` = 21).
pub(crate) fn number_word(w: &str) -> Option<NumWord> {
    if let Some(n) = NUMBER_MAP.get(w) {
        return Some(*n);
    }
    // `साडेचार` (4.5), `सव्वापाच`: an adjustment written on its number.
    if !w.is_ascii()
        && w.chars().count() >= 4
        && ADJUST_STARTS.contains(&w.chars().take(2).collect::<String>())
    {
        for (i, _) in w.char_indices().skip(2) {
            if let (Some(Adjust(a)), Some(Unit(u))) =
                (NUMBER_MAP.get(&w[..i]), NUMBER_MAP.get(&w[i..]))
            {
                if *u < 100.0 {
                    return Some(Unit(u + a));
                }
            }
        }
    }
    if !w.is_ascii()
        && w.chars().count() >= 4
        && TENS_STARTS.contains(&w.chars().take(2).collect::<String>())
    {
        for (i, _) in w.char_indices().skip(2) {
            if let (Some(Unit(t)), Some(Unit(u))) =
                (NUMBER_MAP.get(&w[..i]), NUMBER_MAP.get(&w[i..]))
            {
                if (20.0..100.0).contains(t) && t % 10.0 == 0.0 && *u < 10.0 {
                    return Some(Unit(t + u));
                }
            }
        }
    }
    // Tamil and Malayalam write "twelve thousand" as one word, the vowel of the number
    // merging into that of "thousand": `பன்னிரண்டாயிரம்` (பன்னிரண்டு + ஆயிரம்),
    // `പന്ത്രണ്ടായിരം` (പന്ത്രണ്ട് + ആയിരം).
    for (suf, ends) in [
        ("ாயிரம்", &["ு", ""][..]),
        ("ாயிரத்து", &["ு", ""][..]),
        ("ായിരം", &["്", "ു", ""][..]),
    ] {
        if let Some(stem) = w.strip_suffix(suf) {
            for end in ends {
                if let Some(Unit(u)) = NUMBER_MAP.get(&format!("{stem}{end}")) {
                    if (1.0..100.0).contains(u) {
                        return Some(Unit(u * 1000.0));
                    }
                }
            }
        }
    }
    for suf in HUNDRED_SUFFIX_SET.iter() {
        if let Some(stem) = w.strip_suffix(suf.as_str()) {
            if let Some(Unit(u)) = NUMBER_MAP.get(stem) {
                if *u < 10.0 {
                    return Some(Unit(u * 100.0));
                }
            }
        }
    }
    None
}

/// Multipliers written right after digits, glued or not (`5k`, `2.5 lakh`, `1.2cr`, `6 LPA`).
#[rustfmt::skip]
pub(crate) const DIGIT_MULTIPLIERS: &[(&str, f64)] = &[
    ("k", 1e3), ("thousand", 1e3), ("hazaar", 1e3), ("hazar", 1e3), ("hajar", 1e3),
    ("hajaar", 1e3), ("हज़ार", 1e3), ("हजार", 1e3), ("হাজার", 1e3), ("હજાર", 1e3), ("ਹਜ਼ਾਰ", 1e3),
    ("ਹਜਾਰ", 1e3), ("ஆயிரம்", 1e3), ("ஆயிரத்து", 1e3), ("వేలు", 1e3), ("వేల", 1e3), ("వెయ్యి", 1e3),
    ("ಸಾವಿರ", 1e3), ("ആയിരം", 1e3), ("aayiram", 1e3), ("velu", 1e3), ("saavira", 1e3),
    ("savira", 1e3),
    ("lakh", 1e5), ("lakhs", 1e5), ("lac", 1e5), ("lacs", 1e5), ("laakh", 1e5), ("lk", 1e5),
    ("lkh", 1e5), ("lkhs", 1e5), ("lakhs", 1e5),
    ("lpa", 1e5), ("लाख", 1e5), ("লাখ", 1e5), ("লক্ষ", 1e5), ("લાખ", 1e5), ("ਲੱਖ", 1e5),
    ("லட்சம்", 1e5), ("లక్షలు", 1e5), ("లక్షల", 1e5), ("లక్ష", 1e5), ("ಲಕ್ಷ", 1e5), ("ലക്ഷം", 1e5),
    ("laksha", 1e5), ("latcham", 1e5), ("laksham", 1e5), ("ലക്ഷത്ത", 1e5), ("ആയിരത്ത", 1e3),
    ("லட்சத்த", 1e5), ("ஆயிரத்த", 1e3),
    ("cr", 1e7), ("crore", 1e7), ("crores", 1e7), ("karod", 1e7), ("करोड़", 1e7), ("करोड", 1e7),
    ("कोटी", 1e7), ("কোটি", 1e7), ("કરોડ", 1e7), ("ਕਰੋੜ", 1e7), ("கோடி", 1e7), ("కోట్లు", 1e7),
    ("కోటి", 1e7), ("ಕೋಟಿ", 1e7), ("കോടി", 1e7), ("koti", 1e7),
    ("sau", 1e2), ("hundred", 1e2), ("सौ", 1e2), ("mn", 1e6), ("million", 1e6),
    ("millions", 1e6), ("billion", 1e9), ("billions", 1e9), ("krore", 1e7), ("krores", 1e7),
    ("अरब", 1e9), ("खरब", 1e11),
];

static DIGIT_MULT_MAP: LazyLock<HashMap<String, f64>> =
    LazyLock::new(|| build_map(DIGIT_MULTIPLIERS));

pub(crate) fn digit_multiplier(w: &str) -> Option<f64> {
    // Native multipliers may carry a case ending (`લાખનું`, `ലക്ഷത്തിനുള്ളിൽ`).
    DIGIT_MULT_MAP.get(w).copied().or_else(|| {
        (!w.is_ascii())
            .then(|| lookup_stem(&DIGIT_MULT_MAP, w, 2, 8).copied())
            .flatten()
    })
}

/// Currency symbols and words written before an amount, with their ISO 4217 code.
#[rustfmt::skip]
const CURRENCY_BEFORE: &[(&str, &str)] = &[
    ("₹", "INR"), ("rs", "INR"), ("inr", "INR"), ("rupees", "INR"), ("rupee", "INR"), ("re", "INR"),
    ("रु", "INR"), ("रू", "INR"), ("रुपये", "INR"), ("ரூ", "INR"), ("రూ", "INR"), ("ರೂ", "INR"),
    ("രൂ", "INR"), ("રૂ", "INR"), ("ਰੁ", "INR"), ("টাকা", "INR"), ("ரூபாய்", "INR"),
    ("$", "USD"), ("usd", "USD"), ("€", "EUR"), ("eur", "EUR"), ("£", "GBP"), ("gbp", "GBP"),
    ("aed", "AED"), ("sar", "SAR"), ("sgd", "SGD"), ("cad", "CAD"), ("aud", "AUD"),
];

/// Currency words written after an amount.
#[rustfmt::skip]
const CURRENCY_AFTER: &[(&str, &str)] = &[
    ("rs", "INR"), ("inr", "INR"), ("bucks", "INR"), ("taka", "INR"), ("takar", "INR"),
    ("tk", "INR"), ("roopa", "INR"), ("ru", "INR"), ("rupayi", "INR"), ("rupai", "INR"),
    ("rubai", "INR"), ("roobai", "INR"), ("ruba", "INR"), ("rupaa", "INR"), ("rooba", "INR"),
    ("ரூபா", "INR"),
    ("रुपये", "INR"), ("रुपए", "INR"), ("रुपया", "INR"), ("रुपयों", "INR"), ("रूपये", "INR"),
    ("रूपए", "INR"), ("रु", "INR"), ("रू", "INR"), ("টাকা", "INR"), ("ரூபாய்", "INR"), ("ரூ", "INR"),
    ("రూపాయలు", "INR"), ("రూపాయి", "INR"), ("రూపాయల", "INR"), ("రూ", "INR"), ("ರೂಪಾಯಿ", "INR"),
    ("ರೂ", "INR"), ("രൂപ", "INR"), ("രൂ", "INR"), ("રૂપિયા", "INR"), ("રૂ", "INR"), ("ਰੁਪਏ", "INR"),
    ("ਰੁਪਈਏ", "INR"), ("ਰੁ", "INR"),
    ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("डॉलर", "USD"), ("यूरो", "EUR"), ("पाउंड", "GBP"),
    ("pounds", "GBP"), ("usd", "USD"), ("dollars", "USD"), ("dollar", "USD"), ("eur", "EUR"), ("euros", "EUR"),
    ("euro", "EUR"), ("aed", "AED"), ("dirhams", "AED"), ("dirham", "AED"), ("gbp", "GBP"),
    ("sgd", "SGD"), ("sar", "SAR"), ("riyal", "SAR"), ("riyals", "SAR"),
];

static BEFORE_MAP: LazyLock<HashMap<String, &'static str>> =
    LazyLock::new(|| build_map(CURRENCY_BEFORE));
static AFTER_MAP: LazyLock<HashMap<String, &'static str>> =
    LazyLock::new(|| build_map(CURRENCY_AFTER));

/// The currency of a word written before a number.
pub(crate) fn currency_before(w: &str) -> Option<&'static str> {
    BEFORE_MAP.get(w).copied()
}

/// The currency of a word written after a number (`rupaye`, `টাকার`, `ரூபாய்க்கு`).
pub(crate) fn currency_after(w: &str) -> Option<&'static str> {
    if let Some(c) = AFTER_MAP.get(w) {
        return Some(c);
    }
    if w.starts_with("rup") || w.starts_with("rps") || w.starts_with("ruppe") {
        return Some("INR");
    }
    lookup_prefixed(&AFTER_MAP, w).copied()
}

/// `map[w]`, or the entry that `w` starts with when both are native script, the entry is at least
/// three characters long and at most five characters of suffix follow.
pub(crate) fn lookup_prefixed<'m, V>(map: &'m HashMap<String, V>, w: &str) -> Option<&'m V> {
    if let Some(v) = map.get(w) {
        return Some(v);
    }
    if w.chars().next()?.is_ascii() {
        return None;
    }
    lookup_stem(map, w, 3, 5)
}

/// `map[w]`, or the longest entry of at least `min_stem` characters that `w` starts with, when
/// at most `max_suffix` characters follow it. Costs one hash lookup per character of `w`.
pub(crate) fn lookup_stem<'m, V>(
    map: &'m HashMap<String, V>,
    w: &str,
    min_stem: usize,
    max_suffix: usize,
) -> Option<&'m V> {
    if let Some(v) = map.get(w) {
        return Some(v);
    }
    // Walk back from the end: the stem loses one character per step, at most `max_suffix`.
    let n = w.chars().count();
    let mut end = w.len();
    for (dropped, (i, _)) in w.char_indices().rev().enumerate().take(max_suffix) {
        end = i;
        let stem_chars = n - dropped - 1;
        if stem_chars < min_stem {
            break;
        }
        if let Some(v) = map.get(&w[..end]) {
            return Some(v);
        }
    }
    let _ = end;
    None
}

/// Canonical units of `docs/ENTITIES.md` and the words that name them.
#[rustfmt::skip]
const UNIT_WORDS: &[(&str, &str)] = &[
    ("kg", "kg"), ("kgs", "kg"), ("kilo", "kg"), ("kilos", "kg"), ("kilogram", "kg"),
    ("kilograms", "kg"), ("kilogramme", "kg"), ("kilu", "kg"), ("keji", "kg"),
    ("g", "g"), ("gm", "g"), ("gms", "g"), ("gram", "g"), ("grams", "g"), ("gramme", "g"), ("gr", "g"),
    ("grm", "g"), ("mg", "mg"),
    ("quintal", "quintal"), ("quintals", "quintal"), ("qtl", "quintal"), ("qtls", "quintal"),
    ("qntl", "quintal"), ("kwintal", "quintal"),
    ("ton", "tonne"), ("tons", "tonne"), ("tonne", "tonne"), ("tonnes", "tonne"), ("mt", "tonne"),
    ("l", "l"), ("lt", "l"), ("ltr", "l"), ("ltrs", "l"), ("litre", "l"), ("litres", "l"),
    ("liter", "l"), ("liters", "l"), ("litter", "l"), ("ml", "ml"),
    ("pc", "piece"), ("pcs", "piece"), ("piece", "piece"), ("pieces", "piece"), ("nos", "piece"),
    ("peace", "piece"), ("pcs.", "piece"), ("nag", "piece"),
    ("dozen", "dozen"), ("dozens", "dozen"), ("dz", "dozen"), ("doz", "dozen"), ("darjan", "dozen"),
    ("pair", "pair"), ("pairs", "pair"), ("jodi", "pair"), ("jode", "pair"),
    ("packet", "packet"), ("packets", "packet"), ("pkt", "packet"), ("pkts", "packet"),
    ("pack", "packet"), ("packs", "packet"), ("paket", "packet"),
    ("box", "box"), ("boxes", "box"), ("dabba", "box"), ("dabbe", "box"), ("dibba", "box"),
    ("dibbe", "box"),
    ("bag", "bag"), ("bags", "bag"), ("bori", "bag"), ("boriya", "bag"), ("bora", "bag"),
    ("bottle", "bottle"), ("bottles", "bottle"), ("btl", "bottle"), ("botal", "bottle"),
    ("carton", "carton"), ("cartons", "carton"), ("ctn", "carton"), ("ctns", "carton"),
    ("peti", "carton"), ("petis", "carton"),
    ("roll", "roll"), ("rolls", "roll"), ("bundle", "bundle"), ("bundles", "bundle"),
    ("set", "set"), ("sets", "set"), ("plate", "plate"), ("plates", "plate"),
    ("mtr", "metre"), ("mtrs", "metre"), ("meter", "metre"), ("meters", "metre"), ("metre", "metre"),
    ("metres", "metre"), ("cm", "cm"), ("ft", "ft"), ("feet", "ft"), ("foot", "ft"),
    ("inch", "inch"), ("inches", "inch"), ("sqft", "sqft"), ("acre", "acre"), ("acres", "acre"),
    ("killa", "acre"), ("kille", "acre"),
    // Hindi / Marathi
    ("किलो", "kg"), ("केजी", "kg"), ("किग्रा", "kg"), ("ग्राम", "g"), ("क्विंटल", "quintal"),
    ("टन", "tonne"), ("लीटर", "l"), ("लिटर", "l"), ("मिली", "ml"), ("नग", "piece"), ("पीस", "piece"),
    ("दर्जन", "dozen"), ("डझन", "dozen"), ("जोड़ी", "pair"), ("जोडी", "pair"), ("पैकेट", "packet"),
    ("पाकीट", "packet"), ("डिब्बा", "box"), ("डिब्बे", "box"), ("डबा", "box"), ("डबे", "box"),
    ("बोरी", "bag"), ("बोरा", "bag"), ("बॅग", "bag"), ("पोती", "bag"), ("बोतल", "bottle"),
    ("पेटी", "carton"), ("पेट्या", "carton"), ("मीटर", "metre"), ("फीट", "ft"), ("फुट", "ft"),
    ("इंच", "inch"), ("एकड़", "acre"), ("एकर", "acre"), ("प्लेट", "plate"), ("सेट", "set"),
    // Gujarati
    ("કિલો", "kg"), ("ગ્રામ", "g"), ("લિટર", "l"), ("લીટર", "l"), ("ડઝન", "dozen"), ("પેકેટ", "packet"),
    ("મીટર", "metre"), ("નંગ", "piece"), ("થેલી", "bag"), ("બોરી", "bag"), ("ડબ્બા", "box"),
    ("ડબ્બો", "box"), ("પેટી", "carton"), ("ટન", "tonne"),
    // Punjabi
    ("ਕਿਲੋ", "kg"), ("ਗ੍ਰਾਮ", "g"), ("ਲੀਟਰ", "l"), ("ਦਰਜਨ", "dozen"), ("ਪੈਕੇਟ", "packet"),
    ("ਮੀਟਰ", "metre"), ("ਨਗ", "piece"), ("ਬੋਰੀ", "bag"), ("ਬੋਰੀਆਂ", "bag"), ("ਪੇਟੀ", "carton"),
    ("ਪੇਟੀਆਂ", "carton"), ("ਟਨ", "tonne"), ("ਡੱਬਾ", "box"), ("ਡੱਬੇ", "box"), ("ਕੁਇੰਟਲ", "quintal"),
    ("ਥਾਲੀਆਂ", "plate"),
    // Bengali
    ("কেজি", "kg"), ("কিলো", "kg"), ("গ্রাম", "g"), ("লিটার", "l"), ("ডজন", "dozen"),
    ("প্যাকেট", "packet"), ("মিটার", "metre"), ("পিস", "piece"), ("বস্তা", "bag"), ("বাক্স", "box"),
    ("কুইন্টাল", "quintal"), ("টন", "tonne"), ("জোড়া", "pair"),
    // Tamil
    ("கிலோ", "kg"), ("கிராம்", "g"), ("லிட்டர்", "l"), ("டஜன்", "dozen"), ("பாக்கெட்", "packet"),
    ("மீட்டர்", "metre"), ("மூட்டை", "bag"), ("பீஸ்", "piece"), ("பெட்டி", "box"), ("டன்", "tonne"),
    // Telugu
    ("కిలో", "kg"), ("కిలోలు", "kg"), ("కేజీ", "kg"), ("కేజీలు", "kg"), ("గ్రాములు", "g"),
    ("గ్రాము", "g"), ("లీటర్", "l"), ("లీటర్లు", "l"), ("డజన్", "dozen"), ("ప్యాకెట్", "packet"),
    ("ప్యాకెట్లు", "packet"), ("మీటర్", "metre"), ("మీటర్లు", "metre"), ("బస్తా", "bag"),
    ("బస్తాలు", "bag"), ("బస్తాల", "bag"), ("టన్నులు", "tonne"), ("పెట్టెలు", "box"),
    // Kannada
    ("ಕೆಜಿ", "kg"), ("ಕಿಲೋ", "kg"), ("ಕೇಜಿ", "kg"), ("ಗ್ರಾಂ", "g"), ("ಲೀಟರ್", "l"), ("ಡಜನ್", "dozen"),
    ("ಪ್ಯಾಕೆಟ್", "packet"), ("ಮೀಟರ್", "metre"), ("ಚೀಲ", "bag"), ("ಮೂಟೆ", "bag"), ("ಬಾಕ್ಸ್", "box"),
    // Malayalam
    ("കിലോ", "kg"), ("ഗ്രാം", "g"), ("ലിറ്റർ", "l"), ("ഡസൻ", "dozen"), ("പാക്കറ്റ്", "packet"),
    ("മീറ്റർ", "metre"), ("ചാക്ക്", "bag"), ("പെട്ടി", "box"),
];

static UNIT_MAP: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| build_map(UNIT_WORDS));

/// The canonical unit a word names (`kgs` → `kg`, `किलोचा` → `kg`).
pub(crate) fn unit_word(w: &str) -> Option<&'static str> {
    lookup_prefixed(&UNIT_MAP, w).copied()
}

/// Words that make a bare number money when they stand near it.
#[rustfmt::skip]
const MONEY_CUES: &[&str] = &[
    "total", "price", "prices", "rate", "rates", "cost", "costs", "costing", "amount", "amt", "paid",
    "pay", "payment", "payable", "fees", "fee", "fare", "salary", "ctc", "stipend", "balance", "bal",
    "due", "dues", "advance", "deposit", "rent", "emi", "refund", "refunded", "charges", "charge",
    "charged", "mrp", "budget", "cash", "transferred", "transfer", "received", "debited", "credited",
    "deducted", "worth", "cashback", "outstanding", "pending", "bhej", "bheja", "bheje", "bhejdiye",
    "bhejdia", "bheji", "diye", "diya", "dena", "dene", "dedo", "lagega", "lagenge", "lagta",
    "laga", "lage", "hua", "hue", "kitna", "kitne", "paise", "paisa", "daam", "dam", "kimat", "keemat",
    "kiraya", "udhaar", "udhar", "baaki", "baki", "jama", "bhada", "kharcha", "fix", "final",
    "offer", "quote", "quotation", "invoice", "bill", "billing", "discount", "less", "minimum",
    "min", "max", "upto", "only", "per", "month", "monthly", "pm", "package", "deal", "margin",
    "कुल", "कीमत", "दाम", "भुगतान", "किराया", "पैसे", "वेतन", "सैलरी", "भेजे", "भेज", "बकाया", "जमा",
    "फीस", "रेट", "किंमत", "भाडे", "पगार", "दाम", "শুল্ক", "দাম", "বেতন", "ভাড়া", "விலை", "சம்பளம்",
    "கட்டணம்", "வாடகை", "ధర", "జీతం", "అద్దె", "ಬೆಲೆ", "ಸಂಬಳ", "ಬಾಡಿಗೆ", "വില", "ശമ്പളം", "വാടക",
    "કિંમત", "ભાવ", "પગાર", "ભાડું", "ਕੀਮਤ", "ਤਨਖਾਹ", "ਕਿਰਾਇਆ", "ਰੇਟ",
    "vilai", "sambalam", "dhara", "jeetham", "bele", "sambala", "vila", "shambalam", "bhav", "pagar",
    "tankhah", "kirayaa", "bhade", "बाकी", "ബാക്കി", "বাকি", "બાકી", "ਬਾਕੀ", "பாக்கி", "బాకీ",
    "ಬಾಕಿ", "advance", "अडवांस", "एडवांस", "ফি", "ফী", "फी", "ফিস", "ஃபீஸ்", "ఫీజు", "ಫೀ", "ഫീസ്",
    "ફી", "ਫੀਸ", "sent", "earn", "kamao", "kamaye", "kamaiye", "कमवा", "कमाएं", "पाठवले", "পাঠিয়েছি",
    "দিয়েছি", "ayachu", "anuppinen", "kattinen", "kattanu", "budget", "बजेट", "বাজেট", "sirf",
    "matra", "matro", "fakt", "under", "below", "deducted", "gone", "kat", "kata", "kate", "kete",
    "cut", "haaki", "कटे", "कट", "কেটেছে", "सिर्फ", "केवल", "फक्त", "paytm", "gpay", "phonepe",
    "upi", "neft", "imps", "rtgs", "dale", "daale", "daal", "डाल", "डाले", "ditte", "tiskunnaru",
    "কম",
    "कम",
    "lottery",
    "won",
    "jeeta",
    "jeete",
    "inaam",
    "prize",
    "bharla", "भरलं", "भरले", "bhara", "bhare", "లోపు", "లోపల",
];

static MONEY_CUE_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(MONEY_CUES));

/// Romanized verbs of paying and sending, whatever their ending (`bhejne`, `bhejunga`,
/// `lautaye`, `kudukkanum`), and the handles of UPI apps (`name@okicici theke 650`).
#[rustfmt::skip]
const MONEY_CUE_STEMS: &[&str] = &[
    "bhej", "lauta", "lotay", "kharch", "kudut", "kudukk", "koduth", "kodukk", "haakt", "kattin",
    "transfer", "refund", "overcharg",
];
const UPI_HANDLES: &[&str] = &[
    "okicici",
    "oksbi",
    "okaxis",
    "okhdfcbank",
    "ybl",
    "ibl",
    "axl",
    "apl",
    "yapl",
    "paytm",
];

pub(crate) fn is_money_cue(w: &str) -> bool {
    MONEY_CUE_SET.contains(w)
        || (w.is_ascii()
            && (MONEY_CUE_STEMS.iter().any(|s| w.starts_with(s)) || UPI_HANDLES.contains(&w)))
}
