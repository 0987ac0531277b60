//! The 19 language tags of `LABELS.md`.

use serde::{Deserialize, Serialize};

/// The matrix language of a message, with the script it is written in.
///
/// Native-script regional tags are bare ISO 639-1 codes (`ta`); the same languages written in
/// Latin letters carry the BCP 47 script subtag (`ta-Latn`). Romanized Hindi is `hinglish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lang {
    /// Indian English.
    #[serde(rename = "en")]
    En,
    /// Hindi in Devanagari.
    #[serde(rename = "hi")]
    Hi,
    /// Romanized Hindi, mixed with English or not.
    #[serde(rename = "hinglish")]
    Hinglish,
    /// Tamil in Tamil script.
    #[serde(rename = "ta")]
    Ta,
    /// Telugu in Telugu script.
    #[serde(rename = "te")]
    Te,
    /// Marathi in Devanagari.
    #[serde(rename = "mr")]
    Mr,
    /// Bengali in Bengali script.
    #[serde(rename = "bn")]
    Bn,
    /// Gujarati in Gujarati script.
    #[serde(rename = "gu")]
    Gu,
    /// Kannada in Kannada script.
    #[serde(rename = "kn")]
    Kn,
    /// Malayalam in Malayalam script.
    #[serde(rename = "ml")]
    Ml,
    /// Punjabi in Gurmukhi.
    #[serde(rename = "pa")]
    Pa,
    /// Tamil in Latin letters.
    #[serde(rename = "ta-Latn")]
    TaLatn,
    /// Telugu in Latin letters.
    #[serde(rename = "te-Latn")]
    TeLatn,
    /// Marathi in Latin letters.
    #[serde(rename = "mr-Latn")]
    MrLatn,
    /// Bengali in Latin letters.
    #[serde(rename = "bn-Latn")]
    BnLatn,
    /// Gujarati in Latin letters.
    #[serde(rename = "gu-Latn")]
    GuLatn,
    /// Kannada in Latin letters.
    #[serde(rename = "kn-Latn")]
    KnLatn,
    /// Malayalam in Latin letters.
    #[serde(rename = "ml-Latn")]
    MlLatn,
    /// Punjabi in Latin letters.
    #[serde(rename = "pa-Latn")]
    PaLatn,
}

impl Lang {
    /// All tags in canonical order.
    pub const ALL: [Lang; 19] = [
        Lang::En,
        Lang::Hi,
        Lang::Hinglish,
        Lang::Ta,
        Lang::Te,
        Lang::Mr,
        Lang::Bn,
        Lang::Gu,
        Lang::Kn,
        Lang::Ml,
        Lang::Pa,
        Lang::TaLatn,
        Lang::TeLatn,
        Lang::MrLatn,
        Lang::BnLatn,
        Lang::GuLatn,
        Lang::KnLatn,
        Lang::MlLatn,
        Lang::PaLatn,
    ];

    /// The tag as written in data files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
            Lang::Hinglish => "hinglish",
            Lang::Ta => "ta",
            Lang::Te => "te",
            Lang::Mr => "mr",
            Lang::Bn => "bn",
            Lang::Gu => "gu",
            Lang::Kn => "kn",
            Lang::Ml => "ml",
            Lang::Pa => "pa",
            Lang::TaLatn => "ta-Latn",
            Lang::TeLatn => "te-Latn",
            Lang::MrLatn => "mr-Latn",
            Lang::BnLatn => "bn-Latn",
            Lang::GuLatn => "gu-Latn",
            Lang::KnLatn => "kn-Latn",
            Lang::MlLatn => "ml-Latn",
            Lang::PaLatn => "pa-Latn",
        }
    }

    /// Position of this tag in [`Lang::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the tag is written in Latin letters (`en`, `hinglish` and the `-Latn` tags).
    pub fn is_latin(self) -> bool {
        matches!(self, Lang::En | Lang::Hinglish) || self.as_str().ends_with("-Latn")
    }
}

label_text!(Lang, "language tag");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_through_str_and_serde() {
        for (i, lang) in Lang::ALL.into_iter().enumerate() {
            assert_eq!(lang.index(), i);
            assert_eq!(lang.as_str().parse::<Lang>().unwrap(), lang);
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.as_str()));
        }
        assert!("ta-latn".parse::<Lang>().is_err());
    }

    #[test]
    fn latin_tags_are_en_hinglish_and_eight_romanized() {
        let latin: Vec<_> = Lang::ALL.into_iter().filter(|l| l.is_latin()).collect();
        assert_eq!(latin.len(), 10);
        assert!(Lang::PaLatn.is_latin() && !Lang::Pa.is_latin() && !Lang::Hi.is_latin());
    }
}
