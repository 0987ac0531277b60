//! Language identification for the 19 tags.
//!
//! The script decides most native tags: Tamil, Telugu, Kannada, Malayalam, Bengali, Gujarati and
//! Gurmukhi letters each belong to one language here. Two questions need a model: Devanagari is
//! Hindi or Marathi, and Latin letters are English, Hinglish or one of the eight romanized
//! regional languages. Both are answered by a multinomial naive Bayes classifier over hashed
//! character n-grams of words (with `<` `>` word boundaries) plus whole words, trained on the
//! project's own data; it is small, deterministic and needs no iterative training.
//!
//! Code-mixed text takes the matrix language: when at least `native_share` of the letters are in
//! one native script, that script's languages are the candidates, otherwise the Latin ones.

use crate::hashing::{bucket_of, char_ngram_hashes, fnv1a};
use crate::scripts::{Script, ScriptCounts};
use crate::words::{has_letter, words, Token};
use sandesh_types::Lang;

/// Errors of the language identifier.
#[derive(Debug, thiserror::Error)]
pub enum LangIdError {
    /// Stored tables do not have the shape the configuration says.
    #[error("language-id tables do not match their configuration: {0}")]
    Shape(String),
}

/// Settings of the language identifier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangIdConfig {
    /// Number of hash buckets for n-gram features.
    pub buckets: usize,
    /// Shortest character n-gram.
    pub min_n: usize,
    /// Longest character n-gram.
    pub max_n: usize,
    /// Additive smoothing of the n-gram counts.
    pub alpha: f32,
    /// Share of letters in one native script from which that script decides the candidates.
    pub native_share: f32,
}

impl Default for LangIdConfig {
    fn default() -> Self {
        LangIdConfig {
            buckets: 1 << 16,
            min_n: 1,
            max_n: 4,
            alpha: 0.05,
            native_share: 0.1,
        }
    }
}

/// The tags the model decides between: the Latin ones, and Hindi vs Marathi.
pub const MODEL_CLASSES: [Lang; 12] = [
    Lang::En,
    Lang::Hinglish,
    Lang::TaLatn,
    Lang::TeLatn,
    Lang::MrLatn,
    Lang::BnLatn,
    Lang::GuLatn,
    Lang::KnLatn,
    Lang::MlLatn,
    Lang::PaLatn,
    Lang::Hi,
    Lang::Mr,
];

/// How many of [`MODEL_CLASSES`] (from the start) are Latin-script tags.
const LATIN_CLASSES: usize = 10;

/// A trained language identifier.
#[derive(Debug, Clone)]
pub struct LangId {
    config: LangIdConfig,
    /// Log-probabilities, bucket-major: `log_prob[bucket * classes + class]`.
    log_prob: Vec<f32>,
    /// Log prior of each class (share of training messages).
    log_prior: Vec<f32>,
}

