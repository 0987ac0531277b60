//! Model directories: save → load gives the same predictions; every kind of tampering is refused
//! with a message naming what differs.

use sandesh_model::{
    data_hash, FastConfig, FastTrainer, FeatureConfig, ModelDir, TrainExample, TrainingInfo,
    MANIFEST_FILE, WEIGHTS_FILE,
};
use sandesh_text::{LangIdConfig, LangIdTrainer};
use sandesh_types::{Intent, Lang};
use std::path::Path;

fn trained() -> ModelDir {
    let data = vec![
        TrainExample::new("price kya hai bhai", Intent::Lead, Lang::Hinglish),
        TrainExample::new("order nahi aaya", Intent::Support, Lang::Hinglish),
        TrainExample::new("payment done sir", Intent::Payment, Lang::En),
        TrainExample::new("kal 4 baje slot", Intent::Booking, Lang::Hinglish),
    ];
    let config = FastConfig {
        features: FeatureConfig {
            buckets: 1 << 10,
            ..FeatureConfig::default()
        },
        dim: 8,
        epochs: 10,
        ..FastConfig::default()
    };
    let mut fast = FastTrainer::new(config).train(&data);
    fast.set_temperature(1.7);
    let langid = LangIdTrainer {
        config: LangIdConfig {
            buckets: 1 << 8,
            ..LangIdConfig::default()
        },
    }
    .train(data.iter().map(|e| (e.text.as_str(), e.lang)));
    let info = TrainingInfo {
        data_sha256: data_hash(&[b"toy"]),
        train_messages: data.len(),
        dev_messages: 0,
        created_by: "test".into(),
    };
    ModelDir::new(fast, langid, info, serde_json::json!({"accuracy": 1.0}))
}

fn saved() -> (tempfile::TempDir, ModelDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut m = trained();
    m.save(dir.path()).unwrap();
    (dir, m)
}

fn edit_manifest(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join(MANIFEST_FILE);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn load_error(dir: &Path) -> String {
    ModelDir::load(dir)
        .expect_err("tampered directory must not load")
        .to_string()
}

#[test]
fn save_then_load_predicts_identically() {
    let (dir, m) = saved();
    let loaded = ModelDir::load(dir.path()).unwrap();
    assert_eq!(loaded.manifest, m.manifest);
    assert_eq!(loaded.fast, m.fast);
    assert_eq!(loaded.fast.temperature(), 1.7);
    for text in ["price kya hai", "payment done", "कल आऊंगा", "🙏"] {
        assert_eq!(
            loaded.fast.predict_text(text, Lang::En),
            m.fast.predict_text(text, Lang::En)
        );
        assert_eq!(loaded.langid.identify(text), m.langid.identify(text));
    }
}

#[test]
fn refuses_a_changed_weights_file() {
    let (dir, _) = saved();
    let path = dir.path().join(WEIGHTS_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    assert!(load_error(dir.path()).contains("sha256"));
}

#[test]
fn refuses_a_truncated_weights_file() {
    let (dir, _) = saved();
    let path = dir.path().join(WEIGHTS_FILE);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    assert!(load_error(dir.path()).contains("bytes"));
}

#[test]
fn refuses_other_versions_labels_and_shapes() {
    let (dir, _) = saved();
    edit_manifest(dir.path(), |v| v["format_version"] = 2.into());
    assert!(load_error(dir.path()).contains("format version 2"));

    let (dir, _) = saved();
    edit_manifest(dir.path(), |v| v["labels"][0] = "sales".into());
    assert!(load_error(dir.path()).contains("labels"));

    let (dir, _) = saved();
    edit_manifest(dir.path(), |v| v["fast"]["dim"] = 9.into());
    assert!(load_error(dir.path()).contains("fast.embeddings"));

    let (dir, _) = saved();
    edit_manifest(dir.path(), |v| {
        v["files"]["../etc/passwd"] = v["files"][WEIGHTS_FILE].clone()
    });
    assert!(load_error(dir.path()).contains("leaves the directory"));

    let (dir, _) = saved();
    edit_manifest(dir.path(), |v| v["fast"]["features"]["buckets"] = 0.into());
    assert!(load_error(dir.path()).contains("unusable feature configuration"));

    let (dir, _) = saved();
    edit_manifest(dir.path(), |v| v["temperature"] = (-1.0).into());
    assert!(load_error(dir.path()).contains("temperature"));
}

#[test]
fn refuses_missing_and_malformed_directories() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load_error(&dir.path().join("nope")).contains("not a directory"));
    assert!(load_error(dir.path()).contains(MANIFEST_FILE));
    std::fs::write(dir.path().join(MANIFEST_FILE), "{not json").unwrap();
    assert!(load_error(dir.path()).contains("invalid manifest"));
}

