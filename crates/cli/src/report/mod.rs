//! `sandesh report`: the operations report of a labelled chat history.
//!
//! ```text
//! labelled JSONL lines → Labelled records (bad lines counted, first reasons kept)
//!   → order-free aggregates (weeks, intents, askers, payments)
//!   → per-chat reorder window → per-chat thread state (open runs by customer, replies)
//!   → Report (serde: the `--json` output) → html.rs + svg.rs (one self-contained page)
//! ```
//!
//! The computation is pure and streaming: [`Tally::extend`] takes an iterator of records (bad
//! lines as `Err`, counted), [`Tally::push`] one record, [`Tally::finish`] gives the [`Report`].
//! It keeps aggregates plus what the lists need. Memory is bounded by the number of chats (a little state
//! and a reorder window of [`REORDER_WINDOW`] short events each), distinct customers (two
//! counters each), the open threads (at most one per customer and chat, see below), weeks, the
//! response-time histograms (bounded resolution, see [`Durations`]), and the capped lists
//! (`max_rows` rows each, the rest only counted). No record is held once it has passed its
//! chat's window.
//!
//! Each chat keeps its **open** threads by customer author; a business message closes them all,
//! so a 1:1 chat holds at most one. A group chat (or a merged export) with many customers the
//! business never answers holds one small entry (the thread's first message, cut to 200
//! characters, and a few counters) per such customer until the export ends: bounded by distinct
//! customers, not by messages. For leads each chat also keeps the customers who had a lead
//! thread start in the chat's current week (cleared when its week changes).
//!
//! # Definitions
//!
//! - **Customer message**: `is_business == false`, an author present, and kind `text`, `media`,
//!   `location`, `contact` or `poll`. A photo, a payment screenshot, a shared location or a
//!   contact card asks the business for something as much as words do, so they start and extend
//!   threads; only text carries an analysis, so they count as `unclassified` in intent figures.
//!   `system` and `deleted` lines, and lines without an author, are counted as records and
//!   otherwise ignored.
//! - **Business message**: `is_business == true` and one of the same five kinds (a catalogue
//!   photo is a reply too).
//! - **Order**: records may come from several chats interleaved; each chat is handled on its own,
//!   its messages in `(timestamp, index)` order. A window of [`REORDER_WINDOW`] messages per chat
//!   puts slightly disordered lines back in order (exports do write a late message with its
//!   earlier sending time); a message older than what its chat already processed is counted in
//!   `summary.out_of_order` and taken as sent at the chat's latest time.
//! - **Thread**: per chat and customer author, a run of that customer's messages in the chat up
//!   to the business's next message in that chat. A business message closes **every** open
//!   thread of its chat: it cannot be told whom it addresses (in a 1:1 chat there is only one).
//!   So in a group chat customers A and B asking before one reply are two threads, both answered
//!   by it. Messages of the business with no thread open (broadcasts, follow-ups) start nothing.
//!   Its **author** is that customer.
//! - **Thread intent**: the first intent other than `other` among the run's analysed messages
//!   ("hi sir 🙏" then "price of 5kg?" is a `lead` thread, as LABELS.md rule 5 labels the
//!   combined message); `other` when every analysed message is `other`; `unclassified` when none
//!   is analysed (media only).
//! - **First-response time**: from the thread's first message to the business's first message
//!   in its chat after it (the one that closes it), in seconds, per thread intent and overall. **Median** and **p90** are nearest-rank:
//!   the smallest time within which at least 50 % (90 %) of the answered threads were answered
//!   (for 10 threads, the 5th and 9th fastest). Times are exact to the second under an hour, to
//!   the minute under two days, to the hour under 30 days, to the day beyond.
//! - **Unanswered**: a thread the business did not reply to within `--unanswered-hours` N
//!   (default 24) of its first message: either it replied later (`replied_late`, its response time
//!   still counts in the medians) or never did and the export's last timestamp (the latest across
//!   all inputs) is more than N hours after the thread began (`never_replied`). A thread still
//!   open at the end and at most N hours old is **pending**, neither answered nor unanswered.
//! - **Lead**: a (chat, customer) pair with at least one `lead` thread starting in a week counts
//!   once as a lead of that week (a customer's back-and-forth over a quote is one lead, not one
//!   per question; two customers asking in one group chat are two). For 1:1 chats this is a chat
//!   counted once per week.
//! - **Payments**: customer messages whose intent is `payment` (the business's own "please pay"
//!   and supplier bills, labelled `vendor`, are not payments received). Their `amount` entities
//!   are listed; a range (`min`..`max`) counts its midpoint. The total per currency adds the
//!   **first** amount of each currency in each message, since a message naming two sums ("₹500 of
//!   ₹2,000 paid") names one payment and its context; the other amounts are listed, not added.
//!   An amount without a currency is INR (LABELS.md); other currencies are totalled apart.
//!   Negative or non-finite amounts are ignored.
//! - **Weeks**: ISO weeks, Monday to Sunday, by each message's local time; every week between
//!   the first and the last is listed, empty ones with zeros (up to [`MAX_FILLED_WEEKS`] weeks;
//!   past that only weeks with messages are listed and `weeks.filled` is false).
//! - **Top askers**: customers by author name (the same name in two chats is one customer), by
//!   customer messages and by threads started, ties broken by the other count, then the name.

