//! The encoder and cascade tiers: fallback when the encoder is missing or foreign, and, when
//! models/e5-small is present (scripts/fetch-e5.sh; CI fetches it), the cascade's routing, batch
//! against single answers (early exit included), and the shipped head's dev score.

use sandesh::evaluation::{evaluate, read_labelled};
use sandesh::{Engine, Reference, Stage, Tier};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn e5_dir() -> Option<PathBuf> {
    let dir = root().join("models/e5-small");
    if dir.join("manifest.json").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; run `bash scripts/fetch-e5.sh` to test the encoder tier",
            dir.display()
        );
        None
    }
}

fn head_dir() -> PathBuf {
    root().join("models/e5-head")
}

fn build(tier: Tier) -> Engine {
    Engine::builder()
        .tier(tier)
        .reference(Reference::None)
        .build()
        .unwrap()
}

/// Engines of the three tiers, loaded once (the encoder takes seconds to load and check).
fn engines() -> Option<&'static (Engine, Engine, Engine)> {
    static E: OnceLock<Option<(Engine, Engine, Engine)>> = OnceLock::new();
    E.get_or_init(|| {
        e5_dir()?;
        let encoder = build(Tier::Encoder);
        assert_eq!(encoder.fallback(), None);
        let cascade = encoder.with_tier(Tier::Cascade);
        assert_eq!(cascade.tier(), Tier::Cascade);
        Some((build(Tier::Fast), encoder, cascade))
    })
    .as_ref()
}

fn test_texts(n: usize) -> Vec<String> {
    let bytes = std::fs::read(root().join("datasets/test.jsonl")).unwrap();
    let (messages, _) = read_labelled(&bytes);
    messages.into_iter().take(n).map(|m| m.text).collect()
}

#[test]
fn a_missing_encoder_falls_back_to_the_fast_tier_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let nowhere = tmp.path().join("no-encoder-here");
    for tier in [Tier::Encoder, Tier::Cascade] {
        let engine = Engine::builder()
            .tier(tier)
            .encoder_dir(&nowhere)
            .reference(Reference::None)
            .build()
            .unwrap();
        assert_eq!(engine.tier(), Tier::Fast);
        assert_eq!(engine.requested_tier(), tier);
        let reason = engine.fallback().expect("a reason");
        assert!(reason.contains(tier.as_str()), "{reason}");
        assert!(reason.contains("no-encoder-here"), "{reason}");
        assert!(engine.encoder_tier().is_none());
        // It still answers, exactly as the fast tier does.
        let fast = build(Tier::Fast);
        let text = "bhai 5kg pack ka rate kya hai?";
        assert_eq!(engine.classify(text).unwrap(), fast.classify(text).unwrap());
        let (_, decided) = engine.classify_traced(text, None).unwrap();
        assert_eq!(decided, Stage::Fast);
    }
    // A missing head is named too.
    let engine = Engine::builder()
        .tier(Tier::Encoder)
        .head_dir(tmp.path().join("no-head-here"))
        .encoder_dir(root().join("models/e5-small"))
        .build()
        .unwrap();
    assert_eq!(engine.tier(), Tier::Fast);
    assert!(engine.fallback().unwrap().contains("no-head-here"));
}

#[test]
fn the_fast_tier_never_asks_the_encoder() {
    let fast = build(Tier::Fast);
    assert_eq!(fast.fallback(), None);
    let texts = test_texts(50);
    for r in fast.classify_batch_traced(&texts) {
        assert_eq!(r.unwrap().1, Stage::Fast);
    }
}

#[test]
fn a_head_for_another_encoder_is_refused() {
    if e5_dir().is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for name in ["manifest.json", "head.safetensors"] {
        std::fs::copy(head_dir().join(name), tmp.path().join(name)).unwrap();
    }
    let path = tmp.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["encoder"]["weights_sha256"] = "0".repeat(64).into();
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let engine = Engine::builder()
        .tier(Tier::Encoder)
        .head_dir(tmp.path())
        .build()
        .unwrap();
    assert_eq!(engine.tier(), Tier::Fast);
    let reason = engine.fallback().unwrap();
    assert!(reason.contains("another encoder"), "{reason}");
}

