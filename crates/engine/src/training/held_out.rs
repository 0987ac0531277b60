//! The cascade's two mix weights, chosen on languages the models never saw.
//!
//! The first stage mixes the fast tier with the gate head, and the early exit mixes the first
//! stage with the exit head. Dev is drawn like train, where the fast model is at its best, so
//! weights fitted on dev lean on it; but the encoder's heads are there for text unlike train.
//! Our own data can show such text: hold out one language (every script of it), train the fast
//! model, the gate and the exit on the others, and read the held-out language with them. Pooled
//! over every language, those readings score each weight on text the models were not fitted to.

use super::{train, train_calibrated, CascadeParts, Reading};
use crate::{Engine, Result, DEFAULT_MAX_CHARS};
use sandesh_model::{FastConfig, HeadConfig};
use sandesh_text::LangIdConfig;
use sandesh_types::LabelledMessage;
use std::collections::BTreeSet;

/// The weights tried, from 0 to 1 by tenths.
pub const MIX_WEIGHT_GRID: [f32; 11] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// The items of `set` at `idx`, in that order.
fn pick<T: Clone>(set: &[T], idx: &[usize]) -> Vec<T> {
    idx.iter().filter_map(|&i| set.get(i).cloned()).collect()
}

/// A held-out message's item (vector, count): `i` counts train's, then dev's.
fn held_x<'a, T>((t, d): (&'a [T], &'a [T]), i: usize) -> Option<&'a T> {
    t.get(i).or_else(|| d.get(i.checked_sub(t.len())?))
}

/// The language a tag names, whatever its script: `ta-Latn` and `ta` are both `ta`, so a held-out
/// language takes its romanized messages with it.
pub fn language_group(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// One language held out: what its models train and calibrate on, and what they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageFold {
    /// The language ([`language_group`]).
    pub language: String,
    /// Indices of the train messages outside it.
    pub train: Vec<usize>,
    /// Indices of the dev messages outside it.
    pub dev: Vec<usize>,
    /// Indices of its messages in train then dev (dev's offset by the length of train).
    pub held: Vec<usize>,
}

/// A vector per message of train and of dev, in order.
pub type TrainDev<'a> = (&'a [Vec<f32>], &'a [Vec<f32>]);

/// One fold per language group of `train`, sorted; a group with nothing left to train or
/// calibrate on is skipped.
pub fn language_folds(train: &[LabelledMessage], dev: &[LabelledMessage]) -> Vec<LanguageFold> {
    let groups: BTreeSet<&str> = train.iter().map(|m| language_group(&m.lang)).collect();
    let outside = |set: &[LabelledMessage], g: &str| -> Vec<usize> {
        (0..set.len())
            .filter(|&i| set.get(i).is_some_and(|m| language_group(&m.lang) != g))
            .collect()
    };
    groups
        .into_iter()
        .filter_map(|g| {
            let (t, d) = (outside(train, g), outside(dev, g));
            let held: Vec<usize> = train
                .iter()
                .chain(dev)
                .enumerate()
                .filter(|(_, m)| language_group(&m.lang) == g)
                .map(|(i, _)| i)
                .collect();
            (!t.is_empty() && !d.is_empty() && !held.is_empty()).then(|| LanguageFold {
                language: g.to_string(),
                train: t,
                dev: d,
                held,
            })
        })
        .collect()
}

/// What the held-out languages chose, and how every weight scored.
#[derive(Debug, Clone, PartialEq)]
pub struct MixWeights {
    /// The fast tier's weight in the first stage.
    pub fast_weight: f32,
    /// The first stage's weight in the early exit's mix.
    pub first_weight: f32,
    /// Macro-F1 of the first stage at each fast weight of [`MIX_WEIGHT_GRID`].
    pub gate_sweep: Vec<(f32, f64)>,
    /// Macro-F1 of the early exit's mix at each first-stage weight, given the chosen fast
    /// weight (empty without an exit).
    pub exit_sweep: Vec<(f32, f64)>,
    /// Languages held out.
    pub folds: usize,
    /// Messages read by models that never saw their language.
    pub messages: usize,
}

/// What the models of each fold read: the readings behind [`MixWeights`], which can also
/// simulate the whole cascade on the held-out languages.
#[derive(Debug, Clone)]
pub struct HeldOut {
    /// The weights chosen, and how every weight scored.
    pub weights: MixWeights,
    readings: Vec<Reading>,
}

