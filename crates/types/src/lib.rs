//! Shared types of Sandesh: the vocabulary every other crate speaks.
//!
//! The pipeline is `text → normalise → classify → extract → Analysis`; this crate owns what flows
//! out of it ([`Analysis`], [`Intent`], [`Entity`], [`Lang`]) and the error kinds ([`Error`],
//! [`ErrorCode`]) that every surface (library, CLI, HTTP) reports in one way.
//!
//! The JSON shapes follow the interface contract (`CONTRACT.md`): spans count Unicode scalar
//! values (Rust `char`s), end exclusive, into the original text.
//!
//! ```
//! use sandesh_types::{Analysis, Intent, Lang};
//! let json = r#"{"intent":"payment","confidence":0.9,"intents":[{"intent":"payment","score":0.9}],
//!                "lang":"hinglish","entities":[]}"#;
//! let a: Analysis = serde_json::from_str(json).unwrap();
//! assert_eq!(a.intent, Intent::Payment);
//! assert_eq!(a.lang, Lang::Hinglish);
//! ```
#![deny(missing_docs)]

/// `Display` and `FromStr` for an enum of labels that has `ALL` and `as_str()`: every label
/// vocabulary (intents, language tags, entity kinds) reads and prints the same way.
macro_rules! label_text {
    ($ty:ty, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = crate::Error;

            fn from_str(s: &str) -> crate::Result<Self> {
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| crate::Error::UnknownLabel {
                        what: $what,
                        value: s.to_string(),
                    })
            }
        }
    };
}

mod analysis;
mod entity;
mod error;
mod intent;
mod lang;

pub use analysis::{Analysis, IntentScore, LabelledMessage, MessageId, Route};
pub use entity::{Entity, EntityKind, EntityValue, Span};
pub use error::{Error, ErrorCode, Result};
pub use intent::Intent;
pub use lang::Lang;
