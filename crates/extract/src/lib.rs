//! Entity extraction for Indian business chat.
//!
//! The pipeline: the original text is normalised (invisible characters out, NFC, Latin lower
//! case, digits of every Indic script to ASCII) with an alignment map back to the original;
//! tokens are read once; each [`Extractor`] proposes candidates of its kind with a priority;
//! overlaps are settled (an ID or phone is never also an amount; a UPI ID whose local part is a
//! phone is only a UPI ID); spans are mapped back to the **original** text, so that
//! `text[start..end] == entity.text` in characters always holds; values are normalised as
//! `docs/ENTITIES.md` says.
//!
//! ```
//! use sandesh_extract::{Date, EntityKind, Extractors};
//!
//! let extractors = Extractors::default();
//! let reference = Date::new(2026, 11, 22);
//! let found = extractors.extract("₹4,500 wala order #45821 kal milega?", reference);
//! let kinds: Vec<EntityKind> = found.iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, [EntityKind::Amount, EntityKind::OrderId, EntityKind::Date]);
//! assert_eq!(found[2].resolved.as_deref(), Some("2026-11-23"));
//! ```
#![deny(missing_docs)]

mod calendar;
pub mod extractors;
mod lexicon;
mod numbers;
mod scan;

pub use calendar::Date;
pub use extractors::*;
pub use numbers::{find_numbers, parse_number, NumberMatch};
pub use sandesh_types::{Entity, EntityKind, EntityValue, Span};

use sandesh_text::{normalize_light, NormalizedText};
use scan::Scan;
use std::cell::OnceCell;
use std::sync::LazyLock;

/// The canonical units of quantities (`docs/ENTITIES.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit(&'static str);

impl Unit {
    /// All canonical unit names.
    pub const ALL: [&'static str; 25] = [
        "kg", "g", "mg", "quintal", "tonne", "l", "ml", "piece", "dozen", "pair", "packet", "box",
        "bag", "bottle", "carton", "roll", "bundle", "set", "plate", "metre", "cm", "ft", "inch",
        "sqft", "acre",
    ];

    /// The unit of a canonical name.
    pub fn from_canonical(name: &str) -> Option<Unit> {
        Unit::ALL.iter().find(|u| **u == name).map(|u| Unit(u))
    }

    /// The canonical name.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// Whether the message speaks of the past or the future (decides "kal").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    /// `bheja tha`, `aaya`, `sent`, `भेजा`.
    Past,
    /// `aaunga`, `milega`, `will`, `भेजूंगा`.
    Future,
    /// Neither, or both.
    Unknown,
}

/// What an extractor reads: the tokens of the normalised text, the original characters and the
/// reference day.
pub struct Input<'a> {
    scan: Scan<'a>,
    original: Vec<char>,
    reference: Option<Date>,
    tense: OnceCell<Tense>,
    /// The message is about money (the engine's classifier said `payment`).
    money_context: bool,
}

#[rustfmt::skip]
const PAST: &[&str] = &[
    "tha", "thi", "the", "gaya", "gayi", "gaye", "gya", "gyi", "aaya", "aya", "aayi", "ayi", "aaye",
    "bheja", "bheji", "bheje", "bhej", "diya", "diye", "di", "kiya", "kiye", "ki", "liya", "liye", "li",
    "hua", "hui", "hue", "mila", "mili", "mile", "sent", "paid", "received", "came", "was", "were",
    "did", "ordered", "delivered", "got", "yesterday", "booked", "called", "visited", "bought",
    "था", "थी", "थे", "गया", "गई", "गए", "आया", "आई", "भेजा", "भेजे", "भेजी", "किया", "लिया", "दिया",
    "हुआ", "मिला", "मिली", "kela", "keli", "ala", "aala", "aali", "pathavla", "pathavle", "gelo",
    "eshechilo", "pathiyechi", "korechi", "chhe", "hato", "hati", "aavyo", "aavi", "mokalyo",
    "vanthuchu", "anuppinen", "vachindi", "pampanu", "bandittu", "kalisiddini", "vannu", "ayachu",
];
#[rustfmt::skip]
const FUTURE: &[&str] = &[
    "will", "shall", "aaunga", "aaungi", "aayega", "aayegi", "ayega", "ayegi", "milega", "milegi",
    "milenge", "bhejunga", "bhejungi", "bhejenge", "bhejdunga", "karunga", "karungi", "karenge",
    "dunga", "dungi", "denge", "hoga", "hogi", "honge", "jayega", "jaega", "lunga", "lenge",
    "chahiye", "chaiye", "can", "could", "please", "pls", "plz", "book", "tomorrow", "aana", "aao",
    "aaiye", "aayiye", "aa", "jaiye", "bhejo", "bhejiye", "karo", "kariye", "do", "dijiye",
    "आऊंगा", "आएगा", "मिलेगा", "भेजूंगा", "भेजेंगे", "करूंगा", "करेंगे", "होगा", "चाहिए", "येईन", "येणार",
    "pathavto", "pathavu", "asbo", "debo", "pathabo", "aavish", "aapish", "mokalish", "varen",
    "anuppuren", "vastanu", "pamputanu", "baruttene", "kalisutteene", "varam", "ayakkam",
];