impl HeldOut {
    /// The cascade's parts on the held-out readings at the chosen weights (`to_exit`: the
    /// share of the encoder's layers up to the exit).
    pub(super) fn parts(&self, to_exit: f64) -> CascadeParts {
        let w = &self.weights;
        CascadeParts::of(&self.readings, w.fast_weight, w.first_weight, to_exit)
    }
}

/// What the heads read, for train and dev in order: the head's vectors, the gate's
/// ([`sandesh_model::GateInput`]) and, with an early exit, the exit's; and each message's token
/// count.
pub struct SideInputs<'a> {
    /// The head's vectors (every depth it reads) of train and dev.
    pub head: TrainDev<'a>,
    /// What the gate reads of train and dev.
    pub gate: TrainDev<'a>,
    /// Pools at the exit's depth of train and dev.
    pub exit: Option<TrainDev<'a>>,
    /// Token counts of train and dev.
    pub tokens: (&'a [usize], &'a [usize]),
}

/// Chooses the two mix weights on held-out languages: for each language group, the fast model
/// (`fast_config`, trained and calibrated as [`train`] does), the head, the gate and the exit
/// head (`config`, calibrated on dev) are trained without it and read its train and dev messages;
/// each weight of [`MIX_WEIGHT_GRID`] is scored by the macro-F1 of the mix over all those
/// readings, and the best wins (ties to the weight nearer an even mix). The fast weight is
/// chosen first, then the exit's given it. `None` when fewer than two languages can be held
/// out. Costs a fast model and two or three heads per language.
pub fn choose_mix_weights(
    train_set: &[LabelledMessage],
    dev_set: &[LabelledMessage],
    fast_config: FastConfig,
    config: HeadConfig,
    inputs: SideInputs<'_>,
    log: &mut dyn FnMut(String),
) -> Result<Option<HeldOut>> {
    let folds = language_folds(train_set, dev_set);
    if folds.len() < 2 {
        return Ok(None);
    }
    let n_folds = folds.len();
    let gold_of =
        |set: &[LabelledMessage]| -> Vec<usize> { set.iter().map(|m| m.intent.index()).collect() };
    let all: Vec<&LabelledMessage> = train_set.iter().chain(dev_set).collect();
    let mut readings = Vec::new();
    for fold in folds {
        let LanguageFold {
            language: group,
            train: t_idx,
            dev: d_idx,
            held,
        } = fold;
        let (t, d) = (pick(train_set, &t_idx), pick(dev_set, &d_idx));
        let (ty, dy) = (gold_of(&t), gold_of(&d));
        let fast_model = train(
            &t,
            &d,
            fast_config,
            LangIdConfig::default(),
            format!("all but {group}"),
        )?;
        let fast = Engine::from_model(fast_model.model, DEFAULT_MAX_CHARS);
        let side = |(tx, dx): TrainDev<'_>| {
            train_calibrated(config, &pick(tx, &t_idx), &ty, &pick(dx, &d_idx), &dy)
                .map(|(head, _)| head)
        };
        let head = side(inputs.head)?;
        let gate = side(inputs.gate)?;
        let exit = inputs.exit.map(side).transpose()?;
        let messages: Vec<(usize, &LabelledMessage)> = held
            .iter()
            .filter_map(|&i| all.get(i).map(|&m| (i, m)))
            .collect();
        let texts: Vec<&str> = messages.iter().map(|(_, m)| m.text.as_str()).collect();
        let fast_read = fast.classify_batch(&texts);
        let before = readings.len();
        for (&(i, m), read) in messages.iter().zip(fast_read) {
            // A message the fast tier cannot read (empty once normalised) has no first stage.
            let Ok(a) = read else {
                continue;
            };
            let (Some(g), Some(h), Some(&tokens)) = (
                held_x(inputs.gate, i),
                held_x(inputs.head, i),
                held_x(inputs.tokens, i),
            ) else {
                continue;
            };
            let exit_p = match (&exit, inputs.exit) {
                (Some(head), Some(x)) => held_x(x, i).map(|v| head.predict(v)),
                _ => None,
            };
            readings.push(Reading {
                fast: Some(a.probabilities()),
                gate: gate.predict(g),
                exit: exit_p,
                head: head.predict(h),
                gold: m.intent,
                tokens,
            });
        }
        log(format!(
            "held out {group}: {} messages read by models trained without it",
            readings.len() - before
        ));
    }
    // Every reading has a first stage (those the fast tier could not read were left out). The
    // first stage does not depend on the exit's weight, so its sweep reads the first stage alone.
    let parts = |w: f32, x: f32| CascadeParts::of(&readings, w, x, 1.0);
    let gate_sweep: Vec<(f32, f64)> = MIX_WEIGHT_GRID
        .iter()
        .map(|&w| (w, CascadeParts::first_stage_of(&readings, w).macro_f1))
        .collect();
    let fast_weight = best_weight(&gate_sweep);
    let has_exit = !readings.is_empty() && readings.iter().all(|r| r.exit.is_some());
    let exit_sweep: Vec<(f32, f64)> = if has_exit {
        MIX_WEIGHT_GRID
            .iter()
            .map(|&x| (x, parts(fast_weight, x).exit_report().macro_f1))
            .collect()
    } else {
        Vec::new()
    };
    let weights = MixWeights {
        fast_weight,
        // Without an exit the sweep is empty, which gives the even mix.
        first_weight: best_weight(&exit_sweep),
        gate_sweep,
        exit_sweep,
        folds: n_folds,
        messages: readings.len(),
    };
    Ok(Some(HeldOut { weights, readings }))
}

