//! The engine with the shipped model: limits and errors, batch = sequential, the shape of every
//! analysis, and that the shipped model answers for all 19 language tags.

use sandesh::evaluation::evaluate;
use sandesh::evaluation::read_labelled;
use sandesh::{
    Date, Engine, EntityKind, EntityValue, ErrorCode, Intent, LabelledMessage, Lang, Reference,
    Span,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::builder()
            .build()
            .expect("the shipped model loads without configuration")
    })
}

fn dataset(name: &str) -> Vec<sandesh::LabelledMessage> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets")
        .join(name);
    let (messages, bad) = read_labelled(&std::fs::read(&path).unwrap());
    assert!(bad.is_empty(), "{name}: {bad:?}");
    messages
}

fn check_shape(text: &str, a: &sandesh::Analysis) {
    assert_eq!(a.intents.len(), Intent::ALL.len(), "{text}");
    assert_eq!(a.intents[0].intent, a.intent);
    assert_eq!(a.intents[0].score, a.confidence);
    assert!(
        a.intents.windows(2).all(|w| w[0].score >= w[1].score),
        "ranked: {text}"
    );
    let sum: f32 = a.intents.iter().map(|s| s.score).sum();
    assert!(
        (sum - 1.0).abs() < 1e-4,
        "probabilities sum to {sum} for {text}"
    );
    assert!((0.0..=1.0).contains(&a.confidence));
    for e in &a.entities {
        assert!(e.matches(text), "entity {e:?} does not index {text:?}");
    }
}

#[test]
fn empty_and_invisible_only_texts_are_refused() {
    for text in ["", "   ", "\n\t", "\u{200B}\u{200E}", "\u{FEFF}"] {
        let err = engine().classify(text).expect_err(text);
        assert_eq!(err.code(), ErrorCode::EmptyText, "{text:?}");
    }
}

#[test]
fn texts_over_the_limit_are_refused_with_the_limit() {
    let small = Engine::builder().max_chars(10).build().unwrap();
    let err = small.classify("price kya hai bhai").unwrap_err();
    assert_eq!(err.code(), ErrorCode::TextTooLong);
    assert!(err.to_string().contains("limit of 10"), "{err}");
    // The limit counts chars: "कितने का" is 8 chars but 22 bytes.
    assert!(small.classify("कितने का").is_ok());
    let huge = "a".repeat(sandesh::DEFAULT_MAX_CHARS + 1);
    assert_eq!(
        engine().classify(&huge).unwrap_err().code(),
        ErrorCode::TextTooLong
    );
}

#[test]
fn awkward_but_valid_texts_get_an_analysis() {
    for text in [
        "🙏",
        "👍👍👍",
        "ok",
        "?",
        "12345",
        "\u{202E}reversed text\u{202C}",
        "a\u{0000}b",
        "e\u{301}\u{301}\u{301}",
        &"kitne ka hai ".repeat(2000),
        "ஆர்டர் வரவில்லை 😡",
    ] {
        let a = engine()
            .classify(text)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        check_shape(text, &a);
    }
    assert_eq!(engine().classify("🙏🙏").unwrap().lang, Lang::En);
}

#[test]
fn batch_matches_one_by_one_in_order() {
    let texts: Vec<String> = dataset("dev.jsonl")
        .into_iter()
        .take(200)
        .map(|m| m.text)
        .chain(["".to_string()])
        .collect();
    let batch = engine().classify_batch(&texts);
    assert_eq!(batch.len(), texts.len());
    for (t, b) in texts.iter().zip(&batch) {
        match (engine().classify(t), b) {
            (Ok(one), Ok(many)) => assert_eq!(&one, many),
            (Err(one), Err(many)) => assert_eq!(one.code(), many.code()),
            (one, many) => panic!("{t:?}: {one:?} vs {many:?}"),
        }
    }
}

#[test]
fn a_missing_model_directory_is_a_clear_error() {
    let err = Engine::builder()
        .model_dir("/nonexistent/sandesh-model")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidModel);
    assert!(
        err.to_string().contains("/nonexistent/sandesh-model"),
        "{err}"
    );
}

#[test]
fn shipped_model_answers_for_all_19_tags() {
    let mut by_lang: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let messages: Vec<_> = dataset("dev.jsonl")
        .into_iter()
        .chain(dataset("test.jsonl"))
        .collect();
    for m in &messages {
        let a = engine().classify(&m.text).unwrap();
        check_shape(&m.text, &a);
        let e = by_lang.entry(m.lang.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(a.intent == m.intent);
        e.2 += usize::from(a.lang.as_str() == m.lang);
    }
    assert_eq!(
        by_lang.len(),
        19,
        "held-out data covers every tag: {:?}",
        by_lang.keys()
    );
    for lang in Lang::ALL {
        let (n, intent_ok, lang_ok) = by_lang[lang.as_str()];
        let intent_acc = intent_ok as f64 / n as f64;
        let lang_acc = lang_ok as f64 / n as f64;
        assert!(
            intent_acc >= 0.6,
            "{lang}: intent accuracy {intent_acc:.2} on {n} held-out messages"
        );
        assert!(
            lang_acc >= 0.7,
            "{lang}: language-id accuracy {lang_acc:.2} on {n} held-out messages"
        );
    }
}

#[test]
fn shipped_model_meets_the_language_id_aims_on_dev() {
    let report = sandesh::evaluation::evaluate(engine(), &dataset("dev.jsonl"));
    assert!(
        report.lang_id.native_accuracy >= 0.97,
        "{:?}",
        report.lang_id
    );
    assert!(
        report.lang_id.latin_accuracy >= 0.85,
        "{:?}",
        report.lang_id
    );
    assert!(report.skipped.is_empty());
}

#[test]
fn shipped_model_scores_on_held_out_test() {
    let report = sandesh::evaluation::evaluate(engine(), &dataset("test.jsonl"));
    // A floor well under the measured figure (README): a regression guard, not the goal.
    assert!(
        report.intent.macro_f1 >= 0.75,
        "macro-F1 {:.3}",
        report.intent.macro_f1
    );
    assert!(report.intent.ece <= 0.12, "ECE {:.3}", report.intent.ece);
}

#[test]
fn shipped_model_was_trained_on_the_data_in_the_repository() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
    let train = std::fs::read(dir.join("train.jsonl")).unwrap();
    let dev = std::fs::read(dir.join("dev.jsonl")).unwrap();
    let m = engine().manifest();
    assert_eq!(
        m.training.data_sha256,
        sandesh::data_hash(&[&train, &dev]),
        "datasets/ changed since models/fast was trained: run `cargo run --release -p sandesh-cli -- train`"
    );
    assert!(m.metrics["dev"]["macro_f1"].as_f64().is_some());
}

