//! Unicode canonical composition (NFC), one grapheme cluster at a time.
//!
//! Composition can join two starters (Bengali `ে` + `া` → `ো`), so stages cannot work per code
//! point; grapheme clusters are the smallest units that NFC never joins across, which keeps the
//! alignment exact everywhere else.

use super::Normalizer;
use crate::NormalizedText;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

/// NFC normalisation.
pub struct Nfc;

impl Normalizer for Nfc {
    fn normalize(&self, input: NormalizedText) -> NormalizedText {
        let text = input.text();
        if is_nfc_quick(text.chars()) == IsNormalized::Yes {
            return input;
        }
        let origins = input.origins();
        let mut chars = Vec::with_capacity(origins.len());
        let mut new_origins = Vec::with_capacity(origins.len());
        let mut char_index = 0;
        for cluster in text.graphemes(true) {
            let n = cluster.chars().count();
            let composed: Vec<char> = cluster.nfc().collect();
            if composed.iter().copied().eq(cluster.chars()) {
                chars.extend(cluster.chars());
                new_origins.extend_from_slice(&origins[char_index..char_index + n]);
            } else {
                let whole = (origins[char_index].0, origins[char_index + n - 1].1);
                new_origins.extend(std::iter::repeat_n(whole, composed.len()));
                chars.extend(composed);
            }
            char_index += n;
        }
        NormalizedText::from_parts(chars, new_origins, input.original_len())
    }
}
