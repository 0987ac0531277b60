//! The engine facade and its builder.

use crate::error::{Error, Result};
use crate::routing::Routes;
use crate::tier::{
    EncoderTier, Stage, Tier, DEFAULT_ENCODER_NAME, DEFAULT_HEAD_NAME, ENCODER_DIR_ENV,
    HEAD_DIR_ENV,
};
use rayon::prelude::*;
use sandesh_extract::{Date, Extractors};
use sandesh_model::{Manifest, ModelDir};
use sandesh_text::{finish_normalize, normalize_light, words, NormalizedText};
use sandesh_types::{Analysis, Intent, IntentScore, Lang};
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
    tier: Tier,
    encoder_dir: Option<PathBuf>,
    head_dir: Option<PathBuf>,
    cascade_threshold: Option<f32>,
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
            tier: Tier::Fast,
            encoder_dir: None,
            head_dir: None,
            cascade_threshold: None,
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

    /// The tier that decides intents (default [`Tier::Fast`]). `encoder` and `cascade` need
    /// the encoder (`scripts/fetch-e5.sh`) and its head; without them the engine runs the fast
    /// tier and says why ([`Engine::fallback`]).
    pub fn tier(mut self, tier: Tier) -> Self {
        self.tier = tier;
        self
    }

    /// The encoder directory (default: `$SANDESH_ENCODER_DIR`, else `models/e5-small` looked
    /// for as the fast model is).
    pub fn encoder_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.encoder_dir = Some(dir.into());
        self
    }

    /// The encoder head directory (default: `$SANDESH_HEAD_DIR`, else the shipped
    /// `models/e5-head`).
    pub fn head_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.head_dir = Some(dir.into());
        self
    }

    /// The cascade's confidence threshold (default: the one chosen on dev, in the head's
    /// manifest). Values outside 0..=1 are clamped.
    pub fn cascade_threshold(mut self, threshold: f32) -> Self {
        self.cascade_threshold = Some(threshold);
        self
    }

    /// Finds and loads the model (and, for the encoder and cascade tiers, the encoder and its
    /// head; when those cannot be loaded, the engine runs the fast tier and
    /// [`Engine::fallback`] says why).
    pub fn build(self) -> Result<Engine> {
        let dir = match self.model_dir {
            Some(dir) => dir,
            None => find_model_dir()?,
        };
        let model = ModelDir::load(&dir)?;
        let mut engine = Engine {
            model,
            model_path: dir,
            max_chars: self.max_chars,
            extractors: Arc::new(Extractors::default()),
            reference: self.reference,
            routes: self.routes,
            tiers: Tiers::default(),
        };
        if self.tier != Tier::Fast {
            let loaded = locate_encoder_dir(self.encoder_dir).and_then(|e| {
                let h = locate(
                    self.head_dir,
                    HEAD_DIR_ENV,
                    DEFAULT_HEAD_NAME,
                    "encoder head",
                    &make_head(),
                )?;
                if !e.is_dir() {
                    return Err(format!("no encoder at {}; {}", e.display(), make_encoder()));
                }
                if !h.is_dir() {
                    return Err(format!(
                        "no encoder head at {}; {}",
                        h.display(),
                        make_head()
                    ));
                }
                EncoderTier::load(&e, &h).map_err(|err| err.to_string())
            });
            match loaded {
                Ok(tier) => engine.set_encoder(self.tier, Arc::new(tier), self.cascade_threshold),
                Err(reason) => {
                    engine.tiers.requested = self.tier;
                    engine.tiers.fallback = Some(format!(
                        "the {} tier is unavailable, so the fast tier runs: {reason}",
                        self.tier
                    ));
                }
            }
        }
        Ok(engine)
    }
}

/// How to make an encoder directory, for errors.
fn make_encoder() -> String {
    format!("make models/{DEFAULT_ENCODER_NAME} with `bash scripts/fetch-e5.sh`")
}

/// How to get an encoder head, for errors.
fn make_head() -> String {
    format!(
        "the shipped one is models/{DEFAULT_HEAD_NAME}, or train one with `sandesh train --tier \
         encoder`"
    )
}

