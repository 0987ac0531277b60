//! Training a model directory from labelled data: the language identifier, the fast
//! classifier, calibration on dev, and dev metrics recorded in the manifest.

use crate::evaluation::{evaluate, EvalReport};
use crate::{Engine, Result, DEFAULT_MAX_CHARS};
use sandesh_model::metrics::{classification_report, ClassificationReport};
use sandesh_model::{
    fit_temperature, FastConfig, FastTrainer, ModelDir, TrainExample, TrainingInfo,
};
use sandesh_text::{normalize, LangIdConfig, LangIdTrainer};
use sandesh_types::{Intent, LabelledMessage, Lang};

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