static PAST_SET: LazyLock<crate::lexicon::HashSet<String>> =
    LazyLock::new(|| lexicon::build_set(PAST));
static FUTURE_SET: LazyLock<crate::lexicon::HashSet<String>> =
    LazyLock::new(|| lexicon::build_set(FUTURE));

impl<'a> Input<'a> {
    fn new(norm: &'a NormalizedText, original: &str, reference: Option<Date>) -> Self {
        Input {
            scan: Scan::new(norm),
            original: original.chars().collect(),
            reference,
            tense: OnceCell::new(),
            money_context: false,
        }
    }

    /// The original character a normalised character came from.
    pub(crate) fn original_char(&self, normalized_char: usize) -> Option<char> {
        let (start, _) = *self.scan.norm.origins().get(normalized_char)?;
        self.original.get(start as usize).copied()
    }

    /// The tense of the clause around token `i` (between `,` `.` `?` `!` `।` or line breaks),
    /// or of the whole message when the clause has no tense of its own.
    pub(crate) fn tense_near(&self, i: usize) -> Tense {
        let scan = &self.scan;
        let boundary = |k: usize| {
            matches!(scan.tok(k), "," | "." | "?" | "!" | "।" | ";") || scan.line_start(k)
        };
        // At most 30 tokens each way, so that a message of one endless clause stays linear.
        let mut lo = i;
        while lo > 0 && !boundary(lo) && i - lo < 30 {
            lo -= 1;
        }
        let mut hi = i + 1;
        while hi < scan.len() && !boundary(hi) && hi - i < 30 {
            hi += 1;
        }
        match tense_of(scan, lo..hi) {
            Tense::Unknown => self.tense(),
            t => t,
        }
    }

    /// The tense of the message, from its verbs (`-ga/-gi/-ge` endings count as future).
    pub fn tense(&self) -> Tense {
        *self
            .tense
            .get_or_init(|| tense_of(&self.scan, 0..self.scan.len()))
    }
}

/// Past, future or neither, from the verbs of tokens `range`.
fn tense_of(scan: &Scan<'_>, range: std::ops::Range<usize>) -> Tense {
    {
        {
            let (mut past, mut future) = (false, false);
            for i in range {
                let w = scan.tok(i);
                if PAST_SET.contains(w) {
                    past = true;
                }
                let hindi_future = w.chars().count() > 3
                    && (w.ends_with("ega")
                        || w.ends_with("egi")
                        || w.ends_with("enge")
                        || w.ends_with("unga")
                        || w.ends_with("ungi")
                        || w.ends_with("ेगा")
                        || w.ends_with("ेगी")
                        || w.ends_with("ेंगे")
                        || w.ends_with("ूंगा"));
                if FUTURE_SET.contains(w) || hindi_future {
                    future = true;
                }
            }
            match (past, future) {
                (true, false) => Tense::Past,
                (false, true) => Tense::Future,
                _ => Tense::Unknown,
            }
        }
    }
}

/// A proposed entity, in normalised characters, before overlaps are settled.
#[derive(Debug, Clone)]
pub struct Candidate {
    kind: EntityKind,
    start: usize,
    end: usize,
    priority: u8,
    value: Option<EntityValue>,
    resolved: Option<String>,
    candidates: Vec<String>,
}

impl Candidate {
    pub(crate) fn new(kind: EntityKind, start: usize, end: usize, priority: u8) -> Self {
        Candidate {
            kind,
            start,
            end,
            priority,
            value: None,
            resolved: None,
            candidates: Vec::new(),
        }
    }

    /// A candidate covering tokens `first..=last` of the scan.
    pub(crate) fn tokens(
        scan: &Scan<'_>,
        kind: EntityKind,
        first: usize,
        last: usize,
        priority: u8,
    ) -> Self {
        Candidate::new(kind, scan.toks[first].start, scan.toks[last].end, priority)
    }

    pub(crate) fn with_value(mut self, value: EntityValue) -> Self {
        self.value = Some(value);
        self
    }

