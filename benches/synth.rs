//! Synthetic WhatsApp "Export chat" files, deterministic and streamed, for benchmarks and tests.
//!
//! ```text
//! SynthConfig (size, seed, format, customers, first day, business name)
//!   + SynthCorpus (labelled texts of datasets/train.jsonl, read once)
//!   → days of customer threads: 1–3 customer messages, a reply minutes to hours later (moved to
//!     business hours), ~10% never answered, sometimes a follow-up and a closing word
//!   → one min-heap of pending messages ordered by (time, creation order)
//!   → header + body lines in the chosen export format → SynthStats, the truth tests compare to
//! ```
//!
//! The file is one business (the exporter, author of its own messages) talking with many
//! customers, interleaved in time, as in a merged export: customers appear as saved names,
//! unsaved phone numbers (`+91 98765 43210`) and unsaved contacts with a push name (`~ Name`).
//!
//! Design choices and invariants:
//! - **Streaming, flat memory.** The heap only holds the messages of threads still open (at most
//!   a day or so of them), plus the corpus, which is bounded by the data set, not the output.
//!   Nothing grows with the number of messages written.
//! - **Deterministic.** One SplitMix64 stream, seeded from the config, drives the plan; each
//!   message carries its own fill seed. Same config and corpus → the same bytes.
//! - **Known truth.** Customer text messages are data-set texts (a few with a neutral tail line:
//!   `🙏`, a signature, a bare date, a pasted bank-SMS time), so [`SynthStats::intents`] counts the
//!   gold intents of what was written. Business replies come from hand-written Hinglish/English
//!   templates and carry no intent.
//! - **Only headers look like headers.** Continuation lines include deliberate near misses that
//!   start with a date (`13/03/24 - 2 piece, ₹2,500`, `2024-03-12 10:30:00`, a bare `13/03/24`),
//!   but none of them matches the header of any format, nor the lenient header regex of common
//!   parsers (date, then a clock time before any other digit). Corpus texts with a continuation
//!   line that starts like a date are dropped at load.
//! - **Byte shapes** follow FORMATS.md §4 and §8: Android en-IN `13/03/24, 9:05\u{202f}pm - `,
//!   Android 24 h `13/03/2024, 21:05 - `, iOS `[13/03/24, 9:05:33 PM] ` with `\u{200e}` before
//!   placeholders and system texts (and at the start of those lines) and `\r\n` line ends.
//!   Every line, the last one included, ends with the format's line end.
//!
//! ```
//! use sandesh_bench::synth::{write_export, SynthConfig};
//! let config = SynthConfig { messages: 200, ..SynthConfig::default() };
//! let mut out = Vec::new();
//! let stats = write_export(&config, &mut out).unwrap();
//! assert_eq!(stats.messages, 200);
//! assert_eq!(stats.bytes, out.len() as u64);
//! ```

use sandesh::{Intent, LabelledMessage};
use sandesh_chat::{civil_from_days, days_from_civil, days_in_month};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MINUTE: i64 = 60;
/// Mean customer threads started on an ordinary weekday (~3.3 messages each, so ~600 messages a
/// day: one million messages span about four and a half years).
const THREADS_PER_DAY: f64 = 180.0;
/// Business replies are moved into these hours (seconds of the day).
const OPENS: i64 = 9 * HOUR;
const CLOSES: i64 = 21 * HOUR + 30 * MINUTE;
const LRM: char = '\u{200e}';
const NNBSP: char = '\u{202f}';

/// The shape of the export's header lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SynthFormat {
    /// Android, English (India): `13/03/24, 9:05\u{202f}pm - Author: text`, `\n` line ends.
    #[default]
    AndroidEnIn,
    /// Android, day-first 4-digit year, 24 h: `13/03/2024, 21:05 - Author: text`.
    AndroidDmy24,
    /// iOS: `[13/03/24, 9:05:33 PM] Author: text`, `\u{200e}` before placeholders and system
    /// texts, `\r\n` line ends.
    Ios,
}

impl SynthFormat {
    /// Every format.
    pub const ALL: [SynthFormat; 3] = [
        SynthFormat::AndroidEnIn,
        SynthFormat::AndroidDmy24,
        SynthFormat::Ios,
    ];

    /// The name used on the command line: `android-en-in`, `android-dmy24`, `ios`.
    pub fn as_str(self) -> &'static str {
        match self {
            SynthFormat::AndroidEnIn => "android-en-in",
            SynthFormat::AndroidDmy24 => "android-dmy24",
            SynthFormat::Ios => "ios",
        }
    }

    /// What ends every line: `\r\n` for iOS (as observed in iOS `_chat.txt`), `\n` otherwise.
    pub fn line_end(self) -> &'static str {
        match self {
            SynthFormat::Ios => "\r\n",
            _ => "\n",
        }
    }
}

impl std::fmt::Display for SynthFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SynthFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SynthFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!("unknown format {s:?}; expected android-en-in, android-dmy24 or ios")
            })
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// Messages to write; every header line is one (system lines included). About 600 fit in a
    /// day, so 1,000,000 span some four and a half years; more than fit before 2100 is an error.
    pub messages: u64,
    /// Seed of the generator: the same seed gives the same bytes.
    pub seed: u64,
    /// Distinct customers (authors other than the business); at least 1.
    pub chats: u32,
    /// Header shape.
    pub format: SynthFormat,
    /// First day, `(year, month, day)`; years 2000–2099 (two-digit years in the headers).
    pub start: (u16, u8, u8),
    /// The business, author of its own messages. No line break and no `": "`.
    pub business: String,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            messages: 10_000,
            seed: 7,
            chats: 2_000,
            format: SynthFormat::AndroidEnIn,
            start: (2023, 4, 1),
            business: "Sharma Sarees".to_string(),
        }
    }
}

/// Messages written, per kind (the kinds of the chat parser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KindCounts {
    /// Words someone wrote (captions go with media).
    pub text: u64,
    /// Photos, videos, voice notes, stickers, documents: omitted or attached.
    pub media: u64,
    /// Lines WhatsApp wrote (encryption notice, security code, number change, block).
    pub system: u64,
    /// `This message was deleted` and `You deleted this message`.
    pub deleted: u64,
    /// `location: https://maps.google.com/?q=…`.
    pub location: u64,
    /// Contact cards (`Ravi.vcf (file attached)`).
    pub contact: u64,
    /// `POLL:` with its options.
    pub poll: u64,
}

