//! Extracts entities from every line of a JSONL file with a `text` field, `N` times over, and
//! prints how many it found: `cargo run --release -p sandesh-extract --example extract_file --
//! datasets/test.jsonl 10`. Handy under a profiler.
//!
//! With `--timing` as the third argument it times each `extract` call on one thread, after one
//! untimed warm-up pass, and prints one JSON object instead of the count line:
//! `{"n": MESSAGES, "rounds": N, "median_us": ..., "p99_us": ...}` (percentiles over all
//! MESSAGES × N calls). `scripts/bench-extract-peers.sh` reads it.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: extract_file FILE.jsonl [ROUNDS] [--timing]");
        std::process::exit(2);
    };
    let rounds: usize = match args.next() {
        None => 1,
        Some(r) => match r.parse() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("ROUNDS must be a positive whole number, not {r:?}");
                std::process::exit(1);
            }
        },
    };
    let timing = match args.next().as_deref() {
        None => false,
        Some("--timing") => true,
        Some(other) => {
            eprintln!("unknown argument {other:?} (expected --timing)");
            std::process::exit(1);
        }
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let texts: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let ex = sandesh_extract::Extractors::default();
    let reference = sandesh_extract::Date::new(2026, 11, 22);
    if timing {
        if texts.is_empty() {
            eprintln!("{path}: no lines with a \"text\" field to time");
            std::process::exit(1);
        }
        let mut n = 0;
        for t in &texts {
            n += ex.extract(t, reference).len();
        }
        let mut us: Vec<f64> = Vec::with_capacity(texts.len() * rounds);
        for _ in 0..rounds {
            for t in &texts {
                let start = Instant::now();
                let found = ex.extract(t, reference);
                us.push(start.elapsed().as_secs_f64() * 1e6);
                n += found.len();
            }
        }
        std::hint::black_box(n);
        us.sort_by(f64::total_cmp);
        let mid = us.len() / 2;
        let median = if us.len() % 2 == 1 {
            us[mid]
        } else {
            (us[mid - 1] + us[mid]) / 2.0
        };
        let p99 = us[((us.len() - 1) as f64 * 0.99).round() as usize];
        println!(
            "{}",
            serde_json::json!({"n": texts.len(), "rounds": rounds, "median_us": median, "p99_us": p99})
        );
        return;
    }
    let mut n = 0;
    for _ in 0..rounds {
        for t in &texts {
            n += ex.extract(t, reference).len();
        }
    }
    println!("{} messages × {rounds}: {n} entities", texts.len());
}
