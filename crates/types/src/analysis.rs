//! The analysis of one message, and a labelled message of the data sets.

use crate::{Entity, Intent, Lang};
use serde::{Deserialize, Serialize};

/// A message id echoed from the input: a JSON string or integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MessageId {
    /// An integer id.
    Int(i64),
    /// A string id.
    Str(String),
}

/// One intent with its calibrated probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntentScore {
    /// The intent.
    pub intent: Intent,
    /// Its calibrated probability in [0, 1].
    pub score: f32,
}

/// Where a routing rule sends a message (filled in by the service's routing rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The queue or workflow to start.
    pub queue: String,
    /// Priority label, such as `normal` or `high`.
    pub priority: String,
    /// Minutes within which the business means to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_minutes: Option<u32>,
    /// Person or team to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
}

/// The analysis of one message: the JSON of `CONTRACT.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Echoed from the input when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MessageId>,
    /// The primary intent (the first of `intents`).
    pub intent: Intent,
    /// Calibrated probability of `intent`.
    pub confidence: f32,
    /// Every intent with its probability, highest first.
    pub intents: Vec<IntentScore>,
    /// Matrix language of the message.
    pub lang: Lang,
    /// Entities, in order of their start.
    pub entities: Vec<Entity>,
    /// Where the routing rules send this message; absent without rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
}

impl Analysis {
    /// Each intent's probability, indexed by [`Intent::index`] (0 for an intent missing from
    /// `intents`).
    pub fn probabilities(&self) -> [f32; Intent::ALL.len()] {
        let mut p = [0.0; Intent::ALL.len()];
        for s in &self.intents {
            if let Some(slot) = p.get_mut(s.intent.index()) {
                *slot = s.score;
            }
        }
        p
    }
}

/// One line of a labelled data file in the `LABELS.md` format.
///
/// Reading is lenient where external benchmark files differ: `label` is accepted for `intent`,
/// and `lang` is kept as written since external files carry tags outside the 19 (`syl`, `unknown`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledMessage {
    /// Stable id of the message.
    pub id: String,
    /// The message as written.
    pub text: String,
    /// Gold intent.
    #[serde(alias = "label")]
    pub intent: Intent,
    /// Gold language tag as written in the file.
    pub lang: String,
    /// Gold entities.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Whether a decision rule of `LABELS.md` decides the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard: Option<bool>,
    /// `hand` or `gen` in project data; the upstream corpus in external files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// External files: whether the label mapping is disputable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub borderline: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityKind, EntityValue, Span};

    /// The example of `CONTRACT.md`, "The analysis of one message", verbatim.
    const CONTRACT_EXAMPLE: &str = r##"{
  "id": "m-17",
  "intent": "payment",
  "confidence": 0.93,
  "intents": [{"intent": "payment", "score": 0.93}, {"intent": "support", "score": 0.04}],
  "lang": "hinglish",
  "entities": [
    {"type": "amount", "start": 8, "end": 14, "text": "₹4,500", "value": {"amount": 4500.0, "currency": "INR"}},
    {"type": "order_id", "start": 30, "end": 36, "text": "#45821", "value": "45821"}
  ],
  "route": {"queue": "accounts", "priority": "normal"}
}"##;

    #[test]
    fn probabilities_sit_at_each_intents_index() {
        let a: Analysis = serde_json::from_str(CONTRACT_EXAMPLE).unwrap();
        let p = a.probabilities();
        assert_eq!(p[Intent::Payment.index()], 0.93);
        assert_eq!(p[Intent::Support.index()], 0.04);
        // Intents the analysis leaves out are 0.
        assert_eq!(
            p.iter().filter(|&&x| x == 0.0).count(),
            Intent::ALL.len() - 2
        );
    }

    #[test]
    fn contract_example_round_trips() {
        let a: Analysis = serde_json::from_str(CONTRACT_EXAMPLE).unwrap();
        assert_eq!(a.id, Some(MessageId::Str("m-17".into())));
        assert_eq!(a.intent, Intent::Payment);
        assert!((a.confidence - 0.93).abs() < 1e-6);
        assert_eq!(a.intents[1].intent, Intent::Support);
        assert_eq!(a.lang, Lang::Hinglish);
        assert_eq!(a.entities[0].kind, EntityKind::Amount);
        assert_eq!(a.entities[0].span, Span::new(8, 14));
        assert_eq!(a.entities[0].value, Some(EntityValue::money(4500.0, "INR")));
        assert_eq!(a.entities[1].value, Some(EntityValue::Text("45821".into())));
        assert_eq!(a.route.as_ref().unwrap().queue, "accounts");

        let expected: serde_json::Value = serde_json::from_str(CONTRACT_EXAMPLE).unwrap();
        let back = serde_json::to_value(&a).unwrap();
        // f32 confidences come back as the nearest f64; compare the rest exactly.
        let strip = |mut v: serde_json::Value| {
            v["confidence"] = serde_json::Value::Null;
            for s in v["intents"].as_array_mut().unwrap() {
                s["score"] = serde_json::Value::Null;
            }
            v
        };
        assert_eq!(strip(back.clone()), strip(expected));
        assert!((back["intents"][1]["score"].as_f64().unwrap() - 0.04).abs() < 1e-6);
    }

    #[test]
    fn absent_id_and_route_are_omitted() {
        let a = Analysis {
            id: None,
            intent: Intent::Other,
            confidence: 1.0,
            intents: vec![],
            lang: Lang::En,
            entities: vec![],
            route: None,
        };
        let v = serde_json::to_value(&a).unwrap();
        assert!(v.get("id").is_none() && v.get("route").is_none());
        let numeric: Analysis = serde_json::from_str(
            r#"{"id":17,"intent":"other","confidence":1,"intents":[],"lang":"en","entities":[]}"#,
        )
        .unwrap();
        assert_eq!(numeric.id, Some(MessageId::Int(17)));
    }

    #[test]
    fn labelled_lines_accept_external_shapes() {
        let ours: LabelledMessage = serde_json::from_str(
            r#"{"id":"h-1","text":"kal 5 baje","intent":"booking","lang":"hinglish","hard":false,"source":"hand",
               "entities":[{"type":"date","start":0,"end":3,"text":"kal"}]}"#,
        )
        .unwrap();
        assert!(ours.entities[0].matches(&ours.text));
        let external: LabelledMessage = serde_json::from_str(
            r#"{"id":"x:1","text":"hello","label":"other","lang":"unknown","borderline":true}"#,
        )
        .unwrap();
        assert_eq!(external.intent, Intent::Other);
        assert_eq!(external.borderline, Some(true));
        assert!(serde_json::from_str::<LabelledMessage>(
            r#"{"id":"x","text":"a","intent":"sales","lang":"en"}"#
        )
        .is_err());
    }
}
