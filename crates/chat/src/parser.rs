//! The second pass: lines in, events out. A header line of a shape the file uses starts a
//! message; every other line continues the message before it (blank lines included, trailing
//! ones dropped from the text); lines before the first header are [`Event::Skipped`].
//!
//! The assembler holds one message at a time and yields it when the next header (or the end)
//! arrives, so a run from any header offset yields exactly what a full run yields from there.

use crate::body::{self, Head};
use crate::digits::{trim_leading_marks, Scratch};
use crate::header;
use crate::lines::Line;
use crate::{Event, Format, Kind, Message, Timestamp};
use std::sync::Arc;

/// The message being read.
struct Pending {
    index: u64,
    timestamp: Timestamp,
    author: Option<String>,
    /// An Android line without `Name: `, or a name-less iOS line: system by structure.
    system: bool,
    /// `Name:.`.
    vanished: bool,
    ios: bool,
    text: String,
    /// Length of `text` up to the end of its last non-blank line.
    keep: usize,
    offset: u64,
    line: u64,
}

pub(crate) struct Assembler {
    format: Arc<Format>,
    scratch: Scratch,
    key: String,
    next_index: u64,
    pending: Option<Pending>,
}

impl Assembler {
    /// An assembler numbering messages from `index`.
    pub(crate) fn new(format: Arc<Format>, index: u64) -> Assembler {
        Assembler {
            format,
            scratch: Scratch::default(),
            key: String::new(),
            next_index: index,
            pending: None,
        }
    }

    /// Feeds one line; yields the event it completes, if any.
    pub(crate) fn push_line(&mut self, line: Line<'_>) -> Option<Event> {
        if let Some(c) = header::parse(line.text, &mut self.scratch) {
            if let Some(timestamp) = self.format.timestamp(&c) {
                let body = line.text.get(c.body..).unwrap_or("");
                let started = self.start(timestamp, c.shape.is_android(), body, &line);
                return self.pending.replace(started).map(|p| self.complete(p));
            }
        }
        match &mut self.pending {
            Some(p) => {
                p.text.push('\n');
                p.text.push_str(line.text);
                if !line.text.trim().is_empty() {
                    p.keep = p.text.len();
                }
                None
            }
            None if line.text.trim().is_empty() => None,
            None => Some(Event::Skipped {
                line: line.number,
                offset: line.offset,
                text: line.text.to_string(),
                reason: "before the first message header".to_string(),
            }),
        }
    }

    /// Ends the input; yields the last message, if any.
    pub(crate) fn finish(&mut self) -> Option<Event> {
        self.pending.take().map(|p| self.complete(p))
    }

    fn start(
        &mut self,
        timestamp: Timestamp,
        android: bool,
        body: &str,
        line: &Line<'_>,
    ) -> Pending {
        let index = self.next_index;
        self.next_index = self.next_index.saturating_add(1);
        let Head {
            author,
            text,
            vanished,
        } = body::split_author(body);
        Pending {
            index,
            timestamp,
            author: author.map(body::clean_author),
            system: author.is_none(),
            vanished,
            ios: !android,
            keep: text.len(),
            text: text.to_string(),
            offset: line.offset,
            line: line.number,
        }
    }

    fn complete(&mut self, mut p: Pending) -> Event {
        p.text.truncate(p.keep);
        let edited = body::strip_edited(&mut p.text);
        let (kind, attachment) = if p.vanished {
            // chat-miner's `Name:.`: a disappearing message whose content the export lacks.
            (Kind::Deleted, None)
        } else if p.system {
            (Kind::System, None)
        } else {
            let c = body::classify(&p.text, p.ios, &mut self.key);
            (c.kind, c.attachment)
        };
        if kind != Kind::Text {
            let lead = p.text.len() - trim_leading_marks(&p.text).len();
            if lead > 0 {
                p.text.drain(..lead);
            }
        }
        Event::Message(Message {
            index: p.index,
            timestamp: p.timestamp,
            author: p.author,
            kind,
            text: p.text,
            edited,
            attachment,
            offset: p.offset,
            line: p.line,
        })
    }
}