#[test]
fn a_head_reading_depths_the_encoder_lacks_is_refused() {
    let Some(dir) = e5_dir() else {
        return;
    };
    let encoder = sandesh::Encoder::load(&dir).unwrap();
    let shipped = sandesh::HeadDir::load(&head_dir()).unwrap();
    let depths = shipped.manifest.depths_for(encoder.depth());
    assert!(depths.len() > 1, "the shipped head reads {depths:?}");
    assert!(shipped.check_encoder(encoder.manifest()).is_ok());
    // A depth past the last layer, and fewer depths than the head's width, are both refused.
    let mut deeper = shipped.clone();
    *deeper.manifest.depths.last_mut().unwrap() = encoder.depth() + 1;
    let err = deeper
        .check_encoder(encoder.manifest())
        .unwrap_err()
        .to_string();
    assert!(err.contains("depth"), "{err}");
    let mut narrower = shipped;
    narrower.manifest.depths = vec![encoder.depth()];
    let err = narrower
        .check_encoder(encoder.manifest())
        .unwrap_err()
        .to_string();
    assert!(err.contains("hidden size"), "{err}");
}

#[test]
fn the_cascade_asks_the_encoder_exactly_when_its_first_stage_is_unsure() {
    let Some((fast, encoder, cascade)) = engines() else {
        return;
    };
    let threshold = cascade.cascade_threshold();
    assert!((0.0..=1.0).contains(&threshold));
    let tier = cascade.encoder_tier().unwrap();
    let head = tier.head();
    let (gate, settings) = (
        head.gate.as_ref().expect("the shipped head has a gate"),
        head.manifest.gate.expect("and its settings"),
    );
    let (exit, exit_settings) = (
        head.exit
            .as_ref()
            .expect("the shipped head has an early exit"),
        head.manifest.exit.expect("and its settings"),
    );
    let depths = head.manifest.depths_for(tier.encoder().depth());
    let e5 = tier.encoder();
    let texts = test_texts(240);
    let f = fast.classify_batch(&texts);
    let e = encoder.classify_batch_traced(&texts);
    let c = cascade.classify_batch_traced(&texts);
    let (mut asked, mut exited, mut overruled) = (0, 0, 0);
    for (((f, e), c), text) in f.into_iter().zip(e).zip(c).zip(&texts) {
        let f = f.unwrap();
        let (e, e_stage) = e.unwrap();
        let (c, c_stage) = c.unwrap();
        assert_eq!(e_stage, Stage::Encoder);
        // The first stage, rebuilt from its parts: the fast tier's probabilities and the gate
        // head's reading of the encoder's embedding table (what its manifest names).
        let p = f.probabilities();
        let read = e5
            .gate_vector(&e5.tokenize(text).unwrap(), settings.input)
            .unwrap();
        let first = sandesh_model::mix(&p, &gate.predict(&read), settings.fast_weight);
        let top = first.iter().copied().fold(0.0f32, f32::max);
        if top < threshold {
            asked += 1;
            // The early exit, rebuilt: the exit head over the pool at its depth (from a whole
            // pass), mixed with the first stage.
            let ids = e5.tokenize(text).unwrap();
            let pools = e5.embed_ids_at(&[ids], &depths).unwrap();
            let pool =
                sandesh_model::pool_at(&pools[0], &depths, exit_settings.depth, e5.dim()).unwrap();
            let second =
                sandesh_model::mix(&first, &exit.predict(pool), exit_settings.first_weight);
            let top2 = second.iter().copied().fold(0.0f32, f32::max);
            if top2 >= exit_settings.threshold {
                exited += 1;
                assert_eq!(c_stage, Stage::Exit, "{text}");
                assert!((c.confidence - top2).abs() < 1e-5, "{text}");
                assert_eq!(second[c.intent.index()], top2, "{text}");
            } else {
                assert_eq!(c_stage, Stage::Encoder, "{text}");
                assert_eq!(c.intent, e.intent);
                assert!((c.confidence - e.confidence).abs() < 1e-5);
            }
        } else {
            assert_eq!(c_stage, Stage::Fast, "{text}");
            assert!((c.confidence - top).abs() < 1e-5, "{text}");
            assert_eq!(first[c.intent.index()], top, "{text}");
            overruled += usize::from(c.intent != f.intent);
        }
        // Entities and language never depend on the tier.
        assert_eq!(c.entities, f.entities);
        assert_eq!(e.lang, f.lang);
    }
    assert!(asked > 0 && asked < texts.len(), "asked {asked}");
    assert!(
        exited > 0 && exited < asked,
        "{exited} of {asked} asked exited early"
    );
    eprintln!(
        "asked {asked} of {}, {exited} of them answered at the exit; the gate overruled the fast \
         tier {overruled} times",
        texts.len()
    );
}

