//! Training a model directory from labelled data: the language identifier, the fast
//! classifier, calibration on dev, and dev metrics recorded in the manifest.

use crate::evaluation::{evaluate, EvalReport};
use crate::{Engine, Result, DEFAULT_MAX_CHARS};
use sandesh_model::head::HEAD_KIND;
use sandesh_model::metrics::{classification_report, ClassificationReport};
use sandesh_model::{
    fit_temperature, mix, pool_at, train_head, CascadeSettings, Encoder, EncoderHead, EncoderRef,
    ExitSettings, FastConfig, FastTrainer, GateInput, GateSettings, HeadConfig, HeadDir,
    HeadManifest, ModelDir, TrainExample, TrainingInfo, FORMAT_VERSION,
};
use sandesh_text::{normalize, LangIdConfig, LangIdTrainer};
use sandesh_types::{Intent, LabelledMessage, Lang};
use std::path::Path;

mod held_out;
pub use held_out::{
    best_weight, choose_mix_weights, language_folds, language_group, HeldOut, LanguageFold,
    MixWeights, SideInputs, TrainDev, MIX_WEIGHT_GRID,
};

/// What a training run produced.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model directory (not yet saved).
    pub model: ModelDir,
    /// The calibrated model on dev.
    pub dev: EvalReport,
    /// ECE on dev before calibration (temperature 1).
    pub dev_ece_uncalibrated: f64,
}

/// Trains on `train`, calibrates on `dev`, and scores on `dev`. `data_sha256` identifies the data
/// (see [`sandesh_model::data_hash`]). Messages whose gold tag is not one of the 19 are refused.
pub fn train(
    train: &[LabelledMessage],
    dev: &[LabelledMessage],
    config: FastConfig,
    langid: LangIdConfig,
    data_sha256: String,
) -> Result<Trained> {
    let parse = |m: &LabelledMessage| -> Result<(String, Intent, Lang)> {
        let lang: Lang = m.lang.parse().map_err(crate::Error::Input)?;
        Ok((normalize(&m.text).text().to_string(), m.intent, lang))
    };
    let train_rows = train.iter().map(parse).collect::<Result<Vec<_>>>()?;
    let dev_rows = dev.iter().map(parse).collect::<Result<Vec<_>>>()?;
    if train_rows.is_empty() {
        return Err(sandesh_model::Error::Training("no training messages".into()).into());
    }
    let lid =
        LangIdTrainer { config: langid }.train(train_rows.iter().map(|(t, _, l)| (t.as_str(), *l)));
    // The trainer normalises the text itself: hand it the messages as written.
    let examples: Vec<TrainExample> = train
        .iter()
        .zip(&train_rows)
        .map(|(m, (_, i, l))| TrainExample::new(m.text.clone(), *i, *l))
        .collect();
    let mut fast = FastTrainer::new(config).train(&examples);

    let dev_logits: Vec<Vec<f32>> = dev_rows
        .iter()
        .map(|(t, _, _)| fast.logits(t, lid.identify(t)).to_vec())
        .collect();
    let dev_gold: Vec<usize> = dev_rows.iter().map(|(_, i, _)| i.index()).collect();
    let uncalibrated = report_at(&dev_logits, &dev_gold, 1.0);
    fast.set_temperature(fit_temperature(&dev_logits, &dev_gold));

    let info = TrainingInfo {
        data_sha256,
        train_messages: train.len(),
        dev_messages: dev.len(),
        created_by: format!("sandesh {}", env!("CARGO_PKG_VERSION")),
    };
    let mut model = ModelDir::new(fast, lid, info, serde_json::Value::Null);
    let engine = Engine::from_model(model.clone(), DEFAULT_MAX_CHARS);
    let report = evaluate(&engine, dev);
    model.manifest.metrics = serde_json::json!({
        "dev": {
            "messages": report.intent.n,
            "accuracy": report.intent.accuracy,
            "macro_f1": report.intent.macro_f1,
            "ece": report.intent.ece,
            "ece_uncalibrated": uncalibrated.ece,
            "temperature": model.fast.temperature(),
            "lang_id_native_accuracy": report.lang_id.native_accuracy,
            "lang_id_latin_accuracy": report.lang_id.latin_accuracy,
        }
    });
    Ok(Trained {
        model,
        dev: report,
        dev_ece_uncalibrated: uncalibrated.ece,
    })
}

fn report_at(logits: &[Vec<f32>], gold: &[usize], t: f32) -> ClassificationReport {
    let mut g = Vec::new();
    let mut p = Vec::new();
    let mut c = Vec::new();
    for (l, &gi) in logits.iter().zip(gold) {
        let probs = sandesh_model::softmax_with_temperature(l, t);
        let (best, conf) = probs
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or((0, 0.0), |(i, &v)| (i, v));
        g.push(Intent::ALL[gi]);
        p.push(Intent::ALL[best]);
        c.push(conf);
    }
    classification_report(&g, &p, &c)
}

