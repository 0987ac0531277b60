//! `synth-export`: writes a synthetic WhatsApp "Export chat" file (see `sandesh_bench::synth`)
//! and its stats as JSON.
//!
//! ```text
//! synth-export --messages 1000000 --seed 7 --format android-en-in -o target/synth/export-1m.txt
//! ```

use sandesh_bench::synth::{write_export_with, SynthConfig, SynthCorpus, SynthFormat};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: synth-export [options]

  --messages N     messages to write, system lines included (default 10000)
  --seed N         generator seed; the same seed gives the same bytes (default 7)
  --format F       android-en-in (default), android-dmy24 or ios
  --chats N        distinct customers (default 2000)
  --start DATE     first day, YYYY-MM-DD (default 2023-04-01)
  --business NAME  the business, author of its own messages (default \"Sharma Sarees\")
  --dataset FILE   labelled JSONL to sample customer texts from (default datasets/train.jsonl)
  -o, --output F   the export file (default: standard output)
  --stats FILE     write the stats JSON there (default: standard error)
";

struct Args {
    config: SynthConfig,
    dataset: PathBuf,
    output: Option<PathBuf>,
    stats: Option<PathBuf>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        config: SynthConfig::default(),
        dataset: SynthCorpus::default_path(),
        output: None,
        stats: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        const FLAGS: [&str; 10] = [
            "--messages",
            "--seed",
            "--chats",
            "--format",
            "--start",
            "--business",
            "--dataset",
            "-o",
            "--output",
            "--stats",
        ];
        if !FLAGS.contains(&flag.as_str()) {
            return Err(format!("unknown option {flag}\n\n{USAGE}"));
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        let number = |what: &str| -> Result<u64, String> {
            value
                .replace('_', "")
                .parse()
                .map_err(|e| format!("{what}: {value:?}: {e}"))
        };
        match flag.as_str() {
            "--messages" => args.config.messages = number("--messages")?,
            "--seed" => args.config.seed = number("--seed")?,
            "--chats" => {
                args.config.chats =
                    u32::try_from(number("--chats")?).map_err(|e| format!("--chats: {e}"))?
            }
            "--format" => args.config.format = value.parse::<SynthFormat>()?,
            "--start" => args.config.start = parse_day(&value)?,
            "--business" => args.config.business = value,
            "--dataset" => args.dataset = PathBuf::from(value),
            "-o" | "--output" => args.output = (value != "-").then(|| PathBuf::from(value)),
            "--stats" => args.stats = Some(PathBuf::from(value)),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    Ok(Some(args))
}

fn parse_day(s: &str) -> Result<(u16, u8, u8), String> {
    let bad = || format!("--start: {s:?} is not YYYY-MM-DD");
    let mut parts = s.splitn(3, '-');
    let mut next = || parts.next().ok_or_else(bad);
    let y = next()?.parse().map_err(|_| bad())?;
    let m = next()?.parse().map_err(|_| bad())?;
    let d = next()?.parse().map_err(|_| bad())?;
    Ok((y, m, d))
}

fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let corpus = SynthCorpus::load(&args.dataset).map_err(|e| e.to_string())?;
    let stats = match &args.output {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            let file =
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let stats = write_export_with(&args.config, &corpus, &mut out)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            out.flush()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            stats
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let stats =
                write_export_with(&args.config, &corpus, &mut out).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
            stats
        }
    };
    let elapsed = started.elapsed().as_secs_f64();

    let mut json = stats.to_json();
    if let Some(map) = json.as_object_mut() {
        let c = &args.config;
        map.insert(
            "config".into(),
            serde_json::json!({
                "messages": c.messages,
                "seed": c.seed,
                "format": c.format.as_str(),
                "chats": c.chats,
                "start": format!("{:04}-{:02}-{:02}", c.start.0, c.start.1, c.start.2),
                "business": c.business,
            }),
        );
    }
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    match &args.stats {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => eprintln!("{text}"),
    }
    eprintln!(
        "synth-export: {} messages, {} lines, {} bytes in {elapsed:.2} s ({:.0} messages/s)",
        stats.messages,
        stats.lines,
        stats.bytes,
        stats.messages as f64 / elapsed.max(1e-9)
    );
    Ok(())
}

fn main() -> ExitCode {
    sandesh_bench::bin_main("synth-export", USAGE, parse_args, run)
}
