//! Squeezing of characters repeated for emphasis ("plzzzzz", "hiiii", "!!!!", "🙏🙏🙏").
//!
//! A run of `min_run` or more copies of one character becomes a single copy whose origin covers
//! the whole run. Double letters stay ("good", "kaam", "appointment"), and digits are never
//! touched (`1000`, `9999999999` are values, not emphasis).

use super::Normalizer;
use crate::NormalizedText;

/// Squeezes runs of a repeated non-digit, non-space character.
pub struct SqueezeRepeats {
    /// Shortest run that is squeezed.
    pub min_run: usize,
}

impl Default for SqueezeRepeats {
    fn default() -> Self {
        SqueezeRepeats { min_run: 3 }
    }
}

impl Normalizer for SqueezeRepeats {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        let min_run = self.min_run.max(2);
        let squeezable = |c: char| !c.is_numeric() && !c.is_whitespace();
        let has_run = input
            .chars()
            .windows(min_run)
            .any(|w| w.iter().all(|&c| c == w[0]) && squeezable(w[0]));
        if !has_run {
            return input;
        }
        let chars = input.chars();
        let origins = input.origins();
        let mut out_chars = Vec::with_capacity(chars.len());
        let mut out_origins = Vec::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let mut j = i + 1;
            while j < chars.len() && chars[j] == c {
                j += 1;
            }
            let squeeze = j - i >= min_run && squeezable(c);
            if squeeze {
                out_chars.push(c);
                out_origins.push((origins[i].0, origins[j - 1].1));
            } else {
                out_chars.extend_from_slice(&chars[i..j]);
                out_origins.extend_from_slice(&origins[i..j]);
            }
            i = j;
        }
        NormalizedText::from_parts(out_chars, out_origins, input.original_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeezes_runs_of_three_or_more() {
        let n = SqueezeRepeats::default()
            .normalize(NormalizedText::identity("plzzzzz good 1000 ??? 🙏🙏🙏"));
        assert_eq!(n.text(), "plz good 1000 ? 🙏");
        assert_eq!(n.origins()[2], (2, 7));
    }
}
