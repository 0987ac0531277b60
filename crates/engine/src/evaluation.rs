//! Scoring the engine on labelled messages: intents (overall, per language, per source), the
//! language identifier, calibration and entities.

use crate::Engine;
use sandesh_model::metrics::{classification_report, ClassificationReport};
use sandesh_types::{EntityKind, Intent, LabelledMessage, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Scores of one group of messages (a language or a source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScores {
    /// Messages in the group.
    pub n: usize,
    /// Intent accuracy.
    pub accuracy: f64,
    /// Intent macro-F1 over the intents present in the group.
    pub macro_f1: f64,
    /// Share of messages whose language was identified as the gold tag (when the gold tag is
    /// one of the 19).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang_id_accuracy: Option<f64>,
}

/// Language identification accuracy, split by script family.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LangIdScores {
    /// Messages with a native-script gold tag.
    pub native_n: usize,
    /// Accuracy on them.
    pub native_accuracy: f64,
    /// Messages with a Latin-script gold tag (`en`, `hinglish`, `*-Latn`).
    pub latin_n: usize,
    /// Accuracy on them.
    pub latin_accuracy: f64,
}

/// Precision, recall and F1 of one entity kind under one matching rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrF1 {
    /// Gold entities.
    pub gold: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Predicted entities that match a gold one (each gold entity matches at most once).
    pub correct: usize,
    /// correct / predicted.
    pub precision: f64,
    /// correct / gold.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
}

impl PrF1 {
    fn finish(&mut self) {
        self.precision = ratio(self.correct, self.predicted);
        self.recall = ratio(self.correct, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
    }
}

/// Entity scores of one kind: by exact span (same kind, same start and end) and by value (same
/// kind and normalised value in the same message, wherever it was found).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityScores {
    /// Exact span and kind.
    pub span: PrF1,
    /// Kind and normalised value.
    pub value: PrF1,
}

/// A comparable key for an entity's value: amounts to the paisa with currency and range,
/// quantities with unit, text values as they are.
pub fn value_key(e: &sandesh_types::Entity) -> String {
    use sandesh_types::EntityValue;
    match &e.value {
        Some(EntityValue::Money {
            amount,
            currency,
            max,
            ..
        }) => match max {
            Some(max) => format!("{amount:.2}-{max:.2} {currency}"),
            None => format!("{amount:.2} {currency}"),
        },
        Some(EntityValue::Quantity { quantity, unit }) => format!("{quantity:.3} {unit}"),
        Some(EntityValue::Text(t)) => t.clone(),
        None => e.text.clone(),
    }
}

/// A message the evaluation could not score, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// The message id.
    pub id: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Everything `sandesh eval` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Intent scores over all scored messages.
    pub intent: ClassificationReport,
    /// Share of messages classified as anything but `other` (the false-routing rate on a file
    /// of chatter).
    pub non_other_share: f64,
    /// Per gold language tag, as written in the file.
    pub by_lang: BTreeMap<String, GroupScores>,
    /// Per `source` field, when the file has one.
    pub by_source: BTreeMap<String, GroupScores>,
    /// Language identification.
    pub lang_id: LangIdScores,
    /// Per entity kind.
    pub entities: BTreeMap<String, EntityScores>,
    /// Messages that could not be scored.
    pub skipped: Vec<Skipped>,
    /// Messages whose entities differ from the gold ones by span or kind, in file order (at
    /// most [`MAX_ENTITY_ERRORS`]).
    #[serde(default)]
    pub entity_errors: Vec<EntityMismatch>,
    /// The tier that ran (`fast`, `encoder` or `cascade`).
    #[serde(default)]
    pub tier: String,
    /// Share of scored messages whose intent the encoder decided (1 in the encoder tier, 0 in
    /// the fast tier).
    #[serde(default)]
    pub encoder_share: f64,
    /// Share of scored messages the cascade's early exit answered (part of `encoder_share`:
    /// the encoder ran to a middle layer only).
    #[serde(default)]
    pub exit_share: f64,
}

/// Most messages [`EvalReport::entity_errors`] keeps.
pub const MAX_ENTITY_ERRORS: usize = 10_000;

/// One message's entity differences: gold entities not found at their span, and predictions
/// at no gold span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMismatch {
    /// The message id.
    pub id: String,
    /// The message text.
    pub text: String,
    /// Gold entities the engine missed (or found with another span or kind).
    pub missed: Vec<sandesh_types::Entity>,
    /// Entities the engine found that no gold entity has.
    pub extra: Vec<sandesh_types::Entity>,
}

struct Scored {
    gold: Intent,
    pred: Intent,
    conf: f32,
    gold_lang: Option<Lang>,
    pred_lang: Lang,
}

