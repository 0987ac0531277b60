//! Tiers: which model decides the intent.
//!
//! - `fast`: the hashed n-gram model alone (microseconds; the default).
//! - `encoder`: multilingual-e5-small and its trained head (milliseconds; knows words our data
//!   never showed).
//! - `cascade`: a cheap first stage, then the encoder only when that stage's calibrated
//!   confidence is below a threshold chosen on dev (stored with the head). The first stage mixes
//!   the fast model's probabilities with those of a gate head that reads the encoder's embedding
//!   table alone (the word vectors of the message's pieces, weighted towards rare ones: a table
//!   lookup per token, no transformer layer; see `GateInput`). The gate knows
//!   what pretraining taught about words in every language, so where it and the fast model
//!   disagree, as on text unlike our data, the mix is unsure and the encoder decides.
//!   The encoder then runs up to a middle layer first (the early exit, when the head has one):
//!   an exit head over the pool there is mixed with the first stage, and a sure mix answers;
//!   only the rest go on through the remaining layers, from where they stopped, to the head.
//!
//! Language identification and entity extraction are the same in every tier.

use crate::{Error, Result};
use sandesh_model::{mix, pool_at, Encoder, HeadDir};
use sandesh_types::Intent;
use std::path::{Path, PathBuf};

/// Which model decides the intent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// The fast n-gram model only.
    #[default]
    Fast,
    /// The e5 encoder and its head for every message.
    Encoder,
    /// A cheap first stage (the fast model mixed with the gate), and the encoder when that
    /// stage is unsure.
    Cascade,
}

impl Tier {
    /// Every tier.
    pub const ALL: [Tier; 3] = [Tier::Fast, Tier::Encoder, Tier::Cascade];

    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Fast => "fast",
            Tier::Encoder => "encoder",
            Tier::Cascade => "cascade",
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown tier {s:?}; expected fast, encoder or cascade"))
    }
}

/// Which stage of a tier decided a message's intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The fast tier; in the cascade, its first stage (the fast tier mixed with the gate).
    Fast,
    /// The cascade's early exit, at a middle layer of the encoder.
    Exit,
    /// The encoder's head, after its last layer.
    Encoder,
}

impl Stage {
    /// Whether the encoder ran for the message (at the exit or to the end).
    pub fn used_encoder(self) -> bool {
        self != Stage::Fast
    }
}

/// Name of the encoder directory under `models/` (made by `scripts/fetch-e5.sh`).
pub const DEFAULT_ENCODER_NAME: &str = "e5-small";
/// Name of the shipped encoder head under `models/`.
pub const DEFAULT_HEAD_NAME: &str = "e5-head";
/// Environment variable naming the encoder directory.
pub const ENCODER_DIR_ENV: &str = "SANDESH_ENCODER_DIR";
/// Environment variable naming the encoder head directory.
pub const HEAD_DIR_ENV: &str = "SANDESH_HEAD_DIR";

/// The encoder and the head trained on it, checked to belong together.
pub struct EncoderTier {
    encoder: Encoder,
    head: HeadDir,
    encoder_dir: PathBuf,
    head_dir: PathBuf,
}

impl std::fmt::Debug for EncoderTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncoderTier")
            .field("encoder_dir", &self.encoder_dir)
            .field("head_dir", &self.head_dir)
            .finish_non_exhaustive()
    }
}

impl EncoderTier {
    /// Loads the head, then the encoder, and checks that the head was trained on that encoder.
    pub fn load(encoder_dir: &Path, head_dir: &Path) -> Result<Self> {
        let head = HeadDir::load(head_dir)?;
        let encoder = Encoder::load(encoder_dir)?;
        head.check_encoder(encoder.manifest())?;
        Ok(EncoderTier {
            encoder,
            head,
            encoder_dir: encoder_dir.to_path_buf(),
            head_dir: head_dir.to_path_buf(),
        })
    }

    /// The encoder.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// The head and its manifest.
    pub fn head(&self) -> &HeadDir {
        &self.head
    }