#[test]
fn the_shipped_model_is_reproduced_bit_for_bit_from_the_data() {
    let m = engine().manifest();
    let train = dataset("train.jsonl");
    let dev = dataset("dev.jsonl");
    let mut trained = sandesh::training::train(
        &train,
        &dev,
        m.fast,
        sandesh::LangIdConfig::default(),
        m.training.data_sha256.clone(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    trained.model.save(dir.path()).unwrap();
    let again = sandesh::ModelDir::load(dir.path()).unwrap();
    assert_eq!(
        again.manifest.files, m.files,
        "retraining gives other weights than models/fast"
    );
    assert_eq!(again.manifest.temperature, m.temperature);
}

/// The classifier's intent is context for the extractor: in a message it reads as a payment, a
/// bare figure is an amount; the same figure in a message about something else is not.
#[test]
fn a_payment_message_makes_a_bare_figure_an_amount() {
    let amounts = |text: &str| -> (Intent, Vec<String>) {
        let a = engine().classify(text).unwrap();
        let found = a
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Amount)
            .map(|e| e.text.clone())
            .collect();
        (a.intent, found)
    };
    let (intent, found) = amounts("UPI payment done for last week's laundry. 740");
    assert_eq!(intent, Intent::Payment);
    assert_eq!(found, ["740"]);
    // Not in a booking, and never a roll number, even in a payment message.
    let (intent, found) = amounts("table for 4 people at 8 pm, 740 seats hall?");
    assert_ne!(intent, Intent::Payment);
    assert!(found.is_empty(), "{found:?}");
    let (_, found) = amounts("fees payment receipt chahiye, roll number 2231");
    assert!(found.is_empty(), "{found:?}");
    // The library alone, without a classifier, keeps the stricter reading.
    let alone = sandesh::extract::Extractors::default()
        .extract("UPI payment done for last week's laundry. 740", None);
    assert!(alone.iter().all(|e| e.kind != EntityKind::Amount));
}

#[test]
fn analyses_carry_entities_resolved_against_the_reference_day() {
    let text = "₹4,500 wala order #45821 kal milega? call 98765 43210";
    let fixed = Engine::builder()
        .reference(Reference::Fixed(Date::new(2026, 11, 22).unwrap()))
        .build()
        .unwrap();
    let a = fixed.classify(text).unwrap();
    let got: Vec<(EntityKind, &str)> = a
        .entities
        .iter()
        .map(|e| (e.kind, e.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (EntityKind::Amount, "₹4,500"),
            (EntityKind::OrderId, "#45821"),
            (EntityKind::Date, "kal"),
            (EntityKind::Phone, "98765 43210"),
        ]
    );
    assert_eq!(a.entities[2].resolved.as_deref(), Some("2026-11-23"));
    assert!(a.entities.iter().all(|e| e.matches(text)));

    let unresolved = Engine::builder()
        .reference(Reference::None)
        .build()
        .unwrap();
    let a = unresolved.classify(text).unwrap();
    assert!(a
        .entities
        .iter()
        .all(|e| e.resolved.is_none() && e.candidates.is_empty()));
}

#[test]
fn every_entity_of_every_dev_analysis_indexes_its_text() {
    for m in dataset("dev.jsonl") {
        let a = engine().classify(&m.text).unwrap();
        for e in &a.entities {
            assert!(e.matches(&m.text), "{}: {e:?}", m.id);
        }
    }
}

#[test]
fn evaluation_scores_entities_by_span_and_by_value() {
    // Two amounts the extractor finds at the gold spans; the second gold value is wrong on
    // purpose, so it counts by span and not by value.
    let gold = |text: &str, start, end, amount| LabelledMessage {
        id: text.into(),
        text: text.into(),
        intent: Intent::Payment,
        lang: "hinglish".into(),
        entities: vec![sandesh::Entity::new(
            EntityKind::Amount,
            Span::new(start, end),
            &text[start..end],
            Some(EntityValue::money(amount, "INR")),
        )],
        hard: Some(false),
        source: None,
        borderline: None,
    };
    let messages = [
        gold("Rs 500 bhej diye", 0, 6, 500.0),
        gold("₹1200 bhej diye", 0, 5, 1300.0),
    ];
    let r = evaluate(engine(), &messages);
    let s = &r.entities["amount"];
    assert_eq!((s.span.gold, s.span.predicted, s.span.correct), (2, 2, 2));
    assert_eq!(
        (s.value.gold, s.value.predicted, s.value.correct),
        (2, 2, 1)
    );
    assert!((s.value.recall - 0.5).abs() < 1e-9);
}
