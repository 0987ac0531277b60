//! The crate's one error type. Parsing itself never fails: a line that is not a header belongs
//! to the message before it, or becomes a [`crate::Event::Skipped`]. Errors are for what stops
//! reading: the file, the zip, or content that is no chat export at all.

use std::path::PathBuf;

/// Why an export could not be opened or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The export's path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is readable but holds no WhatsApp chat (no header line, binary data, UTF-16).
    #[error("{}: not a WhatsApp chat export: {reason}", path.display())]
    NotAnExport {
        /// The export's path.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The file starts like a zip but cannot be read as one, or holds no chat text.
    #[error("{}: zip: {reason}", path.display())]
    Zip {
        /// The export's path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// [`crate::Export::messages_from`] was given an offset that is not the start of a line of
    /// the chat text.
    #[error("{}: cannot resume at byte {offset}: {reason}", path.display())]
    BadOffset {
        /// The export's path.
        path: PathBuf,
        /// The offset asked for.
        offset: u64,
        /// Why it is not a line start.
        reason: String,
    },
}

impl Error {
    /// A stable snake_case code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::NotAnExport { .. } => "not_an_export",
            Error::Zip { .. } => "zip",
            Error::BadOffset { .. } => "bad_offset",
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