    /// Where the encoder was loaded from.
    pub fn encoder_dir(&self) -> &Path {
        &self.encoder_dir
    }

    /// Where the head was loaded from.
    pub fn head_dir(&self) -> &Path {
        &self.head_dir
    }

    /// Calibrated intent probabilities of already tokenized messages ([`Encoder::tokenize`]),
    /// in input order (length-sorted batches inside).
    pub fn predict_ids(&self, ids: &[Vec<u32>]) -> Result<Vec<[f32; Intent::ALL.len()]>> {
        let depths = self.head.manifest.depths_for(self.encoder.depth());
        let vectors = self
            .encoder
            .embed_ids_at(ids, &depths)
            .map_err(Error::Model)?;
        Ok(vectors.iter().map(|v| self.head.head.predict(v)).collect())
    }

    /// The cascade's second stage, for tokenized messages its first stage was unsure of
    /// (`first`: their first-stage probabilities, in the same order): with an early exit, the
    /// encoder runs up to the exit's depth, the exit head's reading is mixed with `first`, and
    /// the messages whose mix reaches the exit threshold are answered there; the others go on
    /// through the remaining layers to the head. Without one, the head decides every message.
    /// Gives each message's probabilities and the stage that decided it.
    pub fn second_stage(
        &self,
        ids: &[Vec<u32>],
        first: &[[f32; Intent::ALL.len()]],
    ) -> Result<Vec<([f32; Intent::ALL.len()], Stage)>> {
        let depths = self.head.manifest.depths_for(self.encoder.depth());
        let h = self.encoder.dim();
        let exit = match (&self.head.exit, &self.head.manifest.exit) {
            (Some(head), Some(settings))
                if depths.contains(&settings.depth) && ids.len() == first.len() =>
            {
                Some((head, settings))
            }
            _ => None,
        };
        let Some((exit, settings)) = exit else {
            let probs = self.predict_ids(ids)?;
            return Ok(probs.into_iter().map(|p| (p, Stage::Encoder)).collect());
        };
        let partials = self
            .encoder
            .embed_ids_until(ids, &depths, settings.depth)
            .map_err(Error::Model)?;
        let mut out = Vec::with_capacity(ids.len());
        let (mut rest, mut rest_at) = (Vec::new(), Vec::new());
        for (i, (partial, f)) in partials.into_iter().zip(first).enumerate() {
            let pool = pool_at(partial.pooled(), &depths, settings.depth, h).unwrap_or(&[]);
            let probs = mix(f, &exit.predict(pool), settings.first_weight);
            let sure = probs.iter().copied().fold(0.0f32, f32::max) >= settings.threshold;
            out.push((probs, if sure { Stage::Exit } else { Stage::Encoder }));
            if !sure {
                rest.push(partial);
                rest_at.push(i);
            }
        }
        let vectors = self.encoder.resume(&rest, &depths).map_err(Error::Model)?;
        for (i, v) in rest_at.into_iter().zip(vectors) {
            if let Some(o) = out.get_mut(i) {
                *o = (self.head.head.predict(&v), Stage::Encoder);
            }
        }
        Ok(out)
    }

    /// The cascade's first stage for one message: `fast` (the fast tier's probabilities) mixed
    /// with the gate head's reading of the encoder's embedding table, and the message's token
    /// ids, for the encoder if the mix is unsure. A head without a gate leaves `fast` as it is.
    pub fn first_stage(
        &self,
        text: &str,
        fast: &[f32; Intent::ALL.len()],
    ) -> Result<([f32; Intent::ALL.len()], Vec<u32>)> {
        let ids = self.encoder.tokenize(text).map_err(Error::Model)?;
        let probs = match (&self.head.gate, &self.head.manifest.gate) {
            (Some(gate), Some(settings)) => {
                let read = self
                    .encoder
                    .gate_vector(&ids, settings.input)
                    .map_err(Error::Model)?;
                mix(fast, &gate.predict(&read), settings.fast_weight)
            }
            _ => *fast,
        };
        Ok((probs, ids))
    }
}