mod command;
mod format;
mod html;
mod svg;

pub use command::{run, Args};

use crate::labelled::Labelled;
use sandesh::{EntityKind, EntityValue, Intent};
use sandesh_chat::{days_in_month, Kind, Timestamp};
use serde::Serialize;
use std::cmp::{Ordering, Reverse};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

/// Version of the `--json` shape; bumped when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;
/// Hours after which a thread without a reply is unanswered.
pub const DEFAULT_UNANSWERED_HOURS: u32 = 24;
/// Customers listed in each top-askers table.
pub const DEFAULT_TOP: usize = 10;
/// Rows kept in each list (unanswered, pending, payments); the rest are counted.
pub const DEFAULT_MAX_ROWS: usize = 200;
/// Messages per chat held back to restore `(timestamp, index)` order.
pub const REORDER_WINDOW: usize = 16;
/// Longest stretch of weeks listed with empty weeks filled in (about ten years).
pub const MAX_FILLED_WEEKS: usize = 530;
/// Characters of a message kept for the lists.
const TEXT_CHARS: usize = 200;
/// Reasons kept for skipped lines.
const MAX_REASONS: usize = 5;

/// What the report is computed with; echoed in the report as `parameters`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    /// A thread without a reply within this many hours is unanswered.
    pub unanswered_hours: u32,
    /// Customers per top-askers table.
    pub top: usize,
    /// Rows kept per list (the most recent); the rest are counted in `more`.
    pub max_rows: usize,
    /// The inputs as named on the command line, for the record.
    pub inputs: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            unanswered_hours: DEFAULT_UNANSWERED_HOURS,
            top: DEFAULT_TOP,
            max_rows: DEFAULT_MAX_ROWS,
            inputs: Vec::new(),
        }
    }
}

/// An input line that is not a labelled message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadLine {
    /// The input it came from.
    pub input: String,
    /// Line number from 1.
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

/// The report: the `--json` output, field by field.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Version of this shape ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `sandesh` and its version.
    pub generator: String,
    /// What it was computed with.
    pub parameters: Config,
    /// The first and the last timestamp of all records; absent without records.
    pub range: Option<Range>,
    /// The headline figures.
    pub summary: Summary,
    /// Counts per ISO week.
    pub weeks: Weeks,
    /// First-response times per thread intent, in [`Intent::ALL`] order, then `unclassified`
    /// when there are such threads.
    pub response_times: Vec<ResponseTimes>,
    /// Threads not answered within the limit.
    pub unanswered: Unanswered,
    /// Threads still open at the end of the export and younger than the limit.
    pub pending: Pending,
    /// Payment messages and their totals.
    pub payments: Payments,
    /// The customers who wrote most.
    pub top_askers: TopAskers,
    /// Input lines that were not labelled messages.
    pub skipped: Skipped,
}

/// A span of time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range {
    /// The earliest timestamp.
    pub first: Timestamp,
    /// The latest timestamp: the end of the export.
    pub last: Timestamp,
}

/// The headline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Labelled messages read (every kind).
    pub records: u64,
    /// Customer messages (see the definitions).
    pub customer_messages: u64,
    /// Business messages.
    pub business_messages: u64,
    /// System and deleted lines and lines without an author: counted here only.
    pub other_records: u64,
    /// Distinct chats.
    pub chats: u64,
    /// Distinct customer authors.
    pub customers: u64,
    /// Threads started (per chat and customer, see the definitions).
    pub threads: u64,
    /// Threads the business replied to (in time or late).
    pub answered: u64,
    /// Threads not answered within the limit (late replies included).
    pub unanswered: u64,
    /// Threads open at the end and younger than the limit.
    pub pending: u64,
    /// Leads: (chat, customer) pairs with a lead thread, counted once per week.
    pub leads: u64,
    /// Customer messages with intent `payment`.
    pub payment_messages: u64,
    /// Median first-response time over all answered threads, seconds.
    pub median_first_response_seconds: Option<u64>,
    /// 90th percentile of the same, seconds.
    pub p90_first_response_seconds: Option<u64>,
    /// Messages that arrived after later ones of their chat had been processed.
    pub out_of_order: u64,
}