// ---- The e5 encoder against reference vectors of an independent numpy implementation ----
//
// The fixture is made by scripts/e5-reference.sh: token ids from our tokenizer (the ignored test
// `e5_dump_token_ids`), vectors from scripts/e5_reference.py. The tests need models/e5-small
// (scripts/fetch-e5.sh, git-ignored) and pass with a note when it is absent.

/// Messages of the fixture, in order: one per script or language of the product.
const E5_MESSAGES: [&str; 12] = [
    "bhai mujhe ek saree chahiye, price kya hai?",
    "Hi, my order hasn't arrived yet. Can you check the status please?",
    "मुझे कल सुबह 10 बजे का अपॉइंटमेंट चाहिए",
    "உங்கள் கடை எத்தனை மணிக்கு திறக்கும்?",
    "నేను ఆర్డర్ చేసిన వస్తువు ఇంకా రాలేదు",
    "আমি পেমেন্ট করে দিয়েছি, রসিদ পাঠান",
    "मला या ड्रेसची किंमत सांगा",
    "મારે બે કિલો મીઠાઈ જોઈએ છે",
    "ನಿಮ್ಮ ಅಂಗಡಿ ಭಾನುವಾರ ತೆರೆದಿರುತ್ತದೆಯೇ?",
    "എനിക്ക് ഈ ഫോണിന്റെ വില അറിയണം",
    "ਮੇਰਾ ਪਾਰਸਲ ਕਦੋਂ ਪਹੁੰਚੇਗਾ?",
    "🙏🙏 thank you so much 😊❤️",
];

fn e5_dir() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/e5-small");
    if dir.join("manifest.json").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: run scripts/fetch-e5.sh");
        None
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

#[test]
fn e5_embeddings_match_the_numpy_reference() {
    let Some(dir) = e5_dir() else { return };
    let encoder = sandesh_model::Encoder::load(&dir).unwrap();
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("data/e5_reference.json")).expect("e5_reference.json");
    let messages = fixture["messages"].as_array().unwrap();
    let texts: Vec<&str> = messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts, E5_MESSAGES,
        "regenerate with scripts/e5-reference.sh"
    );
    for (m, text) in messages.iter().zip(&texts) {
        let want: Vec<u32> = serde_json::from_value(m["ids"].clone()).unwrap();
        assert_eq!(encoder.tokenize(text).unwrap(), want, "{text}");
    }
    let ours = encoder.embed(&texts).unwrap();
    let mut worst = 1.0f32;
    for ((m, text), v) in messages.iter().zip(&texts).zip(&ours) {
        let reference: Vec<f32> = serde_json::from_value(m["vector"].clone()).unwrap();
        assert_eq!(v.len(), 384);
        let c = cosine(v, &reference);
        eprintln!("cosine {c:.7} (1 - cos = {:.1e})  {text}", 1.0 - c);
        assert!(c >= 0.999, "cosine {c} for {text}");
        worst = worst.min(c);
    }
    eprintln!("worst cosine {worst:.6}");
    // Batching must not change a vector: each message alone gives what the batch gave.
    for (text, v) in texts.iter().zip(&ours).take(3) {
        let alone = encoder.embed(&[text]).unwrap();
        assert!(cosine(&alone[0], v) > 0.99999, "{text}");
    }
}

/// A tensor of model.safetensors (f32 little-endian) as f64, with the length of its rows.
fn f64_rows(st: &safetensors::SafeTensors<'_>, name: &str) -> (Vec<f64>, usize) {
    let t = st.tensor(name).unwrap();
    let width = *t.shape().last().unwrap();
    let v = t
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
        .collect();
    (v, width)
}

