//! `sandesh train`: datasets/ train and dev splits to a model directory.

use anyhow::{bail, Context};
use sandesh::evaluation::read_labelled;
use sandesh::HeadConfig;
use sandesh::{FastConfig, FeatureConfig, LangIdConfig, Tier};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Folder holding train.jsonl and dev.jsonl.
    #[arg(long, default_value = "datasets", value_name = "DIR")]
    data: PathBuf,
    /// Model directory to write (default: models/fast, or models/e5-head with --tier encoder).
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed of initialisation and shuffling.
    #[arg(long, default_value_t = FastConfig::default().seed)]
    seed: u64,
    /// Passes over the training data (default: 30 for the fast model, 40 for the encoder head).
    #[arg(long)]
    epochs: Option<usize>,
    /// Initial learning rate (default: 0.5 for the fast model, 0.001 (AdamW) for the head).
    #[arg(long)]
    lr: Option<f32>,
    /// Hidden units of the encoder head (0: logistic regression).
    #[arg(long, default_value_t = HeadConfig::default().hidden)]
    hidden: usize,
    /// Embedding size.
    #[arg(long, default_value_t = FastConfig::default().dim)]
    dim: usize,
    /// Hash buckets of the classifier (rows of the embedding table).
    #[arg(long, default_value_t = FeatureConfig::default().buckets)]
    buckets: usize,
    /// Keep the encoder's embeddings of train and dev in this folder and reuse them while the
    /// texts and the encoder are the same (retraining the head then takes seconds).
    #[arg(long, value_name = "DIR")]
    embedding_cache: Option<PathBuf>,
    /// Depths of the encoder the head reads, comma-separated (0: the embedding layer; 12: the
    /// last of e5-small's layers). Default: the middle layer and the last.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    depths: Option<Vec<usize>>,
    /// Depth of the cascade's early exit, one of the head's depths below the last (0: none).
    /// Default: the first of the head's depths when it is a middle layer.
    #[arg(long, value_name = "N")]
    exit_depth: Option<usize>,
    /// The cascade's two mix weights, each in 0..=1: the fast tier's in the first stage (the
    /// gate has the rest), then the first stage's in the early exit (the exit head has the
    /// rest). Default: chosen on held-out languages (each language in turn read by a fast model,
    /// gate and exit trained without it; adds a few minutes).
    #[arg(long, value_name = "FAST,FIRST", value_delimiter = ',')]
    mix_weights: Option<Vec<f32>>,
    /// What the cascade's gate head reads: `weighted-words` (the message's word vectors
    /// weighted towards rare pieces) or `embedding-layer` (the mean of the embedding layer's
    /// output, as heads trained before it read).
    #[arg(long, default_value = "weighted-words", value_name = "INPUT")]
    gate_input: sandesh::GateInput,
    /// Weight decay of the encoder head (AdamW).
    #[arg(long, default_value_t = HeadConfig::default().weight_decay)]
    weight_decay: f32,
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

pub fn run(setup: &crate::Setup, args: Args) -> anyhow::Result<()> {
    match setup.tier {
        Tier::Fast => run_fast(args),
        Tier::Encoder => run_encoder(setup, args),
        Tier::Cascade => bail!(
            "the cascade has nothing of its own to train: `--tier encoder` trains the head and \
             chooses the cascade threshold on dev"
        ),
    }
}