impl KindCounts {
    /// The counts with their names: `text`, `media`, `system`, `deleted`, `location`,
    /// `contact`, `poll`.
    pub fn named(&self) -> [(&'static str, u64); 7] {
        [
            ("text", self.text),
            ("media", self.media),
            ("system", self.system),
            ("deleted", self.deleted),
            ("location", self.location),
            ("contact", self.contact),
            ("poll", self.poll),
        ]
    }

    /// The sum over kinds.
    pub fn total(&self) -> u64 {
        self.named().iter().map(|(_, n)| n).sum()
    }
}

/// What [`write_export`] wrote: the truth a parser, labeller or report can be checked against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SynthStats {
    /// Messages, i.e. header lines, system lines included.
    pub messages: u64,
    /// Lines, continuation lines included (every line ends with a line end).
    pub lines: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Messages per kind.
    pub kinds: KindCounts,
    /// Messages written by customers.
    pub customer_messages: u64,
    /// Messages written by the business.
    pub business_messages: u64,
    /// Customer threads started (a thread opens with a customer text).
    pub threads: u64,
    /// Threads with no business reply in the file (planned silences, and replies cut off by the
    /// end of the file).
    pub unanswered_threads: u64,
    /// Customer text messages per gold intent of the data-set text sampled, indexed by
    /// [`Intent::index`].
    pub intents: [u64; 7],
    /// Messages spread over more than one line.
    pub multiline_messages: u64,
    /// Continuation lines that start with a date on purpose (near misses of a header).
    pub date_like_lines: u64,
    /// Day of the first message, `(year, month, day)`.
    pub first_day: Option<(u16, u8, u8)>,
    /// Day of the last message.
    pub last_day: Option<(u16, u8, u8)>,
}

impl SynthStats {
    /// Customer text messages whose sampled text has this intent.
    pub fn intent(&self, intent: Intent) -> u64 {
        self.intents[intent.index()]
    }

    /// The stats as a JSON object (intents and kinds by name, days as `YYYY-MM-DD`).
    pub fn to_json(&self) -> serde_json::Value {
        let day = |d: Option<(u16, u8, u8)>| d.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        let kinds: serde_json::Map<String, serde_json::Value> = self
            .kinds
            .named()
            .iter()
            .map(|&(k, n)| (k.to_string(), n.into()))
            .collect();
        let intents: serde_json::Map<String, serde_json::Value> = Intent::ALL
            .iter()
            .map(|&i| (i.as_str().to_string(), self.intent(i).into()))
            .collect();
        serde_json::json!({
            "messages": self.messages,
            "lines": self.lines,
            "bytes": self.bytes,
            "kinds": kinds,
            "customer_messages": self.customer_messages,
            "business_messages": self.business_messages,
            "threads": self.threads,
            "unanswered_threads": self.unanswered_threads,
            "customer_text_intents": intents,
            "multiline_messages": self.multiline_messages,
            "date_like_lines": self.date_like_lines,
            "first_day": day(self.first_day),
            "last_day": day(self.last_day),
        })
    }
}

/// The labelled texts customers' messages are sampled from, bucketed by language and intent so
/// that a customer keeps one language and a thread keeps one intent.
#[derive(Debug, Clone)]
pub struct SynthCorpus {
    /// Text, gold intent, language (index into `langs`).
    texts: Vec<(String, Intent, u16)>,
    langs: Vec<String>,
    by_intent: [Vec<u32>; 7],
    by_lang: Vec<Vec<u32>>,
    by_lang_intent: Vec<[Vec<u32>; 7]>,
}

impl SynthCorpus {
    /// `datasets/train.jsonl` of this repository.
    pub fn default_path() -> PathBuf {
        crate::datasets_dir().join("train.jsonl")
    }

    /// Reads a JSONL file of labelled messages (`{"text", "intent", "lang", …}` per line).
    pub fn load(path: &Path) -> io::Result<Self> {
        let data = std::fs::read_to_string(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut texts = Vec::new();
        for (i, line) in data.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let m: LabelledMessage = serde_json::from_str(line).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} line {}: {e}", path.display(), i + 1),
                )
            })?;
            texts.push((m.text, m.intent, m.lang));
        }
        Self::from_texts(texts)
    }

    /// A corpus from `(text, intent, language tag)`. Line ends are normalised to `\n`; empty
    /// texts and texts with a continuation line that starts like a date are dropped. Fails if
    /// none is left.
    pub fn from_texts<I, S, L>(items: I) -> io::Result<Self>
    where
        I: IntoIterator<Item = (S, Intent, L)>,
        S: Into<String>,
        L: AsRef<str>,
    {
        let mut corpus = SynthCorpus {
            texts: Vec::new(),
            langs: Vec::new(),
            by_intent: Default::default(),
            by_lang: Vec::new(),
            by_lang_intent: Vec::new(),
        };
        let too_large = || io::Error::new(io::ErrorKind::InvalidInput, "corpus too large");
        for (text, intent, lang) in items {
            let text: String = text.into();
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            if text.trim().is_empty() || text.lines().skip(1).any(starts_with_date) {
                continue;
            }
            let lang = lang.as_ref();
            let l = match corpus.langs.iter().position(|x| x == lang) {
                Some(l) => l,
                None => {
                    corpus.langs.push(lang.to_string());
                    corpus.by_lang.push(Vec::new());
                    corpus.by_lang_intent.push(Default::default());
                    corpus.langs.len() - 1
                }
            };
            let index = u32::try_from(corpus.texts.len()).map_err(|_| too_large())?;
            corpus.by_intent[intent.index()].push(index);
            corpus.by_lang[l].push(index);
            corpus.by_lang_intent[l][intent.index()].push(index);
            let l16 = u16::try_from(l).map_err(|_| too_large())?;
            corpus.texts.push((text, intent, l16));
        }
        if corpus.texts.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "synthetic export: the corpus holds no usable text",
            ));
        }
        Ok(corpus)
    }

    /// Number of texts kept.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no text was kept (never, for a corpus that was built).
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The language a customer writes in: that of a text drawn by the customer's hash, so
    /// languages are as frequent among customers as in the corpus.
    fn lang_of(&self, hash: u64) -> u16 {
        self.texts[(hash % self.texts.len() as u64) as usize].2
    }

    /// A text in `lang`, of `intent` if given (falling back to any language).
    fn sample(&self, rng: &mut Rng, lang: u16, intent: Option<Intent>) -> u32 {
        let l = usize::from(lang);
        let bucket = match intent {
            Some(i) if !self.by_lang_intent[l][i.index()].is_empty() => {
                &self.by_lang_intent[l][i.index()]
            }
            Some(i) if !self.by_intent[i.index()].is_empty() => &self.by_intent[i.index()],
            _ => &self.by_lang[l],
        };
        bucket[rng.below(bucket.len() as u64) as usize]
    }
}

/// Writes a synthetic export of `config.messages` messages, customer texts sampled from
/// `datasets/train.jsonl`. Wrap `out` in a `BufWriter` for files: the generator hands over one
/// message per write.
///
/// # Errors
///
/// `InvalidInput` for a config it cannot honour (empty or multi-line business name, a name with
/// `": "`, no customers, a start day outside 2000–2099, more messages than fit before 2100; the
/// last is only found on the way, after part of the file was written); `InvalidData` or the
/// file's error if the data set cannot be read; `out`'s errors.
pub fn write_export(config: &SynthConfig, out: &mut impl Write) -> io::Result<SynthStats> {
    let corpus = SynthCorpus::load(&SynthCorpus::default_path())?;
    write_export_with(config, &corpus, out)
}