fn group(rows: &[&Scored]) -> GroupScores {
    let gold: Vec<Intent> = rows.iter().map(|r| r.gold).collect();
    let pred: Vec<Intent> = rows.iter().map(|r| r.pred).collect();
    let conf: Vec<f32> = rows.iter().map(|r| r.conf).collect();
    let rep = classification_report(&gold, &pred, &conf);
    let known: Vec<_> = rows
        .iter()
        .filter_map(|r| r.gold_lang.map(|g| g == r.pred_lang))
        .collect();
    GroupScores {
        n: rows.len(),
        accuracy: rep.accuracy,
        macro_f1: rep.macro_f1,
        lang_id_accuracy: (!known.is_empty())
            .then(|| known.iter().filter(|&&ok| ok).count() as f64 / known.len() as f64),
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Classifies every message with `engine` and scores the results.
pub fn evaluate(engine: &Engine, messages: &[LabelledMessage]) -> EvalReport {
    let texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
    let results = engine.classify_batch_traced(&texts);
    let (mut by_encoder, mut by_exit) = (0usize, 0usize);
    let mut scored = Vec::with_capacity(messages.len());
    let mut keys = Vec::with_capacity(messages.len());
    let mut skipped = Vec::new();
    let mut entity_errors = Vec::new();
    let mut entities: BTreeMap<String, EntityScores> = EntityKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), EntityScores::default()))
        .collect();
    for (m, r) in messages.iter().zip(results) {
        let a = match r {
            Ok((a, decided)) => {
                by_encoder += usize::from(decided.used_encoder());
                by_exit += usize::from(decided == crate::Stage::Exit);
                a
            }
            Err(e) => {
                skipped.push(Skipped {
                    id: m.id.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let missed: Vec<sandesh_types::Entity> = m
            .entities
            .iter()
            .filter(|g| {
                !a.entities
                    .iter()
                    .any(|p| p.kind == g.kind && p.span == g.span)
            })
            .cloned()
            .collect();
        let extra: Vec<sandesh_types::Entity> = a
            .entities
            .iter()
            .filter(|p| {
                !m.entities
                    .iter()
                    .any(|g| p.kind == g.kind && p.span == g.span)
            })
            .cloned()
            .collect();
        if (!missed.is_empty() || !extra.is_empty()) && entity_errors.len() < MAX_ENTITY_ERRORS {
            entity_errors.push(EntityMismatch {
                id: m.id.clone(),
                text: m.text.clone(),
                missed,
                extra,
            });
        }
        let mut unmatched_values: Vec<(EntityKind, String)> =
            a.entities.iter().map(|p| (p.kind, value_key(p))).collect();
        for g in &m.entities {
            let s = entities.entry(g.kind.as_str().to_string()).or_default();
            s.span.gold += 1;
            s.value.gold += 1;
            if a.entities
                .iter()
                .any(|p| p.kind == g.kind && p.span == g.span)
            {
                s.span.correct += 1;
            }
            let key = (g.kind, value_key(g));
            if let Some(k) = unmatched_values.iter().position(|v| *v == key) {
                unmatched_values.swap_remove(k);
                s.value.correct += 1;
            }
        }
        for p in &a.entities {
            let s = entities.entry(p.kind.as_str().to_string()).or_default();
            s.span.predicted += 1;
            s.value.predicted += 1;
        }
        scored.push(Scored {
            gold: m.intent,
            pred: a.intent,
            conf: a.confidence,
            gold_lang: m.lang.parse().ok(),
            pred_lang: a.lang,
        });
        keys.push((m.lang.clone(), m.source.clone()));
    }
    for s in entities.values_mut() {
        s.span.finish();
        s.value.finish();
    }
    let mut by_lang_rows: BTreeMap<String, Vec<&Scored>> = BTreeMap::new();
    let mut by_source_rows: BTreeMap<String, Vec<&Scored>> = BTreeMap::new();
    for (s, (lang, source)) in scored.iter().zip(&keys) {
        by_lang_rows.entry(lang.clone()).or_default().push(s);
        if let Some(src) = source {
            by_source_rows.entry(src.clone()).or_default().push(s);
        }
    }
    let (mut nat, mut nat_ok, mut lat, mut lat_ok) = (0, 0, 0, 0);
    for s in &scored {
        if let Some(g) = s.gold_lang {
            let ok = usize::from(g == s.pred_lang);
            if g.is_latin() {
                lat += 1;
                lat_ok += ok;
            } else {
                nat += 1;
                nat_ok += ok;
            }
        }
    }
    let gold: Vec<Intent> = scored.iter().map(|s| s.gold).collect();
    let pred: Vec<Intent> = scored.iter().map(|s| s.pred).collect();
    let conf: Vec<f32> = scored.iter().map(|s| s.conf).collect();
    EvalReport {
        intent: classification_report(&gold, &pred, &conf),
        non_other_share: ratio(
            pred.iter().filter(|&&p| p != Intent::Other).count(),
            pred.len(),
        ),
        by_lang: by_lang_rows
            .iter()
            .map(|(k, v)| (k.clone(), group(v)))
            .collect(),
        by_source: by_source_rows
            .iter()
            .map(|(k, v)| (k.clone(), group(v)))
            .collect(),
        lang_id: LangIdScores {
            native_n: nat,
            native_accuracy: ratio(nat_ok, nat),
            latin_n: lat,
            latin_accuracy: ratio(lat_ok, lat),
        },
        entities,
        skipped,
        entity_errors,
        tier: engine.tier().as_str().to_string(),
        encoder_share: ratio(by_encoder, pred.len()),
        exit_share: ratio(by_exit, pred.len()),
    }
}

/// Reads a labelled JSONL file leniently: each line that is not a labelled message is returned
/// as a [`Skipped`] with its line number, and reading goes on.
pub fn read_labelled(bytes: &[u8]) -> (Vec<LabelledMessage>, Vec<Skipped>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let id = format!("line {}", i + 1);
        match std::str::from_utf8(line) {
            Err(e) => bad.push(Skipped {
                id,
                reason: format!("invalid UTF-8: {e}"),
            }),
            Ok(s) => match serde_json::from_str::<LabelledMessage>(s) {
                Ok(m) => ok.push(m),
                Err(e) => bad.push(Skipped {
                    id,
                    reason: format!("not a labelled message: {e}"),
                }),
            },
        }
    }
    (ok, bad)
}
