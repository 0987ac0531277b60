//! Error kinds shared by every surface.
//!
//! Each user-facing error has a stable snake_case code and an HTTP status, kept in one table
//! ([`ErrorCode`]) so the library, the CLI and the service report the same thing the same way.

/// Stable error codes, each with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The text is empty or only whitespace.
    EmptyText,
    /// The text is longer than the configured limit.
    TextTooLong,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// The input is not valid JSON or lacks a required field.
    InvalidInput,
    /// A label, tag or kind outside the known set.
    UnknownLabel,
    /// The model directory is missing, incomplete or does not match its manifest.
    InvalidModel,
    /// Reading or writing a file failed.
    Io,
    /// A bug: an invariant of Sandesh itself was broken.
    Internal,
    /// The body is not JSON at all (the service; `invalid_input` is JSON of the wrong shape).
    InvalidJson,
    /// A batch holds more messages than the limit.
    BatchTooLarge,
    /// The request body is larger than the limit.
    BodyTooLarge,
    /// The body's `Content-Type` is not `application/json`.
    UnsupportedMediaType,
    /// No API key was sent where one is required.
    MissingApiKey,
    /// The API key sent is not the configured one.
    WrongApiKey,
    /// A webhook whose `X-Hub-Signature-256` is missing or does not match the app secret.
    BadSignature,
    /// The webhook verification handshake sent the wrong verify token.
    WrongVerifyToken,
    /// No such path.
    NotFound,
    /// The path exists, the method does not.
    MethodNotAllowed,
    /// Too many requests in flight; retry after the time in `Retry-After`.
    Overloaded,
    /// The request took longer than the configured timeout.
    Timeout,
    /// The client had not sent the whole body when the request timeout ran out.
    BodyTimeout,
    /// The service is shutting down or not ready.
    Unavailable,
}

impl ErrorCode {
    /// Every code, for tables and tests.
    pub const ALL: [ErrorCode; 22] = [
        ErrorCode::EmptyText,
        ErrorCode::TextTooLong,
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidInput,
        ErrorCode::UnknownLabel,
        ErrorCode::InvalidModel,
        ErrorCode::Io,
        ErrorCode::Internal,
        ErrorCode::InvalidJson,
        ErrorCode::BatchTooLarge,
        ErrorCode::BodyTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MissingApiKey,
        ErrorCode::WrongApiKey,
        ErrorCode::BadSignature,
        ErrorCode::WrongVerifyToken,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Overloaded,
        ErrorCode::Timeout,
        ErrorCode::BodyTimeout,
        ErrorCode::Unavailable,
    ];
}

impl ErrorCode {
    /// The code as shown to users and in JSON errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::EmptyText => "empty_text",
            ErrorCode::TextTooLong => "text_too_long",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::UnknownLabel => "unknown_label",
            ErrorCode::InvalidModel => "invalid_model",
            ErrorCode::Io => "io_error",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::BatchTooLarge => "batch_too_large",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MissingApiKey => "missing_api_key",
            ErrorCode::WrongApiKey => "wrong_api_key",
            ErrorCode::BadSignature => "bad_signature",
            ErrorCode::WrongVerifyToken => "wrong_verify_token",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::Timeout => "timeout",
            ErrorCode::BodyTimeout => "body_timeout",
            ErrorCode::Unavailable => "unavailable",
        }
    }

    /// The HTTP status a service answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::EmptyText | ErrorCode::UnknownLabel | ErrorCode::InvalidInput => 422,
            ErrorCode::TextTooLong | ErrorCode::BatchTooLarge | ErrorCode::BodyTooLarge => 413,
            ErrorCode::InvalidUtf8 | ErrorCode::InvalidJson => 400,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::MissingApiKey | ErrorCode::BadSignature => 401,
            ErrorCode::WrongApiKey | ErrorCode::WrongVerifyToken => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Overloaded => 429,
            ErrorCode::InvalidModel | ErrorCode::Io | ErrorCode::Internal => 500,
            ErrorCode::BodyTimeout => 408,
            ErrorCode::Timeout | ErrorCode::Unavailable => 503,
        }
    }

    /// Whether the caller caused it (as opposed to the deployment or a bug).
    pub fn is_user_error(self) -> bool {
        self.http_status() < 500
    }
}

/// Errors of the shared types, and the user errors every crate reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is empty or only whitespace.
    #[error("the text is empty")]
    EmptyText,
    /// The text is longer than the limit.
    #[error("the text has {chars} characters, over the limit of {limit}")]
    TextTooLong {
        /// Characters in the text.
        chars: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A label, tag or kind outside the known set.
    #[error("unknown {what} {value:?}")]
    UnknownLabel {
        /// Which vocabulary: intent, language tag, entity type.
        what: &'static str,
        /// The value given.
        value: String,
    },
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::EmptyText => ErrorCode::EmptyText,
            Error::TextTooLong { .. } => ErrorCode::TextTooLong,
            Error::UnknownLabel { .. } => ErrorCode::UnknownLabel,
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_users_get_4xx() {
        let all = ErrorCode::ALL;
        let names: std::collections::HashSet<_> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), all.len());
        for c in all {
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'));
        }
        assert!(ErrorCode::TextTooLong.is_user_error());
        assert!(!ErrorCode::InvalidModel.is_user_error());
        assert_eq!(
            Error::TextTooLong { chars: 9, limit: 5 }
                .code()
                .http_status(),
            413
        );
    }
}