/// As [`write_export`], with customer texts sampled from `corpus`.
pub fn write_export_with(
    config: &SynthConfig,
    corpus: &SynthCorpus,
    out: &mut impl Write,
) -> io::Result<SynthStats> {
    let invalid = |why: String| io::Error::new(io::ErrorKind::InvalidInput, why);
    let business = config.business.as_str();
    if business.trim().is_empty()
        || business.contains(['\n', '\r'])
        || business.contains(": ")
        || business.starts_with([LRM, '['])
    {
        return Err(invalid(format!(
            "synthetic export: business name {business:?} must be non-empty, on one line, without \": \""
        )));
    }
    if config.chats == 0 {
        return Err(invalid("synthetic export: chats must be at least 1".into()));
    }
    let (y, m, d) = config.start;
    if !(2000..=2099).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(invalid(format!(
            "synthetic export: start day {y:04}-{m:02}-{d:02} is not a day of 2000–2099"
        )));
    }

    let mut plan = Planner {
        rng: Rng::new(config.seed ^ 0x5A4D_4553_4841_0001),
        seed: config.seed,
        corpus,
        chats: config.chats,
        heap: BinaryHeap::new(),
        seq: 0,
    };
    let mut writer = Writer::new(config, corpus, out);
    if config.messages == 0 {
        return Ok(writer.stats);
    }
    let mut day = days_from_civil(i64::from(y), i64::from(m), i64::from(d));
    let mut starts = Vec::new();
    let mut first = true;
    let last_day = days_from_civil(2099, 12, 31);
    loop {
        if day > last_day {
            // Two-digit years would wrap around and time would seem to go back.
            return Err(invalid(format!(
                "synthetic export: {} messages do not fit before 2100 from {y:04}-{m:02}-{d:02} \
                 (about 220,000 a year)",
                config.messages
            )));
        }
        plan.day_starts(day, &mut starts);
        if first {
            if let Some(&t0) = starts.first() {
                first = false;
                // The notice opens the file, stamped with the first message's time; no poll
                // that day, so that nothing comes before it.
                plan.push(
                    t0,
                    Sender::System(None),
                    Body::Notice(Notice::E2e),
                    Flag::None,
                );
            }
        } else if plan.rng.chance(0.08) {
            let at = day * DAY + 11 * HOUR + plan.rng.range(0, 4 * HOUR);
            let fill = plan.rng.next_u64();
            plan.push(at, Sender::Business, Body::Poll(fill), Flag::None);
        }
        for &t0 in &starts {
            while plan.heap.peek().is_some_and(|e| e.at < t0) {
                if let Some(event) = plan.heap.pop() {
                    if !writer.write(&event)? {
                        return writer.finish();
                    }
                }
            }
            plan.thread(t0);
        }
        day += 1;
    }
}

/// One SplitMix64 stream: small, fast, and enough for sampling.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by a widening multiply.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi` (`lo < hi`).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Debug, Clone, Copy)]
enum Sender {
    Customer(u32),
    Business,
    /// A WhatsApp line, about a customer or about the chat.
    System(Option<u32>),
}

#[derive(Debug, Clone, Copy)]
enum Notice {
    E2e,
    SecurityCode,
    NumberChanged,
    Blocked,
    Unblocked,
}

/// A neutral line after a customer's text: it leaves the intent alone.
#[derive(Debug, Clone, Copy)]
enum Tail {
    None,
    Line(&'static str),
    Regards,
    /// A bare `13/03/24` on its own line.
    BareDate,
    /// A pasted bank SMS: `UPI Ref No …` then `2024-03-12 10:30:00` (payment texts only).
    BankSms,
}

#[derive(Debug, Clone, Copy)]
enum Body {
    /// A corpus text.
    Text(u32, Tail),
    /// The business answering a thread of this intent.
    Reply(Intent, u64),
    /// The business closing a thread.
    Closing(u64),
    Media(u64),
    Deleted,
    Location(u64),
    Contact(u64),
    Poll(u64),
    Notice(Notice),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    None,
    OpensThread,
    AnswersThread,
}

#[derive(Debug)]
struct Event {
    at: i64,
    seq: u64,
    sender: Sender,
    body: Body,
    flag: Flag,
}

// Min-heap on (at, seq): `BinaryHeap` is a max-heap, so the order is reversed.
impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Event {}

/// Plans threads and keeps their future messages in time order.
struct Planner<'c> {
    rng: Rng,
    seed: u64,
    corpus: &'c SynthCorpus,
    chats: u32,
    heap: BinaryHeap<Event>,
    seq: u64,
}

