//! The synthetic export generator (`sandesh_bench::synth`): the same seed gives the same bytes,
//! the stats agree with an independent reading of the output, time never goes back, only
//! header lines look like headers, and generation is fast and streamed.
//!
//! The reading here is written apart from the generator: header patterns from FORMATS.md §4,
//! kinds from the body strings of §8, intents by looking message texts up in
//! `datasets/train.jsonl`.

use regex::Regex;
use sandesh::{Intent, LabelledMessage};
use sandesh_bench::datasets_dir;
use sandesh_bench::synth::{
    write_export, write_export_with, KindCounts, SynthConfig, SynthCorpus, SynthFormat, SynthStats,
};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

const LRM: char = '\u{200e}';

fn corpus() -> &'static SynthCorpus {
    static CORPUS: OnceLock<SynthCorpus> = OnceLock::new();
    CORPUS.get_or_init(|| SynthCorpus::load(&SynthCorpus::default_path()).unwrap())
}

/// Gold intents of the data set, by text, read without the generator's loader.
fn gold() -> &'static HashMap<String, Intent> {
    static GOLD: OnceLock<HashMap<String, Intent>> = OnceLock::new();
    GOLD.get_or_init(|| {
        let text = std::fs::read_to_string(datasets_dir().join("train.jsonl")).unwrap();
        text.lines()
            .map(|l| {
                let m: LabelledMessage = serde_json::from_str(l).unwrap();
                (m.text, m.intent)
            })
            .collect()
    })
}

fn config(format: SynthFormat, messages: u64, seed: u64) -> SynthConfig {
    SynthConfig {
        messages,
        seed,
        format,
        ..SynthConfig::default()
    }
}

fn generate(config: &SynthConfig) -> (String, SynthStats) {
    let mut out = Vec::new();
    let stats = write_export_with(config, corpus(), &mut out).unwrap();
    (String::from_utf8(out).expect("the export is UTF-8"), stats)
}

/// The header of each format, as FORMATS.md §4 gives it (captures: day, month, year, hour,
/// minute, then seconds and AM/PM as the format has them).
fn header(format: SynthFormat) -> Regex {
    Regex::new(match format {
        SynthFormat::AndroidEnIn => {
            r"^(\d{2})/(\d{2})/(\d{2}), (\d{1,2}):(\d{2})()\x{202f}([ap]m) - "
        }
        SynthFormat::AndroidDmy24 => r"^(\d{2})/(\d{2})/(\d{4}), (\d{2}):(\d{2})()() - ",
        SynthFormat::Ios => {
            r"^\x{200e}?\[(\d{2})/(\d{2})/(\d{2}), (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)\] "
        }
    })
    .unwrap()
}

/// The lenient header regex of whatsapp-chat-parser (FORMATS.md §4), which takes many
/// near misses for headers.
fn lenient_header() -> Regex {
    Regex::new(
        r"(?i)^(?:\x{200E}|\x{200F})*\[?(\d{1,4}[-/.]\s?\d{1,4}[-/.]\s?\d{1,4})[,.]?\s\D*?(\d{1,2}[.:]\d{1,2}(?:[.:]\d{1,2})?)(?:\s([ap]\.?\s?m\.?))?\]?(?:\s-|:)?\s",
    )
    .unwrap()
}

fn date_start() -> Regex {
    Regex::new(r"^\d{1,4}[-/.]\d{1,4}[-/.]\d{1,4}").unwrap()
}

/// `(year, month, day, hour, minute, second)` of a header.
fn timestamp(format: SynthFormat, c: &regex::Captures) -> (u32, u32, u32, u32, u32, u32) {
    let n = |i: usize| {
        c.get(i)
            .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(0))
    };
    let year = if format == SynthFormat::AndroidDmy24 {
        n(3)
    } else {
        2000 + n(3)
    };
    let mut hour = n(4);
    if let Some(ampm) = c.get(7).map(|m| m.as_str()).filter(|s| !s.is_empty()) {
        assert!((1..=12).contains(&hour), "12-hour clock: {hour}");
        hour %= 12;
        if ampm.eq_ignore_ascii_case("pm") {
            hour += 12;
        }
    }
    (year, n(2), n(1), hour, n(5), n(6))
}

/// One message as read back: header, author (None for Android system lines), text lines.
struct Message<'a> {
    at: (u32, u32, u32, u32, u32, u32),
    author: Option<&'a str>,
    lines: Vec<&'a str>,
}