/// The weight with the best score; of equal scores, the one nearer an even mix (0.5), then the
/// lower. An empty sweep gives 0.5.
pub fn best_weight(sweep: &[(f32, f64)]) -> f32 {
    sweep
        .iter()
        .copied()
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then((b.0 - 0.5).abs().total_cmp(&(a.0 - 0.5).abs()))
                .then(b.0.total_cmp(&a.0))
        })
        .map_or(0.5, |(w, _)| w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandesh_types::Intent;

    fn message(text: &str, lang: &str) -> LabelledMessage {
        LabelledMessage {
            id: text.into(),
            text: text.into(),
            intent: Intent::Other,
            lang: lang.into(),
            entities: Vec::new(),
            hard: None,
            source: None,
            borderline: None,
        }
    }

    #[test]
    fn a_held_out_language_takes_every_script_and_leaves_training() {
        let train = vec![
            message("a", "ta"),
            message("b", "ta-Latn"),
            message("c", "hi"),
            message("d", "en"),
            message("e", "hi"),
        ];
        let dev = vec![
            message("f", "ta-Latn"),
            message("g", "en"),
            message("h", "hi"),
        ];
        let folds = language_folds(&train, &dev);
        let names: Vec<&str> = folds.iter().map(|f| f.language.as_str()).collect();
        assert_eq!(names, ["en", "hi", "ta"]);
        let all: Vec<&LabelledMessage> = train.iter().chain(&dev).collect();
        let mut seen = vec![0; all.len()];
        for f in &folds {
            let g = f.language.as_str();
            assert!(f.train.iter().all(|&i| language_group(&train[i].lang) != g));
            assert!(f.dev.iter().all(|&i| language_group(&dev[i].lang) != g));
            assert!(f.held.iter().all(|&i| language_group(&all[i].lang) == g));
            // Everything not held out is trained or calibrated on.
            assert_eq!(f.train.len() + f.dev.len() + f.held.len(), all.len());
            f.held.iter().for_each(|&i| seen[i] += 1);
        }
        // Each message is read once, by the models of its own language's fold.
        assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
        assert_eq!(folds[2].held, [0, 1, 5]);
    }

    #[test]
    fn a_language_with_no_dev_left_is_not_held_out() {
        let train = vec![message("a", "ta"), message("c", "hi")];
        let dev = vec![message("f", "ta")];
        // Holding out ta leaves dev empty, so only hi is held out.
        let folds = language_folds(&train, &dev);
        assert_eq!(folds.len(), 1);
        assert_eq!(folds[0].language, "hi");
    }

    #[test]
    fn the_best_weight_wins_and_ties_go_to_the_even_mix() {
        assert_eq!(best_weight(&[(0.3, 0.7), (0.5, 0.8), (0.6, 0.81)]), 0.6);
        assert_eq!(best_weight(&[(0.2, 0.8), (0.6, 0.8), (0.9, 0.8)]), 0.6);
        assert_eq!(best_weight(&[(0.4, 0.8), (0.6, 0.8)]), 0.4);
        assert_eq!(best_weight(&[]), 0.5);
    }
}
