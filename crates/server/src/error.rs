//! Errors: what fails at start ([`Error`]) and what a request is answered with ([`ApiError`]).
//! The codes and statuses come from the one table in `sandesh_types::ErrorCode`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sandesh::ErrorCode;

/// What can stop the service from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting that cannot work (named in the message).
    #[error("{0}")]
    Config(String),
    /// Binding or serving failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// A request's failure: JSON `{"error": {"code", "message"}}` with the code's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The stable code.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// The JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code.as_str(), "message": self.message}})
    }
}

impl From<sandesh::Error> for ApiError {
    fn from(e: sandesh::Error) -> Self {
        let code = e.code();
        // Internal failures say what kind they were, not their details.
        let message = if code.is_user_error() {
            e.to_string()
        } else {
            format!("the service failed: {}", code.as_str())
        };
        ApiError { code, message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body())).into_response();
        if matches!(
            self.code,
            ErrorCode::Overloaded | ErrorCode::Timeout | ErrorCode::Unavailable
        ) {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(crate::config::RETRY_AFTER_SECS),
            );
        }
        response.extensions_mut().insert(self.code);
        response
    }
}