/// Splits an export into messages, checking line ends on the way.
fn read(format: SynthFormat, text: &str) -> Vec<Message<'_>> {
    let end = format.line_end();
    assert!(text.is_empty() || text.ends_with(end), "last line ends");
    if format == SynthFormat::Ios {
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "iOS: every line ends with CRLF"
        );
    } else {
        assert!(!text.contains('\r'), "Android: no CR");
    }
    let header = header(format);
    let mut messages: Vec<Message> = Vec::new();
    for line in text.split(end).filter(|_| !text.is_empty()) {
        if let Some(c) = header.captures(line) {
            let rest = &line[c.get(0).unwrap().end()..];
            let (author, body) = match rest.split_once(": ") {
                Some((a, b)) => (Some(a), b),
                None => (None, rest),
            };
            messages.push(Message {
                at: timestamp(format, &c),
                author,
                lines: vec![body],
            });
        } else if let Some(m) = messages.last_mut() {
            m.lines.push(line);
        } else {
            panic!("the file starts with a continuation line: {line:?}");
        }
    }
    // `split` leaves an empty piece after the last line end.
    if let Some(m) = messages.last_mut() {
        assert_eq!(m.lines.pop(), Some(""));
    }
    messages
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Kind {
    Text,
    Media,
    System,
    Deleted,
    Location,
    Contact,
    Poll,
}

/// The kind of a message from its first line, by the English strings of FORMATS.md §8.
fn kind(first: &str) -> Kind {
    let t = first.trim_start_matches(LRM);
    let system = [
        "Messages and calls are end-to-end encrypted",
        "Your security code with ",
        "You blocked this contact",
        "You unblocked this contact",
    ];
    if system.iter().any(|s| t.starts_with(s)) || t.contains(" changed their phone number") {
        Kind::System
    } else if t.starts_with("This message was deleted") || t.starts_with("You deleted this message")
    {
        Kind::Deleted
    } else if t.starts_with("location: https://") || t.starts_with("Location: https://") {
        Kind::Location
    } else if t.ends_with(".vcf (file attached)")
        || t == "Contact card omitted"
        || (t.starts_with("<attached: ") && t.ends_with(".vcf>"))
    {
        Kind::Contact
    } else if t == "<Media omitted>"
        || t.ends_with(" (file attached)")
        || t.starts_with("<attached: ")
        || t.ends_with(" omitted")
    {
        Kind::Media
    } else if t == "POLL:" {
        Kind::Poll
    } else {
        Kind::Text
    }
}

/// The gold intent of a customer text: the longest data-set text it is, or starts as (a tail
/// line may follow).
fn intent_of(text: &str) -> Option<Intent> {
    let gold = gold();
    if let Some(&i) = gold.get(text) {
        return Some(i);
    }
    text.rmatch_indices('\n')
        .find_map(|(at, _)| gold.get(&text[..at]).copied())
}

#[test]
fn format_names_round_trip() {
    for f in SynthFormat::ALL {
        assert_eq!(f.as_str().parse::<SynthFormat>().unwrap(), f);
    }
    assert!("android".parse::<SynthFormat>().is_err());
    assert_eq!(SynthFormat::default(), SynthFormat::AndroidEnIn);
}

#[test]
fn same_seed_gives_the_same_bytes_and_another_seed_others() {
    for f in SynthFormat::ALL {
        let (a, sa) = generate(&config(f, 5_000, 1));
        let (b, sb) = generate(&config(f, 5_000, 1));
        let (c, _) = generate(&config(f, 5_000, 2));
        assert!(a == b, "{f}: same seed, different bytes");
        assert_eq!(sa, sb);
        assert_ne!(a, c, "{f}: another seed, same bytes");
    }
}