impl Planner<'_> {
    fn push(&mut self, at: i64, sender: Sender, body: Body, flag: Flag) {
        self.seq += 1;
        self.heap.push(Event {
            at,
            seq: self.seq,
            sender,
            body,
            flag,
        });
    }

    /// Thread start times of one day, sorted: mostly business hours, some early or late.
    fn day_starts(&mut self, day: i64, starts: &mut Vec<i64>) {
        let (_, month, _) = civil_from_days(day);
        let weekday = (day + 3).rem_euclid(7); // 0 = Monday; 1970-01-01 was a Thursday
        let mut mean = THREADS_PER_DAY;
        if weekday == 6 {
            mean *= 0.45;
        } else if weekday == 5 {
            mean *= 1.15;
        }
        if month == 10 || month == 11 {
            mean *= 1.35; // festive season
        }
        let n = (mean * (0.7 + 0.6 * self.rng.unit())).round() as usize;
        starts.clear();
        for _ in 0..n {
            let r = self.rng.unit();
            let (lo, hi) = if r < 0.005 {
                (0, 90 * MINUTE)
            } else if r < 0.05 {
                (7 * HOUR, OPENS)
            } else if r < 0.12 {
                (21 * HOUR, 23 * HOUR + 59 * MINUTE)
            } else if r < 0.45 {
                (11 * HOUR, 14 * HOUR) // the midday rush
            } else {
                (OPENS, 21 * HOUR)
            };
            starts.push(day * DAY + self.rng.range(lo, hi));
        }
        starts.sort_unstable();
    }

    /// A customer, skewed towards a core of regulars.
    fn customer(&mut self) -> u32 {
        let u = self.rng.unit().powf(1.7);
        ((f64::from(self.chats) * u) as u32).min(self.chats - 1)
    }

    /// Moves a business message into opening hours.
    fn business_hours(&mut self, at: i64) -> i64 {
        let day = at.div_euclid(DAY);
        let second = at.rem_euclid(DAY);
        if second < OPENS {
            day * DAY + OPENS + self.rng.range(0, 90 * MINUTE)
        } else if second > CLOSES {
            (day + 1) * DAY + OPENS + self.rng.range(0, 90 * MINUTE)
        } else {
            at
        }
    }

    fn tail(&mut self, intent: Intent) -> Tail {
        if !self.rng.chance(0.025) {
            return Tail::None;
        }
        match self.rng.below(8) {
            0 | 1 => Tail::Line(self.rng.pick(&["🙏", "🙏🙏", "Thanks", "Thank you"])),
            2 => Tail::Line(self.rng.pick(&["Pls reply", "Reply jaldi karna", "??"])),
            3 => Tail::Regards,
            4 | 5 => Tail::BareDate,
            _ if intent == Intent::Payment => Tail::BankSms,
            _ => Tail::BareDate,
        }
    }

    /// An extra customer message in a thread: mostly text, sometimes a photo or something else.
    fn customer_extra(&mut self, lang: u16, intent: Intent) -> Body {
        let r = self.rng.unit();
        let fill = self.rng.next_u64();
        if r < 0.72 {
            let idx = self.corpus.sample(&mut self.rng, lang, Some(intent));
            Body::Text(idx, self.tail(intent))
        } else if r < 0.90 {
            Body::Media(fill)
        } else if r < 0.95 {
            Body::Deleted
        } else if r < 0.98 {
            Body::Location(fill)
        } else {
            Body::Contact(fill)
        }
    }

    fn business_message(&mut self, intent: Intent) -> Body {
        let r = self.rng.unit();
        let fill = self.rng.next_u64();
        if r < 0.91 {
            Body::Reply(intent, fill)
        } else if r < 0.983 {
            Body::Media(fill)
        } else if r < 0.993 {
            Body::Deleted
        } else if r < 0.997 {
            Body::Location(fill)
        } else {
            Body::Contact(fill)
        }
    }

    /// Plans one thread starting at `t0` and pushes its messages.
    fn thread(&mut self, t0: i64) {
        let customer = self.customer();
        let who = Sender::Customer(customer);
        let mut t = t0;
        if self.rng.chance(0.004) {
            let notice = self.rng.pick(&[
                Notice::SecurityCode,
                Notice::SecurityCode,
                Notice::NumberChanged,
            ]);
            self.push(
                t,
                Sender::System(Some(customer)),
                Body::Notice(notice),
                Flag::None,
            );
        }
        let lang = self
            .corpus
            .lang_of(customer_hash(self.seed, customer).rotate_left(32));
        let first = self.corpus.sample(&mut self.rng, lang, None);
        let intent = self.corpus.texts[first as usize].1;
        let tail = self.tail(intent);
        self.push(t, who, Body::Text(first, tail), Flag::OpensThread);
        let extra = usize::from(self.rng.chance(0.35)) + usize::from(self.rng.chance(0.12));
        for _ in 0..extra {
            t += self.rng.range(5, 3 * MINUTE);
            let body = self.customer_extra(lang, intent);
            self.push(t, who, body, Flag::None);
        }
        if self.rng.chance(0.10) {
            if intent == Intent::Vendor && self.rng.chance(0.05) {
                t += self.rng.range(MINUTE, HOUR);
                self.push(
                    t,
                    Sender::System(Some(customer)),
                    Body::Notice(Notice::Blocked),
                    Flag::None,
                );
                if self.rng.chance(0.3) {
                    t += self.rng.range(HOUR, 6 * HOUR);
                    self.push(
                        t,
                        Sender::System(Some(customer)),
                        Body::Notice(Notice::Unblocked),
                        Flag::None,
                    );
                }
            }
            return;
        }
        let r = self.rng.unit();
        let delay = if r < 0.70 {
            self.rng.range(MINUTE, 30 * MINUTE)
        } else if r < 0.95 {
            self.rng.range(30 * MINUTE, 3 * HOUR)
        } else {
            self.rng.range(3 * HOUR, 8 * HOUR)
        };
        t = self.business_hours(t + delay);
        let replies = 1 + usize::from(self.rng.chance(0.30)) + usize::from(self.rng.chance(0.05));
        for i in 0..replies {
            if i > 0 {
                t += self.rng.range(10, 4 * MINUTE);
            }
            let body = self.business_message(intent);
            let flag = if i == 0 {
                Flag::AnswersThread
            } else {
                Flag::None
            };
            self.push(t, Sender::Business, body, flag);
        }
        if self.rng.chance(0.38) {
            t += self.rng.range(MINUTE, 2 * HOUR);
            let follow = if self.rng.chance(0.5) {
                intent
            } else {
                Intent::Other
            };
            let idx = self.corpus.sample(&mut self.rng, lang, Some(follow));
            let tail = self.tail(follow);
            self.push(t, who, Body::Text(idx, tail), Flag::None);
            if self.rng.chance(0.5) {
                let pause = self.rng.range(MINUTE, 20 * MINUTE);
                t = self.business_hours(t + pause);
                let fill = self.rng.next_u64();
                self.push(t, Sender::Business, Body::Closing(fill), Flag::None);
            }
        }
    }
}

/// Renders events and counts what it wrote.
struct Writer<'a, W: Write> {
    out: &'a mut W,
    format: SynthFormat,
    business: &'a str,
    upi: String,
    seed: u64,
    limit: u64,
    corpus: &'a SynthCorpus,
    stats: SynthStats,
    answered: u64,
    /// Android numbers attachments per day (`IMG-20240313-WA0007.jpg`).
    media_day: i64,
    media_of_day: u32,
    /// iOS numbers attachments through the chat (`00000042-PHOTO-…`).
    attachments: u32,
    body: String,
    line: String,
}

impl<'a, W: Write> Writer<'a, W> {
    fn new(config: &'a SynthConfig, corpus: &'a SynthCorpus, out: &'a mut W) -> Self {
        let handle: String = config
            .business
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let upi = format!(
            "{}@okhdfcbank",
            if handle.is_empty() { "shop" } else { &handle }
        );
        Writer {
            out,
            format: config.format,
            business: &config.business,
            upi,
            seed: config.seed,
            limit: config.messages,
            corpus,
            stats: SynthStats::default(),
            answered: 0,
            media_day: i64::MIN,
            media_of_day: 0,
            attachments: 0,
            body: String::new(),
            line: String::new(),
        }
    }

    fn finish(mut self) -> io::Result<SynthStats> {
        self.out.flush()?;
        self.stats.unanswered_threads = self.stats.threads - self.answered;
        Ok(self.stats)
    }

    fn ios(&self) -> bool {
        self.format == SynthFormat::Ios
    }

