//! `sandesh model fetch-hub`: a bad reference and a failed download are clear errors with a
//! non-zero exit and nothing written. Without the `hub` feature the command says how to get the
//! encoder otherwise; with it, an unreachable endpoint (no network is used) says the machine may be
//! offline.

use std::process::Command;

fn fetch_hub(args: &[&str], out: &std::path::Path) -> (bool, String) {
    let hf_home = out.with_file_name("hf-home");
    let o = Command::new(env!("CARGO_BIN_EXE_sandesh"))
        .args(["model", "fetch-hub"])
        .args(args)
        .arg("--out")
        .arg(out)
        // Never the real hub: a local port nobody listens on (port 9, discard).
        .env("HF_ENDPOINT", "http://127.0.0.1:9")
        .env("HF_HOME", &hf_home)
        .env_remove("HF_TOKEN")
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn fetch_hub_fails_clearly_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("e5-hub");

    let (ok, err) = fetch_hub(&["intfloat/multilingual-e5-small"], &out);
    assert!(!ok);
    assert!(err.contains("expected hf:owner/name"), "{err}");

    let (ok, err) = fetch_hub(&["hf:intfloat/multilingual-e5-small"], &out);
    assert!(!ok);
    assert!(err.starts_with("sandesh: error: "), "{err}");
    if cfg!(feature = "hub") {
        assert!(err.contains("may be offline"), "{err}");
    } else {
        assert!(err.contains("--features hub"), "{err}");
    }
    assert!(err.contains("scripts/fetch-e5.sh"), "{err}");
    assert!(!out.exists());
}

#[test]
fn an_hf_encoder_or_model_flag_fetches_first_and_fails_clearly_offline() {
    let tmp = tempfile::tempdir().unwrap();
    for flag in ["--encoder", "--model"] {
        let o = Command::new(env!("CARGO_BIN_EXE_sandesh"))
            .current_dir(tmp.path())
            .args([
                flag,
                "hf:intfloat/multilingual-e5-small",
                "--tier",
                "encoder",
            ])
            .args(["classify", "bhai rate kya hai"])
            .env("HF_ENDPOINT", "http://127.0.0.1:9")
            .env("HF_HOME", tmp.path().join("hf-home"))
            .env_remove("HF_TOKEN")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{flag}: {err}");
        assert!(
            err.contains("intfloat/multilingual-e5-small"),
            "{flag}: {err}"
        );
        assert!(err.contains("scripts/fetch-e5.sh"), "{flag}: {err}");
        // Nothing was classified with a half-made encoder.
        assert!(o.stdout.is_empty(), "{flag}");
    }
}