#[test]
fn stats_agree_with_an_independent_reading() {
    for f in SynthFormat::ALL {
        let cfg = config(f, 20_000, 42);
        let (text, stats) = generate(&cfg);
        let messages = read(f, &text);
        assert_eq!(stats.messages, 20_000, "{f}");
        assert_eq!(messages.len() as u64, stats.messages, "{f}: header lines");
        assert_eq!(text.len() as u64, stats.bytes, "{f}");
        assert_eq!(
            text.matches(f.line_end()).count() as u64,
            stats.lines,
            "{f}: lines"
        );
        let multiline = messages.iter().filter(|m| m.lines.len() > 1).count() as u64;
        assert_eq!(multiline, stats.multiline_messages, "{f}");

        let mut kinds = KindCounts::default();
        let (mut customer, mut business) = (0, 0);
        let mut intents = [0u64; 7];
        for m in &messages {
            let k = kind(m.lines[0]);
            *match k {
                Kind::Text => &mut kinds.text,
                Kind::Media => &mut kinds.media,
                Kind::System => &mut kinds.system,
                Kind::Deleted => &mut kinds.deleted,
                Kind::Location => &mut kinds.location,
                Kind::Contact => &mut kinds.contact,
                Kind::Poll => &mut kinds.poll,
            } += 1;
            if k == Kind::System {
                // Android: no author; iOS: the chat or contact, then LRM.
                match f {
                    SynthFormat::Ios => assert!(m.lines[0].starts_with(LRM)),
                    _ => assert_eq!(m.author, None, "{:?}", m.lines),
                }
                continue;
            }
            let author = m.author.expect("an authored message");
            if author == cfg.business {
                business += 1;
            } else {
                customer += 1;
                if k == Kind::Text {
                    let body = m.lines.join("\n");
                    let intent = intent_of(&body).unwrap_or_else(|| {
                        panic!("{f}: customer text not in the data set: {body:?}")
                    });
                    intents[intent.index()] += 1;
                }
            }
        }
        assert_eq!(kinds, stats.kinds, "{f}: kinds");
        assert_eq!(kinds.total(), stats.messages);
        assert_eq!(customer, stats.customer_messages, "{f}");
        assert_eq!(business, stats.business_messages, "{f}");
        assert_eq!(customer + business + kinds.system, stats.messages);
        assert_eq!(intents, stats.intents, "{f}: intents of customer texts");
        assert!(stats.unanswered_threads <= stats.threads);
        assert!(stats.threads > 0 && stats.threads <= stats.customer_messages);
    }
}

#[test]
fn timestamps_never_go_back() {
    for f in SynthFormat::ALL {
        let cfg = config(f, 20_000, 9);
        let (text, stats) = generate(&cfg);
        let messages = read(f, &text);
        for pair in messages.windows(2) {
            assert!(
                pair[0].at <= pair[1].at,
                "{f}: {:?} after {:?}",
                pair[1].at,
                pair[0].at
            );
        }
        let first = messages[0].at;
        let last = messages[messages.len() - 1].at;
        let (y, m, d) = cfg.start;
        assert_eq!(
            (first.0, first.1, first.2),
            (u32::from(y), u32::from(m), u32::from(d))
        );
        let day = |t: (u32, u32, u32, u32, u32, u32)| (t.0 as u16, t.1 as u8, t.2 as u8);
        assert_eq!(stats.first_day, Some(day(first)));
        assert_eq!(stats.last_day, Some(day(last)));
        for m in &messages {
            let (_, month, dd, hh, mm, ss) = m.at;
            assert!((1..=12).contains(&month) && (1..=31).contains(&dd));
            assert!(hh < 24 && mm < 60 && ss < 60);
        }
    }
}

#[test]
fn only_header_lines_look_like_headers() {
    let lenient = lenient_header();
    let date_start = date_start();
    for f in SynthFormat::ALL {
        let (text, stats) = generate(&config(f, 30_000, 5));
        let header = header(f);
        let mut near_misses = 0u64;
        for line in text.split(f.line_end()) {
            let strict = header.is_match(line);
            assert_eq!(
                strict,
                lenient.is_match(line),
                "{f}: the lenient header regex disagrees on {line:?}"
            );
            if !strict && date_start.is_match(line) {
                near_misses += 1;
            }
        }
        assert_eq!(near_misses, stats.date_like_lines, "{f}");
        assert!(
            near_misses > 0,
            "{f}: no continuation line starts with a date"
        );
    }
}

