//! Streaming parser for WhatsApp "Export chat" files.
//!
//! ```text
//! .txt or .zip (decided by content)
//!   → chat text: lines split on \n, \r\n or \r; BOM, U+200E/U+200F and other format marks,
//!     NBSP/NNBSP and every Unicode decimal digit normalised in the header only
//!   → pass 1 (detection, streaming over the whole text): header shapes used by the file
//!     (numeric dates in every FORMATS.md §4.1 variant, English long dates such as
//!     `Tuesday, 20 August 2022` or `Aug 20, 2022`, the time before the date), day or month
//!     first per date pattern (a month name settles it), 12/24 h, seconds → [`Format`]
//!   → pass 2 (streaming): a header line of an accepted shape starts a message, any other line
//!     continues it → author, body, edited marker, kind (text, media, system, deleted, poll,
//!     location, contact) → [`Event`]s
//! ```
//!
//! Every message carries the byte offset and line number of its header line, so a long job can
//! stop and resume with [`Export::messages_from`], getting exactly the messages a full run
//! would have given from that point.
//!
//! ```
//! use sandesh_chat::{parse_str, Event, Kind, ParseOptions};
//!
//! let chat = "13/03/24, 9:05\u{202f}pm - Ravi Kumar: kitne ka hai?\nM size milega?\n\
//!             13/03/24, 9:06\u{202f}pm - Priya Traders: <Media omitted>\n";
//! let (format, events) = parse_str(chat, &ParseOptions::default());
//! assert_eq!(format.family.as_str(), "android");
//! let messages: Vec<_> = events
//!     .into_iter()
//!     .filter_map(|e| match e {
//!         Event::Message(m) => Some(m),
//!         Event::Skipped { .. } => None,
//!     })
//!     .collect();
//! assert_eq!(messages[0].timestamp.to_string(), "2024-03-13T21:05:00");
//! assert_eq!(messages[0].author.as_deref(), Some("Ravi Kumar"));
//! assert_eq!(messages[0].text, "kitne ka hai?\nM size milega?");
//! assert_eq!(messages[1].kind, Kind::Media);
//! assert_eq!(messages[1].index, 1);
//! ```
//!
//! Parsing never fails: a line that is not a header belongs to the message before it, and
//! lines before the first header become [`Event::Skipped`]. Errors ([`Error`]) are for reading
//! the file or the zip, and for content that is no chat at all (UTF-16, binary, no header
//! line). Invalid UTF-8 is read as U+FFFD and counted in [`Format::invalid_utf8_lines`].
//!
//! Limits: memory stays flat in the size of the export, but one message is held whole (a
//! pathological "message" of a million continuation lines is a million lines of text).
//! Long dates are read with English month and weekday names only (`Tuesday, 20 August 2022,
//! 2:30 pm - `, `[Aug 20, 2022 at 14:30:05] `), time-before-date headers with a `:` clock and a
//! numeric date only (`14:30, 20/08/2022 - `, `[14:30:05, 20.08.22] `); FORMATS.md lists both
//! from one parser's source but no export, so a file must use them for more than a stray line.
#![deny(missing_docs)]

mod body;
mod digits;
mod error;
mod export;
mod format;
mod header;
mod lines;
mod parser;
mod placeholders;
mod timestamp;

pub use error::{Error, Result};
pub use export::{Export, Messages};
pub use format::{Clock, Family, Format, OrderSource, Pattern};
pub use timestamp::{civil_from_days, days_from_civil, days_in_month, InvalidTimestamp, Timestamp};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Words someone wrote (a caption with a file is media).
    Text,
    /// A photo, video, audio, sticker, GIF or document, omitted or attached.
    Media,
    /// A line WhatsApp wrote: encryption notice, someone joined, the timer changed, …
    System,
    /// "This message was deleted" and its kin.
    Deleted,
    /// A poll with its options.
    Poll,
    /// A shared or live location.
    Location,
    /// A contact card.
    Contact,
}

impl Kind {
    /// The name used in output: `text`, `media`, `system`, `deleted`, `poll`, `location`,
    /// `contact`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Media => "media",
            Kind::System => "system",
            Kind::Deleted => "deleted",
            Kind::Poll => "poll",
            Kind::Location => "location",
            Kind::Contact => "contact",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of the two non-year parts of a date is the day. Year-first dates (`2024/03/13`) are
/// read year, month, day whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `13/03/24`: day, month, year (most of the world, India).
    DayFirst,
    /// `03/13/24`: month, day, year (US phones, `or_IN`).
    MonthFirst,
}