fn run_fast(args: Args) -> anyhow::Result<()> {
    let epochs = args.epochs.unwrap_or(FastConfig::default().epochs);
    let lr = args.lr.unwrap_or(FastConfig::default().lr);
    if args.dim == 0 || args.buckets == 0 || epochs == 0 || !lr.is_finite() || lr <= 0.0 {
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
        epochs,
        lr,
        seed: args.seed,
    };
    let hash = sandesh::data_hash(&[&train_bytes, &dev_bytes]);
    let mut trained =
        sandesh::training::train(&train, &dev, config, LangIdConfig::default(), hash)?;
    let out = args.out.unwrap_or_else(|| PathBuf::from("models/fast"));
    trained.model.save(&out)?;
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
            out.display()
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

/// `--tier encoder`: embeds train and dev with the encoder, trains and calibrates the head,
/// chooses the cascade threshold against the fast model, and writes the head directory.
fn run_encoder(setup: &crate::Setup, args: Args) -> anyhow::Result<()> {
    let defaults = HeadConfig::default();
    let config = HeadConfig {
        hidden: args.hidden,
        epochs: args.epochs.unwrap_or(defaults.epochs),
        lr: args.lr.unwrap_or(defaults.lr),
        seed: args.seed,
        weight_decay: args.weight_decay,
        ..defaults
    };
    if config.epochs == 0 || !config.lr.is_finite() || config.lr <= 0.0 {
        bail!("--epochs and --lr must be positive");
    }
    let mix_weights = match args.mix_weights.as_deref() {
        None => None,
        Some(&[fast, first]) if [fast, first].iter().all(|w| (0.0..=1.0).contains(w)) => {
            Some((fast, first))
        }
        Some(w) => bail!("--mix-weights takes two weights in 0..=1, got {w:?}"),
    };
    let (train_bytes, train) = read(&args.data.join("train.jsonl"))?;
    let (dev_bytes, dev) = read(&args.data.join("dev.jsonl"))?;
    let fast = crate::builder(setup).tier(Tier::Fast).build()?;
    let encoder_dir =
        sandesh::locate_encoder_dir(setup.encoder.clone()).map_err(anyhow::Error::msg)?;
    let encoder = sandesh::Encoder::load(&encoder_dir).with_context(|| {
        format!(
            "cannot load the encoder from {} (make it with `bash scripts/fetch-e5.sh`)",
            encoder_dir.display()
        )
    })?;
    let hash = sandesh::data_hash(&[&train_bytes, &dev_bytes]);
    let job = sandesh::training::HeadJob {
        train: &train,
        dev: &dev,
        config,
        data_sha256: hash,
        embedding_cache: args.embedding_cache.as_deref(),
        depths: args.depths.clone(),
        exit_depth: args.exit_depth,
        mix_weights,
        gate_input: args.gate_input,
    };
    let trained =
        sandesh::training::train_encoder_head(&fast, &encoder, job, |line| eprintln!("{line}"))?;
    let out = args.out.unwrap_or_else(|| PathBuf::from("models/e5-head"));
    let mut head = trained.head;
    head.save(&out)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&head.manifest.metrics)?);
        return Ok(());
    }
    println!(
        "trained the encoder head on {} messages, calibrated on {} (dev); wrote {}",
        train.len(),
        dev.len(),
        out.display()
    );
    for (name, r) in [
        ("fast", &trained.dev_fast),
        ("1st stage", &trained.dev_first_stage),
        ("encoder", &trained.dev_encoder),
        ("cascade", &trained.dev_cascade),
    ] {
        println!(
            "dev {name:<9} accuracy {:.4}  macro-F1 {:.4}  ECE {:.4}",
            r.accuracy, r.macro_f1, r.ece
        );
    }
    let c = &head.manifest.cascade;
    let exit = head.manifest.exit;
    // The sweep is over both thresholds; shown along the first at the chosen exit threshold.
    let chosen_exit = exit.map_or(f32::INFINITY, |e| e.threshold);
    println!(
        "dev sweep: threshold → messages sent to the encoder{}, its cost (share of encoder-only), \
         cascade macro-F1",
        if exit.is_some() {
            " (past the exit)"
        } else {
            ""
        }
    );
    for p in trained
        .sweep
        .iter()
        .filter(|p| p.exit_threshold == chosen_exit)
        .step_by(5)
    {
        let past = if exit.is_some() {
            format!(" ({:5.1}%)", p.past_exit_share * 100.0)
        } else {
            String::new()
        };
        println!(
            "  {:.2} → {:5.1}%{past}  {:5.1}%  {:.4}",
            p.threshold,
            p.share * 100.0,
            p.token_share * 100.0,
            p.macro_f1
        );
    }
    println!(
        "cascade threshold {:.2} (a first-stage confidence below it goes to the encoder): {:.1}% of dev's \
         messages, costing {:.1}% of encoder-only (head temperature {:.3}, ECE before calibration {:.4})",
        c.threshold,
        c.dev_share_to_encoder * 100.0,
        c.dev_token_share_to_encoder * 100.0,
        head.head.temperature(),
        trained.dev_ece_uncalibrated
    );
    if let Some(m) = &trained.mix_weights {
        let row = |sweep: &[(f32, f64)]| -> String {
            sweep
                .iter()
                .map(|(w, f)| format!("{w:.1}→{f:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "held-out languages ({} languages, {} messages read by models that never saw theirs), \
             macro-F1 by weight:",
            m.folds, m.messages
        );
        println!("  first stage, fast tier's weight: {}", row(&m.gate_sweep));
        println!("  early exit, first stage's weight: {}", row(&m.exit_sweep));
    }
    if let Some(h) = &trained.held_out_cascade {
        println!(
            "held-out languages at the chosen weights and thresholds: encoder {:.4}, first stage \
             {:.4}, cascade {:.4} ({:.1}% asked, {:.1}% past the exit, {:.1}% of encoder-only)",
            h.encoder_macro_f1,
            h.first_stage_macro_f1,
            h.cascade.macro_f1,
            h.cascade.share * 100.0,
            h.cascade.past_exit_share * 100.0,
            h.cascade.token_share * 100.0
        );
    }
    if let Some(g) = head.manifest.gate {
        println!(
            "first stage: fast tier's weight {:.1}, gate input {}",
            g.fast_weight, g.input
        );
    }
    if let Some(e) = exit {
        println!(
            "early exit after layer {} at confidence {:.2} (first stage's weight {:.1}): {:.1}% of dev's messages went on to the last layer",
            e.depth,
            e.threshold,
            e.first_weight,
            e.dev_share_past_exit * 100.0
        );
    }
    Ok(())
}
