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

fn parse_date(s: &str) -> Result<sandesh::Date, String> {
    s.parse()
}

/// Where the engine finds its model and which day relative dates resolve against.
pub struct Setup {
    model: Option<PathBuf>,
    reference_date: Option<sandesh::Date>,
}

fn engine(setup: &Setup) -> anyhow::Result<sandesh::Engine> {
    Ok(builder(setup).build()?)
}

fn builder(setup: &Setup) -> sandesh::EngineBuilder {
    let mut b = sandesh::Engine::builder();
    if let Some(dir) = &setup.model {
        b = b.model_dir(dir);
    }
    if let Some(d) = setup.reference_date {
        b = b.reference(sandesh::Reference::Fixed(d));
    }
    b
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let setup = Setup {
        model: cli.model,
        reference_date: cli.reference_date,
    };
    let result = match cli.command {
        Command::Classify(args) => classify::run(&setup, args),
        Command::Eval(args) => eval::run(&setup, args),
        Command::Train(args) => train::run(args),
        Command::Serve(args) => serve::run(&setup, args),
        Command::Report(args) => report::run(&setup, args),
        Command::Label(args) => label::run(&setup, args),
        Command::Model(command) => model::run(command),
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
