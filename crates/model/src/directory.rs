//! The model directory: `model.safetensors` plus `manifest.json`, checked at load.
//!
//! Like snips-nlu-rs's `check_model_version`, loading refuses anything this build cannot read
//! exactly: another format version, other labels or language classes, a file whose sha256 or
//! size differs from the manifest, a tensor of the wrong shape. Each refusal names what differs.

use crate::error::{Error, Result};
use crate::fast::{FastClassifier, FastConfig};
use half::f16;
use safetensors::{tensor::TensorView, Dtype, SafeTensors};
use sandesh_text::{LangId, LangIdConfig, MODEL_CLASSES};
use sandesh_types::Intent;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The model directory format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Name of the manifest inside a model directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Name of the weights file inside a model directory.
pub const WEIGHTS_FILE: &str = "model.safetensors";

const T_EMB: &str = "fast.embeddings";
const T_W: &str = "fast.output.weight";
const T_B: &str = "fast.output.bias";
const T_LANG: &str = "langid.log_prob";
const T_PRIOR: &str = "langid.log_prior";

/// A file of the directory as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Settings of the language identifier, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LangIdManifest {
    /// Hash buckets.
    pub buckets: usize,
    /// Shortest character n-gram.
    pub min_n: usize,
    /// Longest character n-gram.
    pub max_n: usize,
    /// Additive smoothing.
    pub alpha: f32,
    /// Letter share from which a native script decides.
    pub native_share: f32,
    /// Tags decided by the model, in table order.
    pub classes: Vec<String>,
}

/// Where the model came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// sha256 of the training and calibration data, as given by [`data_hash`].
    pub data_sha256: String,
    /// Training messages.
    pub train_messages: usize,
    /// Calibration (dev) messages.
    pub dev_messages: usize,
    /// Program that trained it.
    pub created_by: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version of the directory ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Model kind; `fast` for the hashed n-gram classifier.
    pub kind: String,
    /// Output labels in order.
    pub labels: Vec<String>,
    /// Architecture, features and training settings.
    pub fast: FastConfig,
    /// Calibration temperature fitted on dev.
    pub temperature: f32,
    /// Language identifier settings.
    pub langid: LangIdManifest,
    /// Every file of the directory but the manifest, with its sha256.
    pub files: BTreeMap<String, FileEntry>,
    /// Provenance.
    pub training: TrainingInfo,
    /// Dev metrics measured when the model was made (free-form JSON).
    pub metrics: serde_json::Value,
}

/// A loaded (or freshly trained) model directory.
#[derive(Debug, Clone)]
pub struct ModelDir {
    /// The manifest.
    pub manifest: Manifest,
    /// The intent classifier.
    pub fast: FastClassifier,
    /// The language identifier.
    pub langid: LangId,
}