fn features(config: &LangIdConfig, tokens: &[Token<'_>], mut f: impl FnMut(usize)) {
    let buckets = config.buckets as u64;
    for token in tokens {
        if !has_letter(token.text) {
            continue;
        }
        f(bucket_of(fnv1a(1, &[token.text]), buckets) as usize);
        char_ngram_hashes(2, token.text, config.min_n, config.max_n, |h| {
            f(bucket_of(h, buckets) as usize)
        });
    }
}

impl LangId {
    /// Rebuilds a trained identifier from its stored tables: `buckets × MODEL_CLASSES.len()`
    /// log-probabilities and `MODEL_CLASSES.len()` log priors.
    pub fn from_parts(
        config: LangIdConfig,
        log_prob: Vec<f32>,
        log_prior: Vec<f32>,
    ) -> Result<Self, LangIdError> {
        if config.buckets == 0 || config.min_n == 0 || config.min_n > config.max_n {
            return Err(LangIdError::Shape(format!("bad configuration {config:?}")));
        }
        let expected = config.buckets * MODEL_CLASSES.len();
        if log_prob.len() != expected {
            return Err(LangIdError::Shape(format!(
                "{} values, expected {expected}",
                log_prob.len()
            )));
        }
        if log_prior.len() != MODEL_CLASSES.len() {
            return Err(LangIdError::Shape(format!(
                "{} priors, expected {}",
                log_prior.len(),
                MODEL_CLASSES.len()
            )));
        }
        if log_prob.iter().chain(&log_prior).any(|v| !v.is_finite()) {
            return Err(LangIdError::Shape("non-finite log-probability".into()));
        }
        Ok(LangId {
            config,
            log_prob,
            log_prior,
        })
    }

    /// The configuration it was trained with.
    pub fn config(&self) -> &LangIdConfig {
        &self.config
    }

    /// The stored table (`buckets × MODEL_CLASSES.len()`), for saving.
    pub fn table(&self) -> &[f32] {
        &self.log_prob
    }

    /// The log priors (`MODEL_CLASSES.len()`), for saving.
    pub fn priors(&self) -> &[f32] {
        &self.log_prior
    }

    /// The language of a normalised text.
    pub fn identify(&self, normalized: &str) -> Lang {
        self.identify_tokens(normalized, &words(normalized))
    }

    /// The language of a normalised text already cut into `tokens` (saves cutting it twice when
    /// the caller needs the tokens too).
    pub fn identify_tokens(&self, normalized: &str, tokens: &[Token<'_>]) -> Lang {
        let counts = ScriptCounts::of(normalized);
        let total = counts.total();
        if total == 0 {
            return Lang::En;
        }
        let latin_candidates = 0..LATIN_CLASSES;
        let candidates = match counts.top_native() {
            Some((script, n)) if n as f32 >= self.config.native_share * total as f32 => {
                match script {
                    Script::Devanagari => LATIN_CLASSES..MODEL_CLASSES.len(),
                    Script::Bengali => return Lang::Bn,
                    Script::Gurmukhi => return Lang::Pa,
                    Script::Gujarati => return Lang::Gu,
                    Script::Tamil => return Lang::Ta,
                    Script::Telugu => return Lang::Te,
                    Script::Kannada => return Lang::Kn,
                    Script::Malayalam => return Lang::Ml,
                    _ => latin_candidates,
                }
            }
            _ => latin_candidates,
        };
        self.best_of(tokens, candidates)
    }

    /// The best of `candidates`, a contiguous range of MODEL_CLASSES (the Latin tags, or hi/mr),
    /// so that each feature adds one contiguous slice of its row: no gathers in the hot loop.
    fn best_of(&self, tokens: &[Token<'_>], candidates: std::ops::Range<usize>) -> Lang {
        let k = MODEL_CLASSES.len();
        let (lo, hi) = (candidates.start, candidates.end);
        let mut scores: Vec<f32> = self.log_prior[lo..hi].to_vec();
        features(&self.config, tokens, |b| {
            let row = &self.log_prob[b * k + lo..b * k + hi];
            for (s, &v) in scores.iter_mut().zip(row) {
                *s += v;
            }
        });
        let best = scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i);
        MODEL_CLASSES[lo + best]
    }
}

/// Trains a [`LangId`] from normalised texts and their tags.
#[derive(Debug, Clone, Default)]
pub struct LangIdTrainer {
    /// Settings to train with.
    pub config: LangIdConfig,
}

impl LangIdTrainer {
    /// Counts n-grams per tag and turns them into smoothed log-probabilities. Examples whose tag
    /// the model does not decide (native scripts other than Devanagari) are skipped: the script
    /// decides them.
    pub fn train<'a>(&self, examples: impl IntoIterator<Item = (&'a str, Lang)>) -> LangId {
        let k = MODEL_CLASSES.len();
        let b = self.config.buckets;
        let mut counts = vec![0f32; b * k];
        let mut totals = vec![0f32; k];
        let mut messages = vec![0f32; k];
        for (text, lang) in examples {
            let Some(c) = MODEL_CLASSES.iter().position(|&m| m == lang) else {
                continue;
            };
            messages[c] += 1.0;
            features(&self.config, &words(text), |bucket| {
                counts[bucket * k + c] += 1.0;
                totals[c] += 1.0;
            });
        }
        let alpha = self.config.alpha;
        let log_prob = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| ((n + alpha) / (totals[i % k] + alpha * b as f32)).ln())
            .collect();
        let all: f32 = messages.iter().sum();
        let log_prior = messages
            .iter()
            .map(|&n| ((n + 1.0) / (all + k as f32)).ln())
            .collect();
        LangId {
            config: self.config,
            log_prob,
            log_prior,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> LangId {
        let data = [
            ("please send the price list", Lang::En),
            ("what is the rate of this item", Lang::En),
            ("bhai ye kitne ka hai", Lang::Hinglish),
            ("mujhe order karna hai kal tak", Lang::Hinglish),
            ("evlo rate sollunga", Lang::TaLatn),
            ("naalaiku varalama", Lang::TaLatn),
            ("मुझे कल तक चाहिए", Lang::Hi),
            ("मला उद्या पाहिजे आहे", Lang::Mr),
        ];
        LangIdTrainer::default().train(data)
    }

    #[test]
    fn script_decides_native_tags() {
        let m = tiny();
        assert_eq!(m.identify("ఆర్డర్ ఇంకా రాలేదు"), Lang::Te);
        assert_eq!(m.identify("order ഇതുവരെ വന്നില്ല"), Lang::Ml);
        assert_eq!(m.identify("কাল আসবো"), Lang::Bn);
        assert_eq!(m.identify("👍👍"), Lang::En);
        assert_eq!(m.identify("12345"), Lang::En);
    }

    #[test]
    fn model_decides_latin_and_devanagari() {
        let m = tiny();
        assert_eq!(m.identify("bhai kitne ka hai ye"), Lang::Hinglish);
        assert_eq!(m.identify("send the price please"), Lang::En);
        assert_eq!(m.identify("rate evlo sollunga"), Lang::TaLatn);
        assert_eq!(m.identify("मला पाहिजे आहे"), Lang::Mr);
        assert_eq!(m.identify("मुझे चाहिए"), Lang::Hi);
    }

    #[test]
    fn stored_tables_are_checked() {
        let m = tiny();
        let again =
            LangId::from_parts(*m.config(), m.table().to_vec(), m.priors().to_vec()).unwrap();
        assert_eq!(again.identify("bhai kitne ka hai"), Lang::Hinglish);
        assert!(LangId::from_parts(*m.config(), vec![0.0; 3], m.priors().to_vec()).is_err());
        assert!(LangId::from_parts(*m.config(), m.table().to_vec(), vec![0.0; 2]).is_err());
        let mut bad = m.table().to_vec();
        bad[0] = f32::NAN;
        assert!(LangId::from_parts(*m.config(), bad, m.priors().to_vec()).is_err());
    }
}
