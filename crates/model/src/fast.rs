//! The fast classifier: mean of hashed n-gram embeddings, then a linear softmax layer.

use crate::calibration::softmax_with_temperature;
use crate::features::FeatureConfig;
use crate::rng::SplitMix64;
use half::f16;
use sandesh_text::{normalize, words, Token};
use sandesh_types::{Intent, Lang};
use serde::{Deserialize, Serialize};

const K: usize = Intent::ALL.len();

/// Architecture and training settings of the fast classifier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FastConfig {
    /// Feature extraction.
    pub features: FeatureConfig,
    /// Embedding size.
    pub dim: usize,
    /// Passes over the training data.
    pub epochs: usize,
    /// Initial learning rate, decayed linearly to zero.
    pub lr: f32,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
}

impl Default for FastConfig {
    fn default() -> Self {
        FastConfig {
            features: FeatureConfig::default(),
            dim: 16,
            epochs: 30,
            lr: 0.5,
            seed: 42,
        }
    }
}

/// One training message.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainExample {
    /// The message as written (normalised by the trainer).
    pub text: String,
    /// Gold intent.
    pub intent: Intent,
    /// Language tag (a feature of the model).
    pub lang: Lang,
}

impl TrainExample {
    /// A training example.
    pub fn new(text: impl Into<String>, intent: Intent, lang: Lang) -> Self {
        TrainExample {
            text: text.into(),
            intent,
            lang,
        }
    }
}

/// A trained fast classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct FastClassifier {
    pub(crate) config: FastConfig,
    /// `buckets × dim`, row-major.
    pub(crate) embeddings: Vec<f32>,
    /// `K × dim`, row-major.
    pub(crate) weight: Vec<f32>,
    pub(crate) bias: [f32; K],
    pub(crate) temperature: f32,
}

impl FastClassifier {
    /// The configuration it was trained with.
    pub fn config(&self) -> &FastConfig {
        &self.config
    }

    /// The calibration temperature (1.0 until calibrated).
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// Sets the calibration temperature.
    pub fn set_temperature(&mut self, t: f32) {
        self.temperature = t;
    }

    /// Uncalibrated logits for an already normalised text, in [`Intent::ALL`] order.
    pub fn logits(&self, normalized: &str, lang: Lang) -> [f32; K] {
        self.logits_tokens(&words(normalized), lang)
    }

