//! `sandesh eval`: scores on labelled JSONL files.

use anyhow::Context;
use sandesh::evaluation::{evaluate, read_labelled, EvalReport, Skipped};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Labelled JSONL files (LABELS.md format; `label` is read as `intent`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Leave out lines marked `"borderline": true` (external benchmark files).
    #[arg(long)]
    exclude_borderline: bool,
    /// Also time each message on one thread (normalise + classify): median, p99, mean in µs.
    #[arg(long)]
    timing: bool,
    /// List up to N messages whose entities differ from the gold ones (missed and extra, by
    /// span and kind); with --json, all of them (at most 10,000) go into `entity_errors`.
    #[arg(long, value_name = "N")]
    entity_errors: Option<usize>,
}

/// Per-message latency on one thread, in microseconds.
#[derive(serde::Serialize)]
struct Timing {
    messages: usize,
    passes: usize,
    median_us: f64,
    p99_us: f64,
    mean_us: f64,
}

fn time_messages(
    engine: &sandesh::Engine,
    messages: &[sandesh::LabelledMessage],
) -> Option<Timing> {
    if messages.is_empty() {
        return None;
    }
    // Warm caches once, then time enough passes for a stable median (at least ~20,000 calls);
    // with the encoder (milliseconds a message) one pass after a short warm-up.
    let encoder = engine.tier() != sandesh::Tier::Fast;
    let warm = if encoder {
        messages.len().min(20)
    } else {
        messages.len()
    };
    for m in &messages[..warm] {
        std::hint::black_box(engine.classify(&m.text).ok());
    }
    let passes = if encoder {
        1
    } else {
        (20_000 / messages.len()).clamp(1, 50)
    };
    let mut us = Vec::with_capacity(messages.len() * passes);
    for _ in 0..passes {
        for m in messages {
            let t = std::time::Instant::now();
            std::hint::black_box(engine.classify(&m.text).ok());
            us.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() - 1) as f64 * q).round() as usize];
    Some(Timing {
        messages: messages.len(),
        passes,
        median_us: at(0.5),
        p99_us: at(0.99),
        mean_us: us.iter().sum::<f64>() / us.len() as f64,
    })
}

pub fn run(setup: &crate::Setup, args: Args) -> anyhow::Result<()> {
    let engine = crate::engine(setup)?;
    let mut out = std::io::stdout().lock();
    let mut reports = Vec::new();
    for path in &args.files {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let (mut messages, unreadable) = read_labelled(&bytes);
        let before = messages.len();
        if args.exclude_borderline {
            messages.retain(|m| m.borderline != Some(true));
        }
        let excluded = before - messages.len();
        let mut report = evaluate(&engine, &messages);
        let timing = if args.timing {
            time_messages(&engine, &messages)
        } else {
            None
        };
        let mut skipped = unreadable;
        skipped.append(&mut report.skipped);
        report.skipped = skipped;
        if args.entity_errors.is_none() {
            report.entity_errors.clear();
        }
        if !args.json {
            print_report(&mut out, &path.display().to_string(), &report, excluded)?;
            if let Some(n) = args.entity_errors {
                print_entity_errors(&mut out, &report, n)?;
            }
            if let Some(t) = &timing {
                writeln!(
                    out,
                    "latency per message, one thread: median {:.2} µs, p99 {:.2} µs, mean {:.2} µs ({} messages × {} passes)\n",
                    t.median_us, t.p99_us, t.mean_us, t.messages, t.passes
                )?;
            }
        }
        reports.push(json!({
            "file": path.display().to_string(),
            "model": engine.model_path().display().to_string(),
            "tier": engine.tier(),
            "borderline_excluded": excluded,
            "report": report,
            "timing": timing,
        }));
    }
    if args.json {
        let v = if reports.len() == 1 {
            reports.remove(0)
        } else {
            json!(reports)
        };
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    }
    Ok(())
}

fn print_entity_errors(out: &mut impl Write, r: &EvalReport, n: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "entity differences ({} messages; first {}):",
        r.entity_errors.len(),
        n.min(r.entity_errors.len())
    )?;
    for m in r.entity_errors.iter().take(n) {
        writeln!(out, "  {}: {}", m.id, m.text.replace('\n', " / "))?;
        for (what, list) in [("missed", &m.missed), ("extra ", &m.extra)] {
            for e in list {
                writeln!(
                    out,
                    "    {what} {} \"{}\" [{}..{})",
                    e.kind, e.text, e.span.start, e.span.end
                )?;
            }
        }
    }
    writeln!(out)
}