/// Counts per ISO week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weeks {
    /// Whether every week between the first and the last is listed (false past
    /// [`MAX_FILLED_WEEKS`]).
    pub filled: bool,
    /// One row per week, oldest first.
    pub rows: Vec<Week>,
}

/// One ISO week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// ISO week, `2024-W11`.
    pub week: String,
    /// Its Monday, `2024-03-11`.
    pub start: String,
    /// Customer messages sent in the week.
    pub customer_messages: u64,
    /// Business messages sent in the week.
    pub business_messages: u64,
    /// Customer messages by intent (`unclassified`: no analysis, such as media).
    pub intents: IntentCounts,
    /// Threads that began in the week.
    pub threads: u64,
    /// (Chat, customer) pairs with a lead thread beginning in the week.
    pub leads: u64,
}

/// A count per intent, plus messages without an analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IntentCounts {
    /// `lead` messages.
    pub lead: u64,
    /// `support` messages.
    pub support: u64,
    /// `payment` messages.
    pub payment: u64,
    /// `booking` messages.
    pub booking: u64,
    /// `hiring` messages.
    pub hiring: u64,
    /// `vendor` messages.
    pub vendor: u64,
    /// `other` messages.
    pub other: u64,
    /// Messages without an analysis.
    pub unclassified: u64,
}

impl IntentCounts {
    fn slot(&mut self, intent: Option<Intent>) -> &mut u64 {
        match intent {
            Some(Intent::Lead) => &mut self.lead,
            Some(Intent::Support) => &mut self.support,
            Some(Intent::Payment) => &mut self.payment,
            Some(Intent::Booking) => &mut self.booking,
            Some(Intent::Hiring) => &mut self.hiring,
            Some(Intent::Vendor) => &mut self.vendor,
            Some(Intent::Other) => &mut self.other,
            None => &mut self.unclassified,
        }
    }

    /// The count of `intent` (`None`: unclassified).
    pub fn get(&self, intent: Option<Intent>) -> u64 {
        let mut copy = *self;
        *copy.slot(intent)
    }
}

/// Thread intents in display order: the seven intents, then unclassified.
pub const TOPICS: [Option<Intent>; 8] = [
    Some(Intent::Lead),
    Some(Intent::Support),
    Some(Intent::Payment),
    Some(Intent::Booking),
    Some(Intent::Hiring),
    Some(Intent::Vendor),
    Some(Intent::Other),
    None,
];

/// The label of a thread or message intent: the intent, or `unclassified`.
pub fn topic_name(topic: Option<Intent>) -> &'static str {
    topic.map_or("unclassified", Intent::as_str)
}

fn topic_index(topic: Option<Intent>) -> usize {
    topic.map_or(7, Intent::index)
}

/// First-response figures for threads of one intent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseTimes {
    /// The thread intent, or `unclassified`.
    pub intent: &'static str,
    /// Threads of this intent.
    pub threads: u64,
    /// Of them, answered (in time or late).
    pub answered: u64,
    /// Of them, answered within the limit.
    pub answered_in_time: u64,
    /// Not answered within the limit (late or never).
    pub unanswered: u64,
    /// Still open and younger than the limit.
    pub pending: u64,
    /// Median first-response time, seconds; absent without answered threads.
    pub median_seconds: Option<u64>,
    /// 90th percentile, seconds.
    pub p90_seconds: Option<u64>,
}

/// A thread as the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thread {
    /// The chat.
    pub chat: String,
    /// The time of its first message.
    pub started: Timestamp,
    /// Its customer: the author of all its messages.
    pub author: String,
    /// The thread intent.
    pub intent: &'static str,
    /// Its first message, cut to 200 characters (`[media]` and the like for non-text kinds).
    pub text: String,
    /// Customer messages in the thread.
    pub messages: u64,
    /// Seconds to the business's reply, for a late reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replied_after_seconds: Option<u64>,
    /// Seconds from its first message to the end of the export, for a thread with no reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_seconds: Option<u64>,
}

/// Threads not answered within the limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unanswered {
    /// The limit, hours.
    pub hours: u32,
    /// All such threads.
    pub total: u64,
    /// Of them, never replied to.
    pub never_replied: u64,
    /// Of them, replied to after the limit.
    pub replied_late: u64,
    /// The most recent `max_rows`, newest first.
    pub threads: Vec<Thread>,
    /// Threads not listed.
    pub more: u64,
}