impl DateOrder {
    /// `dmy` or `mdy`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "dmy",
            DateOrder::MonthFirst => "mdy",
        }
    }
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
        })
    }
}

/// A date order that is none of `dmy`, `mdy`, `day-first`, `month-first`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown date order {0:?}: expected dmy or mdy (day-first or month-first)")]
pub struct UnknownDateOrder(pub String);

impl FromStr for DateOrder {
    type Err = UnknownDateOrder;

    /// `dmy`/`day-first` or `mdy`/`month-first`, any case (`d/m/y` and `m/d/y` too).
    fn from_str(s: &str) -> std::result::Result<DateOrder, UnknownDateOrder> {
        let key: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '/' | '-' | '_' | ' ' | '.'))
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "dmy" | "dayfirst" | "dm" | "day" => Ok(DateOrder::DayFirst),
            "mdy" | "monthfirst" | "md" | "month" => Ok(DateOrder::MonthFirst),
            _ => Err(UnknownDateOrder(s.to_string())),
        }
    }
}

/// How to read an export.
#[derive(Default, Clone, Debug)]
pub struct ParseOptions {
    /// Day or month first for dates whose order the file cannot tell (`12/9/20`). `None`: infer
    /// it from the whole file per date pattern, day-first when nothing decides.
    pub date_order: Option<DateOrder>,
}

/// One event of a chat: every line WhatsApp wrote for it, system lines and media included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Position in the chat from 0, every kind counted.
    pub index: u64,
    /// The export's local time (exports carry no time zone).
    pub timestamp: Timestamp,
    /// Who wrote it; `None` for system lines without an author. `~ Name` (a contact not saved
    /// on the exporting phone) becomes `Name`; phone numbers stay as written.
    pub author: Option<String>,
    /// What it is.
    pub kind: Kind,
    /// The body as written, continuation lines joined with `\n`, trailing blank lines dropped,
    /// the edited marker removed, and format marks (U+200E and kin) removed where WhatsApp put
    /// them as marks (before placeholders and system text); emoji and joiners in text are kept.
    pub text: String,
    /// The message carried WhatsApp's `<This message was edited>` marker.
    pub edited: bool,
    /// The file name when the message names one (`IMG-….jpg (file attached)`,
    /// `<attached: 00000003-PHOTO-….jpg>`).
    pub attachment: Option<String>,
    /// Byte offset in the chat text (after decompression, a BOM counted) of the first byte of
    /// the header line.
    pub offset: u64,
    /// 1-based line number of the header line.
    pub line: u64,
}

/// What the parser yields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    /// A message.
    Message(Message),
    /// A line that belongs to no message (text before the first header line), never silently
    /// dropped. Blank lines there are not reported.
    Skipped {
        /// 1-based line number.
        line: u64,
        /// Byte offset of the line's first byte.
        offset: u64,
        /// The line as written.
        text: String,
        /// Why it belongs to no message.
        reason: String,
    },
}

impl Event {
    /// The message, when this is one.
    pub fn message(&self) -> Option<&Message> {
        match self {
            Event::Message(m) => Some(m),
            Event::Skipped { .. } => None,
        }
    }

    /// The message, when this is one.
    pub fn into_message(self) -> Option<Message> {
        match self {
            Event::Message(m) => Some(m),
            Event::Skipped { .. } => None,
        }
    }
}

/// Parses a whole chat text held in memory: the same two passes as [`Export`], for tests and
/// small inputs. A leading BOM is counted in offsets as in a file.
pub fn parse_str(text: &str, options: &ParseOptions) -> (Format, Vec<Event>) {
    let format = std::sync::Arc::new(format::detect_str(text, options));
    let mut events = Vec::new();
    let mut assembler = parser::Assembler::new(std::sync::Arc::clone(&format), 0);
    let mut lines = lines::StrLines::new(text);
    while let Some(line) = lines.next_line() {
        events.extend(assembler.push_line(line));
    }
    events.extend(assembler.finish());
    drop(assembler);
    let format = std::sync::Arc::try_unwrap(format).unwrap_or_else(|shared| (*shared).clone());
    (format, events)
}
