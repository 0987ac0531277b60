//! WhatsApp export parsing: lines per second over a generated Android en-IN export of about
//! 200,000 lines (NNBSP before am/pm, multi-line messages, media, system lines, deleted and
//! edited markers), in memory (`parse_str`, both passes) and from a file (`Export`, detection
//! pass plus streaming pass).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sandesh_chat::{parse_str, Export, ParseOptions};
use std::hint::black_box;

/// A deterministic export of at least `lines` lines; returns (text, line count).
fn generate(lines: usize) -> (String, u64) {
    const AUTHORS: [&str; 4] = [
        "Ravi Kumar",
        "Lakshmi Sarees",
        "~\u{202f}Suresh Patel",
        "+91 98200 12345",
    ];
    const TEXTS: [&str; 8] = [
        "kitne ka hai? M size milega?",
        "Ji 850 ka hai, kal tak deliver ho jayega",
        "UPI pe ₹2,550 bhej diye, screenshot dekh lo 🙏",
        "<Media omitted>",
        "IMG-20240313-WA0004.jpg (file attached)",
        "This message was deleted",
        "order #4521 dispatch ho gaya <This message was edited>",
        "ok",
    ];
    let mut out = String::with_capacity(lines * 70);
    let mut n = 0u64;
    let mut i = 0usize;
    while (n as usize) < lines {
        let day = i / 400 % 28 + 1;
        let hour = i / 60 % 12 + 1;
        let pm = if (i / 720).is_multiple_of(2) {
            "am"
        } else {
            "pm"
        };
        let head = format!("{day:02}/03/24, {hour}:{:02}\u{202f}{pm} - ", i % 60);
        if i.is_multiple_of(50) {
            out.push_str(&head);
            out.push_str("Ravi Kumar added +91 98200 12345\n");
            n += 1;
        } else {
            out.push_str(&head);
            out.push_str(AUTHORS[i % AUTHORS.len()]);
            out.push_str(": ");
            out.push_str(TEXTS[i % TEXTS.len()]);
            out.push('\n');
            n += 1;
            // Every third message runs over several lines.
            if i.is_multiple_of(3) {
                out.push_str("Payment ke baad bill bhejna\n\n2 piece blue, 1 piece red\n");
                n += 3;
            }
        }
        i += 1;
    }
    (out, n)
}

fn bench(c: &mut Criterion) {
    let (text, lines) = generate(200_000);
    let options = ParseOptions::default();
    let (format, events) = parse_str(&text, &options);
    assert!(events.len() > 100_000, "{format}");
    let mut group = c.benchmark_group("chat");
    group.throughput(Throughput::Elements(lines));
    group.sample_size(20);
    group.bench_function("parse_str_200k_lines", |b| {
        b.iter(|| black_box(parse_str(black_box(&text), &options).1.len()))
    });
    let dir = std::env::temp_dir().join(format!("sandesh-chat-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("WhatsApp Chat with Ravi.txt");
    std::fs::write(&path, &text).expect("write export");
    group.bench_function("export_file_200k_lines", |b| {
        b.iter(|| {
            let export = Export::open(&path, &options).expect("open");
            black_box(export.messages().expect("messages").count())
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