    /// Writes one message; false once the limit is reached.
    fn write(&mut self, event: &Event) -> io::Result<bool> {
        if self.stats.messages >= self.limit {
            return Ok(false);
        }
        self.body.clear();
        let mut date_like = 0u64;
        // Whether the body is a placeholder or system text (iOS marks those with LRM).
        let mut marked = false;
        let kind: fn(&mut KindCounts) -> &mut u64;
        let day = event.at.div_euclid(DAY);
        match event.body {
            Body::Text(idx, tail) => {
                let (text, intent, _) = &self.corpus.texts[idx as usize];
                self.body.push_str(text);
                date_like += self.push_tail(tail, day, event.at);
                self.stats.intents[intent.index()] += 1;
                kind = |k| &mut k.text;
            }
            Body::Reply(intent, fill) => {
                let mut rng = Rng::new(fill);
                let template = pick_reply(&mut rng, replies(intent));
                date_like += self.fill(template, &mut rng, day);
                if rng.chance(0.01) {
                    self.body.push_str(if self.ios() {
                        " \u{200e}<This message was edited>"
                    } else {
                        " <This message was edited>"
                    });
                }
                kind = |k| &mut k.text;
            }
            Body::Closing(fill) => {
                let mut rng = Rng::new(fill);
                let template = rng.pick(CLOSINGS);
                self.fill(template, &mut rng, day);
                kind = |k| &mut k.text;
            }
            Body::Media(fill) => {
                let business = matches!(event.sender, Sender::Business);
                marked = self.push_media(fill, business, event.at);
                kind = |k| &mut k.media;
            }
            Body::Deleted => {
                let own = matches!(event.sender, Sender::Business);
                self.body.push_str(match (self.ios(), own) {
                    (false, false) => "This message was deleted",
                    (false, true) => "You deleted this message",
                    (true, false) => "\u{200e}This message was deleted.",
                    (true, true) => "\u{200e}You deleted this message.",
                });
                marked = self.ios();
                kind = |k| &mut k.deleted;
            }
            Body::Location(fill) => {
                let mut rng = Rng::new(fill);
                let (lat, lng) = rng.pick(CITIES);
                let lat = lat + (rng.unit() - 0.5) * 0.1;
                let lng = lng + (rng.unit() - 0.5) * 0.1;
                let label = if self.ios() { "Location" } else { "location" };
                let _ = write!(
                    self.body,
                    "{label}: https://maps.google.com/?q={lat:.6},{lng:.6}"
                );
                kind = |k| &mut k.location;
            }
            Body::Contact(fill) => {
                let mut rng = Rng::new(fill);
                let name = rng.pick(CONTACT_CARDS);
                if !self.ios() {
                    let _ = write!(self.body, "{name}.vcf (file attached)");
                } else if rng.chance(0.5) {
                    self.body.push_str("\u{200e}Contact card omitted");
                } else {
                    self.attachments += 1;
                    let _ = write!(
                        self.body,
                        "\u{200e}<attached: {:08}-{name}.vcf>",
                        self.attachments
                    );
                }
                marked = self.ios();
                kind = |k| &mut k.contact;
            }
            Body::Poll(fill) => {
                let mut rng = Rng::new(fill);
                let (question, options) = rng.pick(POLLS);
                let _ = write!(self.body, "POLL:\n{question}");
                for option in options {
                    let votes = rng.below(12);
                    let s = if votes == 1 { "" } else { "s" };
                    let _ = write!(self.body, "\nOPTION: {option} ({votes} vote{s})");
                }
                kind = |k| &mut k.poll;
            }
            Body::Notice(notice) => {
                if self.ios() {
                    self.body.push(LRM);
                }
                self.push_notice(notice, event.sender, day);
                marked = true;
                kind = |k| &mut k.system;
            }
        }
        *kind(&mut self.stats.kinds) += 1;

        self.line.clear();
        let lead_mark = marked && self.ios();
        push_header(&mut self.line, self.format, event.at, lead_mark);
        match event.sender {
            Sender::Customer(c) => {
                push_customer_name(&mut self.line, self.seed, c);
                self.line.push_str(": ");
                self.stats.customer_messages += 1;
            }
            Sender::Business => {
                self.line.push_str(self.business);
                self.line.push_str(": ");
                self.stats.business_messages += 1;
            }
            Sender::System(about) => {
                if self.ios() {
                    // iOS puts the chat (or the contact concerned) where the author goes.
                    match about {
                        Some(c) => push_customer_name(&mut self.line, self.seed, c),
                        None => self.line.push_str(self.business),
                    }
                    self.line.push_str(": ");
                }
            }
        }
        let line_end = self.format.line_end();
        let mut lines = 0u64;
        for (i, part) in self.body.split('\n').enumerate() {
            if i > 0 {
                self.line.push_str(line_end);
            }
            self.line.push_str(part);
            lines += 1;
        }
        self.line.push_str(line_end);
        self.out.write_all(self.line.as_bytes())?;

        let stats = &mut self.stats;
        stats.messages += 1;
        stats.lines += lines;
        stats.bytes += self.line.len() as u64;
        stats.multiline_messages += u64::from(lines > 1);
        stats.date_like_lines += date_like;
        match event.flag {
            Flag::OpensThread => stats.threads += 1,
            Flag::AnswersThread => self.answered += 1,
            Flag::None => {}
        }
        let (y, m, d) = civil_from_days(day);
        let today = Some((y as u16, m as u8, d as u8));
        stats.first_day = stats.first_day.or(today);
        stats.last_day = today;
        Ok(self.stats.messages < self.limit)
    }

    /// Appends a tail; returns how many date-like lines it added.
    fn push_tail(&mut self, tail: Tail, day: i64, at: i64) -> u64 {
        match tail {
            Tail::None => 0,
            Tail::Line(s) => {
                self.body.push('\n');
                self.body.push_str(s);
                0
            }
            Tail::Regards => {
                let mut rng = Rng::new(at as u64 ^ self.seed);
                let _ = write!(
                    self.body,
                    "\nRegards,\n{} {}",
                    rng.pick(FIRST_NAMES),
                    rng.pick(LAST_NAMES)
                );
                0
            }
            Tail::BareDate => {
                let (y, m, d) = civil_from_days(day - (at.rem_euclid(5)));
                let _ = write!(self.body, "\n{d:02}/{m:02}/{:02}", y % 100);
                1
            }
            Tail::BankSms => {
                let paid = at - 60 - at.rem_euclid(7_200);
                let (y, m, d) = civil_from_days(paid.div_euclid(DAY));
                let s = paid.rem_euclid(DAY);
                let reference = (at as u64).wrapping_mul(2_654_435_761) % 1_000_000_000_000;
                let _ = write!(
                    self.body,
                    "\nUPI Ref No {reference:012}\n{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
                    s / HOUR,
                    s / MINUTE % 60,
                    s % 60
                );
                1
            }
        }
    }

