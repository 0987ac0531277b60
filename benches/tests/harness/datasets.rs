//! Validates every file of `datasets/`: schema, tags, spans, values, ids, splits, counts.

use sandesh::{EntityKind, EntityValue, Intent, LabelledMessage, Lang};
use sandesh_bench::datasets_dir;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

const SPLITS: [&str; 3] = ["train", "dev", "test"];

fn load(split: &str) -> Vec<LabelledMessage> {
    let path = datasets_dir().join(format!("{split}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            // Strict: unknown intents, entity types or malformed spans fail here.
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{split}.jsonl line {}: {e}", i + 1))
        })
        .collect()
}

fn all() -> Vec<(&'static str, LabelledMessage)> {
    SPLITS
        .iter()
        .flat_map(|&s| load(s).into_iter().map(move |m| (s, m)))
        .collect()
}

fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The split rule of scripts/build_dataset.py, restated: generated messages go to train; a
/// hand-written message's split follows a hash of its id, 12/12/76 in general and 30/40/30 for
/// the entity-focused batches.
fn expected_split(m: &LabelledMessage) -> &'static str {
    let (dev, test) = match m.source.as_deref() {
        Some("hand") => (12, 12),
        Some("entity") => (30, 40),
        _ => return "train",
    };
    let h = sha_hex(m.id.as_bytes());
    let bucket = u32::from_str_radix(&h[..8], 16).unwrap() % 100;
    if bucket < dev {
        "dev"
    } else if bucket < dev + test {
        "test"
    } else {
        "train"
    }
}

#[test]
fn every_line_has_a_valid_schema_tag_and_id() {
    let rows = all();
    let mut ids = HashMap::new();
    for (split, m) in &rows {
        assert!(!m.text.trim().is_empty(), "{}: empty text", m.id);
        m.lang
            .parse::<Lang>()
            .unwrap_or_else(|e| panic!("{}: {e}", m.id));
        assert!(m.hard.is_some(), "{}: no hard flag", m.id);
        let source = m
            .source
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no source", m.id));
        let prefix = match source {
            "hand" => "h-",
            "entity" => "e-",
            "gen" => "g-",
            other => panic!("{}: unknown source {other}", m.id),
        };
        assert_eq!(
            m.id,
            format!("{prefix}{}", &sha_hex(m.text.as_bytes())[..12]),
            "ids are stable: derived from the text"
        );
        assert_eq!(*split, expected_split(m), "{} is in the wrong split", m.id);
        if let Some(other) = ids.insert(m.id.clone(), *split) {
            panic!("{} appears twice ({other} and {split})", m.id);
        }
    }
}

#[test]
fn dev_and_test_are_hand_written_only() {
    for (split, m) in all() {
        if split != "train" {
            assert!(
                matches!(m.source.as_deref(), Some("hand" | "entity")),
                "{split} holds {}",
                m.id
            );
        }
    }
}

#[test]
fn every_entity_indexes_the_original_text_and_has_its_value() {
    let mut n = 0;
    for (_, m) in all() {
        let mut last_end = 0;
        for e in &m.entities {
            n += 1;
            assert!(
                e.matches(&m.text),
                "{}: {:?} is not text[{}..{}]",
                m.id,
                e.text,
                e.span.start,
                e.span.end
            );
            assert!(
                e.span.start >= last_end,
                "{}: entities overlap or are unsorted",
                m.id
            );
            last_end = e.span.end;
            let value = e
                .value
                .as_ref()
                .unwrap_or_else(|| panic!("{}: {:?} has no value", m.id, e.text));
            match (e.kind, value) {
                (
                    EntityKind::Amount,
                    EntityValue::Money {
                        amount,
                        currency,
                        min,
                        max,
                    },
                ) => {
                    assert!(
                        amount.is_finite() && *amount >= 0.0,
                        "{}: amount {amount}",
                        m.id
                    );
                    assert_eq!(currency.len(), 3, "{}: currency {currency}", m.id);
                    if let Some(max) = max {
                        assert_eq!(*min, Some(*amount), "{}: a range starts at amount", m.id);
                        assert!(max > amount, "{}: range {amount}..{max}", m.id);
                    }
                }
                (EntityKind::Amount, v) => panic!("{}: amount value {v:?}", m.id),
                (_, EntityValue::Money { .. }) => panic!("{}: money value on a {}", m.id, e.kind),
                (EntityKind::Quantity, EntityValue::Quantity { quantity, unit }) => {
                    assert!(quantity.is_finite() && *quantity > 0.0, "{}", m.id);
                    assert!(
                        sandesh::extract::Unit::from_canonical(unit).is_some(),
                        "{}: unit {unit}",
                        m.id
                    );
                }
                (EntityKind::Quantity, v) => panic!("{}: quantity value {v:?}", m.id),
                (_, EntityValue::Quantity { .. }) => {
                    panic!("{}: quantity value on a {}", m.id, e.kind)
                }
                (EntityKind::Pin, EntityValue::Text(v)) => {
                    assert!(
                        v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()),
                        "{}: pin {v}",
                        m.id
                    )
                }
                (EntityKind::Gstin, EntityValue::Text(v)) => {
                    assert_eq!(*v, e.text.to_uppercase(), "{}", m.id)
                }
                (EntityKind::OrderId, EntityValue::Text(v)) => {
                    assert_eq!(
                        *v,
                        e.text.trim_start_matches('#').to_uppercase(),
                        "{}",
                        m.id
                    )
                }
                (EntityKind::Email | EntityKind::UpiId, EntityValue::Text(v)) => {
                    assert_eq!(*v, e.text.to_lowercase(), "{}", m.id);
                    assert!(v.contains('@'), "{}: {v}", m.id);
                }
                (EntityKind::Phone, EntityValue::Text(v)) => {
                    assert!(
                        v.chars().all(|c| c.is_ascii_digit() || c == '+'),
                        "{}: phone {v}",
                        m.id
                    )
                }
                (_, EntityValue::Text(v)) => assert_eq!(v.as_str(), e.text.trim(), "{}", m.id),
            }
        }
    }
    assert!(n > 1000, "only {n} entities annotated");
}

