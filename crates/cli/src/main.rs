//! `sandesh`: classify WhatsApp business messages, score the engine, train a model.

mod classify;
mod eval;
mod label;
mod labelled;
mod model;
mod report;
mod serve;
mod train;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sandesh",
    version,
    about = "On-device language engine for WhatsApp business messages"
)]
struct Cli {
    /// Model directory (default: $SANDESH_MODEL_DIR, else the shipped models/fast).
    #[arg(long, global = true, value_name = "DIR")]
    model: Option<PathBuf>,
    /// Which model decides intents: fast (n-gram, microseconds), encoder (multilingual-e5-small
    /// and its head, milliseconds) or cascade (fast, and the encoder when the fast model is
    /// unsure). Without the encoder (scripts/fetch-e5.sh) the fast tier runs, with a warning.
    #[arg(long, global = true, default_value = "fast", value_name = "TIER")]
    tier: sandesh::Tier,
    /// Encoder directory (default: $SANDESH_ENCODER_DIR, else models/e5-small), or
    /// `hf:OWNER/NAME[@REV]` to download it from the model hub first (builds with the `hub`
    /// feature only; `--model hf:…` means the same, as only the encoder comes from the hub).
    #[arg(long, global = true, value_name = "DIR")]
    encoder: Option<PathBuf>,
    /// Encoder head directory (default: $SANDESH_HEAD_DIR, else the shipped models/e5-head).
    #[arg(long, global = true, value_name = "DIR")]
    head: Option<PathBuf>,
    /// The cascade's threshold: the first stage's confidence below which the encoder is asked
    /// (default: the one chosen on dev, stored with the head; the early exit keeps its own).
    #[arg(long, global = true, value_name = "T", value_parser = parse_threshold)]
    cascade_threshold: Option<f32>,
    /// Day that relative dates ("kal", "next Monday") resolve against, YYYY-MM-DD (default:
    /// today in India Standard Time).
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    reference_date: Option<sandesh::Date>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify one message, or JSON lines of messages.
    Classify(classify::Args),
    /// Score the engine on labelled JSONL files (LABELS.md format).
    Eval(eval::Args),
    /// Train a model directory from datasets/ train and dev splits.
    Train(train::Args),
    /// Serve the HTTP API (POST /v1/classify and the rest of CONTRACT.md).
    Serve(serve::Args),
    /// Label WhatsApp chat exports (.txt, .zip, folders): one analysed message per line.
    Label(label::Args),
    /// Write the operations report (HTML or JSON) of a labelled chat history.
    Report(report::Args),
    /// Manage model directories (import the multilingual encoder).
    #[command(subcommand)]
    Model(model::Command),
}

fn parse_threshold(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}

fn parse_date(s: &str) -> Result<sandesh::Date, String> {
    s.parse()
}

/// Where the engine finds its model and which day relative dates resolve against.
pub struct Setup {
    model: Option<PathBuf>,
    tier: sandesh::Tier,
    encoder: Option<PathBuf>,
    head: Option<PathBuf>,
    cascade_threshold: Option<f32>,
    reference_date: Option<sandesh::Date>,
}

/// The engine, after a warning on stderr when the tier asked for cannot run.
fn engine(setup: &Setup) -> anyhow::Result<sandesh::Engine> {
    let engine = builder(setup).build()?;
    warn_fallback(&engine);
    Ok(engine)
}

fn warn_fallback(engine: &sandesh::Engine) {
    if let Some(reason) = engine.fallback() {
        eprintln!("warning: {reason}");
    }
}

fn builder(setup: &Setup) -> sandesh::EngineBuilder {
    let mut b = sandesh::Engine::builder().tier(setup.tier);
    if let Some(dir) = &setup.model {
        b = b.model_dir(dir);
    }
    if let Some(dir) = &setup.encoder {
        b = b.encoder_dir(dir);
    }
    if let Some(dir) = &setup.head {
        b = b.head_dir(dir);
    }
    if let Some(t) = setup.cascade_threshold {
        b = b.cascade_threshold(t);
    }
    if let Some(d) = setup.reference_date {
        b = b.reference(sandesh::Reference::Fixed(d));
    }
    b
}

fn run(setup: &Setup, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Classify(args) => classify::run(setup, args),
        Command::Eval(args) => eval::run(setup, args),
        Command::Train(args) => train::run(setup, args),
        Command::Serve(args) => serve::run(setup, args),
        Command::Report(args) => report::run(setup, args),
        Command::Label(args) => label::run(setup, args),
        Command::Model(command) => model::run(command),
    }
}

/// Directory a hub encoder is assembled in: `models/hub/OWNER--NAME`.
fn hub_dir(repo: &str) -> PathBuf {
    PathBuf::from("models/hub").join(repo.replace('/', "--"))
}

/// `--encoder hf:…` (or `--model hf:…`): downloads the encoder (cached by hf-hub) and assembles
/// its directory, which then loads like any other.
fn resolve_hub(model: &mut Option<PathBuf>, encoder: &mut Option<PathBuf>) -> anyhow::Result<()> {
    let spec_of = |p: &Option<PathBuf>| {
        p.as_ref()
            .and_then(|p| p.to_str())
            .filter(|s| s.starts_with(sandesh::hub::HF_PREFIX))
            .map(str::to_string)
    };
    let spec = match (spec_of(model), spec_of(encoder)) {
        (Some(m), None) => {
            *model = None;
            m
        }
        (_, Some(e)) => e,
        (None, None) => return Ok(()),
    };
    let Some((repo, _)) = sandesh::hub::parse_hf_spec(&spec) else {
        anyhow::bail!("{spec:?}: expected hf:owner/name or hf:owner/name@revision");
    };
    let out = hub_dir(repo);
    eprintln!("fetching {spec} from the model hub into {}", out.display());
    sandesh::hub::fetch(&spec, &out)?;
    *encoder = Some(out);
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (mut model, mut encoder) = (cli.model, cli.encoder);
    let result = resolve_hub(&mut model, &mut encoder).and_then(|()| {
        let setup = Setup {
            model,
            tier: cli.tier,
            encoder,
            head: cli.head,
            cascade_threshold: cli.cascade_threshold,
            reference_date: cli.reference_date,
        };
        run(&setup, cli.command)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("sandesh: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