/// Threads still waiting at the end of the export, within the limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pending {
    /// All such threads.
    pub total: u64,
    /// The most recent `max_rows`, newest first.
    pub threads: Vec<Thread>,
    /// Threads not listed.
    pub more: u64,
}

/// Payment messages and their totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payments {
    /// Customer messages with intent `payment`.
    pub messages: u64,
    /// Of them, with at least one amount.
    pub with_amount: u64,
    /// Total per currency, INR first, then by code.
    pub totals: Vec<CurrencyTotal>,
    /// The most recent `max_rows` payment messages, newest first.
    pub rows: Vec<Payment>,
    /// Payment messages not listed.
    pub more: u64,
}

/// The total of one currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurrencyTotal {
    /// ISO 4217 code.
    pub currency: String,
    /// Sum of the counted amounts.
    pub total: f64,
    /// Messages that added to it.
    pub messages: u64,
}

/// One payment message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payment {
    /// The chat.
    pub chat: String,
    /// When it was sent.
    pub timestamp: Timestamp,
    /// Who sent it.
    pub author: String,
    /// The message, cut to 200 characters.
    pub text: String,
    /// Its amounts, in order.
    pub amounts: Vec<Amount>,
}

/// One amount of a payment message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amount {
    /// As written.
    pub text: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The value counted: the amount, or the midpoint of a range.
    pub amount: f64,
    /// Lower end of a range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper end of a range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whether it is added to its currency's total (the first of its currency in the message).
    pub counted: bool,
}

/// The customers who wrote most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopAskers {
    /// By customer messages.
    pub by_messages: Vec<Asker>,
    /// By threads started.
    pub by_threads: Vec<Asker>,
}

/// One customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asker {
    /// The author name.
    pub author: String,
    /// Customer messages.
    pub messages: u64,
    /// Threads started.
    pub threads: u64,
}

/// Input lines that were not labelled messages.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Skipped {
    /// How many.
    pub lines: u64,
    /// The first few, with reasons.
    pub first: Vec<BadLine>,
}

/// Response times with bounded resolution: a count per quantised value, so memory does not grow
/// with the number of threads (see the definitions for the resolution).
#[derive(Debug, Clone, Default)]
pub struct Durations {
    counts: BTreeMap<u64, u64>,
    n: u64,
}

impl Durations {
    fn quantise(s: u64) -> u64 {
        let step = match s {
            0..3_600 => 1,
            3_600..172_800 => 60,
            172_800..2_592_000 => 3_600,
            _ => 86_400,
        };
        s - s % step
    }

    /// Adds one time, seconds.
    pub fn add(&mut self, seconds: u64) {
        *self.counts.entry(Self::quantise(seconds)).or_default() += 1;
        self.n += 1;
    }

    /// The nearest-rank `percent` percentile: the smallest time at or under which at least
    /// `percent` % of the times lie. `None` when empty.
    pub fn percentile(&self, percent: u64) -> Option<u64> {
        if self.n == 0 {
            return None;
        }
        let rank = (percent.min(100) * self.n).div_ceil(100).max(1);
        let mut seen = 0;
        for (&value, &count) in &self.counts {
            seen += count;
            if seen >= rank {
                return Some(value);
            }
        }
        self.counts.keys().next_back().copied()
    }
}

/// The `cap` items with the largest keys, and how many others there were.
#[derive(Debug)]
struct Capped<T> {
    cap: usize,
    heap: BinaryHeap<Reverse<Keyed<T>>>,
    dropped: u64,
}

#[derive(Debug)]
struct Keyed<T> {
    key: (Timestamp, u64),
    item: T,
}

impl<T> PartialEq for Keyed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<T> Eq for Keyed<T> {}
impl<T> PartialOrd for Keyed<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Keyed<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl<T> Capped<T> {
    fn new(cap: usize) -> Self {
        Capped {
            cap,
            heap: BinaryHeap::new(),
            dropped: 0,
        }
    }

    fn push(&mut self, key: (Timestamp, u64), item: T) {
        self.heap.push(Reverse(Keyed { key, item }));
        if self.heap.len() > self.cap {
            self.heap.pop();
            self.dropped += 1;
        }
    }

    /// Newest first, and the count of the rest.
    fn into_newest_first(self) -> (Vec<T>, u64) {
        // Ascending order of `Reverse` is descending order of keys.
        let items = self.heap.into_sorted_vec().into_iter().map(|r| r.0.item);
        (items.collect(), self.dropped)
    }
}

/// Who a message is from, for threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Customer,
    Business,
}

fn role(record: &Labelled) -> Option<Role> {
    let speaks = matches!(
        record.kind,
        Kind::Text | Kind::Media | Kind::Location | Kind::Contact | Kind::Poll
    );
    match (speaks, record.is_business, record.author.is_some()) {
        (true, true, _) => Some(Role::Business),
        (true, false, true) => Some(Role::Customer),
        _ => None,
    }
}

