//! The external benchmarks of `../shared/eval/_mapped/`, read in place (never copied): every line
//! is read and scored, and the scores stay above floors set well under the figures in the
//! README, so that a regression shows. Skipped, with a message, where the files are absent.

use sandesh::evaluation::{evaluate, read_labelled, EvalReport};
use sandesh::Engine;
use std::path::PathBuf;

fn mapped(name: &str) -> Option<PathBuf> {
    let path = sandesh_bench::repo_root()
        .join("../shared/eval/_mapped")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipping: {} is absent (external benchmark data is read in place)",
            path.display()
        );
        None
    }
}

fn score(path: &PathBuf) -> EvalReport {
    let engine = Engine::builder().build().unwrap();
    let (messages, unreadable) = read_labelled(&std::fs::read(path).unwrap());
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let report = evaluate(&engine, &messages);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.intent.n, messages.len());
    report
}

#[test]
fn mapped_intents_are_all_scored() {
    let Some(path) = mapped("intents.jsonl") else {
        return;
    };
    let r = score(&path);
    assert!(
        r.intent.macro_f1 >= 0.40,
        "macro-F1 {:.3}",
        r.intent.macro_f1
    );
    assert!(r.by_source.len() >= 5, "{:?}", r.by_source.keys());
}

#[test]
fn chatter_is_mostly_not_routed() {
    let Some(path) = mapped("other_negatives.jsonl") else {
        return;
    };
    let r = score(&path);
    assert!(
        r.non_other_share <= 0.45,
        "{:.3} of chatter routed",
        r.non_other_share
    );
}
