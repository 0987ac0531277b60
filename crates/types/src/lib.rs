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