/// Hex sha256 of several byte strings, each preceded by its length so that boundaries count.
pub fn data_hash(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The error of an I/O call on `path`, for `map_err`.
pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn f16_bytes(v: &[f32]) -> Vec<u8> {
    v.iter()
        .flat_map(|x| f16::from_f32(*x).to_le_bytes())
        .collect()
}

impl ModelDir {
    /// Builds the manifest for a trained model (files are filled in by [`ModelDir::save`]).
    pub fn new(
        fast: FastClassifier,
        langid: LangId,
        training: TrainingInfo,
        metrics: serde_json::Value,
    ) -> Self {
        let lc = *langid.config();
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            kind: "fast".into(),
            labels: Intent::ALL.iter().map(|i| i.as_str().to_string()).collect(),
            fast: *fast.config(),
            temperature: fast.temperature(),
            langid: LangIdManifest {
                buckets: lc.buckets,
                min_n: lc.min_n,
                max_n: lc.max_n,
                alpha: lc.alpha,
                native_share: lc.native_share,
                classes: MODEL_CLASSES
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect(),
            },
            files: BTreeMap::new(),
            training,
            metrics,
        };
        ModelDir {
            manifest,
            fast,
            langid,
        }
    }

    /// Writes `model.safetensors` and `manifest.json` into `dir` (created if missing).
    pub fn save(&mut self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let d = self.fast.config.dim;
        let buckets = self.fast.config.features.buckets;
        let emb = f16_bytes(&self.fast.embeddings);
        let w = f32_bytes(&self.fast.weight);
        let b = f32_bytes(&self.fast.bias);
        let lang = f16_bytes(self.langid.table());
        let lang_rows = self.langid.config().buckets;
        let prior = f32_bytes(self.langid.priors());
        let tensors = vec![
            (T_EMB, view(Dtype::F16, vec![buckets, d], &emb)?),
            (T_W, view(Dtype::F32, vec![Intent::ALL.len(), d], &w)?),
            (T_B, view(Dtype::F32, vec![Intent::ALL.len()], &b)?),
            (
                T_LANG,
                view(Dtype::F16, vec![lang_rows, MODEL_CLASSES.len()], &lang)?,
            ),
            (
                T_PRIOR,
                view(Dtype::F32, vec![MODEL_CLASSES.len()], &prior)?,
            ),
        ];
        let bytes = safetensors::serialize(tensors, None)
            .map_err(|e| Error::Training(format!("serialising weights: {e}")))?;
        let weights_path = dir.join(WEIGHTS_FILE);
        std::fs::write(&weights_path, &bytes).map_err(io(&weights_path))?;
        self.manifest.files = BTreeMap::from([(
            WEIGHTS_FILE.to_string(),
            FileEntry {
                sha256: sha256_hex(&bytes),
                bytes: bytes.len() as u64,
            },
        )]);
        self.manifest.temperature = self.fast.temperature();
        write_manifest(dir, &self.manifest)
    }

    /// Loads and checks a model directory.
    pub fn load(dir: &Path) -> Result<Self> {
        let mismatch = |reason: String| Error::Mismatch {
            dir: dir.to_path_buf(),
            reason,
        };
        let manifest: Manifest = read_manifest(dir, "model")?;
        check_version_and_kind(dir, manifest.format_version, &manifest.kind, "fast")?;
        check_labels(dir, &manifest.labels)?;
        let classes: Vec<&str> = MODEL_CLASSES.iter().map(|l| l.as_str()).collect();
        if manifest.langid.classes != classes {
            return Err(mismatch(format!(
                "language classes {:?}, expected {classes:?}",
                manifest.langid.classes
            )));
        }
        let fc = &manifest.fast;
        let f = &fc.features;
        if fc.dim == 0
            || f.buckets == 0
            || f.buckets > u32::MAX as usize
            || (f.char_min > 0 && f.char_min > f.char_max)
        {
            return Err(mismatch(format!(
                "unusable feature configuration: dim {}, buckets {}, character n-grams {}..={}",
                fc.dim, f.buckets, f.char_min, f.char_max
            )));
        }
        if !manifest.files.contains_key(WEIGHTS_FILE) {
            return Err(mismatch(format!(
                "the manifest does not list {WEIGHTS_FILE}"
            )));
        }
        let mut weights = Vec::new();
        for (name, entry) in &manifest.files {
            if name.contains('/') || name.contains('\\') || name.starts_with('.') {
                return Err(mismatch(format!("file name {name:?} leaves the directory")));
            }
            let bytes = read_checked(dir, name, entry)?;
            if name == WEIGHTS_FILE {
                weights = bytes;
            }
        }
        let st = SafeTensors::deserialize(&weights)
            .map_err(|e| mismatch(format!("{WEIGHTS_FILE}: {e}")))?;
        let fc = manifest.fast;
        let k = Intent::ALL.len();
        let read = |name: &str, dtype: Dtype, shape: &[usize]| -> Result<Vec<f32>> {
            let t = st
                .tensor(name)
                .map_err(|e| mismatch(format!("{WEIGHTS_FILE}: tensor {name}: {e}")))?;
            if t.dtype() != dtype || t.shape() != shape {
                return Err(mismatch(format!(
                    "tensor {name} is {:?} {:?}, expected {dtype:?} {shape:?}",
                    t.dtype(),
                    t.shape()
                )));
            }
            Ok(match dtype {
                Dtype::F16 => t
                    .data()
                    .chunks_exact(2)
                    .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
                    .collect(),
                _ => t
                    .data()
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            })
        };
        let embeddings = read(T_EMB, Dtype::F16, &[fc.features.buckets, fc.dim])?;
        let weight = read(T_W, Dtype::F32, &[k, fc.dim])?;
        let bias_v = read(T_B, Dtype::F32, &[k])?;
        let lm = &manifest.langid;
        let lang_table = read(T_LANG, Dtype::F16, &[lm.buckets, MODEL_CLASSES.len()])?;
        let lang_prior = read(T_PRIOR, Dtype::F32, &[MODEL_CLASSES.len()])?;
        let mut bias = [0f32; 7];
        bias.copy_from_slice(&bias_v);
        if !(manifest.temperature.is_finite() && manifest.temperature > 0.0) {
            return Err(mismatch(format!(
                "temperature {} is not positive",
                manifest.temperature
            )));
        }
        let langid = LangId::from_parts(
            LangIdConfig {
                buckets: lm.buckets,
                min_n: lm.min_n,
                max_n: lm.max_n,
                alpha: lm.alpha,
                native_share: lm.native_share,
            },
            lang_table,
            lang_prior,
        )
        .map_err(|e| mismatch(e.to_string()))?;
        let fast = FastClassifier {
            config: fc,
            embeddings,
            weight,
            bias,
            temperature: manifest.temperature,
        };
        Ok(ModelDir {
            manifest,
            fast,
            langid,
        })
    }
}

