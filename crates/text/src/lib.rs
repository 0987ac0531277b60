//! The text pipeline of Sandesh: normalise, segment, find scripts and identify the language.
//!
//! ```text
//! original ──normalizers──▶ NormalizedText (text + map back to original chars)
//!                              ├─ words()          tokens with char offsets
//!                              ├─ script_runs()    per-run scripts
//!                              └─ LangId           one of the 19 tags
//! ```
//!
//! Every normalised character remembers the range of original characters it came from, so any
//! span found on the normalised text maps back onto the text the user sent.
//!
//! ```
//! use sandesh_text::{normalize, Span};
//! let n = normalize("PLZZZZ send ₹५००  by Kal");
//! assert_eq!(n.text(), "plz send ₹500 by kal");
//! // "₹500" is chars 9..13 of the normalised text and chars 12..16 of the original.
//! assert_eq!(n.to_original(Span::new(9, 13)), Some(Span::new(12, 16)));
//! ```
#![deny(missing_docs)]

mod hashing;
mod langid;
mod normalized;
pub mod normalizers;
mod scripts;
mod words;

pub use hashing::{bucket_of, char_ngram_hashes, fnv1a};
pub use langid::{LangId, LangIdConfig, LangIdError, LangIdTrainer, MODEL_CLASSES};
pub use normalized::NormalizedText;
pub use normalizers::{finish_normalize, normalize, normalize_light, Normalizer, Pipeline};
pub use sandesh_types::{Lang, Span};
pub use scripts::{script_of, script_runs, Script, ScriptCounts, ScriptRun};
pub use words::{has_digit, has_letter, words, Token};
