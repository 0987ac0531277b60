//! The engine facade and its builder.

use crate::error::{Error, Result};
use rayon::prelude::*;
use sandesh_model::{Manifest, ModelDir};
use sandesh_text::{normalize, words};
use sandesh_types::{Analysis, Intent, IntentScore};
use std::path::{Path, PathBuf};

/// Longest message accepted, in characters: WhatsApp's own limit for one text message.
pub const DEFAULT_MAX_CHARS: usize = 65_536;
/// Environment variable naming the model directory.
pub const MODEL_DIR_ENV: &str = "SANDESH_MODEL_DIR";
/// Name of the shipped model directory under `models/`.
pub const DEFAULT_MODEL_NAME: &str = "fast";

/// Builds an [`Engine`].
///
/// The model directory is, in order: the one given to [`EngineBuilder::model_dir`]; the one in
/// `SANDESH_MODEL_DIR`; `models/fast` next to the executable or up to three levels above it
/// (a `target/release/sandesh` in a checkout finds the checkout's); `models/fast` in the current
/// directory; and the checkout this crate was built from.
#[derive(Debug, Clone)]
pub struct EngineBuilder {
    model_dir: Option<PathBuf>,
    max_chars: usize,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            model_dir: None,
            max_chars: DEFAULT_MAX_CHARS,
        }
    }
}

impl EngineBuilder {
    /// Uses this model directory instead of looking for one.
    pub fn model_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.model_dir = Some(dir.into());
        self
    }

    /// Longest text accepted, in characters (default [`DEFAULT_MAX_CHARS`]).
    pub fn max_chars(mut self, max_chars: usize) -> Self {
        self.max_chars = max_chars;
        self
    }

    /// Finds and loads the model.
    pub fn build(self) -> Result<Engine> {
        let dir = match self.model_dir {
            Some(dir) => dir,
            None => find_model_dir()?,
        };
        let model = ModelDir::load(&dir)?;
        Ok(Engine {
            model,
            model_path: dir,
            max_chars: self.max_chars,
        })
    }
}

fn candidate_dirs() -> Vec<PathBuf> {
    let rel = Path::new("models").join(DEFAULT_MODEL_NAME);
    let mut out = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..4 {
            let Some(d) = dir else { break };
            out.push(d.join(&rel));
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    if let Ok(cwd) = std::env::current_dir() {
        out.push(cwd.join(&rel));
    }
    out.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(&rel),
    );
    out
}

fn find_model_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let tried = candidate_dirs();
    tried
        .iter()
        .find(|d| d.join(sandesh_model::MANIFEST_FILE).is_file())
        .cloned()
        .ok_or(Error::ModelNotFound { tried })
}

/// A loaded model, ready to classify. Cheap to share across threads (`&Engine` is `Sync`).
#[derive(Debug, Clone)]
pub struct Engine {
    model: ModelDir,
    model_path: PathBuf,
    max_chars: usize,
}

impl Engine {
    /// A builder with default settings.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// An engine around a model already in memory (for example one just trained).
    pub fn from_model(model: ModelDir, max_chars: usize) -> Self {
        Engine {
            model,
            model_path: PathBuf::new(),
            max_chars,
        }
    }

    /// The loaded model's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.model.manifest
    }

    /// The directory the model was loaded from.
    pub fn model_path(&self) -> &Path {
        &self.model_path
    }

    /// Longest text accepted, in characters.
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// Classifies one message.
    ///
    /// Errors: [`sandesh_types::Error::EmptyText`] for text with nothing visible in it,
    /// [`sandesh_types::Error::TextTooLong`] past the limit.
    pub fn classify(&self, text: &str) -> Result<Analysis> {
        let chars = text.chars().count();
        if chars > self.max_chars {
            return Err(sandesh_types::Error::TextTooLong {
                chars,
                limit: self.max_chars,
            }
            .into());
        }
        let normalized = normalize(text);
        if normalized.is_empty() {
            return Err(sandesh_types::Error::EmptyText.into());
        }
        let tokens = words(normalized.text());
        let lang = self
            .model
            .langid
            .identify_tokens(normalized.text(), &tokens);
        let probs = self.model.fast.predict_tokens(&tokens, lang);
        let mut intents: Vec<IntentScore> = Intent::ALL
            .iter()
            .map(|&intent| IntentScore {
                intent,
                score: probs[intent.index()],
            })
            .collect();
        intents.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(Analysis {
            id: None,
            intent: intents[0].intent,
            confidence: intents[0].score,
            intents,
            lang,
            entities: Vec::new(),
            route: None,
        })
    }

    /// Classifies many messages on all cores; results are in input order, one per message.
    pub fn classify_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Result<Analysis>> {
        texts
            .par_iter()
            .map(|t| self.classify(t.as_ref()))
            .collect()
    }
}