    /// Fills a business template; returns how many continuation lines start with a date.
    fn fill(&mut self, template: &str, rng: &mut Rng, day: i64) -> u64 {
        let start = self.body.len();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            self.body.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                self.body.push_str(&rest[open..]);
                rest = "";
                break;
            };
            match &after[..close] {
                "amt" => push_rupees(&mut self.body, amount(rng)),
                "date" | "dated" => {
                    let (y, m, d) = civil_from_days(day + rng.range(0, 8));
                    if &after[..close] == "date" {
                        let _ = write!(self.body, "{d:02}/{m:02}/{:02}", y % 100);
                    } else {
                        let _ = write!(self.body, "{d:02}/{m:02}/{y:04}");
                    }
                }
                "day" => self.body.push_str(rng.pick(DAYS)),
                "time" => self.body.push_str(rng.pick(TIMES)),
                "hour" => {
                    let _ = write!(self.body, "{} baje", rng.range(10, 13));
                }
                "order" => {
                    let _ = write!(self.body, "#{}", rng.range(10_000, 100_000));
                }
                "n" => {
                    let _ = write!(self.body, "{}", rng.range(1, 7));
                }
                "upi" => self.body.push_str(&self.upi),
                "biz" => self.body.push_str(self.business),
                other => {
                    let _ = write!(self.body, "{{{other}}}");
                }
            }
            rest = &after[close + 1..];
        }
        self.body.push_str(rest);
        self.body[start..]
            .split('\n')
            .skip(1)
            .filter(|l| starts_with_date(l))
            .count() as u64
    }

    /// Appends a photo, video, voice note, sticker or document; returns whether iOS marks it.
    fn push_media(&mut self, fill: u64, business: bool, at: i64) -> bool {
        let mut rng = Rng::new(fill);
        let day = at.div_euclid(DAY);
        let (y, m, d) = civil_from_days(day);
        let r = rng.unit();
        // (Android prefix, extension, iOS kind) or a document.
        let kind = if business && r < 0.25 || !business && r < 0.04 {
            None
        } else {
            Some(rng.pick(&[
                ("IMG", "jpg", "PHOTO", "image"),
                ("IMG", "jpg", "PHOTO", "image"),
                ("IMG", "jpg", "PHOTO", "image"),
                ("IMG", "jpg", "PHOTO", "image"),
                ("IMG", "jpg", "PHOTO", "image"),
                ("IMG", "jpg", "PHOTO", "image"),
                ("VID", "mp4", "VIDEO", "video"),
                ("PTT", "opus", "AUDIO", "audio"),
                ("PTT", "opus", "AUDIO", "audio"),
                ("STK", "webp", "STICKER", "sticker"),
            ]))
        };
        let omitted = rng.chance(0.4);
        let caption = if business {
            rng.pick(BUSINESS_CAPTIONS)
        } else {
            rng.pick(CUSTOMER_CAPTIONS)
        };
        let with_caption = rng.chance(0.5);
        if self.ios() {
            self.body.push(LRM);
            match (kind, omitted) {
                (Some((_, _, _, word)), true) => {
                    let _ = write!(self.body, "{word} omitted");
                }
                (None, true) => {
                    let _ = write!(
                        self.body,
                        "{} • {} pages document omitted",
                        rng.pick(DOCUMENTS),
                        rng.range(1, 15)
                    );
                }
                (Some((_, ext, word, _)), false) => {
                    self.attachments += 1;
                    let s = at.rem_euclid(DAY);
                    let _ = write!(
                        self.body,
                        "<attached: {:08}-{word}-{y:04}-{m:02}-{d:02}-{:02}-{:02}-{:02}.{ext}>",
                        self.attachments,
                        s / HOUR,
                        s / MINUTE % 60,
                        s % 60
                    );
                }
                (None, false) => {
                    self.attachments += 1;
                    let _ = write!(
                        self.body,
                        "<attached: {:08}-{}>",
                        self.attachments,
                        rng.pick(DOCUMENTS)
                    );
                }
            }
            return true;
        }
        if omitted {
            self.body.push_str("<Media omitted>");
            return false;
        }
        match kind {
            Some((prefix, ext, _, _)) => {
                if self.media_day != day {
                    self.media_day = day;
                    self.media_of_day = 0;
                }
                self.media_of_day += 1;
                let _ = write!(
                    self.body,
                    "{prefix}-{y:04}{m:02}{d:02}-WA{:04}.{ext} (file attached)",
                    self.media_of_day
                );
                if with_caption && matches!(prefix, "IMG" | "VID") {
                    self.body.push('\n');
                    self.body.push_str(caption);
                }
            }
            None => {
                let _ = write!(self.body, "{} (file attached)", rng.pick(DOCUMENTS));
            }
        }
        false
    }

    fn push_notice(&mut self, notice: Notice, sender: Sender, day: i64) {
        let about = match sender {
            Sender::System(Some(c)) => Some(c),
            _ => None,
        };
        let ios = self.ios();
        match notice {
            Notice::E2e => {
                let (y, _, _) = civil_from_days(day);
                self.body.push_str(match (ios, y >= 2024) {
                    (false, true) => "Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them. Learn more.",
                    (false, false) => "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
                    (true, true) => "Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them.",
                    (true, false) => "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
                });
            }
            Notice::SecurityCode => {
                self.body.push_str("Your security code with ");
                if let Some(c) = about {
                    push_customer_name(&mut self.body, self.seed, c);
                }
                self.body.push_str(" changed. Tap to learn more.");
            }
            Notice::NumberChanged => {
                if let Some(c) = about {
                    push_customer_name(&mut self.body, self.seed, c);
                }
                self.body.push_str(
                    " changed their phone number to a new number. Tap to message or add the new number.",
                );
            }
            Notice::Blocked => self.body.push_str(if ios {
                "You blocked this contact."
            } else {
                "You blocked this contact. Tap to unblock."
            }),
            Notice::Unblocked => self.body.push_str("You unblocked this contact."),
        }
    }
}

/// The header up to the author: `13/03/24, 9:05\u{202f}pm - `, `13/03/2024, 21:05 - `,
/// `[13/03/24, 9:05:33 PM] `.
fn push_header(buf: &mut String, format: SynthFormat, at: i64, lead_mark: bool) {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY));
    let s = at.rem_euclid(DAY);
    let (hh, mm, ss) = (s / HOUR, s / MINUTE % 60, s % 60);
    let h12 = if hh % 12 == 0 { 12 } else { hh % 12 };
    let yy = y % 100;
    let _ = match format {
        SynthFormat::AndroidEnIn => {
            let ampm = if hh < 12 { "am" } else { "pm" };
            write!(buf, "{d:02}/{m:02}/{yy:02}, {h12}:{mm:02}{NNBSP}{ampm} - ")
        }
        SynthFormat::AndroidDmy24 => write!(buf, "{d:02}/{m:02}/{y:04}, {hh:02}:{mm:02} - "),
        SynthFormat::Ios => {
            if lead_mark {
                buf.push(LRM);
            }
            let ampm = if hh < 12 { "AM" } else { "PM" };
            write!(
                buf,
                "[{d:02}/{m:02}/{yy:02}, {h12}:{mm:02}:{ss:02} {ampm}] "
            )
        }
    };
}

