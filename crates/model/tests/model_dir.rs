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
