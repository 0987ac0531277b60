//! One labelled chat message: the line `sandesh label` writes and `sandesh report` reads
//! (CONTRACT.md, "A labelled chat message").

use sandesh::Analysis;
use sandesh_chat::{Kind, Timestamp};
use serde::{Deserialize, Serialize};

/// A chat message with who sent it and, for text, its analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// The export's chat file name, such as `WhatsApp Chat with Ravi.txt`.
    pub chat: String,
    /// Position in the chat from 0, every kind of message counted.
    pub index: u64,
    /// The export's local time, ISO 8601 with seconds.
    pub timestamp: Timestamp,
    /// Who sent it; absent for system lines without an author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Sent by the business side (`--me`, or detected).
    pub is_business: bool,
    /// `text`, `media`, `system`, `deleted`, `poll`, `location` or `contact`.
    pub kind: Kind,
    /// The message as written, lines joined by `\n` (placeholders redacted with `--redact`).
    pub text: String,
    /// Edited after sending (the export's "<This message was edited>" marker, removed from text).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
    /// The analysis, for text messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
}
