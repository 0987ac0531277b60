//! `sandesh train`: datasets/ train and dev splits to a model directory.

use anyhow::{bail, Context};
use sandesh::evaluation::read_labelled;
use sandesh::{FastConfig, FeatureConfig, LangIdConfig};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Folder holding train.jsonl and dev.jsonl.
    #[arg(long, default_value = "datasets", value_name = "DIR")]
    data: PathBuf,
    /// Model directory to write.
    #[arg(long, short, default_value = "models/fast", value_name = "DIR")]
    out: PathBuf,
    /// Seed of initialisation and shuffling.
    #[arg(long, default_value_t = FastConfig::default().seed)]
    seed: u64,
    /// Passes over the training data.
    #[arg(long, default_value_t = FastConfig::default().epochs)]
    epochs: usize,
    /// Initial learning rate.
    #[arg(long, default_value_t = FastConfig::default().lr)]
    lr: f32,
    /// Embedding size.
    #[arg(long, default_value_t = FastConfig::default().dim)]
    dim: usize,
    /// Hash buckets of the classifier (rows of the embedding table).
    #[arg(long, default_value_t = FeatureConfig::default().buckets)]
    buckets: usize,
    /// Print the dev report as JSON.
    #[arg(long)]
    json: bool,
}

fn read(path: &PathBuf) -> anyhow::Result<(Vec<u8>, Vec<sandesh::LabelledMessage>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (messages, bad) = read_labelled(&bytes);
    if let Some(b) = bad.first() {
        bail!(
            "{}: {}: {} ({} bad lines)",
            path.display(),
            b.id,
            b.reason,
            bad.len()
        );
    }
    Ok((bytes, messages))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.dim == 0
        || args.buckets == 0
        || args.epochs == 0
        || !args.lr.is_finite()
        || args.lr <= 0.0
    {
        bail!("--dim, --buckets, --epochs and --lr must be positive");
    }
    let (train_bytes, train) = read(&args.data.join("train.jsonl"))?;
    let (dev_bytes, dev) = read(&args.data.join("dev.jsonl"))?;
    let config = FastConfig {
        features: FeatureConfig {
            buckets: args.buckets,
            ..FeatureConfig::default()
        },
        dim: args.dim,
        epochs: args.epochs,
        lr: args.lr,
        seed: args.seed,
    };
    let hash = sandesh::data_hash(&[&train_bytes, &dev_bytes]);
    let mut trained =
        sandesh::training::train(&train, &dev, config, LangIdConfig::default(), hash)?;
    trained.model.save(&args.out)?;
    let r = &trained.dev;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&trained.model.manifest.metrics)?
        );
    } else {
        println!(
            "trained on {} messages, calibrated on {} (dev); wrote {}",
            train.len(),
            dev.len(),
            args.out.display()
        );
        println!(
            "dev: accuracy {:.4}  macro-F1 {:.4}  ECE {:.4} (uncalibrated {:.4}, temperature {:.3})",
            r.intent.accuracy,
            r.intent.macro_f1,
            r.intent.ece,
            trained.dev_ece_uncalibrated,
            trained.model.fast.temperature()
        );
        println!(
            "dev language id: native-script {:.4}, Latin-script {:.4}",
            r.lang_id.native_accuracy, r.lang_id.latin_accuracy
        );
    }
    Ok(())
}