/// The display name of customer `index`: a saved name, an unsaved number or `~ Push name`.
/// Derived from the seed and index alone, so nothing is stored per customer.
fn push_customer_name(buf: &mut String, seed: u64, index: u32) {
    let mut rng = Rng::new(customer_hash(seed, index));
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let r = rng.below(100);
    let _ = match r {
        0..=27 => write!(buf, "{first} {last}"),
        28..=39 => write!(buf, "{first} {}", rng.pick(SAVED_SUFFIXES)),
        40..=45 => write!(buf, "{first} {last} {}", rng.pick(PLACES)),
        46..=49 => write!(buf, "Dr. {last}"),
        50..=54 => write!(buf, "{first}"),
        55..=59 => write!(buf, "{first} {}", rng.pick(EMOJI_SUFFIXES)),
        60..=87 => write!(
            buf,
            "+91 {}{:04} {:05}",
            rng.range(6, 10),
            rng.below(10_000),
            rng.below(100_000)
        ),
        88..=93 => write!(buf, "~{NNBSP}{first}"),
        94..=97 => write!(buf, "~{NNBSP}{first} {last}"),
        _ => write!(buf, "~{NNBSP}{} {first}", rng.pick(EMOJI_SUFFIXES)),
    };
}

/// A customer's own hash: their name and language follow from it.
fn customer_hash(seed: u64, index: u32) -> u64 {
    Rng::new(seed.rotate_left(17) ^ (u64::from(index) << 20) ^ 0xC0FF_EE00).next_u64()
}

/// A rupee amount: mostly hundreds to tens of thousands, rounded as people quote them.
fn amount(rng: &mut Rng) -> u64 {
    let r = rng.unit();
    if r < 0.6 {
        rng.range(2, 100) as u64 * 50
    } else if r < 0.95 {
        rng.range(5, 60) as u64 * 500
    } else {
        rng.range(1, 40) as u64 * 12_500
    }
}

/// `₹1,25,000`: Indian digit grouping.
fn push_rupees(buf: &mut String, n: u64) {
    let digits = n.to_string();
    buf.push('₹');
    let len = digits.len();
    if len <= 3 {
        buf.push_str(&digits);
        return;
    }
    let head = &digits[..len - 3];
    for (i, c) in head.chars().enumerate() {
        if i > 0 && (head.len() - i).is_multiple_of(2) {
            buf.push(',');
        }
        buf.push(c);
    }
    buf.push(',');
    buf.push_str(&digits[len - 3..]);
}

/// Whether a line starts like a date (`13/03/24`, `2024-03-12`, `13.3.2024`), after optional
/// marks and `[`.
fn starts_with_date(line: &str) -> bool {
    let b = line
        .trim_start_matches(['\u{200e}', '\u{200f}', '['])
        .as_bytes();
    let mut i = 0;
    for part in 0..3 {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 4 {
            i += 1;
        }
        if i == start {
            return false;
        }
        if part < 2 {
            if i < b.len() && matches!(b[i], b'/' | b'-' | b'.') {
                i += 1;
            } else {
                return false;
            }
        }
    }
    true
}

