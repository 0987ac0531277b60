//! `e5-bench`: latency of the e5 encoder on one 16-token message and on a batch of 32, with the
//! time of each stage, as one JSON object; or the token ids of both, for timing a peer (PyTorch)
//! on exactly the same input.
//!
//! ```text
//! RAYON_NUM_THREADS=1 cargo run --release -p sandesh-bench --bin e5-bench -- models/e5-small
//! cargo run --release -p sandesh-bench --bin e5-bench -- --ids-out target/e5-ids.json
//! ```
//!
//! The single message is the first of datasets/test.jsonl with exactly 16 tokens, `<s>` and
//! `</s>` included; the batch is the first 32 messages of datasets/test.jsonl. A single run is
//! tokenize, forward and pooling of that one message; a batch run is tokenize of the 32
//! messages and `embed_ids_timed_at` of their ids at the depths the head reads. Warm-up runs
//! (5 single, 2 batch) are excluded from the figures. Medians and p99 (nearest rank) are over
//! the timed runs; stage figures are the median of each stage on its own.

use sandesh_model::encoder::StageTimes;
use sandesh_model::Encoder;
use sandesh_model::{EncoderHead, HeadDir};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: e5-bench [MODEL_DIR] [options]

  MODEL_DIR          the encoder directory (default models/e5-small)
  --ids-out FILE     write {\"single\": [ids], \"batch\": [[ids], ...]} there and exit
  --runs N           timed runs of the single message (default 200)
  --batch-runs N     timed runs of the batch of 32 (default 20)
  --data FILE        messages, JSON lines with a \"text\" (default datasets/test.jsonl)
  --head DIR         the encoder head, timed as the last stage (default models/e5-head;
                     skipped with a note when absent)
";

const SINGLE_TOKENS: usize = 16;
const BATCH: usize = 32;
const WARMUP_SINGLE: usize = 5;
const WARMUP_BATCH: usize = 2;

struct Args {
    model: PathBuf,
    ids_out: Option<PathBuf>,
    runs: usize,
    batch_runs: usize,
    data: PathBuf,
    head: PathBuf,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        model: sandesh_bench::repo_root().join("models/e5-small"),
        ids_out: None,
        runs: 200,
        batch_runs: 20,
        data: sandesh_bench::datasets_dir().join("test.jsonl"),
        head: sandesh_bench::repo_root().join("models/e5-head"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let count = |name: &str, v: String| -> Result<usize, String> {
            match v.parse() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{name}: {v:?} is not a positive number")),
            }
        };
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--ids-out" => args.ids_out = Some(value("--ids-out")?.into()),
            "--runs" => args.runs = count("--runs", value("--runs")?)?,
            "--batch-runs" => args.batch_runs = count("--batch-runs", value("--batch-runs")?)?,
            "--data" => args.data = value("--data")?.into(),
            "--head" => args.head = value("--head")?.into(),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => args.model = s.into(),
        }
    }
    Ok(Some(args))
}

fn texts(path: &PathBuf) -> Result<Vec<String>, String> {
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l)
                .map_err(|e| format!("{} line {}: {e}", path.display(), i + 1))?;
            v["text"].as_str().map(str::to_owned).ok_or(format!(
                "{} line {}: no \"text\"",
                path.display(),
                i + 1
            ))
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median and p99 (nearest rank) in ms.
fn summary(mut t: Vec<Duration>) -> (f64, f64) {
    t.sort();
    let p99 = (t.len() * 99).div_ceil(100).max(1) - 1;
    (ms(t[t.len() / 2]), ms(t[p99]))
}

fn stage_medians(stages: &[StageTimes]) -> serde_json::Value {
    let median = |f: fn(&StageTimes) -> Duration| {
        let mut v: Vec<Duration> = stages.iter().map(f).collect();
        v.sort();
        (ms(v[v.len() / 2]) * 1e4).round() / 1e4
    };
    serde_json::json!({
        "tokenize": median(|s| s.tokenize),
        "embeddings": median(|s| s.embeddings),
        "layers": median(|s| s.layers),
        "pool": median(|s| s.pool),
        "head": median(|s| s.head),
    })
}

/// Wall-clock of each timed run, its stages, and the mean CPU ms per run.
type Timed = (Vec<Duration>, Vec<StageTimes>, Option<f64>);