#[test]
fn one_message_at_a_time_answers_as_the_batch_does() {
    let Some((_, encoder, cascade)) = engines() else {
        return;
    };
    let texts = test_texts(48);
    for engine in [encoder, cascade] {
        let batch = engine.classify_batch_traced(&texts);
        for (t, b) in texts.iter().zip(batch) {
            let (one, one_stage) = engine.classify_traced(t, None).unwrap();
            let (b, b_stage) = b.unwrap();
            assert_eq!(one_stage, b_stage, "{t}");
            assert_eq!(one.intent, b.intent, "{t}");
            assert!((one.confidence - b.confidence).abs() < 1e-4, "{t}");
        }
    }
    // Bad input is still refused before the encoder runs.
    assert!(encoder.classify("   ").is_err());
}

#[test]
fn the_shipped_head_scores_on_dev_what_its_manifest_says() {
    let Some((_, encoder, cascade)) = engines() else {
        return;
    };
    let bytes = std::fs::read(root().join("datasets/dev.jsonl")).unwrap();
    let (dev, bad) = read_labelled(&bytes);
    assert!(bad.is_empty());
    let manifest = &encoder.encoder_tier().unwrap().head().manifest;
    let want = &manifest.metrics["dev"];
    let r = evaluate(encoder, &dev);
    assert_eq!(r.tier, "encoder");
    assert_eq!(r.encoder_share, 1.0);
    assert_eq!(r.exit_share, 0.0);
    let recorded = want["encoder"]["macro_f1"].as_f64().unwrap();
    assert!(
        (r.intent.macro_f1 - recorded).abs() < 0.01,
        "dev macro-F1 {} but the manifest records {recorded}",
        r.intent.macro_f1
    );
    let r = evaluate(cascade, &dev);
    let share = want["cascade"]["share_to_encoder"].as_f64().unwrap();
    assert!(
        (r.encoder_share - share).abs() < 0.01,
        "cascade share {} but the manifest records {share}",
        r.encoder_share
    );
    // The messages that went on past the exit, as the manifest records them.
    let past = want["cascade"]["share_past_exit"].as_f64().unwrap();
    assert!(
        (r.encoder_share - r.exit_share - past).abs() < 0.01,
        "past the exit {} but the manifest records {past}",
        r.encoder_share - r.exit_share
    );
    let f1 = want["cascade"]["macro_f1"].as_f64().unwrap();
    assert!(
        (r.intent.macro_f1 - f1).abs() < 0.01,
        "{} vs {f1}",
        r.intent.macro_f1
    );
}