/// The encoder directory as the engine finds it: `given`, else `$SANDESH_ENCODER_DIR`, else
/// `models/e5-small` in the places the fast model is looked for; the error says where it looked
/// and how to make one.
pub fn locate_encoder_dir(given: Option<PathBuf>) -> std::result::Result<PathBuf, String> {
    locate(
        given,
        ENCODER_DIR_ENV,
        DEFAULT_ENCODER_NAME,
        "encoder",
        &make_encoder(),
    )
}

/// The directory given, else [`search`]'s; the error says where it looked and, with `make`,
/// how to make one.
fn locate(
    given: Option<PathBuf>,
    env: &str,
    name: &str,
    what: &str,
    make: &str,
) -> std::result::Result<PathBuf, String> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    search(env, name).map_err(|tried| {
        format!(
            "no {what} directory found (tried {}); {make}, or set {env}",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// The directory in `$env` when set, else the first `models/{name}` with a manifest in the
/// places [`candidate_dirs`] lists; the error is the list of places tried.
fn search(env: &str, name: &str) -> std::result::Result<PathBuf, Vec<PathBuf>> {
    if let Some(dir) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let tried = candidate_dirs(name);
    tried
        .iter()
        .find(|d| d.join(sandesh_model::MANIFEST_FILE).is_file())
        .cloned()
        .ok_or(tried)
}

fn candidate_dirs(name: &str) -> Vec<PathBuf> {
    let rel = Path::new("models").join(name);
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
    search(MODEL_DIR_ENV, DEFAULT_MODEL_NAME).map_err(|tried| Error::ModelNotFound { tried })
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
    tiers: Tiers,
}

/// The tier an engine runs, and the encoder when it has one.
#[derive(Clone, Default)]
struct Tiers {
    /// The tier asked for.
    requested: Tier,
    /// The tier running (fast when the encoder could not be loaded).
    active: Tier,
    /// Why the requested tier is not running.
    fallback: Option<String>,
    encoder: Option<Arc<EncoderTier>>,
    /// The cascade's confidence threshold.
    threshold: f32,
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
            tiers: Tiers::default(),
        }
    }

    fn set_encoder(&mut self, tier: Tier, encoder: Arc<EncoderTier>, threshold: Option<f32>) {
        let threshold = threshold.unwrap_or(encoder.head().manifest.cascade.threshold);
        self.tiers = Tiers {
            requested: tier,
            active: tier,
            fallback: None,
            encoder: Some(encoder),
            threshold: if threshold.is_nan() {
                0.0
            } else {
                threshold.clamp(0.0, 1.0)
            },
        };
    }

    /// This engine running `tier` instead, sharing its models (cheap). Without a loaded encoder,
    /// asking for the encoder or cascade tier gives the fast tier and a reason, as
    /// [`EngineBuilder::tier`] does.
    pub fn with_tier(&self, tier: Tier) -> Engine {
        let mut e = self.clone();
        e.tiers.requested = tier;
        if e.tiers.encoder.is_some() || tier == Tier::Fast {
            e.tiers.active = tier;
            e.tiers.fallback = None;
        } else if e.tiers.fallback.is_none() {
            e.tiers.active = Tier::Fast;
            e.tiers.fallback = Some(format!(
                "the {tier} tier is unavailable, so the fast tier runs: this engine was built \
                 without the encoder"
            ));
        }
        e
    }

    /// The tier deciding intents.
    pub fn tier(&self) -> Tier {
        self.tiers.active
    }

    /// The tier that was asked for (differs from [`Engine::tier`] after a fallback).
    pub fn requested_tier(&self) -> Tier {
        self.tiers.requested
    }

    /// Why the requested tier is not running, when it is not.
    pub fn fallback(&self) -> Option<&str> {
        self.tiers.fallback.as_deref()
    }

    /// The encoder and its head, when the engine has them.
    pub fn encoder_tier(&self) -> Option<&EncoderTier> {
        self.tiers.encoder.as_deref()
    }

    /// The cascade's confidence threshold (the first stage's confidence below which the encoder
    /// decides).
    pub fn cascade_threshold(&self) -> f32 {
        self.tiers.threshold
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
        self.classify_traced(text, reference).map(|(a, _)| a)
    }

    /// [`Engine::classify_at`], also saying which stage decided the intent (in the cascade,
    /// its first stage, the early exit or the encoder's head).
    pub fn classify_traced(
        &self,
        text: &str,
        reference: Option<Date>,
    ) -> Result<(Analysis, Stage)> {
        let mut read = self.read(text)?;
        let mut decided = Stage::Fast;
        if let Some(encoder) = self.first_stage(text, &mut read)? {
            let ids = match read.ids.take() {
                Some(ids) => ids,
                None => encoder.encoder().tokenize(text)?,
            };
            (read.probs, decided) = first(self.ask_encoder(encoder, &[ids], &[read.probs])?)?;
        }
        Ok((self.finish(text, read, reference), decided))
    }

    /// Checks the limits, normalises, identifies the language and runs the fast model.
    fn read(&self, text: &str) -> Result<Read> {
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
        Ok(Read {
            light,
            lang,
            probs,
            ids: None,
        })
    }

    /// The cascade's first stage (see [`crate::tier`]), and the encoder when this message goes
    /// to it. In the cascade `read.probs` becomes the first stage's mix and `read.ids` the
    /// message's token ids.
    fn first_stage(&self, text: &str, read: &mut Read) -> Result<Option<&EncoderTier>> {
        let Some(encoder) = self.tiers.encoder.as_deref() else {
            return Ok(None);
        };
        match self.tiers.active {
            Tier::Fast => Ok(None),
            Tier::Encoder => Ok(Some(encoder)),
            Tier::Cascade => {
                let (probs, ids) = encoder.first_stage(text, &read.probs)?;
                read.probs = probs;
                read.ids = Some(ids);
                let top = probs.iter().copied().fold(0.0f32, f32::max);
                Ok((top < self.tiers.threshold).then_some(encoder))
            }
        }
    }

    /// The encoder's probabilities for messages that need it: in the cascade its second stage
    /// (which may answer at the early exit; `first` are the first stage's probabilities), in
    /// the encoder tier the head over the whole encoder.
    fn ask_encoder(
        &self,
        encoder: &EncoderTier,
        ids: &[Vec<u32>],
        first: &[[f32; Intent::ALL.len()]],
    ) -> Result<Vec<([f32; Intent::ALL.len()], Stage)>> {
        if self.tiers.active == Tier::Cascade {
            encoder.second_stage(ids, first)
        } else {
            let probs = encoder.predict_ids(ids)?;
            Ok(probs.into_iter().map(|p| (p, Stage::Encoder)).collect())
        }
    }

    /// Ranks the intents, extracts entities and routes.
    fn finish(&self, text: &str, read: Read, reference: Option<Date>) -> Analysis {
        let mut intents: Vec<IntentScore> = Intent::ALL
            .iter()
            .map(|&intent| IntentScore {
                intent,
                score: read.probs[intent.index()],
            })
            .collect();
        intents.sort_by(|a, b| b.score.total_cmp(&a.score));
        let top = intents[0];
        let money_context = top.intent == Intent::Payment && top.score >= 0.5;
        let mut analysis = Analysis {
            id: None,
            intent: top.intent,
            confidence: top.score,
            intents,
            lang: read.lang,
            entities: self.extractors.extract_in_context(
                &read.light,
                text,
                reference,
                money_context,
            ),
            route: None,
        };
        if let Some(routes) = &self.routes {
            routes.apply(&mut analysis);
        }
        analysis
    }

    /// [`Engine::classify_batch`], also saying which stage decided each intent.
    pub fn classify_batch_traced<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
    ) -> Vec<Result<(Analysis, Stage)>> {
        // Each message is read, and passes the cascade's first stage, on its own core; `ask`
        // says whether the encoder decides it.
        let (mut reads, ask): (Vec<Result<Read>>, Vec<bool>) = texts
            .par_iter()
            .map(|t| {
                let text = t.as_ref();
                let staged = self.read(text).and_then(|mut read| {
                    let ask = self.first_stage(text, &mut read)?.is_some();
                    Ok((read, ask))
                });
                match staged {
                    Ok((read, ask)) => (Ok(read), ask),
                    Err(e) => (Err(e), false),
                }
            })
            .unzip();
        let mut decided = vec![Stage::Fast; texts.len()];
        if let Some(encoder) = self.tiers.encoder.as_deref() {
            // The token ids of the asked messages (the cascade made them already).
            let mut asks = Vec::new();
            let mut ids = Vec::new();
            for (i, (read, text)) in reads.iter_mut().zip(texts).enumerate() {
                let Some(r) = read.as_mut().ok().filter(|_| ask[i]) else {
                    continue;
                };
                match r.ids.take() {
                    Some(v) => ids.push(v),
                    None => match encoder.encoder().tokenize(text.as_ref()) {
                        Ok(v) => ids.push(v),
                        Err(e) => {
                            *read = Err(e.into());
                            continue;
                        }
                    },
                }
                asks.push(i);
            }
            if !asks.is_empty() {
                let first: Vec<[f32; Intent::ALL.len()]> = asks
                    .iter()
                    .map(|&i| match reads.get(i) {
                        Some(Ok(r)) => r.probs,
                        _ => [0.0; Intent::ALL.len()],
                    })
                    .collect();
                match self.ask_encoder(encoder, &ids, &first) {
                    Ok(answers) => {
                        for (&i, (p, stage)) in asks.iter().zip(answers) {
                            if let Some(Ok(read)) = reads.get_mut(i) {
                                read.probs = p;
                            }
                            decided[i] = stage;
                        }
                    }
                    Err(e) => {
                        // The encoder failed as a whole (not any one text): every message that
                        // needed it carries the error, and none is answered by the wrong tier.
                        let reason = e.to_string();
                        for &i in &asks {
                            reads[i] = Err(sandesh_model::Error::Encoder(reason.clone()).into());
                        }
                    }
                }
            }
        }
        let reference = self.reference.date();
        reads
            .into_par_iter()
            .zip(texts.par_iter())
            .zip(decided.into_par_iter())
            .map(|((read, text), stage)| Ok((self.finish(text.as_ref(), read?, reference), stage)))
            .collect()
    }

    /// Classifies many messages on all cores; results are in input order, one per message.
    ///
    /// In the encoder and cascade tiers the messages that need the encoder go through it
    /// together, in length-sorted batches.
    pub fn classify_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Result<Analysis>> {
        self.classify_batch_traced(texts)
            .into_iter()
            .map(|r| r.map(|(a, _)| a))
            .collect()
    }
}