fn view(dtype: Dtype, shape: Vec<usize>, data: &[u8]) -> Result<TensorView<'_>> {
    TensorView::new(dtype, shape, data).map_err(|e| Error::Training(format!("tensor layout: {e}")))
}

/// Checks `bytes`, the contents of file `name` of model directory `dir`, against its manifest
/// entry (size, then sha256).
pub(crate) fn check_file_bytes(
    dir: &Path,
    name: &str,
    entry: &FileEntry,
    bytes: &[u8],
) -> Result<()> {
    let mismatch = |reason: String| Error::Mismatch {
        dir: dir.to_path_buf(),
        reason,
    };
    if bytes.len() as u64 != entry.bytes {
        return Err(mismatch(format!(
            "{name} has {} bytes, the manifest says {}",
            bytes.len(),
            entry.bytes
        )));
    }
    let sum = sha256_hex(bytes);
    if sum != entry.sha256 {
        return Err(mismatch(format!(
            "{name} has sha256 {sum}, the manifest says {}",
            entry.sha256
        )));
    }
    Ok(())
}

/// The bytes of `dir/name`, a file the manifest lists as `entry`, checked against its size and
/// sha256.
pub(crate) fn read_checked(dir: &Path, name: &str, entry: &FileEntry) -> Result<Vec<u8>> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(io(&path))?;
    check_file_bytes(dir, name, entry, &bytes)?;
    Ok(bytes)
}

/// Checks that a manifest's intent labels are this build's, in its order.
pub(crate) fn check_labels(dir: &Path, labels: &[String]) -> Result<()> {
    let expected: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
    if labels != expected {
        return Err(Error::Mismatch {
            dir: dir.to_path_buf(),
            reason: format!("labels {labels:?}, this build has {expected:?}"),
        });
    }
    Ok(())
}

/// Lower-case hex sha256 of `bytes`.
/// Reads `dir/manifest.json` as `T`, after checking that `dir` is a directory (`what` names
/// what should be in it, for the error).
pub(crate) fn read_manifest<T: serde::de::DeserializeOwned>(dir: &Path, what: &str) -> Result<T> {
    if !dir.is_dir() {
        return Err(Error::Mismatch {
            dir: dir.to_path_buf(),
            reason: format!("not a directory (no {what} there)"),
        });
    }
    let path = dir.join(MANIFEST_FILE);
    let raw = std::fs::read(&path).map_err(io(&path))?;
    serde_json::from_slice(&raw).map_err(|e| Error::Manifest {
        path: path.clone(),
        reason: e.to_string(),
    })
}

/// Checks the format version and the kind a manifest declares.
pub(crate) fn check_version_and_kind(
    dir: &Path,
    format_version: u32,
    kind: &str,
    expected_kind: &str,
) -> Result<()> {
    let reason = if format_version != FORMAT_VERSION {
        format!(
            "format version {format_version} but this build of Sandesh reads version \
             {FORMAT_VERSION}"
        )
    } else if kind != expected_kind {
        format!("model kind {kind:?}, expected {expected_kind:?}")
    } else {
        return Ok(());
    };
    Err(Error::Mismatch {
        dir: dir.to_path_buf(),
        reason,
    })
}

/// Writes `manifest` to `dir/manifest.json`: pretty JSON with a final newline.
pub(crate) fn write_manifest<T: Serialize>(dir: &Path, manifest: &T) -> Result<()> {
    let path = dir.join(MANIFEST_FILE);
    let mut json = serde_json::to_string_pretty(manifest).map_err(|e| Error::Manifest {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    json.push('\n');
    std::fs::write(&path, json).map_err(io(&path))
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
