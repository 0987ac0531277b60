//! Time per message of normalise + language id + classify with the shipped model, on real
//! held-out messages of every language (datasets/test.jsonl), one message per iteration.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sandesh::evaluation::read_labelled;
use sandesh::Engine;
use std::hint::black_box;

fn messages() -> Vec<String> {
    let bytes = std::fs::read(sandesh_bench::datasets_dir().join("test.jsonl"))
        .expect("datasets/test.jsonl");
    read_labelled(&bytes)
        .0
        .into_iter()
        .map(|m| m.text)
        .collect()
}

fn bench(c: &mut Criterion) {
    let engine = Engine::builder().build().expect("shipped model");
    let texts = messages();
    let mut group = c.benchmark_group("fast");
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function("normalize", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            black_box(sandesh_text::normalize(black_box(&texts[i])));
        })
    });
    group.bench_function("classify_one", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            black_box(engine.classify(black_box(&texts[i])).ok());
        })
    });
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("classify_batch_test_set", |b| {
        b.iter_batched(
            || (),
            |_| black_box(engine.classify_batch(&texts)),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