/// What [`Engine::read`] found: the light normalisation (for extraction), the language and the
/// intent probabilities so far.
struct Read {
    light: NormalizedText,
    lang: Lang,
    probs: [f32; Intent::ALL.len()],
    /// The encoder's token ids, once the cascade's first stage has made them.
    ids: Option<Vec<u32>>,
}

fn first<T>(v: Vec<T>) -> Result<T> {
    v.into_iter()
        .next()
        .ok_or_else(|| sandesh_model::Error::Encoder("the encoder returned nothing".into()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_not_found_names_the_places_tried_and_how_to_make_one() {
        let env = "SANDESH_TEST_UNSET_DIR_VARIABLE";
        let err = locate(None, env, "no-such-model-dir", "encoder head", &make_head()).unwrap_err();
        assert!(
            err.starts_with("no encoder head directory found (tried "),
            "{err}"
        );
        assert!(err.contains("no-such-model-dir"), "{err}");
        assert!(
            err.ends_with(&format!("{}, or set {env}", make_head())),
            "{err}"
        );
        assert!(!err.contains("  "), "{err}");
        // A directory given is taken as it is; the caller checks it exists.
        let given = PathBuf::from("/nowhere/at/all");
        assert_eq!(
            locate(Some(given.clone()), env, "x", "encoder", &make_encoder()),
            Ok(given)
        );
    }
}