fn print_report(
    out: &mut impl Write,
    file: &str,
    r: &EvalReport,
    excluded: usize,
) -> std::io::Result<()> {
    let i = &r.intent;
    writeln!(out, "== {file}")?;
    write!(out, "messages {}", i.n)?;
    if excluded > 0 {
        write!(out, " (borderline excluded: {excluded})")?;
    }
    writeln!(out)?;
    if r.tier != "fast" {
        write!(
            out,
            "tier {}: the encoder decided {:.1}% of messages",
            r.tier,
            r.encoder_share * 100.0
        )?;
        if r.exit_share > 0.0 {
            write!(
                out,
                " ({:.1}% at the early exit, {:.1}% after its last layer)",
                r.exit_share * 100.0,
                (r.encoder_share - r.exit_share) * 100.0
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "accuracy {:.4}  macro-F1 {:.4}  ECE {:.4}  classified as not-other {:.4}",
        i.accuracy, i.macro_f1, i.ece, r.non_other_share
    )?;
    writeln!(
        out,
        "\n{:<10} {:>9} {:>9} {:>9} {:>8}",
        "intent", "precision", "recall", "F1", "support"
    )?;
    for s in &i.per_intent {
        writeln!(
            out,
            "{:<10} {:>9.4} {:>9.4} {:>9.4} {:>8}",
            s.intent.as_str(),
            s.precision,
            s.recall,
            s.f1,
            s.support
        )?;
    }
    writeln!(out, "\nconfusion (rows gold, columns predicted)")?;
    write!(out, "{:<10}", "")?;
    for intent in sandesh::Intent::ALL {
        write!(
            out,
            " {:>7}",
            &intent.as_str()[..intent.as_str().len().min(7)]
        )?;
    }
    writeln!(out)?;
    for intent in sandesh::Intent::ALL {
        let row = &i.confusion[intent.index()];
        if row.iter().sum::<usize>() == 0 {
            continue;
        }
        write!(out, "{:<10}", intent.as_str())?;
        for c in row {
            write!(out, " {c:>7}")?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "\n{:<10} {:>6} {:>9} {:>9} {:>9}",
        "language", "n", "accuracy", "macro-F1", "lang-id"
    )?;
    for (lang, g) in &r.by_lang {
        let lid = g
            .lang_id_accuracy
            .map_or("-".to_string(), |a| format!("{a:.4}"));
        writeln!(
            out,
            "{lang:<10} {:>6} {:>9.4} {:>9.4} {lid:>9}",
            g.n, g.accuracy, g.macro_f1
        )?;
    }
    if r.by_source.len() > 1 {
        writeln!(
            out,
            "\n{:<26} {:>6} {:>9} {:>9}",
            "source", "n", "accuracy", "macro-F1"
        )?;
        for (src, g) in &r.by_source {
            writeln!(
                out,
                "{src:<26} {:>6} {:>9.4} {:>9.4}",
                g.n, g.accuracy, g.macro_f1
            )?;
        }
    }
    let l = &r.lang_id;
    writeln!(
        out,
        "\nlanguage id: native-script {:.4} (n={}), Latin-script {:.4} (n={})",
        l.native_accuracy, l.native_n, l.latin_accuracy, l.latin_n
    )?;
    writeln!(
        out,
        "\n{:<10} {:>6} {:>9} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}",
        "entity",
        "gold",
        "predicted",
        "span P",
        "span R",
        "span F1",
        "value P",
        "value R",
        "value F1"
    )?;
    for (kind, s) in &r.entities {
        writeln!(
            out,
            "{kind:<10} {:>6} {:>9} | {:>7.4} {:>7.4} {:>7.4} | {:>7.4} {:>7.4} {:>7.4}",
            s.span.gold,
            s.span.predicted,
            s.span.precision,
            s.span.recall,
            s.span.f1,
            s.value.precision,
            s.value.recall,
            s.value.f1
        )?;
    }
    if !r.skipped.is_empty() {
        writeln!(out, "\nskipped {} lines:", r.skipped.len())?;
        for Skipped { id, reason } in r.skipped.iter().take(20) {
            writeln!(out, "  {id}: {reason}")?;
        }
        if r.skipped.len() > 20 {
            writeln!(
                out,
                "  … and {} more (--json lists all)",
                r.skipped.len() - 20
            )?;
        }
    }
    writeln!(out)
}