/// What training an encoder head produced.
#[derive(Debug, Clone)]
pub struct TrainedHead {
    /// The head directory (not yet saved), cascade threshold included.
    pub head: HeadDir,
    /// The encoder tier alone on dev.
    pub dev_encoder: ClassificationReport,
    /// The fast tier alone on dev.
    pub dev_fast: ClassificationReport,
    /// The cascade's first stage alone (the fast tier mixed with the gate) on dev.
    pub dev_first_stage: ClassificationReport,
    /// The cascade at the chosen threshold on dev.
    pub dev_cascade: ClassificationReport,
    /// ECE of the head on dev before calibration.
    pub dev_ece_uncalibrated: f64,
    /// Every threshold tried on dev.
    pub sweep: Vec<SweepPoint>,
    /// The mix weights chosen on held-out languages, with every weight's score (`None` when
    /// the job fixed them or fewer than two languages could be held out).
    pub mix_weights: Option<MixWeights>,
    /// The cascade on those held-out languages at the chosen weights and thresholds.
    pub held_out_cascade: Option<HeldOutCascade>,
}

/// The cascade, at the weights and thresholds training chose, on the held-out languages'
/// readings ([`choose_mix_weights`]): each language read by a fast model, gate, exit and head
/// trained without it. Text unlike train, from our own data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldOutCascade {
    /// The head over the whole encoder alone.
    pub encoder_macro_f1: f64,
    /// The first stage alone.
    pub first_stage_macro_f1: f64,
    /// The cascade: its macro-F1, shares asked and past the exit, and cost.
    pub cascade: SweepPoint,
}

/// The cascade on dev at one threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// The first stage's confidence below which the encoder decides.
    pub threshold: f32,
    /// The early exit's confidence at or above which a message is answered there (infinite
    /// without an exit).
    pub exit_threshold: f32,
    /// Share of messages sent to the encoder.
    pub share: f64,
    /// Share of messages that went on past the early exit to the last layer.
    pub past_exit_share: f64,
    /// The encoder's cost for those messages, as a share of its cost on every message: their
    /// tokens times the share of the layers each ran through.
    pub token_share: f64,
    /// Macro-F1 of the cascade.
    pub macro_f1: f64,
}

/// Most of dev's encoder tokens the cascade may send to the encoder when its threshold is
/// chosen: the latency aim (cascade ≤ 20% of encoder-only time) less a margin for the
/// fast tier's own time. Counted in tokens, not messages, because the encoder's time grows with
/// length and the messages the first stage is unsure of run longer than the average.
pub const CASCADE_BUDGET: f64 = 0.18;
/// How far below the best dev macro-F1 within the budget the chosen thresholds may be, to
/// spend less of the encoder.
pub const CASCADE_F1_SLACK: f64 = 0.005;

/// Weight of the fast tier in the cascade's first stage (the gate head has the rest) when the
/// job fixes no weights and no language can be held out ([`choose_mix_weights`] chooses it
/// otherwise): an even product of the two experts. Not fitted on dev: dev is drawn like train,
/// where the fast model is at its best, so a weight fitted there would lean on the fast model,
/// while the gate exists for text unlike train (new words, new phrasing, other scripts).
pub const GATE_FAST_WEIGHT: f32 = 0.5;

/// Weight of the first stage in the early exit's mix (the exit head has the rest) in the same
/// case: even, like the gate's.
pub const EXIT_FIRST_WEIGHT: f32 = 0.5;

/// What to train an encoder head on, and how.
#[derive(Debug, Clone)]
pub struct HeadJob<'a> {
    /// Training messages.
    pub train: &'a [LabelledMessage],
    /// Calibration and threshold messages.
    pub dev: &'a [LabelledMessage],
    /// Shape and training settings.
    pub config: HeadConfig,
    /// Identifies the data (see [`sandesh_model::data_hash`]).
    pub data_sha256: String,
    /// Folder keeping embeddings between runs (keyed by the encoder, the depths and every
    /// text).
    pub embedding_cache: Option<&'a Path>,
    /// Depths of the encoder the head reads (see [`Encoder::embed_ids_at`]); `None`:
    /// [`default_head_depths`].
    pub depths: Option<Vec<usize>>,
    /// Depth of the cascade's early exit (one of the head's depths, below the last); `None`:
    /// [`default_exit_depth`]; `Some(0)`: no early exit.
    pub exit_depth: Option<usize>,
    /// The fast tier's weight in the first stage and the first stage's in the early exit;
    /// `None`: chosen on held-out languages ([`choose_mix_weights`]).
    pub mix_weights: Option<(f32, f32)>,
    /// What the gate head reads ([`GateInput::WeightedWords`] by default).
    pub gate_input: GateInput,
}

