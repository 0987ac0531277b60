//! Classification metrics: accuracy, per-intent precision/recall/F1, macro-F1, confusion matrix
//! and expected calibration error.
//!
//! Macro-F1 averages over the intents present in the gold labels, so a benchmark that has only
//! some of the seven classes is scored on the classes it has; predictions of absent classes still
//! count as errors (they lower the recall of the gold class).

use sandesh_types::Intent;
use serde::{Deserialize, Serialize};

const K: usize = Intent::ALL.len();

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    /// The class.
    pub intent: Intent,
    /// Correct predictions of this class / all predictions of it (0 when never predicted).
    pub precision: f64,
    /// Correct predictions of this class / gold messages of it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Gold messages of this class.
    pub support: usize,
}

/// Scores of a set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationReport {
    /// Messages scored.
    pub n: usize,
    /// Share of correct primary intents.
    pub accuracy: f64,
    /// Mean F1 over the intents present in the gold labels.
    pub macro_f1: f64,
    /// Per intent, in [`Intent::ALL`] order, only those present in gold or predictions.
    pub per_intent: Vec<ClassScores>,
    /// `confusion[gold][predicted]`, in [`Intent::ALL`] order.
    pub confusion: Vec<Vec<usize>>,
    /// Expected calibration error of the primary confidence (15 equal-width bins).
    pub ece: f64,
}

/// Scores predictions against gold labels; `confidence` is the probability given to the
/// predicted intent.
pub fn classification_report(
    gold: &[Intent],
    predicted: &[Intent],
    confidence: &[f32],
) -> ClassificationReport {
    let n = gold.len().min(predicted.len()).min(confidence.len());
    let mut confusion = vec![vec![0usize; K]; K];
    for i in 0..n {
        confusion[gold[i].index()][predicted[i].index()] += 1;
    }
    let correct: usize = (0..K).map(|k| confusion[k][k]).sum();
    let mut per_intent = Vec::new();
    let mut f1_sum = 0.0;
    let mut present = 0;
    for intent in Intent::ALL {
        let k = intent.index();
        let tp = confusion[k][k] as f64;
        let support: usize = confusion[k].iter().sum();
        let predicted_k: usize = (0..K).map(|g| confusion[g][k]).sum();
        if support == 0 && predicted_k == 0 {
            continue;
        }
        let precision = if predicted_k > 0 {
            tp / predicted_k as f64
        } else {
            0.0
        };
        let recall = if support > 0 {
            tp / support as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if support > 0 {
            f1_sum += f1;
            present += 1;
        }
        per_intent.push(ClassScores {
            intent,
            precision,
            recall,
            f1,
            support,
        });
    }
    let hits: Vec<bool> = (0..n).map(|i| gold[i] == predicted[i]).collect();
    ClassificationReport {
        n,
        accuracy: if n > 0 {
            correct as f64 / n as f64
        } else {
            0.0
        },
        macro_f1: if present > 0 {
            f1_sum / present as f64
        } else {
            0.0
        },
        per_intent,
        confusion,
        ece: expected_calibration_error(&confidence[..n], &hits, 15),
    }
}

/// Expected calibration error: the support-weighted mean gap between confidence and accuracy
/// over `bins` equal-width confidence bins.
pub fn expected_calibration_error(confidence: &[f32], correct: &[bool], bins: usize) -> f64 {
    let n = confidence.len().min(correct.len());
    if n == 0 || bins == 0 {
        return 0.0;
    }
    let mut sum_conf = vec![0f64; bins];
    let mut sum_hit = vec![0f64; bins];
    let mut count = vec![0usize; bins];
    for i in 0..n {
        let c = f64::from(confidence[i]).clamp(0.0, 1.0);
        let b = ((c * bins as f64) as usize).min(bins - 1);
        sum_conf[b] += c;
        sum_hit[b] += f64::from(u8::from(correct[i]));
        count[b] += 1;
    }
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| (sum_conf[b] - sum_hit[b]).abs())
        .sum::<f64>()
        / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use Intent::*;

    #[test]
    fn hand_computed_report() {
        let gold = [Lead, Lead, Lead, Support, Support, Payment];
        let pred = [Lead, Lead, Support, Support, Lead, Payment];
        let conf = [0.9, 0.8, 0.6, 0.7, 0.5, 0.95];
        let r = classification_report(&gold, &pred, &conf);
        assert_eq!(r.n, 6);
        assert!((r.accuracy - 4.0 / 6.0).abs() < 1e-12);
        let lead = r.per_intent.iter().find(|s| s.intent == Lead).unwrap();
        // lead: tp 2, predicted 3, gold 3.
        assert!(
            (lead.precision - 2.0 / 3.0).abs() < 1e-12 && (lead.recall - 2.0 / 3.0).abs() < 1e-12
        );
        let support = r.per_intent.iter().find(|s| s.intent == Support).unwrap();
        // support: tp 1, predicted 2, gold 2 → F1 0.5. payment: F1 1.
        assert!((support.f1 - 0.5).abs() < 1e-12);
        assert!((r.macro_f1 - (2.0 / 3.0 + 0.5 + 1.0) / 3.0).abs() < 1e-12);
        assert_eq!(r.confusion[Lead.index()][Support.index()], 1);
        assert_eq!(r.per_intent.len(), 3);
    }

    #[test]
    fn predictions_of_absent_classes_do_not_enter_the_macro_average() {
        let r = classification_report(&[Lead, Lead], &[Lead, Hiring], &[0.9, 0.9]);
        let hiring = r.per_intent.iter().find(|s| s.intent == Hiring).unwrap();
        assert_eq!((hiring.support, hiring.precision), (0, 0.0));
        assert!((r.macro_f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn ece_of_perfect_and_overconfident_models() {
        assert!(expected_calibration_error(&[1.0, 1.0], &[true, true], 15) < 1e-12);
        let e = expected_calibration_error(
            &[0.9; 10],
            &[
                true, true, true, true, true, false, false, false, false, false,
            ],
            15,
        );
        assert!((e - 0.4).abs() < 1e-6);
        assert_eq!(expected_calibration_error(&[], &[], 15), 0.0);
    }
}