/// The depth-0 embedding (the older cascade gate's input), recomputed here from the raw tensors of
/// model.safetensors in plain f64 loops: per token word + position + token-type row, layer
/// norm with the file's weights and eps, mean over the message, L2.
#[test]
fn e5_depth0_embeddings_are_the_pooled_embedding_layer() {
    let Some(dir) = e5_dir() else { return };
    let encoder = sandesh_model::Encoder::load(&dir).unwrap();
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let rows = |name: &str| f64_rows(&st, name);
    let (word, h) = rows("embeddings.word_embeddings.weight");
    let (pos, _) = rows("embeddings.position_embeddings.weight");
    let (kind, _) = rows("embeddings.token_type_embeddings.weight");
    let (gamma, _) = rows("embeddings.LayerNorm.weight");
    let (beta, _) = rows("embeddings.LayerNorm.bias");
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("config.json")).unwrap()).unwrap();
    let eps = config["layer_norm_eps"].as_f64().unwrap();
    for text in E5_MESSAGES {
        let ids = encoder.tokenize(text).unwrap();
        let mut mean = vec![0.0f64; h];
        for (p, &id) in ids.iter().enumerate() {
            let x: Vec<f64> = (0..h)
                .map(|j| word[id as usize * h + j] + pos[p * h + j] + kind[j])
                .collect();
            let mu = x.iter().sum::<f64>() / h as f64;
            let var = x.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / h as f64;
            for j in 0..h {
                mean[j] += (x[j] - mu) / (var + eps).sqrt() * gamma[j] + beta[j];
            }
        }
        let norm = mean.iter().map(|v| v * v).sum::<f64>().sqrt();
        let want: Vec<f32> = mean.iter().map(|v| (v / norm) as f32).collect();
        let ours = encoder.embed_static(&ids).unwrap();
        assert_eq!(ours.len(), h);
        let c = cosine(&ours, &want);
        assert!(c > 0.99999, "cosine {c} for {text}");
        let off = ours
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(off < 1e-4, "{off} for {text}");
    }
    // Ids the vocabulary does not have, and no ids at all, are errors, not panics.
    assert!(encoder.embed_static(&[0, u32::MAX, 2]).is_err());
    assert!(encoder.embed_static(&[]).is_err());
}

/// The weighted words (what the cascade's gate reads by default), recomputed here in f64 from
/// the raw word table of model.safetensors and the piece scores (log-probabilities) read from
/// tokenizer.json with serde_json: the message's own pieces (what follows the `<s>` and prefix
/// pieces every fixture message shares, up to `</s>`), each row weighted 1e-3 / (1e-3 + p), summed,
/// L2.
#[test]
fn e5_weighted_words_are_the_rare_piece_weighted_word_rows() {
    let Some(dir) = e5_dir() else { return };
    let encoder = sandesh_model::Encoder::load(&dir).unwrap();
    let bytes = std::fs::read(dir.join("model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let (word, h) = f64_rows(&st, "embeddings.word_embeddings.weight");
    let tokenizer: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("tokenizer.json")).unwrap()).unwrap();
    let vocab = tokenizer["model"]["vocab"].as_array().unwrap();
    let log_p = |id: u32| vocab[id as usize][1].as_f64().unwrap();
    let all: Vec<Vec<u32>> = E5_MESSAGES
        .iter()
        .map(|t| encoder.tokenize(t).unwrap())
        .collect();
    let shared = (0..)
        .take_while(|&i| all.iter().all(|ids| ids.get(i) == all[0].get(i)))
        .count();
    assert!(
        shared >= 2,
        "the fixture's messages share <s> and the prefix"
    );
    for (text, ids) in E5_MESSAGES.iter().zip(&all) {
        let own = &ids[shared..ids.len() - 1];
        assert_eq!(encoder.own_pieces(ids), own, "{text}");
        let mut sum = vec![0.0f64; h];
        for &id in own {
            let w = 1e-3 / (1e-3 + log_p(id).exp());
            for (j, s) in sum.iter_mut().enumerate() {
                *s += w * word[id as usize * h + j];
            }
        }
        let norm = sum.iter().map(|v| v * v).sum::<f64>().sqrt();
        let want: Vec<f32> = sum.iter().map(|v| (v / norm) as f32).collect();
        let ours = encoder.embed_weighted_words(ids).unwrap();
        assert_eq!(ours.len(), h);
        let off = ours
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(off < 1e-5, "{off} for {text}");
        // The gate reads it under its name, and the older input is still the depth-0 pool.
        assert_eq!(
            encoder
                .gate_vector(ids, sandesh_model::GateInput::WeightedWords)
                .unwrap(),
            ours
        );
        assert_eq!(
            encoder
                .gate_vector(ids, sandesh_model::GateInput::EmbeddingLayer)
                .unwrap(),
            encoder.embed_static(ids).unwrap()
        );
    }
    // The weights are not uniform: a message and the same message with a very common piece
    // repeated differ less than it and the message with one rare piece added.
    let base = encoder.tokenize("payment kar diya").unwrap();
    let commoner = encoder.tokenize("payment kar diya , , , ,").unwrap();
    let rarer = encoder.tokenize("payment kar diya refund").unwrap();
    let v = |ids: &[u32]| encoder.embed_weighted_words(ids).unwrap();
    assert!(cosine(&v(&base), &v(&commoner)) > cosine(&v(&base), &v(&rarer)));
    // Ids without the prefix are read whole; ids outside the vocabulary or none are errors.
    assert_eq!(encoder.own_pieces(&[5, 6, 7]), &[5, 6, 7]);
    assert!(encoder.embed_weighted_words(&[0, u32::MAX, 2]).is_err());
    assert!(encoder.embed_weighted_words(&[]).is_err());
}

