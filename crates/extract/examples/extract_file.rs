//! Extracts entities from every line of a JSONL file with a `text` field, `N` times over, and
//! prints how many it found: `cargo run --release -p sandesh-extract --example extract_file --
//! datasets/test.jsonl 10`. Handy under a profiler.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: extract_file FILE.jsonl [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
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
    let mut n = 0;
    for _ in 0..rounds {
        for t in &texts {
            n += ex.extract(t, reference).len();
        }
    }
    println!("{} messages × {rounds}: {n} entities", texts.len());
}