#[test]
fn byte_shapes_follow_the_formats() {
    let placeholder = Regex::new(r"\] [^\r\n]*?: \x{200e}").unwrap();
    let image = Regex::new(r"IMG-(\d{8})-WA(\d{4})\.jpg \(file attached\)").unwrap();
    for f in SynthFormat::ALL {
        let (text, _) = generate(&config(f, 20_000, 3));
        let first = text.split(f.line_end()).next().unwrap();
        let expected = match f {
            SynthFormat::AndroidEnIn => {
                r"^\d\d/\d\d/\d\d, \d{1,2}:\d\d\x{202f}[ap]m - Messages and calls are end-to-end encrypted\. .*Tap to learn more\.$"
            }
            SynthFormat::AndroidDmy24 => {
                r"^\d\d/\d\d/\d{4}, \d\d:\d\d - Messages and calls are end-to-end encrypted\. "
            }
            SynthFormat::Ios => {
                r"^\x{200e}\[\d\d/\d\d/\d\d, \d{1,2}:\d\d:\d\d [AP]M\] Sharma Sarees: \x{200e}Messages and calls are end-to-end encrypted\. "
            }
        };
        assert!(
            Regex::new(expected).unwrap().is_match(first),
            "{f}: {first:?}"
        );
        for needle in ["+91 ", "~\u{202f}", "₹", "🙏"] {
            assert!(text.contains(needle), "{f}: no {needle:?}");
        }
        match f {
            SynthFormat::Ios => {
                for needle in [
                    "] Sharma Sarees: \u{200e}You deleted this message.\r\n",
                    ": \u{200e}This message was deleted.\r\n",
                    ": \u{200e}<attached: 0000",
                    ": \u{200e}image omitted\r\n",
                    ": Location: https://maps.google.com/?q=",
                ] {
                    assert!(text.contains(needle), "{f}: no {needle:?}");
                }
                for line in text.split("\r\n").filter(|l| placeholder.is_match(l)) {
                    assert!(line.starts_with(LRM), "{f}: unmarked line {line:?}");
                }
            }
            _ => {
                for needle in [
                    " - Sharma Sarees: You deleted this message\n",
                    ": This message was deleted\n",
                    ": <Media omitted>\n",
                    ".jpg (file attached)\n",
                    ".vcf (file attached)\n",
                    ": location: https://maps.google.com/?q=",
                    ": POLL:\n",
                ] {
                    assert!(text.contains(needle), "{f}: no {needle:?}");
                }
                assert!(image.is_match(&text));
            }
        }
    }
}

#[test]
fn the_mix_looks_like_a_busy_business() {
    let cfg = config(SynthFormat::AndroidEnIn, 50_000, 7);
    let (text, stats) = generate(&cfg);
    let share = |n: u64| n as f64 / stats.messages as f64;
    let k = stats.kinds;
    assert!(
        (0.03..0.08).contains(&share(k.media)),
        "media {}",
        share(k.media)
    );
    assert!(
        (0.005..0.02).contains(&share(k.deleted)),
        "deleted {}",
        share(k.deleted)
    );
    assert!((0.03..0.08).contains(&share(stats.multiline_messages)));
    for (name, n) in k.named() {
        assert!(n > 0, "no {name} message in 50k");
    }
    let unanswered = stats.unanswered_threads as f64 / stats.threads as f64;
    assert!(
        (0.06..0.15).contains(&unanswered),
        "unanswered {unanswered}"
    );
    for i in Intent::ALL {
        assert!(stats.intent(i) > 1_000, "{i}: {}", stats.intent(i));
    }

    let messages = read(cfg.format, &text);
    let authors: HashSet<&str> = messages.iter().filter_map(|m| m.author).collect();
    assert!(authors.len() > 500, "{} authors", authors.len());
    assert!(authors.iter().any(|a| a.starts_with("+91 ")));
    assert!(authors.iter().any(|a| a.starts_with("~\u{202f}")));
    // Business messages fall in opening hours (a multi-message reply may run a few minutes over).
    let business: Vec<_> = messages
        .iter()
        .filter(|m| m.author == Some(cfg.business.as_str()))
        .collect();
    let open = business
        .iter()
        .filter(|m| (9..22).contains(&m.at.3))
        .count();
    assert!(open as f64 > 0.995 * business.len() as f64);
    let customer_daytime = messages
        .iter()
        .filter(|m| m.author.is_some_and(|a| a != cfg.business) && (9..21).contains(&m.at.3))
        .count();
    assert!(customer_daytime as f64 > 0.75 * stats.customer_messages as f64);
}

#[test]
fn the_message_count_is_exact() {
    for n in [0, 1, 2, 3, 17, 100, 1_001] {
        for f in SynthFormat::ALL {
            let (text, stats) = generate(&config(f, n, 11));
            assert_eq!(stats.messages, n);
            assert_eq!(read(f, &text).len() as u64, n, "{f}");
            assert_eq!(text.is_empty(), n == 0);
        }
    }
}