/// A message as the thread state needs it, held in its chat's reorder window.
#[derive(Debug)]
struct Event {
    timestamp: Timestamp,
    index: u64,
    seq: u64,
    role: Role,
    author: String,
    intent: Option<Intent>,
    text: String,
}

impl Event {
    fn key(&self) -> (Timestamp, u64, u64) {
        (self.timestamp, self.index, self.seq)
    }
}
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// An open thread.
#[derive(Debug)]
struct Run {
    start: Timestamp,
    seq: u64,
    author: String,
    text: String,
    messages: u64,
    intent: Option<Intent>,
    saw_other: bool,
    /// Its customer already had a lead thread starting in this thread's week in this chat: a
    /// lead here is not counted again.
    lead_counted: bool,
}

impl Run {
    fn topic(&self) -> Option<Intent> {
        self.intent.or(if self.saw_other {
            Some(Intent::Other)
        } else {
            None
        })
    }
}

#[derive(Debug, Default)]
struct ChatState {
    name: String,
    window: BinaryHeap<Reverse<Event>>,
    last: Option<Timestamp>,
    /// Open threads by customer author; emptied by each business message.
    open: HashMap<String, Run>,
    /// The week (its Monday) of `last`, the chat's latest processed time.
    week: Option<i64>,
    /// Customers whose lead thread starting in `week` has been counted.
    lead_authors: HashSet<String>,
}

impl ChatState {
    /// Takes every open thread out, oldest first, for closing.
    fn take_open(&mut self) -> Vec<Run> {
        let mut runs: Vec<Run> = self.open.drain().map(|(_, run)| run).collect();
        runs.sort_by_key(|r| (r.start, r.seq));
        runs
    }
}

#[derive(Debug, Clone, Copy)]
struct WeekTally {
    sample: Timestamp,
    customer_messages: u64,
    business_messages: u64,
    intents: IntentCounts,
    threads: u64,
    leads: u64,
}

impl WeekTally {
    fn new(sample: Timestamp) -> Self {
        WeekTally {
            sample,
            customer_messages: 0,
            business_messages: 0,
            intents: IntentCounts::default(),
            threads: 0,
            leads: 0,
        }
    }
}

/// The Monday of `t`'s week as a day number: the key of the week maps.
fn monday(t: &Timestamp) -> i64 {
    t.days() - (i64::from(t.weekday()) - 1)
}

/// The same time of day a week later, `None` past year 9999.
fn next_week(t: &Timestamp) -> Option<Timestamp> {
    let (mut year, mut month, mut day) = (t.year, t.month, u16::from(t.day) + 7);
    let len = u16::from(days_in_month(year, month));
    if day > len {
        day -= len;
        month += 1;
        if month > 12 {
            month = 1;
            year = year.checked_add(1)?;
        }
    }
    Timestamp::new(
        year,
        month,
        u8::try_from(day).ok()?,
        t.hour,
        t.minute,
        t.second,
    )
    .ok()
}

#[derive(Debug, Default, Clone, Copy)]
struct TopicTally {
    threads: u64,
    answered: u64,
    in_time: u64,
    unanswered: u64,
    pending: u64,
}

/// How a thread ended.
enum Outcome {
    Reply(Timestamp),
    Open { export_end: Timestamp },
}

/// Everything that depends on message order within a chat.
#[derive(Debug)]
struct ThreadTally {
    limit_seconds: u64,
    threads: u64,
    out_of_order: u64,
    topics: [TopicTally; 8],
    durations: [Durations; 8],
    all: Durations,
    never: u64,
    late: u64,
    unanswered: Capped<Thread>,
    pending: Capped<Thread>,
    weeks: BTreeMap<i64, WeekTally>,
    askers: HashMap<String, (u64, u64)>,
}

impl ThreadTally {
    fn week(&mut self, t: &Timestamp) -> &mut WeekTally {
        self.weeks
            .entry(monday(t))
            .or_insert_with(|| WeekTally::new(*t))
    }