    /// Uncalibrated logits for a normalised text already cut into `tokens`.
    pub fn logits_tokens(&self, tokens: &[Token<'_>], lang: Lang) -> [f32; K] {
        let mut feats = Vec::with_capacity(256);
        self.config
            .features
            .extract_tokens(tokens, lang, &mut feats);
        let mut hidden = vec![0f32; self.config.dim];
        self.hidden(&feats, &mut hidden);
        self.output(&hidden)
    }

    /// Calibrated probabilities for an already normalised text, in [`Intent::ALL`] order.
    pub fn predict(&self, normalized: &str, lang: Lang) -> [f32; K] {
        self.predict_tokens(&words(normalized), lang)
    }

    /// Calibrated probabilities for a normalised text already cut into `tokens`.
    pub fn predict_tokens(&self, tokens: &[Token<'_>], lang: Lang) -> [f32; K] {
        let p = softmax_with_temperature(&self.logits_tokens(tokens, lang), self.temperature);
        let mut out = [0f32; K];
        out.copy_from_slice(&p);
        out
    }

    /// Normalises `text` and predicts.
    pub fn predict_text(&self, text: &str, lang: Lang) -> [f32; K] {
        self.predict(normalize(text).text(), lang)
    }

    fn hidden(&self, feats: &[u32], hidden: &mut [f32]) {
        let d = self.config.dim;
        hidden.fill(0.0);
        if feats.is_empty() {
            return;
        }
        for &f in feats {
            let row = &self.embeddings[f as usize * d..(f as usize + 1) * d];
            for (h, &e) in hidden.iter_mut().zip(row) {
                *h += e;
            }
        }
        let inv = 1.0 / feats.len() as f32;
        hidden.iter_mut().for_each(|h| *h *= inv);
    }

    fn output(&self, hidden: &[f32]) -> [f32; K] {
        let d = self.config.dim;
        let mut logits = self.bias;
        for (k, l) in logits.iter_mut().enumerate() {
            *l += self.weight[k * d..(k + 1) * d]
                .iter()
                .zip(hidden)
                .map(|(w, h)| w * h)
                .sum::<f32>();
        }
        logits
    }

    /// Rounds the embeddings to f16, as they are stored, so that a saved and reloaded model
    /// predicts exactly what this one does.
    pub(crate) fn round_embeddings_to_f16(&mut self) {
        for e in &mut self.embeddings {
            *e = f16::from_f32(*e).to_f32();
        }
    }
}

/// Trains a [`FastClassifier`] with SGD.
#[derive(Debug, Clone, Default)]
pub struct FastTrainer {
    config: FastConfig,
}

impl FastTrainer {
    /// A trainer with these settings.
    pub fn new(config: FastConfig) -> Self {
        FastTrainer { config }
    }

    /// Trains on `examples`; the same examples and seed give the same model, bit for bit.
    pub fn train(&self, examples: &[TrainExample]) -> FastClassifier {
        let cfg = self.config;
        let d = cfg.dim.max(1);
        let mut rng = SplitMix64::new(cfg.seed);
        let scale = 1.0 / d as f32;
        let embeddings = (0..cfg.features.buckets * d)
            .map(|_| (rng.next_f32() * 2.0 - 1.0) * scale)
            .collect();
        let mut model = FastClassifier {
            config: FastConfig { dim: d, ..cfg },
            embeddings,
            weight: vec![0.0; K * d],
            bias: [0.0; K],
            temperature: 1.0,
        };
        let data: Vec<(Vec<u32>, usize)> = examples
            .iter()
            .map(|ex| {
                let mut f = Vec::new();
                cfg.features
                    .extract(normalize(&ex.text).text(), ex.lang, &mut f);
                (f, ex.intent.index())
            })
            .collect();
        let mut order: Vec<usize> = (0..data.len()).collect();
        let total_steps = (cfg.epochs * data.len()).max(1) as f32;
        let mut step = 0usize;
        let mut hidden = vec![0f32; d];
        let mut grad_hidden = vec![0f32; d];
        for _ in 0..cfg.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let lr = cfg.lr * (1.0 - step as f32 / total_steps);
                step += 1;
                let (feats, gold) = &data[i];
                if feats.is_empty() {
                    continue;
                }
                model.hidden(feats, &mut hidden);
                let p = softmax_with_temperature(&model.output(&hidden), 1.0);
                grad_hidden.fill(0.0);
                for (k, (&pk, w)) in p.iter().zip(model.weight.chunks_exact_mut(d)).enumerate() {
                    let g = pk - if k == *gold { 1.0 } else { 0.0 };
                    for ((gh, wj), &hj) in grad_hidden.iter_mut().zip(w.iter_mut()).zip(&hidden) {
                        *gh += g * *wj;
                        *wj -= lr * g * hj;
                    }
                    model.bias[k] -= lr * g;
                }
                let step_size = lr / feats.len() as f32;
                for &f in feats {
                    let row = &mut model.embeddings[f as usize * d..(f as usize + 1) * d];
                    for (e, g) in row.iter_mut().zip(&grad_hidden) {
                        *e -= step_size * g;
                    }
                }
            }
        }
        model.round_embeddings_to_f16();
        model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<TrainExample> {
        let rows = [
            ("price kya hai", Intent::Lead),
            ("rate batao bhai", Intent::Lead),
            ("order nahi aaya abhi tak", Intent::Support),
            ("item damaged hai", Intent::Support),
            ("payment kar diya", Intent::Payment),
            ("upi id bhejo payment ke liye", Intent::Payment),
            ("kal 5 baje appointment", Intent::Booking),
            ("slot book karna hai kal", Intent::Booking),
            ("job chahiye sir resume bheja", Intent::Hiring),
            ("vacancy hai kya", Intent::Hiring),
            ("sir new stock aaya hai rate list", Intent::Vendor),
            ("humara bill pending hai supplier", Intent::Vendor),
            ("good morning", Intent::Other),
            ("thanks 👍", Intent::Other),
        ];
        rows.iter()
            .map(|(t, i)| TrainExample::new(*t, *i, Lang::Hinglish))
            .collect()
    }

    fn small() -> FastConfig {
        FastConfig {
            features: FeatureConfig {
                buckets: 1 << 12,
                ..FeatureConfig::default()
            },
            dim: 16,
            epochs: 100,
            lr: 1.0,
            ..FastConfig::default()
        }
    }

    #[test]
    fn learns_the_training_set_and_is_deterministic() {
        let data = toy();
        let a = FastTrainer::new(small()).train(&data);
        let b = FastTrainer::new(small()).train(&data);
        assert_eq!(a, b);
        let correct = data
            .iter()
            .filter(|ex| {
                let p = a.predict_text(&ex.text, ex.lang);
                let best = (0..K).max_by(|&x, &y| p[x].total_cmp(&p[y])).unwrap();
                best == ex.intent.index()
            })
            .count();
        assert_eq!(correct, data.len());
        let other_seed = FastTrainer::new(FastConfig {
            seed: 43,
            ..small()
        })
        .train(&data);
        assert_ne!(a.embeddings, other_seed.embeddings);
    }

    #[test]
    fn probabilities_are_a_distribution_even_for_unseen_text() {
        let m = FastTrainer::new(small()).train(&toy());
        for text in ["", "zzzz qqqq", "ஆர்டர் வரவில்லை", "🙏"] {
            let p = m.predict_text(text, Lang::En);
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            assert!(p.iter().all(|x| x.is_finite() && *x >= 0.0));
        }
    }
}
