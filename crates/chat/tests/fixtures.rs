//! The integration tests of sandesh-chat (one binary).
//!
//! - `collected`: every fixture under `shared/data/whatsapp/` (read in place, never copied:
//!   several folders are GPL/AGPL), checked against FORMATS.md §12, chat-miner's expected
//!   parses, and the outputs of whatsapp-chat-parser 4.0.2 (`_oracle/`), except where FORMATS.md
//!   §12.10 says that parser is wrong; there we assert our answer and name its bug.
//! - `own`: project-written fixtures in `tests/data/` (Indian locales, iOS marks, polls, edits,
//!   …), zips built in a temporary folder, and the typed refusals (not a chat, bad zip, …).
//! - `lines`: single header lines and short chats from the parsers' own tests (§12.1, §12.7,
//!   §12.10) through `parse_str`.
//! - `properties`: for every fixture, resuming from any message gives the tail of a full run;
//!   message byte ranges tile the text; truncated and mutated inputs never panic.

#[path = "fixtures/collected.rs"]
mod collected;
#[path = "fixtures/lines.rs"]
mod lines;
#[path = "fixtures/own.rs"]
mod own;
#[path = "fixtures/properties.rs"]
mod properties;

use sandesh_chat::{parse_str, Event, Export, Message, ParseOptions, Timestamp};
use std::path::{Path, PathBuf};

/// `shared/data/whatsapp`, or `None` (with a note on stderr) when this checkout has no shared
/// folder beside it.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/whatsapp");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: collected WhatsApp fixtures not found at {}",
            dir.display()
        );
        None
    }
}

/// `tests/data`.
pub fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub fn ts(s: &str) -> Timestamp {
    s.parse()
        .unwrap_or_else(|e| panic!("bad timestamp in a test: {e}"))
}

/// Opens an export and reads all its events.
pub fn read_all(path: &Path, options: &ParseOptions) -> (Export, Vec<Event>) {
    let export = Export::open(path, options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let events: Vec<Event> = export
        .messages()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect();
    (export, events)
}

pub fn messages(events: &[Event]) -> Vec<Message> {
    events.iter().filter_map(|e| e.message().cloned()).collect()
}

/// Messages of a chat held in a string.
pub fn parse(text: &str) -> Vec<Message> {
    messages(&parse_str(text, &ParseOptions::default()).1)
}

/// Every `.txt` and `.zip` under a folder (the `_oracle` outputs excluded), sorted.
pub fn chat_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "_oracle") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "txt" || e == "zip") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// A path relative to `base`, with `/`.
pub fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