    fn step(&mut self, chat: &mut ChatState, mut ev: Event) {
        if let Some(last) = chat.last {
            if ev.timestamp < last {
                self.out_of_order += 1;
                ev.timestamp = last;
            }
        }
        chat.last = Some(ev.timestamp);
        let week = monday(&ev.timestamp);
        if chat.week != Some(week) {
            chat.week = Some(week);
            chat.lead_authors.clear();
        }
        match ev.role {
            Role::Customer => {
                let asker = self.askers.entry(ev.author.clone()).or_default();
                asker.0 += 1;
                let run = match chat.open.entry(ev.author) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => {
                        asker.1 += 1;
                        self.threads += 1;
                        let author = e.key().clone();
                        // A thread starts at the chat's latest time, in its current week: an
                        // earlier lead thread of this customer that week has closed since and
                        // is in `lead_authors`.
                        let lead_counted = chat.lead_authors.contains(&author);
                        e.insert(Run {
                            start: ev.timestamp,
                            seq: ev.seq,
                            author,
                            text: ev.text,
                            messages: 0,
                            intent: None,
                            saw_other: false,
                            lead_counted,
                        })
                    }
                };
                run.messages += 1;
                match ev.intent {
                    Some(Intent::Other) => run.saw_other = true,
                    Some(i) if run.intent.is_none() => run.intent = Some(i),
                    _ => {}
                }
                if run.messages == 1 {
                    self.week(&ev.timestamp).threads += 1;
                }
            }
            Role::Business => {
                for run in chat.take_open() {
                    self.close(chat, run, Outcome::Reply(ev.timestamp));
                }
            }
        }
    }

    fn close(&mut self, chat: &mut ChatState, run: Run, outcome: Outcome) {
        let topic = run.topic();
        let t = topic_index(topic);
        self.topics[t].threads += 1;
        if topic == Some(Intent::Lead) && !run.lead_counted {
            self.week(&run.start).leads += 1;
            // Remembered only for the chat's current week: no later thread of this customer
            // can start in an earlier one.
            if chat.week == Some(monday(&run.start)) {
                chat.lead_authors.insert(run.author.clone());
            }
        }
        let key = (run.start, run.seq);
        let mut row = Thread {
            chat: chat.name.clone(),
            started: run.start,
            author: run.author,
            intent: topic_name(topic),
            text: run.text,
            messages: run.messages,
            replied_after_seconds: None,
            waiting_seconds: None,
        };
        match outcome {
            Outcome::Reply(at) => {
                let after = u64::try_from(at.seconds_since(&run.start)).unwrap_or(0);
                self.durations[t].add(after);
                self.all.add(after);
                self.topics[t].answered += 1;
                if after > self.limit_seconds {
                    self.topics[t].unanswered += 1;
                    self.late += 1;
                    row.replied_after_seconds = Some(after);
                    self.unanswered.push(key, row);
                } else {
                    self.topics[t].in_time += 1;
                }
            }
            Outcome::Open { export_end } => {
                let waited = u64::try_from(export_end.seconds_since(&run.start)).unwrap_or(0);
                row.waiting_seconds = Some(waited);
                if waited > self.limit_seconds {
                    self.topics[t].unanswered += 1;
                    self.never += 1;
                    self.unanswered.push(key, row);
                } else {
                    self.topics[t].pending += 1;
                    self.pending.push(key, row);
                }
            }
        }
    }
}

#[derive(Debug)]
struct PaymentTally {
    messages: u64,
    with_amount: u64,
    totals: BTreeMap<String, (f64, u64)>,
    rows: Capped<Payment>,
}

