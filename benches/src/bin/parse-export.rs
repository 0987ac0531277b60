//! Parse-only speed of the export parser on a file: `parse-export FILE` reads it the way
//! `sandesh label` does (format detection pass, then the streaming parse) and prints messages,
//! lines, seconds and lines/s. Used by `scripts/bench-label.sh` beside the labelling figures.

use sandesh_chat::{Event, Export, ParseOptions};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse-export FILE");
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let export = match Export::open(std::path::Path::new(&path), &ParseOptions::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("parse-export: {e}");
            return ExitCode::FAILURE;
        }
    };
    let detected = started.elapsed().as_secs_f64();
    let (mut messages, mut skipped, mut lines) = (0u64, 0u64, 0u64);
    let events = match export.messages() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("parse-export: {e}");
            return ExitCode::FAILURE;
        }
    };
    for ev in events {
        match ev {
            Ok(Event::Message(m)) => {
                messages += 1;
                lines = m.line + m.text.matches('\n').count() as u64;
            }
            Ok(Event::Skipped { .. }) => skipped += 1,
            Err(e) => {
                eprintln!("parse-export: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "messages: {messages} skipped: {skipped} lines: {lines} seconds: {secs:.3} \
         (detection {detected:.3}) lines/s: {:.0}",
        lines as f64 / secs.max(1e-9)
    );
    ExitCode::SUCCESS
}