/// CPU time (user + system) of this process so far, from /proc/self/stat (Linux; clock ticks
/// assumed at 100 Hz, the kernel's USER_HZ), or None elsewhere.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Times `runs` runs after `warmup` untimed ones: wall-clock of each, its stages, and the mean
/// CPU time of the process per timed run (10 ms resolution over all runs; on a busy machine it
/// is closer to the unloaded figure than the wall-clock).
fn time_runs(
    encoder: &Encoder,
    head: Option<&(EncoderHead, Vec<usize>)>,
    texts: &[&str],
    warmup: usize,
    runs: usize,
) -> Result<Timed, String> {
    let mut wall = Vec::with_capacity(runs);
    let mut stages = Vec::with_capacity(runs);
    let mut cpu_start = None;
    for i in 0..warmup + runs {
        if i == warmup {
            cpu_start = process_cpu();
        }
        let start = Instant::now();
        let ids = texts
            .iter()
            .map(|t| encoder.tokenize(t))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let tokenize = start.elapsed();
        // The depths the head reads (the last layer alone without a head).
        let depths = head.map_or_else(|| vec![encoder.depth()], |(_, d)| d.clone());
        let (vectors, mut times) = encoder
            .embed_ids_timed_at(&ids, &depths)
            .map_err(|e| e.to_string())?;
        if let Some((head, _)) = head {
            let head_start = Instant::now();
            for v in &vectors {
                std::hint::black_box(head.predict(v));
            }
            times.head = head_start.elapsed();
        }
        let elapsed = start.elapsed();
        std::hint::black_box(vectors);
        times.tokenize = tokenize;
        if i >= warmup {
            wall.push(elapsed);
            stages.push(times);
        }
    }
    let cpu = match (cpu_start, process_cpu()) {
        (Some(a), Some(b)) => Some(round3(ms(b.saturating_sub(a)) / runs as f64)),
        _ => None,
    };
    Ok((wall, stages, cpu))
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

fn run(args: Args) -> Result<(), String> {
    let encoder = Encoder::load(&args.model).map_err(|e| e.to_string())?;
    let head = match HeadDir::load(&args.head) {
        Ok(h) => {
            let depths = h.manifest.depths_for(encoder.depth());
            Some((h.head, depths))
        }
        Err(e) => {
            eprintln!("note: no head timed ({e})");
            None
        }
    };
    let all = texts(&args.data)?;
    let tokenize = |t: &str| encoder.tokenize(t).map_err(|e| e.to_string());
    let mut single = None;
    for t in &all {
        if tokenize(t)?.len() == SINGLE_TOKENS {
            single = Some(t.as_str());
            break;
        }
    }
    let single = single.ok_or(format!(
        "no message of {SINGLE_TOKENS} tokens in {}",
        args.data.display()
    ))?;
    if all.len() < BATCH {
        return Err(format!(
            "{} holds {} messages, fewer than {BATCH}",
            args.data.display(),
            all.len()
        ));
    }
    let batch: Vec<&str> = all[..BATCH].iter().map(String::as_str).collect();
    let batch_ids = batch
        .iter()
        .map(|t| tokenize(t))
        .collect::<Result<Vec<_>, _>>()?;

    if let Some(out) = args.ids_out {
        let json = serde_json::json!({ "single": tokenize(single)?, "batch": batch_ids });
        std::fs::write(&out, json.to_string()).map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("wrote {}", out.display());
        return Ok(());
    }

    let (single_wall, single_stages, single_cpu) =
        time_runs(&encoder, head.as_ref(), &[single], WARMUP_SINGLE, args.runs)?;
    let (batch_wall, batch_stages, batch_cpu) = time_runs(
        &encoder,
        head.as_ref(),
        &batch,
        WARMUP_BATCH,
        args.batch_runs,
    )?;
    let (s50, s99) = summary(single_wall);
    let (b50, b99) = summary(batch_wall);
    let lens: Vec<usize> = batch_ids.iter().map(Vec::len).collect();
    let report = serde_json::json!({
        "model": args.model.display().to_string(),
        "threads": encoder.threads(),
        "rayon_num_threads_env": std::env::var("RAYON_NUM_THREADS").ok(),
        "warmup_runs_excluded": { "single": WARMUP_SINGLE, "batch": WARMUP_BATCH },
        "single": {
            "tokens": SINGLE_TOKENS,
            "text": single,
            "runs": args.runs,
            "median_ms": round3(s50),
            "p99_ms": round3(s99),
            "cpu_mean_ms": single_cpu,
            "stages_median_ms": stage_medians(&single_stages),
        },
        "batch": {
            "messages": BATCH,
            "tokens_min": lens.iter().min(),
            "tokens_max": lens.iter().max(),
            "tokens_total": lens.iter().sum::<usize>(),
            "runs": args.batch_runs,
            "median_ms": round3(b50),
            "p99_ms": round3(b99),
            "cpu_mean_ms": batch_cpu,
            "per_message_median_ms": round3(b50 / BATCH as f64),
            "stages_median_ms": stage_medians(&batch_stages),
        },
    });
    println!("{report}");
    Ok(())
}

fn main() -> ExitCode {
    sandesh_bench::bin_main(
        "e5-bench",
        USAGE,
        || parse_args().map_err(|e| format!("{e}\n{USAGE}")),
        run,
    )
}