/// The amounts of a payment message; the first of each currency is `counted`.
fn amounts(record: &Labelled) -> Vec<Amount> {
    let Some(analysis) = &record.analysis else {
        return Vec::new();
    };
    let mut out: Vec<Amount> = Vec::new();
    for e in &analysis.entities {
        if e.kind != EntityKind::Amount {
            continue;
        }
        let Some(EntityValue::Money {
            amount,
            currency,
            min,
            max,
        }) = &e.value
        else {
            continue;
        };
        let (min, max) = match (min, max) {
            (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => (Some(*lo), Some(*hi)),
            _ => (None, None),
        };
        let value = match (min, max) {
            (Some(lo), Some(hi)) => (lo + hi) / 2.0,
            _ => *amount,
        };
        if !value.is_finite() || value < 0.0 {
            continue;
        }
        let currency = match currency.trim() {
            "" => "INR".to_string(),
            c => c.to_uppercase(),
        };
        let counted = !out.iter().any(|a| a.currency == currency);
        out.push(Amount {
            text: e.text.clone(),
            currency,
            amount: value,
            min,
            max,
            counted,
        });
    }
    out
}

/// The streaming computation: push records one by one, then [`Tally::finish`].
#[derive(Debug)]
pub struct Tally {
    config: Config,
    seq: u64,
    chats: HashMap<String, ChatState>,
    summary: Summary,
    range: Option<Range>,
    threads: ThreadTally,
    payments: PaymentTally,
    skipped: Skipped,
}

impl Tally {
    /// An empty tally.
    pub fn new(config: Config) -> Self {
        let rows = config.max_rows;
        Tally {
            threads: ThreadTally {
                limit_seconds: u64::from(config.unanswered_hours) * 3600,
                threads: 0,
                out_of_order: 0,
                topics: [TopicTally::default(); 8],
                durations: Default::default(),
                all: Durations::default(),
                never: 0,
                late: 0,
                unanswered: Capped::new(rows),
                pending: Capped::new(rows),
                weeks: BTreeMap::new(),
                askers: HashMap::new(),
            },
            payments: PaymentTally {
                messages: 0,
                with_amount: 0,
                totals: BTreeMap::new(),
                rows: Capped::new(rows),
            },
            config,
            seq: 0,
            chats: HashMap::new(),
            summary: Summary::default(),
            range: None,
            skipped: Skipped::default(),
        }
    }

    /// Pushes every record, counting the bad lines.
    pub fn extend(&mut self, records: impl IntoIterator<Item = Result<Labelled, BadLine>>) {
        for r in records {
            match r {
                Ok(record) => self.push(record),
                Err(bad) => self.skip(bad),
            }
        }
    }

    /// Counts a line that was not a labelled message; the first few are kept with reasons.
    pub fn skip(&mut self, bad: BadLine) {
        self.skipped.lines += 1;
        if self.skipped.first.len() < MAX_REASONS {
            self.skipped.first.push(bad);
        }
    }

    /// Takes one record.
    pub fn push(&mut self, record: Labelled) {
        self.seq += 1;
        self.summary.records += 1;
        let ts = record.timestamp;
        self.range = Some(match self.range {
            None => Range {
                first: ts,
                last: ts,
            },
            Some(r) => Range {
                first: r.first.min(ts),
                last: r.last.max(ts),
            },
        });
        let Some(role) = role(&record) else {
            self.summary.other_records += 1;
            return;
        };
        let intent = record.analysis.as_ref().map(|a| a.intent);
        let week = self.threads.week(&ts);
        match role {
            Role::Customer => {
                self.summary.customer_messages += 1;
                week.customer_messages += 1;
                *week.intents.slot(intent) += 1;
            }
            Role::Business => {
                self.summary.business_messages += 1;
                week.business_messages += 1;
            }
        }
        let author = record.author.clone().unwrap_or_default();
        if role == Role::Customer && intent == Some(Intent::Payment) {
            self.add_payment(&record, &author);
        }
        let ev = Event {
            timestamp: ts,
            index: record.index,
            seq: self.seq,
            role,
            intent,
            text: match role {
                Role::Customer => shown_text(&record),
                Role::Business => String::new(),
            },
            author: match role {
                Role::Customer => author,
                Role::Business => String::new(),
            },
        };
        let chat = match self.chats.get_mut(&record.chat) {
            Some(chat) => chat,
            None => self
                .chats
                .entry(record.chat.clone())
                .or_insert_with(|| ChatState {
                    name: record.chat,
                    ..ChatState::default()
                }),
        };
        chat.window.push(Reverse(ev));
        if chat.window.len() > REORDER_WINDOW {
            if let Some(Reverse(ev)) = chat.window.pop() {
                self.threads.step(chat, ev);
            }
        }
    }

    fn add_payment(&mut self, record: &Labelled, author: &str) {
        let p = &mut self.payments;
        p.messages += 1;
        let amounts = amounts(record);
        if !amounts.is_empty() {
            p.with_amount += 1;
        }
        for a in amounts.iter().filter(|a| a.counted) {
            let total = p.totals.entry(a.currency.clone()).or_default();
            total.0 += a.amount;
            total.1 += 1;
        }
        p.rows.push(
            (record.timestamp, self.seq),
            Payment {
                chat: record.chat.clone(),
                timestamp: record.timestamp,
                author: author.to_string(),
                text: shown_text(record),
                amounts,
            },
        );
    }

    /// Closes every chat and computes the report.
    pub fn finish(mut self) -> Report {
        let export_end = self.range.map(|r| r.last);
        let mut chats: Vec<ChatState> = self.chats.into_values().collect();
        chats.sort_by(|a, b| a.name.cmp(&b.name));
        for chat in &mut chats {
            while let Some(Reverse(ev)) = chat.window.pop() {
                self.threads.step(chat, ev);
            }
            if let Some(export_end) = export_end {
                for run in chat.take_open() {
                    self.threads.close(chat, run, Outcome::Open { export_end });
                }
            }
        }
        let th = self.threads;
        let mut summary = self.summary;
        summary.chats = chats.len() as u64;
        summary.customers = th.askers.len() as u64;
        summary.threads = th.threads;
        summary.answered = th.topics.iter().map(|t| t.answered).sum();
        summary.unanswered = th.never + th.late;
        summary.pending = th.topics.iter().map(|t| t.pending).sum();
        summary.leads = th.weeks.values().map(|w| w.leads).sum();
        summary.payment_messages = self.payments.messages;
        summary.median_first_response_seconds = th.all.percentile(50);
        summary.p90_first_response_seconds = th.all.percentile(90);
        summary.out_of_order = th.out_of_order;

        let response_times = TOPICS
            .iter()
            .zip(th.topics.iter().zip(&th.durations))
            .filter(|(topic, (t, _))| topic.is_some() || t.threads > 0)
            .map(|(&topic, (t, d))| ResponseTimes {
                intent: topic_name(topic),
                threads: t.threads,
                answered: t.answered,
                answered_in_time: t.in_time,
                unanswered: t.unanswered,
                pending: t.pending,
                median_seconds: d.percentile(50),
                p90_seconds: d.percentile(90),
            })
            .collect();

        let (threads, more) = th.unanswered.into_newest_first();
        let unanswered = Unanswered {
            hours: self.config.unanswered_hours,
            total: th.never + th.late,
            never_replied: th.never,
            replied_late: th.late,
            threads,
            more,
        };
        let (threads, more) = th.pending.into_newest_first();
        let pending = Pending {
            total: summary.pending,
            threads,
            more,
        };

        let mut totals: Vec<CurrencyTotal> = self
            .payments
            .totals
            .into_iter()
            .map(|(currency, (total, messages))| CurrencyTotal {
                currency,
                total,
                messages,
            })
            .collect();
        totals.sort_by_key(|t| (t.currency != "INR", t.currency.clone()));
        let (rows, more) = self.payments.rows.into_newest_first();
        let payments = Payments {
            messages: self.payments.messages,
            with_amount: self.payments.with_amount,
            totals,
            rows,
            more,
        };

        let askers: Vec<Asker> = th
            .askers
            .into_iter()
            .map(|(author, (messages, threads))| Asker {
                author,
                messages,
                threads,
            })
            .collect();
        let top_askers = TopAskers {
            by_messages: top(&askers, self.config.top, |a| (a.messages, a.threads)),
            by_threads: top(&askers, self.config.top, |a| (a.threads, a.messages)),
        };

        Report {
            schema_version: SCHEMA_VERSION,
            generator: concat!("sandesh ", env!("CARGO_PKG_VERSION")).to_string(),
            weeks: weeks(th.weeks),
            parameters: self.config,
            range: self.range,
            summary,
            response_times,
            unanswered,
            pending,
            payments,
            top_askers,
            skipped: self.skipped,
        }
    }
}

fn top(askers: &[Asker], n: usize, by: impl Fn(&Asker) -> (u64, u64)) -> Vec<Asker> {
    let mut sorted: Vec<&Asker> = askers.iter().collect();
    sorted.sort_by(|a, b| by(b).cmp(&by(a)).then_with(|| a.author.cmp(&b.author)));
    sorted.into_iter().take(n).cloned().collect()
}

fn weeks(tallies: BTreeMap<i64, WeekTally>) -> Weeks {
    let row = |w: &WeekTally| {
        let (year, number) = w.sample.iso_week();
        Week {
            week: format!("{year:04}-W{number:02}"),
            start: w.sample.week_start(),
            customer_messages: w.customer_messages,
            business_messages: w.business_messages,
            intents: w.intents,
            threads: w.threads,
            leads: w.leads,
        }
    };
    let (Some((&first, first_week)), Some(&last)) =
        (tallies.first_key_value(), tallies.keys().next_back())
    else {
        return Weeks {
            filled: true,
            rows: Vec::new(),
        };
    };
    let span = usize::try_from((last - first) / 7 + 1).unwrap_or(usize::MAX);
    if span > MAX_FILLED_WEEKS {
        return Weeks {
            filled: false,
            rows: tallies.values().map(row).collect(),
        };
    }
    let mut rows = Vec::with_capacity(span);
    let mut sample = Some(first_week.sample);
    let mut key = first;
    while key <= last {
        let Some(s) = sample else { break };
        let w = tallies
            .get(&key)
            .copied()
            .unwrap_or_else(|| WeekTally::new(s));
        rows.push(row(&w));
        sample = next_week(&w.sample);
        key += 7;
    }
    Weeks { filled: true, rows }
}

/// What a list shows of a message: its text cut to [`TEXT_CHARS`], or its kind in brackets.
fn shown_text(record: &Labelled) -> String {
    let text = record.text.trim();
    if text.is_empty() {
        return format!("[{}]", record.kind.as_str());
    }
    match text.char_indices().nth(TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
