//! The engine facade and its builder.

use crate::error::{Error, Result};
use crate::routing::Routes;
use rayon::prelude::*;
use sandesh_extract::{Date, Extractors};
use sandesh_model::{Manifest, ModelDir};
use sandesh_text::{finish_normalize, normalize_light, words};
use sandesh_types::{Analysis, Intent, IntentScore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Longest message accepted, in characters: WhatsApp's own limit for one text message.
pub const DEFAULT_MAX_CHARS: usize = 65_536;
/// Environment variable naming the model directory.
pub const MODEL_DIR_ENV: &str = "SANDESH_MODEL_DIR";
/// Name of the shipped model directory under `models/`.
pub const DEFAULT_MODEL_NAME: &str = "fast";
/// The UTC offset "today" is taken in when no reference date is set: India Standard Time.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 330;

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
    reference: Reference,
    routes: Option<Arc<Routes>>,
}

/// The day relative dates ("kal", "next Monday") resolve against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// Today by the system clock at this UTC offset in minutes, taken for each message.
    Today {
        /// Minutes east of UTC (330 for India).
        utc_offset_minutes: i32,
    },
    /// A fixed day (reproducible runs, or a chat export's own timestamps).
    Fixed(Date),
    /// No resolution: dates and times keep only their text.
    None,
}

impl Reference {
    fn date(&self) -> Option<Date> {
        match *self {
            Reference::Today { utc_offset_minutes } => Some(Date::today(utc_offset_minutes)),
            Reference::Fixed(d) => Some(d),
            Reference::None => None,
        }
    }
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            model_dir: None,
            max_chars: DEFAULT_MAX_CHARS,
            reference: Reference::Today {
                utc_offset_minutes: DEFAULT_UTC_OFFSET_MINUTES,
            },
            routes: None,
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

    /// The day relative dates resolve against (default: today in India Standard Time).
    pub fn reference(mut self, reference: Reference) -> Self {
        self.reference = reference;
        self
    }

    /// Routing rules whose route every analysis carries (default: none, and no route).
    pub fn routes(mut self, routes: Routes) -> Self {
        self.routes = Some(Arc::new(routes));
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
            extractors: Arc::new(Extractors::default()),
            reference: self.reference,
            routes: self.routes,
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
#[derive(Clone)]
pub struct Engine {
    model: ModelDir,
    model_path: PathBuf,
    max_chars: usize,
    extractors: Arc<Extractors>,
    reference: Reference,
    routes: Option<Arc<Routes>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("model_path", &self.model_path)
            .field("max_chars", &self.max_chars)
            .field("extractors", &self.extractors.kinds())
            .field("reference", &self.reference)
            .field(
                "routes",
                &self
                    .routes
                    .as_ref()
                    .map(|r| r.rules().iter().map(|r| r.name()).collect::<Vec<_>>()),
            )
            .finish_non_exhaustive()
    }
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
            extractors: Arc::new(Extractors::default()),
            reference: Reference::Today {
                utc_offset_minutes: DEFAULT_UTC_OFFSET_MINUTES,
            },
            routes: None,
        }
    }

    /// The day relative dates resolve against.
    pub fn reference(&self) -> Reference {
        self.reference
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

    /// The routing rules every analysis is routed with, when the engine has them.
    pub fn routes(&self) -> Option<&Routes> {
        self.routes.as_deref()
    }

    /// Classifies one message.
    ///
    /// Errors: [`sandesh_types::Error::EmptyText`] for text with nothing visible in it,
    /// [`sandesh_types::Error::TextTooLong`] past the limit.
    pub fn classify(&self, text: &str) -> Result<Analysis> {
        self.classify_at(text, self.reference.date())
    }

    /// Classifies one message, resolving relative dates against `reference` (none: no
    /// resolution). Errors as [`Engine::classify`].
    pub fn classify_at(&self, text: &str, reference: Option<Date>) -> Result<Analysis> {
        let chars = text.chars().count();
        if chars > self.max_chars {
            return Err(sandesh_types::Error::TextTooLong {
                chars,
                limit: self.max_chars,
            }
            .into());
        }
        // The light normalisation feeds extraction; finishing it gives the classifier's text,
        // so the shared stages run once.
        let light = normalize_light(text);
        let normalized = finish_normalize(light.clone());
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
        let money_context = intents[0].intent == Intent::Payment && intents[0].score >= 0.5;
        let mut analysis = Analysis {
            id: None,
            intent: intents[0].intent,
            confidence: intents[0].score,
            intents,
            lang,
            entities: self
                .extractors
                .extract_in_context(&light, text, reference, money_context),
            route: None,
        };
        if let Some(routes) = &self.routes {
            routes.apply(&mut analysis);
        }
        Ok(analysis)
    }

    /// Classifies many messages on all cores; results are in input order, one per message.
    pub fn classify_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Result<Analysis>> {
        texts
            .par_iter()
            .map(|t| self.classify(t.as_ref()))
            .collect()
    }
}