#[test]
fn no_text_is_in_two_splits_even_after_normalisation() {
    let mut exact: HashMap<String, &str> = HashMap::new();
    let mut normalised: HashMap<String, (&str, String)> = HashMap::new();
    for (split, m) in all() {
        if let Some(other) = exact.insert(m.text.clone(), split) {
            assert_eq!(other, split, "{:?} is in {other} and {split}", m.text);
        }
        let key = sandesh_text::normalize(&m.text).text().to_string();
        if let Some((other, id)) = normalised.insert(key, (split, m.id.clone())) {
            assert_eq!(
                other, split,
                "{} ({other}) and {} ({split}) normalise alike",
                id, m.id
            );
        }
    }
}

#[test]
fn counts_meet_the_datasheet() {
    let rows = all();
    let total = rows.len();
    let mut per_intent: BTreeMap<Intent, usize> = BTreeMap::new();
    let mut per_lang: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_split: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    let mut test_entities: BTreeMap<EntityKind, usize> = BTreeMap::new();
    let mut hard = 0;
    for (split, m) in &rows {
        *per_intent.entry(m.intent).or_default() += 1;
        *per_lang.entry(m.lang.clone()).or_default() += 1;
        let source = m.source.as_deref().unwrap_or("");
        *per_split.entry((split, source)).or_default() += 1;
        *per_source.entry(source).or_default() += 1;
        hard += usize::from(m.hard == Some(true));
        if *split == "test" {
            for e in &m.entities {
                *test_entities.entry(e.kind).or_default() += 1;
            }
        }
    }
    // The floor for measuring extraction: 300 amounts and 100 of every other kind.
    for kind in EntityKind::ALL {
        let n = test_entities.get(&kind).copied().unwrap_or(0);
        let floor = if kind == EntityKind::Amount { 300 } else { 100 };
        assert!(n >= floor, "test holds {n} {kind} entities");
    }
    assert!(total >= 4200, "{total} messages");
    for intent in Intent::ALL {
        let n = per_intent.get(&intent).copied().unwrap_or(0);
        assert!(n >= 600, "{intent}: {n} messages");
    }
    for lang in Lang::ALL {
        let n = per_lang.get(lang.as_str()).copied().unwrap_or(0);
        assert!(n >= 100, "{lang}: {n} messages");
    }
    assert!(hard * 10 >= total, "{hard} hard cases of {total}");
    // Shares near the split rule: 12/12 of the general hand-written messages, 30/40 of the
    // entity-focused ones.
    for (source, dev, test) in [("hand", 0.12, 0.12), ("entity", 0.30, 0.40)] {
        let n = per_source.get(source).copied().unwrap_or(0) as f64;
        for (split, want) in [("dev", dev), ("test", test)] {
            let share = per_split.get(&(split, source)).copied().unwrap_or(0) as f64 / n;
            assert!(
                (share - want).abs() <= 0.05,
                "{split} holds {share:.3} of the {source} messages, the rule says {want}"
            );
        }
    }
}

#[test]
fn the_split_rule_is_checked_for_real() {
    // The rule above must tell splits apart, or the split test could not fail.
    let mk = |id: &str, source: &str| LabelledMessage {
        id: id.into(),
        text: String::new(),
        intent: Intent::Other,
        lang: "en".into(),
        entities: vec![],
        hard: Some(false),
        source: Some(source.into()),
        borderline: None,
    };
    let splits: std::collections::HashSet<_> = (0..200)
        .map(|i| expected_split(&mk(&format!("h-{i}"), "hand")))
        .collect();
    assert_eq!(splits.len(), 3);
    assert_eq!(expected_split(&mk("h-1", "gen")), "train");
}

#[test]
fn normalisation_maps_every_word_back_onto_the_original_text() {
    // Over every message we have, in every script: each word of the normalised text maps to a
    // range of original characters that normalises back to that very word.
    let mut words_checked = 0;
    for (_, m) in all() {
        let n = sandesh_text::normalize(&m.text);
        for w in sandesh_text::words(n.text()) {
            let span = n
                .to_original(sandesh::Span::new(w.start, w.end))
                .unwrap_or_else(|| panic!("{}: no origin for {:?}", m.id, w.text));
            let original = span
                .slice(&m.text)
                .unwrap_or_else(|| panic!("{}: origin out of range", m.id));
            assert_eq!(
                sandesh_text::normalize(original).text(),
                w.text,
                "{}: {original:?}",
                m.id
            );
            words_checked += 1;
        }
    }
    assert!(words_checked > 50_000, "{words_checked}");
}
