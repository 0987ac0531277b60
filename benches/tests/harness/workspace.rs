//! The dependency rules of STYLE.md, read from `cargo metadata`: dependencies point down only.

use serde_json::Value;
use std::collections::BTreeMap;

/// Workspace crates each crate may use (normal dependencies). A crate not listed may not exist
/// without a rule being written for it here.
fn allowed(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        "sandesh-types" => &[],
        "sandesh-text" => &["sandesh-types"],
        "sandesh-extract" => &["sandesh-types", "sandesh-text"],
        "sandesh-model" => &["sandesh-types", "sandesh-text"],
        "sandesh" => &[
            "sandesh-types",
            "sandesh-text",
            "sandesh-extract",
            "sandesh-model",
        ],
        "sandesh-chat" => &["sandesh-types"],
        "sandesh-server" => &["sandesh", "sandesh-types"],
        "sandesh-cli" => &["sandesh", "sandesh-chat", "sandesh-server"],
        "sandesh-bench" => &[
            "sandesh",
            "sandesh-types",
            "sandesh-text",
            "sandesh-extract",
            "sandesh-model",
            "sandesh-chat",
            "sandesh-server",
        ],
        _ => return None,
    })
}

/// External crates a crate must not use directly (normal, non-optional dependencies).
fn forbidden_external(krate: &str, dep: &str, optional: bool) -> Option<&'static str> {
    let library = !matches!(krate, "sandesh-cli" | "sandesh-bench");
    match dep {
        "anyhow" if library => Some("anyhow is for binaries and tests only"),
        d if d.starts_with("candle") && krate != "sandesh-model" => {
            Some("candle stays inside sandesh-model")
        }
        "hf-hub" if krate != "sandesh-model" || !optional => {
            Some("hf-hub only behind sandesh-model's off-by-default `hub` feature")
        }
        "tokio" | "axum"
            if !matches!(krate, "sandesh-server" | "sandesh-cli" | "sandesh-bench") =>
        {
            Some("async runtimes and HTTP belong to sandesh-server")
        }
        _ if krate == "sandesh-types" && !matches!(dep, "serde" | "thiserror") => {
            Some("sandesh-types depends on serde and thiserror only")
        }
        _ => None,
    }
}

/// (crate, dependency, optional) for every normal dependency of every workspace package.
fn edges(metadata: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for p in metadata["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().unwrap().to_string();
        for d in p["dependencies"].as_array().unwrap() {
            if d["kind"].is_null() {
                out.push((
                    name.clone(),
                    d["name"].as_str().unwrap().to_string(),
                    d["optional"].as_bool().unwrap_or(false),
                ));
            }
        }
    }
    out
}

fn violations(edges: &[(String, String, bool)]) -> Vec<String> {
    let mut out = Vec::new();
    let crates: BTreeMap<&str, ()> = edges.iter().map(|(k, _, _)| (k.as_str(), ())).collect();
    for krate in crates.keys() {
        if allowed(krate).is_none() {
            out.push(format!("{krate} has no rule in STYLE.md"));
        }
    }
    for (krate, dep, optional) in edges {
        let Some(ok) = allowed(krate) else { continue };
        if dep.starts_with("sandesh") {
            if !ok.contains(&dep.as_str()) {
                out.push(format!("{krate} must not depend on {dep}"));
            }
        } else if let Some(why) = forbidden_external(krate, dep, *optional) {
            out.push(format!("{krate} → {dep}: {why}"));
        }
    }
    out
}

#[test]
fn dependency_edges_follow_style_md() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(sandesh_bench::repo_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = edges(&metadata);
    for krate in [
        "sandesh-types",
        "sandesh-text",
        "sandesh-model",
        "sandesh",
        "sandesh-cli",
    ] {
        assert!(
            e.iter().any(|(k, _, _)| k == krate),
            "{krate} is in the workspace"
        );
    }
    let v = violations(&e);
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
fn the_rules_catch_upward_and_forbidden_edges() {
    let edge = |k: &str, d: &str| (k.to_string(), d.to_string(), false);
    let bad = [
        edge("sandesh-text", "sandesh-model"),
        edge("sandesh-types", "regex"),
        edge("sandesh-model", "anyhow"),
        edge("sandesh-chat", "sandesh-model"),
        edge("sandesh-server", "candle-core"),
        edge("sandesh-model", "hf-hub"),
        edge("sandesh-mystery", "serde"),
    ];
    for e in &bad {
        assert_eq!(
            violations(std::slice::from_ref(e)).len(),
            1,
            "{e:?} must be caught"
        );
    }
    let good = [
        edge("sandesh", "sandesh-model"),
        edge("sandesh-cli", "anyhow"),
        ("sandesh-model".into(), "hf-hub".into(), true),
    ];
    assert!(violations(&good).is_empty());
}

#[test]
fn fuzz_targets_still_build() {
    // fuzz/ is its own workspace (STYLE.md habit 9), so `cargo test --workspace` would never
    // compile it; build it here so that a change that breaks a fuzz target fails the suite.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = sandesh_bench::repo_root().join("fuzz/Cargo.toml");
    let out = std::process::Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo build runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