#[test]
fn the_shipped_head_was_trained_on_the_data_in_the_repository_and_the_shipped_fast_model() {
    // Reads the head's manifest alone (no encoder needed), so this runs everywhere.
    let head = sandesh::HeadDir::load(&head_dir()).unwrap();
    let data = root().join("datasets");
    let train = std::fs::read(data.join("train.jsonl")).unwrap();
    let dev = std::fs::read(data.join("dev.jsonl")).unwrap();
    assert_eq!(
        head.manifest.training.data_sha256,
        sandesh::data_hash(&[&train, &dev]),
        "datasets/ changed since models/e5-head was trained: run `cargo run --release -p \
         sandesh-cli -- train --tier encoder`"
    );
    // The cascade threshold was chosen against the shipped fast model.
    let fast = build(Tier::Fast);
    assert_eq!(
        head.manifest.cascade.fast_weights_sha256,
        fast.manifest().files["model.safetensors"].sha256,
        "models/fast changed since the cascade threshold was chosen: retrain the head"
    );
}

/// `train_encoder_head` end to end on a slice of the data: the head, the gate and the exit are
/// trained and saved, the directory loads into an engine, and the cascade that engine runs on
/// dev is the one the training run simulated when it chose the thresholds (same share asked,
/// same share past the exit, same macro-F1), so the sweep's figures describe the real cascade.
#[test]
fn a_trained_head_runs_the_cascade_its_training_simulated() {
    let Some((fast, encoder, _)) = engines() else {
        return;
    };
    let data = root().join("datasets");
    let read = |name: &str| read_labelled(&std::fs::read(data.join(name)).unwrap()).0;
    // Every fifteenth train message and every fourth dev one: all intents, a few seconds.
    let train: Vec<_> = read("train.jsonl").into_iter().step_by(15).collect();
    let dev: Vec<_> = read("dev.jsonl").into_iter().step_by(4).collect();
    let e5 = encoder.encoder_tier().unwrap().encoder();
    let job = sandesh::training::HeadJob {
        train: &train,
        dev: &dev,
        config: sandesh_model::HeadConfig {
            hidden: 32,
            epochs: 8,
            ..Default::default()
        },
        data_sha256: "test".into(),
        embedding_cache: None,
        depths: None,
        exit_depth: None,
        mix_weights: None,
        gate_input: sandesh::GateInput::WeightedWords,
    };
    let trained = sandesh::training::train_encoder_head(fast, e5, job, |_| {}).unwrap();
    // The mix weights were chosen by holding out each language of the slice in turn: every
    // message of train and dev read once, by models trained without its language, and the
    // weights the manifest records are the best of each sweep.
    let languages: std::collections::BTreeSet<&str> = train
        .iter()
        .map(|m| sandesh::training::language_group(&m.lang))
        .collect();
    let held = trained
        .mix_weights
        .clone()
        .expect("chosen on held-out languages");
    assert_eq!(held.folds, languages.len());
    assert_eq!(held.messages, train.len() + dev.len());
    for (sweep, chosen) in [
        (&held.gate_sweep, held.fast_weight),
        (&held.exit_sweep, held.first_weight),
    ] {
        assert_eq!(sweep.len(), sandesh::training::MIX_WEIGHT_GRID.len());
        let best = sweep.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        assert!(
            sweep.iter().any(|&(w, f)| w == chosen && f == best),
            "{sweep:?}"
        );
    }
    // And the cascade was simulated on those readings at the chosen thresholds.
    let h = trained
        .held_out_cascade
        .expect("the cascade on held-out languages");
    assert_eq!(
        (h.cascade.threshold, h.cascade.exit_threshold),
        (
            trained.head.manifest.cascade.threshold,
            trained.head.manifest.exit.map_or(f32::NAN, |e| e.threshold)
        )
    );
    assert!(h.cascade.share >= h.cascade.past_exit_share && h.cascade.share <= 1.0);
    let mut head = trained.head;
    assert_eq!(
        head.manifest.gate.map(|g| g.fast_weight),
        Some(held.fast_weight)
    );
    assert_eq!(
        head.manifest.exit.map(|e| e.first_weight),
        Some(held.first_weight)
    );
    let exit = head
        .manifest
        .exit
        .expect("an exit at the middle depth by default");
    assert_eq!(exit.depth, e5.depth() / 2);
    assert_eq!(head.manifest.depths, [e5.depth() / 2, e5.depth()]);
    let manifest = head.manifest.clone();
    let chosen = trained
        .sweep
        .iter()
        .find(|p| p.threshold == manifest.cascade.threshold && p.exit_threshold == exit.threshold)
        .expect("the thresholds came from the sweep");
    assert_eq!(chosen.share, manifest.cascade.dev_share_to_encoder);
    assert_eq!(chosen.past_exit_share, exit.dev_share_past_exit);
    assert!((chosen.macro_f1 - trained.dev_cascade.macro_f1).abs() < 1e-9);
    // The engine runs the cascade the sweep simulated: at the chosen thresholds, and at the
    // sweep's point with the most messages past the exit that still keeps some at the first
    // stage and answers some at the exit, so that all three ends (kept; answered at the exit;
    // stopped and resumed to the last layer) run whatever thresholds this slice happens to
    // choose.
    let both = trained
        .sweep
        .iter()
        .filter(|p| p.past_exit_share > 0.0 && p.share > p.past_exit_share && p.share < 1.0)
        .max_by(|a, b| a.past_exit_share.total_cmp(&b.past_exit_share))
        .expect("a sweep point that uses both ends of the second stage");
    let n = dev.len() as f64;
    for (point, every_end) in [(chosen, false), (both, true)] {
        head.manifest.cascade.threshold = point.threshold;
        head.manifest.exit = Some(sandesh_model::ExitSettings {
            threshold: point.exit_threshold,
            ..exit
        });
        let tmp = tempfile::tempdir().unwrap();
        head.save(tmp.path()).unwrap();
        let engine = Engine::builder()
            .tier(Tier::Cascade)
            .reference(Reference::None)
            .encoder_dir(root().join("models/e5-small"))
            .head_dir(tmp.path())
            .build()
            .unwrap();
        assert_eq!(engine.fallback(), None);
        let r = evaluate(&engine, &dev);
        eprintln!(
            "{} dev messages at thresholds {} and {}: asked {:.3} (training {:.3}), past the exit \
             {:.3} ({:.3}), macro-F1 {:.4} ({:.4})",
            dev.len(),
            point.threshold,
            point.exit_threshold,
            r.encoder_share,
            point.share,
            r.encoder_share - r.exit_share,
            point.past_exit_share,
            r.intent.macro_f1,
            point.macro_f1,
        );
        if every_end {
            assert!(
                r.exit_share > 0.0 && r.encoder_share > r.exit_share && r.encoder_share < 1.0,
                "{r:?}"
            );
        }
        // A message whose confidence sits on a threshold may fall either way by float noise
        // between the training run's whole passes and the engine's stopped-and-resumed ones:
        // one message.
        assert!(
            (r.encoder_share - point.share).abs() <= 1.0 / n + 1e-9,
            "asked {} in the engine, {} in training",
            r.encoder_share,
            point.share
        );
        assert!(
            (r.encoder_share - r.exit_share - point.past_exit_share).abs() <= 1.0 / n + 1e-9,
            "past the exit {} in the engine, {} in training",
            r.encoder_share - r.exit_share,
            point.past_exit_share
        );
        assert!(
            (r.intent.macro_f1 - point.macro_f1).abs() < 0.01,
            "{} vs {}",
            r.intent.macro_f1,
            point.macro_f1
        );
    }
    // The chosen thresholds are within the sweep's budget.
    assert!(manifest.cascade.dev_token_share_to_encoder <= sandesh::training::CASCADE_BUDGET);
}
