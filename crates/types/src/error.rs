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
        }
    }

    /// The HTTP status a service answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::EmptyText | ErrorCode::UnknownLabel => 422,
            ErrorCode::TextTooLong => 413,
            ErrorCode::InvalidUtf8 | ErrorCode::InvalidInput => 400,
            ErrorCode::InvalidModel | ErrorCode::Io | ErrorCode::Internal => 500,
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
        let all = [
            ErrorCode::EmptyText,
            ErrorCode::TextTooLong,
            ErrorCode::InvalidUtf8,
            ErrorCode::InvalidInput,
            ErrorCode::UnknownLabel,
            ErrorCode::InvalidModel,
            ErrorCode::Io,
            ErrorCode::Internal,
        ];
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
