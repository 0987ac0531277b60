//! Errors of the engine: the user's (bad text) kept apart from the deployment's (no model).

use std::path::PathBuf;

/// Errors of the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text cannot be classified as given (empty, too long).
    #[error(transparent)]
    Input(#[from] sandesh_types::Error),
    /// The model directory could not be loaded.
    #[error(transparent)]
    Model(#[from] sandesh_model::Error),
    /// No model directory was given and none was found in the usual places.
    #[error("no model directory found; tried {}. Pass one with --model or set SANDESH_MODEL_DIR", .tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    ModelNotFound {
        /// Every place looked at, in order.
        tried: Vec<PathBuf>,
    },
}

impl Error {
    /// The stable error code (and through it, the HTTP status).
    pub fn code(&self) -> sandesh_types::ErrorCode {
        match self {
            Error::Input(e) => e.code(),
            Error::Model(e) => e.code(),
            Error::ModelNotFound { .. } => sandesh_types::ErrorCode::InvalidModel,
        }
    }
}

/// Result with the engine's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
