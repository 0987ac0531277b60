//! `sandesh`: classify WhatsApp business messages, score the engine, train a model.

mod classify;
mod eval;
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
}

fn engine(model: Option<PathBuf>) -> anyhow::Result<sandesh::Engine> {
    let mut b = sandesh::Engine::builder();
    if let Some(dir) = model {
        b = b.model_dir(dir);
    }
    Ok(b.build()?)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(args) => classify::run(cli.model, args),
        Command::Eval(args) => eval::run(cli.model, args),
        Command::Train(args) => train::run(args),
    };
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