/// A template: one of several lines about 7% of the time (as often as people write them), else
/// a one-line one.
fn pick_reply(rng: &mut Rng, templates: &[&'static str]) -> &'static str {
    let multi = rng.chance(0.07);
    let n = templates
        .iter()
        .filter(|t| t.contains('\n') == multi)
        .count();
    if n == 0 {
        return rng.pick(templates);
    }
    let k = rng.below(n as u64) as usize;
    templates
        .iter()
        .filter(|t| t.contains('\n') == multi)
        .nth(k)
        .copied()
        .unwrap_or(templates[0])
}

fn replies(intent: Intent) -> &'static [&'static str] {
    match intent {
        Intent::Lead => LEAD_REPLIES,
        Intent::Support => SUPPORT_REPLIES,
        Intent::Payment => PAYMENT_REPLIES,
        Intent::Booking => BOOKING_REPLIES,
        Intent::Hiring => HIRING_REPLIES,
        Intent::Vendor => VENDOR_REPLIES,
        Intent::Other => OTHER_REPLIES,
    }
}

// Business templates. `{amt}` ₹ amount, `{date}` dd/mm/yy and `{dated}` dd/mm/yyyy (today to a
// week ahead), `{day}`, `{time}`, `{hour}` ("11 baje"), `{order}`, `{n}`, `{upi}`, `{biz}`.
// A continuation line that starts with a date must not hold a clock time (`5:30`, `2.5`) before
// its other digits, or lenient parsers would take it for a header: such lines use `{hour}`.

const LEAD_REPLIES: &[&str] = &[
    "Ji sir, {amt} hai",
    "Haan ji available hai. Shop pe aa jaiye ya photo bhejun?",
    "Price {amt} hai, {n} piece lene pe thoda discount ho jayega 😊",
    "Yes available in all sizes. Price {amt}, free delivery within city.",
    "Catalogue bhej raha hoon, dekh lijiye 👇",
    "Namaste 🙏 {biz} mein aapka swagat hai. Kaunsa design chahiye?",
    "Rate list:\n1. Cotton - {amt}\n2. Silk - {amt}\n3. Designer - {amt}\nGST extra",
    "Sir best price {amt} final. Stock limited hai",
    "Madam new stock {date} ko aa raha hai, aapke liye rakh dete hain",
    "Offer:\n{date} - {dated} tak 10% off\nJaldi aaiye 🎉",
];

const SUPPORT_REPLIES: &[&str] = &[
    "Sorry for the trouble 🙏 check karke batata hoon",
    "Order {order} kal dispatch ho jayega",
    "Replace kar denge ji, koi tension nahi. Piece le aaiye",
    "Courier wale se baat ki hai, {day} tak mil jayega",
    "Please share order number and photo, we will check.",
    "Order details:\n{date} - {n} piece, {amt}\nStatus: dispatched 🚚\nTracking link kal tak bhej denge",
    "Ji dekh liya. Exchange ho jayega, bill saath laana",
    "Really sorry sir. Aaj hi naya piece bhej rahe hain",
];

const PAYMENT_REPLIES: &[&str] = &[
    "Payment mil gaya, thank you 🙏",
    "Ji {amt} receive ho gaya ✅",
    "UPI: {upi}\nYa GPay kar dijiye isi number pe",
    "Abhi tak credit nahi dikha, screenshot bhejiye please",
    "Bank details:\nA/c 5010 0234 5678 12\nIFSC HDFC0001234\n{biz}",
    "Received with thanks. Bill kal bhej denge",
    "Payment received:\n{date} - {amt} (UPI)\nBalance: {amt}",
    "Total {amt} hua hai ji, {day} tak bhej dijiye",
];

const BOOKING_REPLIES: &[&str] = &[
    "Kal {time} aa jaiye",
    "{day} {time} slot confirm hai ✅",
    "Sorry ji, {day} full hai. {day} chalega?",
    "Done, booked for {day} at {time}. See you!",
    "Appointment:\n{dated}, {day} - {hour}\nLocation bhej raha hoon",
    "Ji aa jaiye, {time} free hai",
    "Fitting ke liye {date} ko aana, {hour} ke baad",
];

const HIRING_REPLIES: &[&str] = &[
    "Resume bhej dijiye, dekh ke batate hain",
    "Monday {hour} interview ke liye aa jaiye. Address: {biz}, Main Market",
    "Abhi vacancy nahi hai ji, baad mein batayenge",
    "Salary {amt} per month, timing 10 se 8. Kal aa sakte ho?",
    "Please send your CV and ID proof.",
    "Interview:\n{date} - {hour}\nDocuments saath laana",
];

const VENDOR_REPLIES: &[&str] = &[
    "Rate list bhej dijiye",
    "Abhi requirement nahi hai, zarurat hogi to call karenge",
    "Sample le aaiye {day}, owner se milwa dunga",
    "Bill {order} ka payment {day} tak clear ho jayega",
    "Not interested, thanks.",
    "Maal {date} tak chahiye. {n} bundle bhej dena",
    "PO:\n{dated} - {n} bundle\nRate {amt} per bundle\nDelivery godown pe",
];

const OTHER_REPLIES: &[&str] = &[
    "🙏",
    "Thank you ji 😊",
    "Aapko bhi shubhkamnayein 🪔",
    "Welcome ji",
    "👍",
    "Ok ji",
    "Good morning 🌞",
    "Ji bataiye, kya seva karein?",
];

const CLOSINGS: &[&str] = &[
    "🙏",
    "Welcome ji 😊",
    "👍",
    "Thank you, visit again!",
    "Ok ji",
    "Dhanyavaad 🙏",
    "Ji zaroor",
];

const CUSTOMER_CAPTIONS: &[&str] = &[
    "Ye wala design hai kya?",
    "Is colour mein milega?",
    "Payment screenshot",
    "Bill dekh lijiye",
    "Ye piece damage aaya hai 😞",
    "Same chahiye",
    "Size chart",
    "Ghar ka address",
];

const BUSINESS_CAPTIONS: &[&str] = &[
    "Naya stock 👇",
    "Diwali collection ✨",
    "Price list",
    "Aapka bill",
    "Ye dekhiye",
    "Ready hai, le jaiye",
];

const DOCUMENTS: &[&str] = &[
    "Catalogue.pdf",
    "Price List.pdf",
    "Invoice.pdf",
    "Resume.pdf",
    "Quotation.pdf",
];

const CONTACT_CARDS: &[&str] = &[
    "Ravi",
    "Suresh Tailor",
    "Courier Wale Bhaiya",
    "Anita",
    "Mehta CA",
    "Pooja Didi",
];

const POLLS: &[(&str, &[&str])] = &[
    (
        "Diwali sale kab shuru karein?",
        &["Is Sunday", "Agle hafte", "Dhanteras se"],
    ),
    (
        "Naya collection kaunsa chahiye?",
        &["Banarasi", "Kanjivaram", "Cotton", "Chanderi"],
    ),
    ("Sunday ko shop kholein?", &["Haan, 10 se 2", "Nahi"]),
];

const CITIES: &[(f64, f64)] = &[
    (19.0760, 72.8777),
    (28.6139, 77.2090),
    (12.9716, 77.5946),
    (22.5726, 88.3639),
    (13.0827, 80.2707),
    (17.3850, 78.4867),
    (23.0225, 72.5714),
    (26.9124, 75.7873),
    (21.1702, 72.8311),
    (25.5941, 85.1376),
];

const DAYS: &[&str] = &[
    "kal",
    "parson",
    "aaj shaam",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

const TIMES: &[&str] = &[
    "11 baje",
    "12 baje",
    "4 baje",
    "5:30 baje",
    "10:30 am",
    "6 pm",
    "3 baje",
];

const FIRST_NAMES: &[&str] = &[
    "Priya",
    "Ramesh",
    "Sunita",
    "Anil",
    "Kavita",
    "Suresh",
    "Pooja",
    "Rahul",
    "Neha",
    "Vikram",
    "Lakshmi",
    "Karthik",
    "Arjun",
    "Meena",
    "Farhan",
    "Ayesha",
    "Gurpreet",
    "Harpreet",
    "Sandeep",
    "Deepa",
    "Manoj",
    "Rekha",
    "Imran",
    "Joseph",
    "Anjali",
    "Ravi",
    "Nikhil",
    "Sneha",
    "Prakash",
    "Divya",
    "Mohan",
    "Geeta",
    "Abdul",
    "Fatima",
    "Sanjay",
    "Bhavna",
    "Venkatesh",
    "Swati",
    "Rohit",
    "Asha",
    "Hemant",
    "Jyoti",
    "Kiran",
    "Lalita",
    "Mahesh",
    "Nandini",
    "Parveen",
    "Rajesh",
    "Shalini",
    "Tarun",
    "Usha",
    "Vinod",
    "Yamini",
    "Zoya",
    "Subbu",
    "Murugan",
    "Shreya",
    "Tanvi",
    "Aditya",
    "Sourav",
];

const LAST_NAMES: &[&str] = &[
    "Sharma",
    "Verma",
    "Patel",
    "Iyer",
    "Reddy",
    "Nair",
    "Khan",
    "Singh",
    "Kaur",
    "Das",
    "Banerjee",
    "Joshi",
    "Kulkarni",
    "Desai",
    "Mehta",
    "Gupta",
    "Agarwal",
    "Menon",
    "Pillai",
    "Naidu",
    "Rao",
    "Shetty",
    "Chatterjee",
    "Yadav",
    "Mishra",
    "Pandey",
    "Thakur",
    "D'Souza",
    "Fernandes",
    "Bhat",
];

const SAVED_SUFFIXES: &[&str] = &[
    "Bhaiya", "Didi", "Ji", "Aunty", "Uncle", "Tailor", "Boutique", "New", "Customer", "Office",
    "2",
];

const PLACES: &[&str] = &["(Surat)", "Jaipur", "Pune", "Lko", "Chennai", "Patna"];

const EMOJI_SUFFIXES: &[&str] = &["🙏", "😊", "❤️", "🌸", "✨"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-1, 0, 19_000, 19_797, 20_000, 47_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2024, 3, 13), 19_795);
    }

    #[test]
    fn rupees_use_indian_grouping() {
        for (n, s) in [
            (50, "₹50"),
            (1_250, "₹1,250"),
            (12_500, "₹12,500"),
            (125_000, "₹1,25,000"),
        ] {
            let mut b = String::new();
            push_rupees(&mut b, n);
            assert_eq!(b, s);
        }
    }
}