/// The cascade's early exit stops the encoder at a middle layer and may go on later: stopped
/// and resumed, every message gets the vectors one pass gives (bit for bit in the same batch;
/// within float noise in another, whose rows the kernels may group differently).
#[test]
fn e5_stopped_and_resumed_gives_the_vectors_of_one_pass() {
    let Some(dir) = e5_dir() else { return };
    let encoder = sandesh_model::Encoder::load(&dir).unwrap();
    let ids: Vec<Vec<u32>> = E5_MESSAGES
        .iter()
        .map(|t| encoder.tokenize(t).unwrap())
        .collect();
    let depths = [6, 12];
    let whole = encoder.embed_ids_at(&ids, &depths).unwrap();
    let partials = encoder.embed_ids_until(&ids, &depths, 6).unwrap();
    let h = encoder.dim();
    for ((p, w), m) in partials.iter().zip(&whole).zip(&ids) {
        assert_eq!(p.depth(), 6);
        assert_eq!(p.ids(), m.as_slice());
        assert_eq!(p.pooled(), &w[..h]);
    }
    // Resume a few of them, out of order: each gets its own vectors.
    let some: Vec<_> = [3, 0, 7].iter().map(|&i| partials[i].clone()).collect();
    let resumed = encoder.resume(&some, &depths).unwrap();
    for (&i, r) in [3, 0, 7].iter().zip(&resumed) {
        assert_eq!(r.len(), 2 * h);
        let off = r
            .iter()
            .zip(&whole[i])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(off < 1e-5, "{off} for {}", E5_MESSAGES[i]);
    }
    let all = encoder.resume(&partials, &depths).unwrap();
    assert_eq!(all, whole);
    assert!(encoder.resume(&[], &depths).unwrap().is_empty());
    // Messages stopped at different depths do not resume together.
    let earlier = encoder.embed_ids_until(&ids[..1], &depths, 3).unwrap();
    let mixed = [earlier[0].clone(), partials[1].clone()];
    assert!(encoder.resume(&mixed, &depths).is_err());
}

/// Writes the fixture's messages with our token ids to `$E5_IDS_OUT` (scripts/e5-reference.sh).
#[test]
#[ignore]
fn e5_dump_token_ids() {
    let dir = e5_dir().expect("models/e5-small");
    let encoder = sandesh_model::Encoder::load(&dir).unwrap();
    let messages: Vec<serde_json::Value> = E5_MESSAGES
        .iter()
        .map(|t| serde_json::json!({"text": t, "ids": encoder.tokenize(t).unwrap()}))
        .collect();
    let out = std::env::var("E5_IDS_OUT").expect("E5_IDS_OUT");
    std::fs::write(out, serde_json::json!({ "messages": messages }).to_string()).unwrap();
}

/// Latency: `RAYON_NUM_THREADS=1 cargo test --release -p sandesh-model --test model_dir --
/// --ignored --nocapture e5_latency`.
#[test]
#[ignore]
fn e5_latency() {
    let dir = e5_dir().expect("models/e5-small");
    let encoder = sandesh_model::Encoder::load(&dir).unwrap();
    let text = E5_MESSAGES[0];
    let ids = encoder.tokenize(text).unwrap();
    eprintln!(
        "{} tokens, {} threads",
        ids.len(),
        candle_core::utils::get_num_threads()
    );
    let median = |f: &mut dyn FnMut(), n: usize| {
        f();
        let mut t: Vec<f64> = (0..n)
            .map(|_| {
                let s = std::time::Instant::now();
                f();
                s.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t.sort_by(f64::total_cmp);
        t[n / 2]
    };
    let single = median(
        &mut || {
            encoder.embed(&[text]).unwrap();
        },
        50,
    );
    let tok = median(
        &mut || {
            encoder.tokenize(text).unwrap();
        },
        50,
    );
    let batch: Vec<&str> = E5_MESSAGES.iter().cycle().take(32).copied().collect();
    let lens: Vec<usize> = batch
        .iter()
        .map(|t| encoder.tokenize(t).unwrap().len())
        .collect();
    let b32 = median(
        &mut || {
            encoder.embed(&batch).unwrap();
        },
        10,
    );
    eprintln!(
        "single {}-token message: median {single:.2} ms (tokenize {tok:.3} ms)",
        ids.len()
    );
    eprintln!(
        "batch of 32 ({}..={} tokens, one pass): median {b32:.1} ms, {:.2} ms per message",
        lens.iter().min().unwrap(),
        lens.iter().max().unwrap(),
        b32 / 32.0
    );
}