/// The early exit's depth by default: the first of the head's depths when it is a middle
/// layer (the shipped head's 6 of 12), so the exit reads a pool the head needs anyway and a
/// message that goes on costs nothing extra.
pub fn default_exit_depth(depths: &[usize], encoder_depth: usize) -> Option<usize> {
    depths
        .first()
        .copied()
        .filter(|&d| d > 0 && d < encoder_depth && depths.len() > 1)
}

/// The depths a head reads by default: the middle layer and the last, pooled and concatenated.
/// The last layer alone scored 0.867 macro-F1 on dev with this head and the middle and last
/// 0.895 (three seeds agreed within 0.001; an offline sweep of other sets on dev found none
/// better): the middle layers keep more of the words, which matters in romanized text, where e5
/// learned little.
pub fn default_head_depths(encoder_depth: usize) -> Vec<usize> {
    vec![encoder_depth / 2, encoder_depth]
}

/// Trains the encoder tier's head on the job's train split embedded by `encoder`, the cascade's
/// gate head on the same split as the job's gate input reads it ([`Encoder::gate_vector`]) and
/// its exit head on the pool at the exit's depth; calibrates each on dev, and chooses the
/// cascade's two thresholds together on dev against `fast` (an engine of the fast tier) mixed
/// with the gate, then with the exit, at the weights the job fixes or else those chosen on
/// held-out languages ([`choose_mix_weights`], which trains a fast model, a gate and an exit
/// per language). `log` hears what is happening (embedding ten thousand messages takes
/// minutes).
pub fn train_encoder_head(
    fast: &Engine,
    encoder: &Encoder,
    job: HeadJob<'_>,
    mut log: impl FnMut(String),
) -> Result<TrainedHead> {
    let HeadJob {
        train,
        dev,
        config,
        data_sha256,
        embedding_cache: cache,
        depths,
        exit_depth,
        mix_weights,
        gate_input,
    } = job;
    let depths = depths.unwrap_or_else(|| default_head_depths(encoder.depth()));
    let exit_depth = match exit_depth {
        None => default_exit_depth(&depths, encoder.depth()),
        Some(0) => None,
        Some(d) if d < encoder.depth() && depths.contains(&d) => Some(d),
        Some(d) => {
            return Err(sandesh_model::Error::Training(format!(
                "the early exit at depth {d} must be one of the head's depths {depths:?} \
                 below the encoder's last layer {}",
                encoder.depth()
            ))
            .into())
        }
    };
    if train.is_empty() || dev.is_empty() {
        return Err(
            sandesh_model::Error::Training("train and dev must both have messages".into()).into(),
        );
    }
    let encoder_ref = EncoderRef::of(encoder.manifest())?;
    // Every message is tokenized once: the head's embeddings, the gate's and the cost counts
    // all start from these ids.
    let tokenize = |set: &[LabelledMessage]| -> Result<Vec<Vec<u32>>> {
        Ok(set
            .iter()
            .map(|m| encoder.tokenize(&m.text))
            .collect::<std::result::Result<_, _>>()?)
    };
    let (train_ids, dev_ids) = (tokenize(train)?, tokenize(dev)?);
    let train_tokens: Vec<usize> = train_ids.iter().map(Vec::len).collect();
    let dev_tokens: Vec<usize> = dev_ids.iter().map(Vec::len).collect();
    let embed = |set: &[LabelledMessage],
                 ids: &[Vec<u32>],
                 log: &mut dyn FnMut(String)|
     -> Result<Vec<Vec<f32>>> {
        let texts: Vec<&str> = set.iter().map(|m| m.text.as_str()).collect();
        let run = || -> Result<Vec<Vec<f32>>> { Ok(encoder.embed_ids_at(ids, &depths)?) };
        let Some(dir) = cache else {
            return run();
        };
        // Keyed by the encoder's files, the depths and every text, so a changed message,
        // encoder or depth misses.
        let depth_key = format!("depths {depths:?}");
        let mut parts: Vec<&[u8]> = vec![
            encoder_ref.weights_sha256.as_bytes(),
            encoder_ref.tokenizer_sha256.as_bytes(),
            encoder_ref.normalization_sha256.as_bytes(),
            depth_key.as_bytes(),
        ];
        parts.extend(texts.iter().map(|t| t.as_bytes()));
        let path = dir.join(format!("{}.f32", &sandesh_model::data_hash(&parts)[..32]));
        let dim = encoder.dim() * depths.len();
        if let Ok(bytes) = std::fs::read(&path) {
            if bytes.len() == texts.len() * dim * 4 {
                return Ok(bytes
                    .chunks_exact(dim * 4)
                    .map(|row| {
                        row.chunks_exact(4)
                            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                            .collect()
                    })
                    .collect());
            }
        }
        let vectors = run()?;
        let bytes: Vec<u8> = vectors
            .iter()
            .flatten()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        // A cache that cannot be written only costs time next run.
        if std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(&path, bytes))
            .is_err()
        {
            log(format!(
                "note: could not write the embedding cache {}",
                path.display()
            ));
        }
        Ok(vectors)
    };
    let started = std::time::Instant::now();
    log(format!(
        "embedding {} train and {} dev messages",
        train.len(),
        dev.len()
    ));
    let train_x = embed(train, &train_ids, &mut log)?;
    let dev_x = embed(dev, &dev_ids, &mut log)?;
    log(format!(
        "embedded in {:.1} s; training the head",
        started.elapsed().as_secs_f64()
    ));
    let train_y: Vec<usize> = train.iter().map(|m| m.intent.index()).collect();
    let dev_y: Vec<usize> = dev.iter().map(|m| m.intent.index()).collect();
    let (head, dev_logits) = train_calibrated(config, &train_x, &train_y, &dev_x, &dev_y)?;
    let uncalibrated = report_at(&dev_logits, &dev_y, 1.0);

    // The gate: the same kind of head over a vector from the encoder's embedding table (a
    // lookup per token, so no cache is needed), calibrated on dev the same way.
    let gate_read = |ids: &[u32]| encoder.gate_vector(ids, gate_input);
    let train_gate: Vec<Vec<f32>> = train_ids
        .iter()
        .map(|ids| gate_read(ids))
        .collect::<std::result::Result<_, _>>()?;
    let dev_gate: Vec<Vec<f32>> = dev_ids
        .iter()
        .map(|ids| gate_read(ids))
        .collect::<std::result::Result<_, _>>()?;
    let (gate, _) = train_calibrated(config, &train_gate, &train_y, &dev_gate, &dev_y)?;

    // The early exit: the same kind of head over the pool at its depth, which the head's
    // embeddings already hold.
    let slice = |x: &[Vec<f32>], d: usize| -> Vec<Vec<f32>> {
        x.iter()
            .map(|v| {
                pool_at(v, &depths, d, encoder.dim())
                    .unwrap_or(&[])
                    .to_vec()
            })
            .collect()
    };
    let exit_pools = exit_depth.map(|d| (d, slice(&train_x, d), slice(&dev_x, d)));
    let exit = exit_pools
        .as_ref()
        .map(|(d, t, v)| train_calibrated(config, t, &train_y, v, &dev_y).map(|(e, _)| (*d, e)))
        .transpose()?;
    log(format!(
        "trained the head, the gate{} in {:.1} s",
        if exit.is_some() { " and the exit" } else { "" },
        started.elapsed().as_secs_f64()
    ));
    let held_out = match mix_weights {
        Some(_) => None,
        None => {
            log("choosing the mix weights on held-out languages".into());
            let inputs = SideInputs {
                head: (&train_x, &dev_x),
                gate: (&train_gate, &dev_gate),
                tokens: (&train_tokens, &dev_tokens),
                exit: exit_pools
                    .as_ref()
                    .map(|(_, t, d)| (t.as_slice(), d.as_slice())),
            };
            let chosen =
                choose_mix_weights(train, dev, fast.manifest().fast, config, inputs, &mut log)?;
            log(format!(
                "chose the mix weights in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
            chosen
        }
    };
    let (fast_weight, first_weight) = match (mix_weights, &held_out) {
        (Some(w), _) => w,
        (None, Some(h)) => (h.weights.fast_weight, h.weights.first_weight),
        (None, None) => (GATE_FAST_WEIGHT, EXIT_FIRST_WEIGHT),
    };

    // Each dev message read by every part of the cascade.
    let fast_probs = fast.classify_batch(&dev.iter().map(|m| m.text.as_str()).collect::<Vec<_>>());
    let dev_exit_pools = exit_pools.as_ref().map(|(_, _, d)| d);
    let readings: Vec<Reading> = dev
        .iter()
        .zip(fast_probs)
        .zip(dev_gate.iter().zip(&dev_x))
        .zip(&dev_tokens)
        .enumerate()
        .map(|(i, (((m, f), (s, x)), &tokens))| Reading {
            fast: f.ok().map(|a| a.probabilities()),
            gate: gate.predict(s),
            exit: exit
                .as_ref()
                .zip(dev_exit_pools.and_then(|p| p.get(i)))
                .map(|((_, e), v)| e.predict(v)),
            head: head.predict(x),
            gold: m.intent,
            tokens,
        })
        .collect();
    // A message asked costs its tokens times the share of layers it runs through.
    let layers = encoder.depth().max(1) as f64;
    let to_exit = exit.as_ref().map_or(layers, |(d, _)| *d as f64) / layers;
    let dev_parts = CascadeParts::of(&readings, fast_weight, first_weight, to_exit);
    let cascade_at = |t: f32, t_exit: f32| dev_parts.at(t, t_exit);
    // Without an exit, a single exit threshold above every confidence: all asked go to the end.
    let exit_grid: Vec<f32> = if exit.is_some() {
        (0..=50).map(|i| i as f32 / 50.0).collect()
    } else {
        vec![f32::INFINITY]
    };
    let sweep: Vec<SweepPoint> = (0..=100)
        .flat_map(|i| exit_grid.iter().map(move |&x| (i as f32 / 100.0, x)))
        .map(|(t, x)| cascade_at(t, x).1)
        .collect();
    let (threshold, exit_threshold) = choose_thresholds(&sweep);
    let (dev_cascade, chosen) = cascade_at(threshold, exit_threshold);
    let share = chosen.share;
    let dev_encoder = dev_parts.encoder_report();
    let dev_fast = report_of(
        &dev_parts.gold,
        readings.iter().map(|r| r.fast.map(|f| top(&f))),
    );
    let dev_first_stage = dev_parts.first_stage_report();
    // The same cascade, thresholds and all, on the held-out languages' readings: how it fares
    // on languages its models never saw.
    let held_out_cascade = held_out.as_ref().map(|h| {
        let parts = h.parts(to_exit);
        HeldOutCascade {
            encoder_macro_f1: parts.encoder_report().macro_f1,
            first_stage_macro_f1: parts.first_stage_report().macro_f1,
            cascade: parts.at(threshold, exit_threshold).1,
        }
    });

    let manifest = HeadManifest {
        format_version: FORMAT_VERSION,
        kind: HEAD_KIND.into(),
        labels: Intent::ALL.iter().map(|i| i.as_str().to_string()).collect(),
        encoder: encoder_ref,
        dim: head.dim(),
        depths: depths.clone(),
        config,
        temperature: head.temperature(),
        cascade: CascadeSettings {
            threshold,
            dev_share_to_encoder: share,
            dev_token_share_to_encoder: chosen.token_share,
            fast_weights_sha256: fast
                .manifest()
                .files
                .get(sandesh_model::WEIGHTS_FILE)
                .map(|f| f.sha256.clone())
                .unwrap_or_default(),
        },
        gate: Some(GateSettings {
            input: gate_input,
            config,
            dim: gate.dim(),
            temperature: gate.temperature(),
            fast_weight,
        }),
        exit: exit.as_ref().map(|(depth, e)| ExitSettings {
            depth: *depth,
            config,
            dim: e.dim(),
            temperature: e.temperature(),
            first_weight,
            threshold: exit_threshold,
            dev_share_past_exit: chosen.past_exit_share,
        }),
        files: Default::default(),
        training: TrainingInfo {
            data_sha256,
            train_messages: train.len(),
            dev_messages: dev.len(),
            created_by: format!("sandesh {}", env!("CARGO_PKG_VERSION")),
        },
        metrics: serde_json::json!({
            "dev": {
                "messages": dev.len(),
                "encoder": {"accuracy": dev_encoder.accuracy, "macro_f1": dev_encoder.macro_f1,
                            "ece": dev_encoder.ece, "ece_uncalibrated": uncalibrated.ece},
                "fast": {"accuracy": dev_fast.accuracy, "macro_f1": dev_fast.macro_f1,
                         "ece": dev_fast.ece},
                "first_stage": {"fast_weight": fast_weight,
                                "accuracy": dev_first_stage.accuracy,
                                "macro_f1": dev_first_stage.macro_f1,
                                "ece": dev_first_stage.ece},
                "cascade": {"threshold": threshold, "share_to_encoder": share,
                            "exit_threshold": exit.as_ref().map(|_| exit_threshold),
                            "share_past_exit": chosen.past_exit_share,
                            "token_share_to_encoder": chosen.token_share,
                            "accuracy": dev_cascade.accuracy, "macro_f1": dev_cascade.macro_f1,
                            "ece": dev_cascade.ece},
            },
            "held_out_languages": held_out.as_ref().map(|h| serde_json::json!({
                "folds": h.weights.folds, "messages": h.weights.messages,
                "fast_weight_macro_f1": h.weights.gate_sweep,
                "first_weight_macro_f1": h.weights.exit_sweep,
                "cascade": held_out_cascade.as_ref().map(|c| serde_json::json!({
                    "encoder_macro_f1": c.encoder_macro_f1,
                    "first_stage_macro_f1": c.first_stage_macro_f1,
                    "macro_f1": c.cascade.macro_f1, "share_to_encoder": c.cascade.share,
                    "share_past_exit": c.cascade.past_exit_share,
                    "token_share_to_encoder": c.cascade.token_share,
                })),
            })),
        }),
    };
    Ok(TrainedHead {
        head: HeadDir {
            manifest,
            head,
            gate: Some(gate),
            exit: exit.map(|(_, e)| e),
        },
        dev_encoder,
        dev_fast,
        dev_first_stage,
        dev_cascade,
        dev_ece_uncalibrated: uncalibrated.ece,
        sweep,
        mix_weights: held_out.map(|h| h.weights),
        held_out_cascade,
    })
}

const K: usize = Intent::ALL.len();

/// One message read by every part of the cascade: the fast tier's probabilities (`None`: it
/// could not read the message), the gate's, the exit head's (`None`: no exit) and the head's
/// over the whole encoder; with its gold intent and token count.
#[derive(Debug, Clone)]
struct Reading {
    fast: Option<[f32; K]>,
    gate: [f32; K],
    exit: Option<[f32; K]>,
    head: [f32; K],
    gold: Intent,
    tokens: usize,
}

/// A cascade's parts on a set of messages, to simulate it at any pair of thresholds: each
/// message's answer (intent, confidence) from the first stage, the early exit and the head
/// over the whole encoder. The engine's cascade on dev is this simulation (a test checks it).
#[derive(Debug, Clone)]
struct CascadeParts {
    gold: Vec<Intent>,
    /// `None`: the fast tier could not read the message, which then goes to the end.
    first: Vec<Option<(Intent, f32)>>,
    /// `None`: no exit, or no first stage to mix with.
    exit: Vec<Option<(Intent, f32)>>,
    encoder: Vec<(Intent, f32)>,
    tokens: Vec<usize>,
    /// Share of the encoder's layers up to the exit.
    to_exit: f64,
}

impl CascadeParts {
    /// The parts from each message's readings: the first stage mixes the fast tier with the
    /// gate at `fast_weight` ([`mix`]), the exit mixes the first stage with the exit head at
    /// `first_weight`; `to_exit` is the share of the encoder's layers up to the exit.
    fn of(readings: &[Reading], fast_weight: f32, first_weight: f32, to_exit: f64) -> Self {
        let first: Vec<Option<[f32; K]>> = readings
            .iter()
            .map(|r| r.fast.map(|f| mix(&f, &r.gate, fast_weight)))
            .collect();
        CascadeParts {
            gold: readings.iter().map(|r| r.gold).collect(),
            exit: readings
                .iter()
                .zip(&first)
                .map(|(r, f)| f.zip(r.exit).map(|(f, e)| top(&mix(&f, &e, first_weight))))
                .collect(),
            first: first.iter().map(|f| f.as_ref().map(top)).collect(),
            encoder: readings.iter().map(|r| top(&r.head)).collect(),
            tokens: readings.iter().map(|r| r.tokens).collect(),
            to_exit,
        }
    }

    /// The first stage alone at `fast_weight`, straight from the readings: what
    /// [`CascadeParts::first_stage_report`] gives without mixing every early exit too.
    fn first_stage_of(readings: &[Reading], fast_weight: f32) -> ClassificationReport {
        let gold: Vec<Intent> = readings.iter().map(|r| r.gold).collect();
        report_of(
            &gold,
            readings
                .iter()
                .map(|r| r.fast.map(|f| top(&mix(&f, &r.gate, fast_weight)))),
        )
    }

    /// The first stage alone (a message it cannot read counts as `other`).
    fn first_stage_report(&self) -> ClassificationReport {
        report_of(&self.gold, self.first.iter().copied())
    }

    /// The early exit's mix alone (a message without one counts as `other`).
    fn exit_report(&self) -> ClassificationReport {
        report_of(&self.gold, self.exit.iter().copied())
    }

    /// The head over the whole encoder alone.
    fn encoder_report(&self) -> ClassificationReport {
        report_of(&self.gold, self.encoder.iter().copied().map(Some))
    }

    /// The cascade with first-stage threshold `t` and exit threshold `t_exit`: its report, and
    /// the shares asked, past the exit and of the encoder's cost (a message asked costs its
    /// tokens times the share of layers it runs through).
    fn at(&self, t: f32, t_exit: f32) -> (ClassificationReport, SweepPoint) {
        let all_tokens = self.tokens.iter().sum::<usize>().max(1) as f64;
        let (mut asked, mut past, mut cost) = (0usize, 0usize, 0.0f64);
        let (p, c): (Vec<Intent>, Vec<f32>) = self
            .first
            .iter()
            .zip(&self.exit)
            .zip(&self.encoder)
            .zip(&self.tokens)
            .map(|(((f, x), e), &n)| match (f, x) {
                (Some(f), _) if f.1 >= t => *f,
                (_, Some(x)) if x.1 >= t_exit => {
                    asked += 1;
                    cost += n as f64 * self.to_exit;
                    *x
                }
                _ => {
                    asked += 1;
                    past += 1;
                    cost += n as f64;
                    *e
                }
            })
            .unzip();
        let report = classification_report(&self.gold, &p, &c);
        let n = self.gold.len().max(1) as f64;
        let point = SweepPoint {
            threshold: t,
            exit_threshold: t_exit,
            share: asked as f64 / n,
            past_exit_share: past as f64 / n,
            token_share: cost / all_tokens,
            macro_f1: report.macro_f1,
        };
        (report, point)
    }
}

/// The cascade's thresholds (first stage, early exit) from a dev sweep: among the points whose
/// encoder cost stays within [`CASCADE_BUDGET`], those within [`CASCADE_F1_SLACK`] of the best
/// macro-F1, and of those the cheapest (then the higher thresholds). Dev is drawn like train,
/// so its best point spends the budget where the extra encoder work buys almost nothing, and
/// off our data the first stage is unsure more often and that spending grows with it; the
/// cheapest near-best point keeps the cascade's cost down where the aim needs it. Falls back
/// to (0, ∞) (fast only) when nothing fits.
pub fn choose_thresholds(sweep: &[SweepPoint]) -> (f32, f32) {
    let within: Vec<&SweepPoint> = sweep
        .iter()
        .filter(|p| p.token_share <= CASCADE_BUDGET)
        .collect();
    let best = within
        .iter()
        .map(|p| p.macro_f1)
        .fold(f64::NEG_INFINITY, f64::max);
    within
        .iter()
        .filter(|p| p.macro_f1 >= best - CASCADE_F1_SLACK)
        .min_by(|a, b| {
            a.token_share
                .total_cmp(&b.token_share)
                .then(b.threshold.total_cmp(&a.threshold))
                .then(b.exit_threshold.total_cmp(&a.exit_threshold))
        })
        .map_or((0.0, f32::INFINITY), |p| (p.threshold, p.exit_threshold))
}

/// A head trained on `train_x` and calibrated on dev (its temperature fitted to its logits on
/// `dev_x`), with those logits (temperature 1).
fn train_calibrated(
    config: HeadConfig,
    train_x: &[Vec<f32>],
    train_y: &[usize],
    dev_x: &[Vec<f32>],
    dev_y: &[usize],
) -> Result<(EncoderHead, Vec<Vec<f32>>)> {
    let mut head = train_head(config, train_x, train_y)?;
    let logits: Vec<Vec<f32>> = dev_x.iter().map(|v| head.logits(v).to_vec()).collect();
    head.set_temperature(fit_temperature(&logits, dev_y));
    Ok((head, logits))
}

/// The classification report of answers (intent, confidence) against `gold`; a message with
/// no answer (the fast tier could not read it) counts as `other` at confidence 0.
fn report_of(
    gold: &[Intent],
    answers: impl IntoIterator<Item = Option<(Intent, f32)>>,
) -> ClassificationReport {
    let (p, c): (Vec<Intent>, Vec<f32>) = answers
        .into_iter()
        .map(|a| a.unwrap_or((Intent::Other, 0.0)))
        .unzip();
    classification_report(gold, &p, &c)
}

fn top(p: &[f32; K]) -> (Intent, f32) {
    Intent::ALL
        .iter()
        .map(|&i| (i, p[i.index()]))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((Intent::Other, 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stage_alone_scores_what_the_whole_parts_give_it() {
        // Readings whose fast tier and gate disagree in varying strength, one the fast tier
        // could not read: the first stage's winner moves with the weight.
        let one_hot = |i: usize, p: f32| {
            let mut a = [(1.0 - p) / (K - 1) as f32; K];
            a[i] = p;
            a
        };
        let readings: Vec<Reading> = (0..40)
            .map(|i| Reading {
                fast: (i % 13 != 0).then(|| one_hot(i % K, 0.4 + (i % 5) as f32 * 0.1)),
                gate: one_hot((i + i / 7) % K, 0.3 + (i % 3) as f32 * 0.2),
                exit: Some(one_hot((i + 1) % K, 0.6)),
                head: one_hot(i % K, 0.7),
                gold: Intent::ALL[(i + i / 5) % K],
                tokens: 10 + i,
            })
            .collect();
        let mut scores = Vec::new();
        for w in [0.0, 0.3, 0.5, 0.8, 1.0] {
            let direct = CascadeParts::first_stage_of(&readings, w);
            let whole = CascadeParts::of(&readings, w, EXIT_FIRST_WEIGHT, 0.5).first_stage_report();
            assert_eq!(direct.macro_f1, whole.macro_f1, "weight {w}");
            assert_eq!(direct.accuracy, whole.accuracy, "weight {w}");
            scores.push(direct.macro_f1);
        }
        // The weight matters here, so the comparison above is not between two constants.
        assert!(scores.iter().any(|&s| s != scores[0]), "{scores:?}");
    }

    #[test]
    fn the_exit_is_the_first_depth_when_it_is_a_middle_layer() {
        assert_eq!(default_exit_depth(&[6, 12], 12), Some(6));
        assert_eq!(default_exit_depth(&[4, 8, 12], 12), Some(4));
        // The last layer alone, the embedding layer or a single depth: no exit.
        assert_eq!(default_exit_depth(&[12], 12), None);
        assert_eq!(default_exit_depth(&[0, 12], 12), None);
        assert_eq!(default_exit_depth(&[6], 12), None);
        assert_eq!(default_exit_depth(&[], 12), None);
    }

    #[test]
    fn a_simulated_cascade_counts_who_decided_and_what_it_cost() {
        use Intent::*;
        // Four messages of 10, 20, 30 and 40 tokens; the exit sits at half the layers.
        let parts = CascadeParts {
            gold: vec![Lead, Support, Payment, Other],
            first: vec![
                Some((Lead, 0.9)),    // sure: kept
                Some((Lead, 0.5)),    // asked; the exit is sure and right
                Some((Booking, 0.4)), // asked; the exit is unsure, the head is right
                None,                 // unreadable: to the end
            ],
            exit: vec![
                Some((Lead, 0.95)),
                Some((Support, 0.8)),
                Some((Booking, 0.3)),
                None,
            ],
            encoder: vec![(Support, 0.9), (Lead, 0.9), (Payment, 0.9), (Other, 0.9)],
            tokens: vec![10, 20, 30, 40],
            to_exit: 0.5,
        };
        let (report, p) = parts.at(0.6, 0.7);
        assert_eq!((p.threshold, p.exit_threshold), (0.6, 0.7));
        assert_eq!(p.share, 0.75);
        assert_eq!(p.past_exit_share, 0.5);
        // 20 tokens to the exit (half) and 70 through every layer, of 100.
        assert!((p.token_share - 0.8).abs() < 1e-12, "{}", p.token_share);
        assert_eq!(report.accuracy, 1.0);
        assert_eq!(p.macro_f1, report.macro_f1);
        // Nothing asked: the first stage's answers, an unreadable message still to the end.
        let (report, p) = parts.at(0.0, 0.7);
        assert_eq!((p.share, p.past_exit_share), (0.25, 0.25));
        assert_eq!(report.accuracy, 0.5);
        // Everything asked and no exit sure: the head alone, at the whole encoder's cost.
        let (report, p) = parts.at(1.0, 1.0);
        assert_eq!((p.share, p.past_exit_share, p.token_share), (1.0, 1.0, 1.0));
        assert_eq!(report.accuracy, 0.5);
    }

    #[test]
    fn the_thresholds_are_the_cheapest_near_best_within_the_budget() {
        // (threshold, exit threshold, cost, macro-F1); the message shares play no part.
        let point = |threshold, exit_threshold, token_share, macro_f1| SweepPoint {
            threshold,
            exit_threshold,
            share: token_share / 2.0,
            past_exit_share: token_share / 4.0,
            token_share,
            macro_f1,
        };
        let sweep = [
            point(0.0, 0.5, 0.00, 0.80),
            point(0.3, 0.5, 0.05, 0.85),
            point(0.5, 0.5, 0.10, 0.866), // within the slack of 0.870 and the cheapest: chosen
            point(0.5, 0.9, 0.12, 0.870), // best within the budget, but dearer
            point(0.6, 0.4, 0.15, 0.866),
            point(0.7, 0.5, 0.17, 0.850), // too far below the best
            point(0.8, 0.5, 0.30, 0.900), // best of all, but over the budget in tokens
        ];
        assert_eq!(choose_thresholds(&sweep), (0.5, 0.5));
        // Equal cost: the higher thresholds.
        let tie = [
            point(0.4, 0.5, 0.1, 0.9),
            point(0.4, 0.6, 0.1, 0.9),
            point(0.3, 0.9, 0.1, 0.9),
        ];
        assert_eq!(choose_thresholds(&tie), (0.4, 0.6));
        // Nothing within the budget: the fast tier alone.
        assert_eq!(
            choose_thresholds(&[point(0.5, 0.5, 0.5, 0.9)]),
            (0.0, f32::INFINITY)
        );
        assert_eq!(choose_thresholds(&[]), (0.0, f32::INFINITY));
    }
}