    pub(crate) fn with_resolution(
        mut self,
        resolved: Option<String>,
        candidates: Vec<String>,
    ) -> Self {
        self.resolved = resolved;
        self.candidates = candidates;
        self
    }

    /// The kind proposed.
    pub fn kind(&self) -> EntityKind {
        self.kind
    }
}

/// One extractor: proposes candidates of its kind.
pub trait Extractor: Send + Sync {
    /// The kind this extractor finds.
    fn kind(&self) -> EntityKind;
    /// Appends candidates found in `input` to `out`.
    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>);
}

/// The extractors the engine runs, composed.
pub struct Extractors {
    list: Vec<Box<dyn Extractor>>,
}

impl Default for Extractors {
    /// Every kind of `docs/ENTITIES.md`.
    fn default() -> Self {
        Extractors::new(vec![
            Box::new(EmailExtractor),
            Box::new(UpiExtractor),
            Box::new(GstinExtractor),
            Box::new(OrderIdExtractor),
            Box::new(PhoneExtractor),
            Box::new(PinExtractor),
            Box::new(DateExtractor),
            Box::new(TimeExtractor),
            Box::new(QuantityExtractor),
            Box::new(AmountExtractor),
            Box::new(PersonExtractor),
        ])
    }
}

impl Extractors {
    /// A set of extractors run in the given order (the order does not change the result).
    pub fn new(list: Vec<Box<dyn Extractor>>) -> Self {
        Extractors { list }
    }

    /// The kinds these extractors find.
    pub fn kinds(&self) -> Vec<EntityKind> {
        self.list.iter().map(|e| e.kind()).collect()
    }

    /// Entities of `text`, sorted by position, never overlapping. `reference` is the day that
    /// relative dates resolve against (none: no resolution).
    pub fn extract(&self, text: &str, reference: Option<Date>) -> Vec<Entity> {
        self.extract_normalized(&normalize_light(text), text, reference)
    }

    /// As [`Extractors::extract`], for a caller that already holds `normalize_light(text)`
    /// (the engine, which finishes the same text for classification).
    pub fn extract_normalized(
        &self,
        norm: &NormalizedText,
        text: &str,
        reference: Option<Date>,
    ) -> Vec<Entity> {
        self.extract_in_context(norm, text, reference, false)
    }

    /// As [`Extractors::extract_normalized`], told whether the message as a whole is about
    /// money (a payment message): there a bare number of three or more digits is read as an
    /// amount unless something marks it as another kind of number.
    pub fn extract_in_context(
        &self,
        norm: &NormalizedText,
        text: &str,
        reference: Option<Date>,
        money_context: bool,
    ) -> Vec<Entity> {
        let mut input = Input::new(norm, text, reference);
        input.money_context = money_context;
        let mut candidates = Vec::new();
        for e in &self.list {
            e.extract(&input, &mut candidates);
        }
        settle(&mut candidates, norm.len());
        let mut out = Vec::with_capacity(candidates.len());
        for c in candidates {
            if let Some(e) = finish(c, norm, &input.original) {
                out.push(e);
            }
        }
        out
    }
}

/// Keeps the best candidates that do not overlap: higher priority first, then longer, then
/// earlier. Linear in the text length plus n log n in the candidates.
fn settle(candidates: &mut Vec<Candidate>, len: usize) {
    candidates.retain(|c| c.start < c.end && c.end <= len);
    candidates.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut taken = vec![false; len];
    candidates.retain(|c| {
        if taken[c.start..c.end].iter().any(|&t| t) {
            return false;
        }
        taken[c.start..c.end].iter_mut().for_each(|t| *t = true);
        true
    });
    candidates.sort_by_key(|c| (c.start, c.end));
}

/// Maps a candidate to the original text and fills in its value.
fn finish(c: Candidate, norm: &NormalizedText, original: &[char]) -> Option<Entity> {
    let span = norm.to_original(Span::new(c.start, c.end))?;
    let text: String = original.get(span.start..span.end)?.iter().collect();
    let value = match c.value {
        Some(v) => v,
        None => EntityValue::Text(match c.kind {
            EntityKind::Email | EntityKind::UpiId => text.to_lowercase(),
            EntityKind::OrderId => text.trim_start_matches('#').to_uppercase(),
            EntityKind::Gstin => text.to_uppercase(),
            _ => text.trim().to_string(),
        }),
    };
    let mut e = Entity::new(c.kind, span, text, Some(value));
    e.resolved = c.resolved;
    e.candidates = c.candidates;
    Some(e)
}