#[test]
fn the_encryption_notice_comes_first() {
    for seed in 0..120 {
        let f = SynthFormat::ALL[seed as usize % 3];
        let cfg = SynthConfig {
            start: (2024, 3, 10 + (seed % 7) as u8),
            ..config(f, 400, seed)
        };
        let (text, _) = generate(&cfg);
        let messages = read(f, &text);
        assert_eq!(kind(messages[0].lines[0]), Kind::System, "seed {seed}");
        assert!(messages[0].lines[0].contains("end-to-end encrypted"));
        let notices = messages
            .iter()
            .filter(|m| m.lines[0].contains("end-to-end encrypted"))
            .count();
        assert_eq!(notices, 1, "seed {seed}");
    }
}

#[test]
fn bad_configs_are_refused() {
    let base = SynthConfig {
        messages: 10,
        ..SynthConfig::default()
    };
    let bad = [
        SynthConfig {
            business: String::new(),
            ..base.clone()
        },
        SynthConfig {
            business: "Sharma: Sarees".into(),
            ..base.clone()
        },
        SynthConfig {
            business: "Sharma\nSarees".into(),
            ..base.clone()
        },
        SynthConfig {
            chats: 0,
            ..base.clone()
        },
        SynthConfig {
            start: (2023, 2, 29),
            ..base.clone()
        },
        SynthConfig {
            start: (1999, 12, 31),
            ..base.clone()
        },
        SynthConfig {
            start: (2024, 13, 1),
            ..base.clone()
        },
    ];
    for c in bad {
        let mut out = Vec::new();
        let e = write_export_with(&c, corpus(), &mut out).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{c:?}");
        assert!(out.is_empty());
    }
    let late = SynthConfig {
        start: (2099, 12, 1),
        messages: 100_000,
        ..base.clone()
    };
    let e = write_export_with(&late, corpus(), &mut std::io::sink()).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "past 2099");
    let leap = SynthConfig {
        start: (2024, 2, 29),
        chats: 1,
        ..base
    };
    let (text, stats) = generate(&leap);
    assert!(text.starts_with("29/02/24, "));
    assert_eq!(stats.messages, 10);
}

#[test]
fn the_corpus_drops_texts_that_would_break_the_export() {
    let c = SynthCorpus::from_texts([
        ("kitna hua?", Intent::Lead, "hinglish"),
        ("", Intent::Other, "en"),
        (
            "paid\n13/03/24, 9:05 pm - Ravi: fake header",
            Intent::Payment,
            "en",
        ),
        ("line one\r\nline two", Intent::Support, "en"),
    ])
    .unwrap();
    assert_eq!(c.len(), 2);
    let cfg = SynthConfig {
        messages: 300,
        ..SynthConfig::default()
    };
    let mut out = Vec::new();
    let stats = write_export_with(&cfg, &c, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("fake header") && !text.contains('\r'));
    assert!(text.contains(": line one\nline two\n"));
    let texts: u64 = stats.intents.iter().sum();
    assert!(texts > 0);
    assert_eq!(
        texts,
        stats.intent(Intent::Lead) + stats.intent(Intent::Support)
    );
    let empty: [(&str, Intent, &str); 0] = [];
    assert!(SynthCorpus::from_texts(empty).is_err());
}

/// Records the size of every write: the generator must hand over the file piece by piece.
struct Sizes {
    writes: u64,
    largest: usize,
    total: usize,
}

impl Write for Sizes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        self.largest = self.largest.max(buf.len());
        self.total += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn ten_thousand_messages_stream_fast() {
    let cfg = config(SynthFormat::AndroidEnIn, 10_000, 7);
    corpus();
    let started = Instant::now();
    let mut sink = Sizes {
        writes: 0,
        largest: 0,
        total: 0,
    };
    let stats = write_export_with(&cfg, corpus(), &mut sink).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(stats.bytes, sink.total as u64);
    // One write per message: nothing is gathered before it goes out.
    assert_eq!(sink.writes, stats.messages);
    assert!(sink.largest < 4_096, "largest write {}", sink.largest);
    assert!(elapsed.as_secs_f64() < 2.0, "10k messages took {elapsed:?}");
}

#[test]
fn write_export_reads_the_data_set_itself() {
    let mut out = Vec::new();
    let stats = write_export(&config(SynthFormat::Ios, 50, 7), &mut out).unwrap();
    assert_eq!(stats.messages, 50);
    let (same, _) = generate(&config(SynthFormat::Ios, 50, 7));
    assert_eq!(out, same.into_bytes());
}
