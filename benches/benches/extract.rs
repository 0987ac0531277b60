//! Entity extraction: time per message on the held-out messages of every language
//! (datasets/test.jsonl, one message per iteration, cycling), and on long messages of 10,000 and
//! 100,000 characters, whose times should grow in proportion (linear scans only).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sandesh::evaluation::read_labelled;
use sandesh::extract::{Date, Extractors};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let bytes = std::fs::read(sandesh_bench::datasets_dir().join("test.jsonl"))
        .expect("datasets/test.jsonl");
    let texts: Vec<String> = read_labelled(&bytes)
        .0
        .into_iter()
        .map(|m| m.text)
        .collect();
    let ex = Extractors::default();
    let reference = Date::new(2026, 11, 22);
    // Warm the lazily built word lists before timing.
    black_box(ex.extract("₹4,500 kal", reference));
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function("one_message", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            black_box(ex.extract(black_box(&texts[i]), reference));
        })
    });
    let line = "order #45821 ka ₹4,500 bhej diye, call 98765 43210 kal shaam 6 baje, 5 kg atta. ";
    for chars in [10_000usize, 100_000] {
        let text = line.repeat(chars / line.chars().count() + 1);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("long_{chars}_chars"), |b| {
            b.iter(|| black_box(ex.extract(black_box(&text), reference)))
        });
    }
    // Shapes that would be quadratic if a scan looked at the whole message per candidate
    // (an endless clause of "kal", hundreds of UPI ids, GSTINs, bare numbers), 100,000 characters.
    for (name, unit) in [
        ("kal", "kal "),
        ("upi", "pay abc@xyzbank "),
        ("gstin", "gst 27AAPFU0939F1ZX "),
        ("numbers", "5 "),
        ("hyphens", "-"),
    ] {
        let text = unit.repeat(100_000 / unit.chars().count());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("adversarial_{name}_100000_chars"), |b| {
            b.iter(|| black_box(ex.extract(black_box(&text), reference)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
