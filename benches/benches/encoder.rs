//! The e5 encoder (models/e5-small, see scripts/fetch-e5.sh): one 16-token message end to end,
//! the first 32 messages of datasets/test.jsonl as one call, the tokenizer alone, and the
//! cascade's gate on that message (tokenize, depth-0 embedding, gate head of models/e5-head, mix
//! with a fast-tier distribution), the part of the first stage the fast tier does not pay; and
//! the cascade's early exit on that message (the encoder up to the exit's depth, the exit head,
//! the mix), which a message the first stage is unsure of always pays. Skips with a note when
//! the model directory is absent. `RAYON_NUM_THREADS=1` measures one core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sandesh_model::{mix, pool_at, Encoder, HeadDir};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let dir = sandesh_bench::repo_root().join("models/e5-small");
    if !dir.join("manifest.json").is_file() {
        eprintln!(
            "encoder bench skipped: {} is absent (run scripts/fetch-e5.sh)",
            dir.display()
        );
        return;
    }
    let encoder = Encoder::load(&dir).expect("models/e5-small");
    let raw = std::fs::read_to_string(sandesh_bench::datasets_dir().join("test.jsonl"))
        .expect("datasets/test.jsonl");
    // The "text" of every line, as e5-bench reads them.
    let texts: Vec<String> = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["text"].as_str().expect("a \"text\"").to_owned()
        })
        .collect();
    let single = texts
        .iter()
        .find(|t| encoder.tokenize(t).ok().map(|ids| ids.len()) == Some(16))
        .expect("a 16-token message in datasets/test.jsonl")
        .clone();
    let batch: Vec<&str> = texts.iter().take(32).map(String::as_str).collect();

    let mut group = c.benchmark_group("e5");
    group.sample_size(30);
    group.throughput(Throughput::Elements(1));
    group.bench_function("single_16_tokens", |b| {
        b.iter(|| black_box(encoder.embed(&[black_box(single.as_str())]).ok()))
    });
    group.bench_function("tokenize_16_tokens", |b| {
        b.iter(|| black_box(encoder.tokenize(black_box(&single)).ok()))
    });
    let head =
        HeadDir::load(&sandesh_bench::repo_root().join("models/e5-head")).expect("models/e5-head");
    if let (Some(gate), Some(settings)) = (&head.gate, head.manifest.gate) {
        let fast = [0.4, 0.3, 0.1, 0.1, 0.05, 0.03, 0.02];
        group.bench_function("cascade_gate_16_tokens", |b| {
            b.iter(|| {
                let ids = encoder.tokenize(black_box(&single)).ok()?;
                let read = encoder.gate_vector(&ids, settings.input).ok()?;
                Some(black_box(mix(
                    &fast,
                    &gate.predict(&read),
                    settings.fast_weight,
                )))
            })
        });
    }
    if let (Some(exit), Some(settings)) = (&head.exit, head.manifest.exit) {
        let first = [0.4, 0.3, 0.1, 0.1, 0.05, 0.03, 0.02];
        let depths = head.manifest.depths_for(encoder.depth());
        let h = encoder.dim();
        let ids = vec![encoder.tokenize(&single).expect("tokenizes")];
        group.bench_function("cascade_exit_16_tokens", |b| {
            b.iter(|| {
                let partial = encoder
                    .embed_ids_until(black_box(&ids), &depths, settings.depth)
                    .ok()?;
                let pool = pool_at(partial.first()?.pooled(), &depths, settings.depth, h)?;
                Some(black_box(mix(
                    &first,
                    &exit.predict(pool),
                    settings.first_weight,
                )))
            })
        });
    }
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.sample_size(10);
    group.bench_function("batch_32_test_messages", |b| {
        b.iter(|| black_box(encoder.embed(black_box(&batch)).ok()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
