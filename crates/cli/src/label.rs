//! `sandesh label`: WhatsApp exports in, one labelled message per line out.
//!
//! ```text
//! inputs (files, folders) → exports (.txt/.zip, format detected) → who is the business
//!   → per export: parser thread ─chunks→ classify + serialise on all cores → ordered writer
//!   → OUT.partial + OUT.checkpoint after every chunk → rename to OUT at the end
//! ```
//!
//! - **Nothing lost, nothing twice.** Every event the parser yields becomes one output line, in
//!   export order; lines before an export's first message are reported on standard error with
//!   their reason. A run writes `OUT.partial` and, after each chunk, a checkpoint naming the last
//!   message written and the output's length then. `--resume` cuts the partial file back to that
//!   length and continues after that message, so a crash at any point costs at most one chunk of
//!   work and never a duplicate or a gap. The finished file is renamed into place, so `OUT` is
//!   never half-written.
//! - **Streaming.** The parser holds one message at a time and the pipeline at most a few chunks,
//!   so memory stays flat however large the export.
//! - **Who is the business**: `--me NAME`; else the export's name ("WhatsApp Chat with Ravi"
//!   makes every other author the business); else, across several exports, the author who is in
//!   the most of them; else nobody, with a warning to pass `--me`.
//! - **Relative dates** ("kal", "next Monday") resolve against the day each message was sent.

use crate::labelled::Labelled;
use anyhow::{anyhow, bail, Context};
use rayon::prelude::*;
use sandesh::extract::Extractors;
use sandesh::{Analysis, Engine, Entity, EntityKind};
use sandesh_chat::{DateOrder, Event, Export, Kind, Message, ParseOptions};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

/// Messages handed to the classifier at once; also the checkpoint interval.
const CHUNK: usize = 4096;

#[derive(clap::Args)]
pub struct Args {
    /// WhatsApp exports (.txt or .zip) and folders holding them
    #[arg(required = true, value_name = "EXPORT")]
    inputs: Vec<PathBuf>,
    /// Output file (written as OUT.partial, renamed when complete); standard output without it
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Jsonl)]
    format: OutFormat,
    /// The business's own name as the exports show it (default: detected)
    #[arg(long, value_name = "NAME")]
    me: Option<String>,
    /// Day/month order of the exports' dates when a file cannot tell: dmy or mdy
    #[arg(long, value_name = "ORDER", value_parser = parse_order)]
    date_order: Option<DateOrder>,
    /// Replace phone numbers, e-mails, UPI ids and person names with typed placeholders, and
    /// authors and chat names with pseudonyms
    #[arg(long)]
    redact: bool,
    /// Continue an interrupted run from OUT.partial and its checkpoint
    #[arg(long, requires = "output")]
    resume: bool,
    /// No progress bar or summary
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum OutFormat {
    Jsonl,
    Csv,
}

pub(crate) fn parse_order(s: &str) -> Result<DateOrder, String> {
    s.parse::<DateOrder>()
        .map_err(|_| format!("{s:?}: expected dmy (day first) or mdy (month first)"))
}

pub fn run(setup: &crate::Setup, args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let files = collect_inputs(&args.inputs)?;
    let options = ParseOptions {
        date_order: args.date_order,
    };
    let exports = open_exports(&files, &options)?;
    let engine = crate::engine(setup)?;
    let sides = Sides::decide(&exports, args.me.as_deref(), args.redact, args.quiet)?;

    let fingerprint = Fingerprint {
        version: 1,
        inputs: files.iter().map(|p| p.display().to_string()).collect(),
        sizes: exports.iter().map(Export::len_bytes).collect(),
        format: args.format,
        me: args.me.clone(),
        date_order: args.date_order.map(|o| format!("{o:?}")),
        redact: args.redact,
        model: engine.manifest().training.data_sha256.clone(),
    };
    let sink = match &args.output {
        None => Sink::stdout(args.format),
        Some(out) => Sink::file(out, args.format, fingerprint, args.resume)?,
    };
    let total: u64 = exports.iter().map(Export::len_bytes).sum();
    let progress = Progress::new(total, args.quiet || args.output.is_none());
    let labeller = Labeller {
        engine: &engine,
        sides: &sides,
        redact: args.redact.then(Extractors::default),
    };
    let mut summary = Summary::default();
    let (first, after) = sink.resume_point();
    let format = args.format;
    let mut writing = Writing {
        sink,
        progress: &progress,
        done_bytes: exports.iter().take(first).map(Export::len_bytes).sum(),
    };
    for (i, export) in exports.iter().enumerate().skip(first) {
        let after = if i == first { after } else { None };
        let n = labeller.label_export(
            i,
            export,
            after,
            &|r| serialise(format, &r),
            &mut writing,
            &mut summary,
        )?;
        if !args.quiet {
            progress.println(format!(
                "{}: {n} messages ({}), business: {}",
                export.name(),
                export.format(),
                sides.describe(i)
            ));
        }
        writing.done_bytes += export.len_bytes();
        writing.sink.export_done(i + 1)?;
    }
    let sink = writing.sink;
    sink.finish()?;
    progress.finish();
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "sandesh: labelled {} messages ({} text) from {} export(s) in {secs:.1} s ({:.0} messages/s){}",
            summary.messages,
            summary.texts,
            exports.len(),
            summary.messages as f64 / secs.max(1e-9),
            if summary.skipped > 0 {
                format!("; {} line(s) outside any message reported above", summary.skipped)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// Writes lines to the sink and checkpoints after every chunk.
struct Writing<'a> {
    sink: Sink,
    progress: &'a Progress,
    /// Bytes of the exports before the current one.
    done_bytes: u64,
}

impl Consumer<Vec<u8>> for Writing<'_> {
    fn message(&mut self, line: Vec<u8>) -> anyhow::Result<()> {
        self.sink.write_line(&line)
    }

    fn chunk_done(&mut self, export_no: usize, last: (u64, u64)) -> anyhow::Result<()> {
        self.sink.checkpoint(export_no, last)?;
        self.progress.set(self.done_bytes + last.0);
        Ok(())
    }
}

/// A record as one output line in `format`, with its line end.
fn serialise(format: OutFormat, record: &Labelled) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256 + record.text.len() * 3);
    match format {
        OutFormat::Jsonl => {
            serde_json::to_writer(&mut out, record)?;
            out.push(b'\n');
        }
        OutFormat::Csv => csv_row(&mut out, record)?,
    }
    Ok(out)
}

/// Hands records to a closure: what `sandesh report` does with exports.
struct Handing<'a>(&'a mut dyn FnMut(Labelled));

impl Consumer<Labelled> for Handing<'_> {
    fn message(&mut self, record: Labelled) -> anyhow::Result<()> {
        (self.0)(record);
        Ok(())
    }

    fn chunk_done(&mut self, _: usize, _: (u64, u64)) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Labels exports straight into `each`, in order, without writing them: `sandesh report` on
/// exports. Business detection and warnings are as for `sandesh label`.
pub(crate) fn records(
    setup: &crate::Setup,
    inputs: &[PathBuf],
    me: Option<&str>,
    date_order: Option<DateOrder>,
    each: &mut dyn FnMut(Labelled),
) -> anyhow::Result<()> {
    let exports = open_exports(&collect_inputs(inputs)?, &ParseOptions { date_order })?;
    let engine = crate::engine(setup)?;
    let sides = Sides::decide(&exports, me, false, false)?;
    let labeller = Labeller {
        engine: &engine,
        sides: &sides,
        redact: None,
    };
    let mut summary = Summary::default();
    let mut handing = Handing(each);
    for (i, export) in exports.iter().enumerate() {
        let n = labeller.label_export(i, export, None, &Ok, &mut handing, &mut summary)?;
        eprintln!(
            "{}: {n} messages labelled ({}), business: {}",
            export.name(),
            export.format(),
            sides.describe(i)
        );
    }
    Ok(())
}

/// The exports among `files`. One bad file does not stop a folder's worth of work: it is named
/// with its reason and skipped; none at all is an error.
fn open_exports(files: &[PathBuf], options: &ParseOptions) -> anyhow::Result<Vec<Export>> {
    let mut exports = Vec::new();
    for path in files {
        match Export::open(path, options) {
            Ok(e) => exports.push(e),
            Err(e) => eprintln!("sandesh: skipping {}: {e}", path.display()),
        }
    }
    if exports.is_empty() {
        bail!("no WhatsApp export could be read from the inputs");
    }
    Ok(exports)
}

/// Files named, and the .txt and .zip files inside folders named (recursively, sorted).
fn collect_inputs(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("reading folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("zip"))
            {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let before = out.len();
            walk(p, &mut out)?;
            if out.len() == before {
                eprintln!("sandesh: no .txt or .zip files in {}", p.display());
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            bail!("{}: no such file or folder", p.display());
        }
    }
    Ok(out)
}

/// Which authors are the business, per export, and (with `--redact`) their pseudonyms.
struct Sides {
    /// Per export: the business authors, and how that was decided.
    business: Vec<(Vec<String>, String)>,
    /// Author → pseudonym (with `--redact`).
    pseudonyms: HashMap<String, String>,
}

/// Author names compared without case, `~`, invisible marks or extra spaces.
fn same_name(a: &str) -> String {
    a.trim_start_matches('~')
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The person an export's name says the chat is with: "WhatsApp Chat with Ravi.txt" → "ravi".
fn counterpart(chat: &str) -> Option<String> {
    const PREFIXES: [&str; 8] = [
        "whatsapp chat with ",
        "whatsapp chat - ",
        "whatsapp chat mit ",
        "whatsapp-chat mit ",
        "chat de whatsapp con ",
        "conversa do whatsapp com ",
        "discussion whatsapp avec ",
        "chat whatsapp con ",
    ];
    let name = same_name(chat);
    let stem = name
        .strip_suffix(".txt")
        .or_else(|| name.strip_suffix(".zip"))
        .unwrap_or(&name);
    PREFIXES
        .iter()
        .find_map(|p| stem.strip_prefix(p))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl Sides {
    fn decide(
        exports: &[Export],
        me: Option<&str>,
        redact: bool,
        quiet: bool,
    ) -> anyhow::Result<Sides> {
        // Authors of each export in order of first appearance, with their message counts.
        let mut authors: Vec<Vec<(String, u64)>> = Vec::with_capacity(exports.len());
        let mut pseudonyms = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let need_scan = me.is_none() || redact;
        for e in exports {
            let mut seen: Vec<(String, u64)> = Vec::new();
            if need_scan {
                for ev in e.messages()? {
                    if let Event::Message(m) = ev? {
                        if let Some(a) = m.author {
                            match seen.iter_mut().find(|(x, _)| *x == a) {
                                Some((_, n)) => *n += 1,
                                None => {
                                    if !pseudonyms.contains_key(&a) {
                                        order.push(a.clone());
                                        pseudonyms.insert(a.clone(), String::new());
                                    }
                                    seen.push((a, 1));
                                }
                            }
                        }
                    }
                }
            }
            authors.push(seen);
        }
        let mut business = Vec::with_capacity(exports.len());
        for (i, e) in exports.iter().enumerate() {
            let names = &authors[i];
            let decided = if let Some(me) = me {
                let key = same_name(me);
                let found: Vec<String> = names
                    .iter()
                    .filter(|(a, _)| same_name(a) == key)
                    .map(|(a, _)| a.clone())
                    .collect();
                if need_scan && found.is_empty() && !quiet {
                    eprintln!(
                        "sandesh: warning: --me {me:?} writes nothing in {}",
                        e.name()
                    );
                }
                // Without a scan, match at labelling time by name.
                (vec![me.to_string()], "--me".to_string())
            } else if let Some(other) =
                counterpart(e.name()).filter(|o| names.iter().any(|(a, _)| same_name(a) == *o))
            {
                let rest: Vec<String> = names
                    .iter()
                    .filter(|(a, _)| same_name(a) != other)
                    .map(|(a, _)| a.clone())
                    .collect();
                (rest, format!("the chat is with {other:?}"))
            } else {
                let mut best: Option<(&str, usize)> = None;
                if exports.len() > 1 {
                    for (a, _) in names {
                        let key = same_name(a);
                        let n = authors
                            .iter()
                            .filter(|x| x.iter().any(|(b, _)| same_name(b) == key))
                            .count();
                        if n >= 2 && best.is_none_or(|(_, m)| n > m) {
                            best = Some((a, n));
                        }
                    }
                }
                match best {
                    Some((a, n)) => (vec![a.to_string()], format!("writes in {n} of the exports")),
                    None => {
                        if !quiet {
                            eprintln!(
                                "sandesh: warning: cannot tell which side is the business in {}; \
                                 pass --me NAME",
                                e.name()
                            );
                        }
                        (Vec::new(), "unknown".to_string())
                    }
                }
            };
            business.push(decided);
        }
        if redact {
            for a in &order {
                let is_business = business
                    .iter()
                    .any(|(b, _)| b.iter().any(|x| same_name(x) == same_name(a)));
                let alias = if is_business {
                    "business".to_string()
                } else {
                    pseudonym("contact", a)
                };
                pseudonyms.insert(a.clone(), alias);
            }
        }
        Ok(Sides {
            business,
            pseudonyms,
        })
    }

    fn is_business(&self, export: usize, author: Option<&str>) -> bool {
        let (Some(a), Some((names, _))) = (author, self.business.get(export)) else {
            return false;
        };
        let key = same_name(a);
        names.iter().any(|n| same_name(n) == key)
    }

    fn describe(&self, export: usize) -> String {
        match self.business.get(export) {
            Some((names, why)) if !names.is_empty() => format!("{} ({why})", names.join(", ")),
            _ => "unknown (pass --me)".to_string(),
        }
    }
}

/// What makes output lines, shared by the threads of a chunk.
struct Labeller<'a> {
    engine: &'a Engine,
    sides: &'a Sides,
    /// Present with `--redact`: finds what to hide in messages that are not classified.
    redact: Option<Extractors>,
}

/// Where labelled messages go, in order, chunk by chunk, each shaped as a `T` (a serialised
/// line, or the record itself).
trait Consumer<T> {
    /// The next message.
    fn message(&mut self, item: T) -> anyhow::Result<()>;
    /// Every message of `export_no` up to `last` (offset, index) has been handed over.
    fn chunk_done(&mut self, export_no: usize, last: (u64, u64)) -> anyhow::Result<()>;
}

#[derive(Default)]
struct Summary {
    messages: u64,
    texts: u64,
    skipped: u64,
}

impl Labeller<'_> {
    /// Labels one export, after message `after` (offset, index) when resuming, shaping each
    /// record with `shape` on the chunk's worker threads, handing the results to `to` in order
    /// and telling it after every chunk. Returns the number of messages labelled.
    fn label_export<T: Send>(
        &self,
        export_no: usize,
        export: &Export,
        after: Option<(u64, u64)>,
        shape: &(dyn Fn(Labelled) -> anyhow::Result<T> + Sync),
        to: &mut dyn Consumer<T>,
        summary: &mut Summary,
    ) -> anyhow::Result<u64> {
        let mut events = match after {
            Some((offset, index)) => export.messages_from(offset, index)?,
            None => export.messages()?,
        };
        // The resume point is the last message already written: check it, then drop it.
        if let Some((offset, index)) = after {
            match events.next() {
                Some(Ok(Event::Message(m))) if m.offset == offset && m.index == index => {}
                _ => bail!(
                    "{} changed since the interrupted run (message {index} is not where the \
                     checkpoint says); start again without --resume",
                    export.name()
                ),
            }
        }
        let chat = match self.redact {
            None => export.name().to_string(),
            Some(_) => pseudonym("chat", export.name()),
        };
        let (tx, rx) = mpsc::sync_channel::<anyhow::Result<Vec<Event>>>(4);
        let mut labelled = 0u64;
        std::thread::scope(|scope| -> anyhow::Result<()> {
            // The parser reads ahead on its own thread while the last chunk is classified.
            scope.spawn(move || {
                let mut chunk = Vec::with_capacity(CHUNK);
                for ev in events {
                    match ev {
                        Ok(ev) => {
                            chunk.push(ev);
                            if chunk.len() == CHUNK
                                && tx
                                    .send(Ok(std::mem::replace(
                                        &mut chunk,
                                        Vec::with_capacity(CHUNK),
                                    )))
                                    .is_err()
                            {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e.into()));
                            return;
                        }
                    }
                }
                if !chunk.is_empty() {
                    let _ = tx.send(Ok(chunk));
                }
            });
            for chunk in rx {
                let chunk = chunk?;
                let outs: Vec<anyhow::Result<Option<T>>> = chunk
                    .par_iter()
                    .map(|ev| match ev {
                        Event::Message(m) => shape(self.label(export_no, &chat, m)).map(Some),
                        Event::Skipped { .. } => Ok(None),
                    })
                    .collect();
                let mut last = None;
                for (ev, out) in chunk.iter().zip(outs) {
                    match ev {
                        Event::Message(m) => {
                            if let Some(out) = out? {
                                to.message(out)?;
                            }
                            summary.messages += 1;
                            if m.kind == Kind::Text {
                                summary.texts += 1;
                            }
                            labelled += 1;
                            last = Some((m.offset, m.index));
                        }
                        Event::Skipped {
                            line, text, reason, ..
                        } => {
                            summary.skipped += 1;
                            eprintln!(
                                "sandesh: {} line {line}: {reason}: {:?}",
                                export.name(),
                                preview(text)
                            );
                        }
                    }
                }
                if let Some(last) = last {
                    to.chunk_done(export_no, last)?;
                }
            }
            Ok(())
        })?;
        Ok(labelled)
    }

    fn label(&self, export_no: usize, chat: &str, m: &Message) -> Labelled {
        let day = sandesh::Date::new(
            m.timestamp.year as i32,
            m.timestamp.month as u32,
            m.timestamp.day as u32,
        );
        let mut analysis = match m.kind {
            // Empty or over-long texts have no analysis; the message is still written.
            Kind::Text => self.engine.classify_at(&m.text, day).ok(),
            _ => None,
        };
        let mut text = m.text.clone();
        let mut author = m.author.clone();
        if let Some(extractors) = &self.redact {
            let entities = match &analysis {
                Some(a) => a.entities.clone(),
                None => extractors.extract(&m.text, day),
            };
            let (hidden, moved) = redact(&m.text, &entities);
            text = hidden;
            if let Some(a) = analysis.as_mut() {
                a.entities = moved;
            }
            author = author.map(|a| {
                self.sides
                    .pseudonyms
                    .get(&a)
                    .cloned()
                    .unwrap_or_else(|| pseudonym("contact", &a))
            });
        }
        Labelled {
            chat: chat.to_string(),
            index: m.index,
            timestamp: m.timestamp,
            is_business: self.sides.is_business(export_no, m.author.as_deref()),
            author,
            kind: m.kind,
            text,
            edited: m.edited,
            analysis,
        }
    }
}

/// A stable stand-in for a name: the same in every run, so that reports over several redacted
/// files still tell people and chats apart. (A hash of a guessable name can be guessed back by
/// trying names; it hides contacts from a casual reader, not from a determined one.)
fn pseudonym(prefix: &str, name: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(same_name(name).as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        p.push('…');
    }
    p
}

/// The placeholder of a kind `--redact` hides, if it hides it.
fn placeholder(kind: EntityKind) -> Option<&'static str> {
    match kind {
        EntityKind::Phone => Some("[phone]"),
        EntityKind::Email => Some("[email]"),
        EntityKind::UpiId => Some("[upi]"),
        EntityKind::Person => Some("[name]"),
        _ => None,
    }
}

/// `text` with phones, e-mails, UPI ids and names replaced by placeholders, and `entities`
/// moved onto the new text: hidden ones become their placeholder (without a value, which would
/// repeat what was hidden), the others shift. Spans count `char`s.
pub(crate) fn redact(text: &str, entities: &[Entity]) -> (String, Vec<Entity>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut moved = Vec::with_capacity(entities.len());
    let mut at = 0usize; // in chars of `text`
    let mut out_len = 0usize; // in chars of `out`
    let mut sorted: Vec<&Entity> = entities.iter().collect();
    sorted.sort_by_key(|e| e.span.start);
    for e in sorted {
        let (start, end) = (e.span.start, e.span.end);
        if start < at || end > chars.len() || start > end {
            // Overlapping or out of range: cannot be moved faithfully; leave it out.
            continue;
        }
        let before: String = chars[at..start].iter().collect();
        out_len += start - at;
        out.push_str(&before);
        let mut e2 = e.clone();
        match placeholder(e.kind) {
            Some(p) => {
                out.push_str(p);
                let n = p.chars().count();
                e2.span = sandesh::Span::new(out_len, out_len + n);
                e2.text = p.to_string();
                e2.value = None;
                out_len += n;
            }
            None => {
                let kept: String = chars[start..end].iter().collect();
                out.push_str(&kept);
                e2.span = sandesh::Span::new(out_len, out_len + (end - start));
                out_len += end - start;
            }
        }
        at = end;
        moved.push(e2);
    }
    out.extend(chars[at.min(chars.len())..].iter());
    (out, moved)
}

/// One CSV row (RFC 4180). Columns: chat, index, timestamp, author, is_business, kind, text,
/// edited, intent, confidence, lang, queue, entities (the entities as JSON).
fn csv_row(out: &mut Vec<u8>, r: &Labelled) -> anyhow::Result<()> {
    let a: Option<&Analysis> = r.analysis.as_ref();
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(256));
    w.write_record([
        r.chat.as_str(),
        &r.index.to_string(),
        &r.timestamp.to_string(),
        r.author.as_deref().unwrap_or(""),
        if r.is_business { "true" } else { "false" },
        r.kind.as_str(),
        &r.text,
        if r.edited { "true" } else { "false" },
        a.map(|a| a.intent.as_str()).unwrap_or(""),
        &a.map(|a| format!("{:.4}", a.confidence))
            .unwrap_or_default(),
        a.map(|a| a.lang.as_str()).unwrap_or(""),
        a.and_then(|a| a.route.as_ref().map(|r| r.queue.as_str()))
            .unwrap_or(""),
        &a.map(|a| serde_json::to_string(&a.entities))
            .transpose()?
            .unwrap_or_default(),
    ])?;
    out.extend_from_slice(&w.into_inner().map_err(|e| anyhow!("{e}"))?);
    Ok(())
}

const CSV_HEADER: &[u8] =
    b"chat,index,timestamp,author,is_business,kind,text,edited,intent,confidence,lang,queue,entities\n";

/// What a run was asked to do; a resume must be asked the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Fingerprint {
    version: u32,
    inputs: Vec<String>,
    sizes: Vec<u64>,
    format: OutFormat,
    me: Option<String>,
    date_order: Option<String>,
    redact: bool,
    model: String,
}

/// Where a run stands: every line before `output_bytes` is final.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    run: Fingerprint,
    /// Exports before this one are complete.
    export: usize,
    /// The last message of `export` written: (offset, index).
    last: Option<(u64, u64)>,
    output_bytes: u64,
}

/// Standard output, or `OUT.partial` with its checkpoint.
enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        out: PathBuf,
        partial: PathBuf,
        checkpoint_path: PathBuf,
        file: BufWriter<File>,
        state: Box<Checkpoint>,
    },
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

impl Sink {
    fn stdout(format: OutFormat) -> Sink {
        let mut w = BufWriter::with_capacity(1 << 20, std::io::stdout());
        if format == OutFormat::Csv {
            let _ = w.write_all(CSV_HEADER);
        }
        Sink::Stdout(w)
    }

    fn file(out: &Path, format: OutFormat, run: Fingerprint, resume: bool) -> anyhow::Result<Sink> {
        let partial = with_suffix(out, ".partial");
        let checkpoint_path = with_suffix(out, ".checkpoint");
        let state = if resume {
            let text = std::fs::read_to_string(&checkpoint_path).with_context(|| {
                format!(
                    "--resume: no checkpoint at {} (nothing to resume; run without --resume)",
                    checkpoint_path.display()
                )
            })?;
            let state: Checkpoint = serde_json::from_str(&text)
                .with_context(|| format!("--resume: {} is damaged", checkpoint_path.display()))?;
            if state.run != run {
                bail!(
                    "--resume: the interrupted run had other inputs or options ({}); \
                     run it with the same ones, or start again without --resume",
                    checkpoint_path.display()
                );
            }
            let len = std::fs::metadata(&partial)
                .with_context(|| format!("--resume: {} is missing", partial.display()))?
                .len();
            if len < state.output_bytes {
                bail!(
                    "--resume: {} is shorter than its checkpoint says ({len} < {} bytes); \
                     start again without --resume",
                    partial.display(),
                    state.output_bytes
                );
            }
            state
        } else {
            if checkpoint_path.exists() {
                bail!(
                    "{} shows an interrupted run: continue it with --resume, or delete it and \
                     {} to start again",
                    checkpoint_path.display(),
                    partial.display()
                );
            }
            Checkpoint {
                run,
                export: 0,
                last: None,
                output_bytes: 0,
            }
        };
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(!resume)
            .open(&partial)
            .with_context(|| format!("opening {}", partial.display()))?;
        // Lines written after the last checkpoint are dropped: they are written again.
        file.set_len(state.output_bytes)?;
        let mut file = BufWriter::with_capacity(1 << 20, file);
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(state.output_bytes))?;
        let mut sink = Sink::File {
            out: out.to_path_buf(),
            partial,
            checkpoint_path,
            file,
            state: Box::new(state),
        };
        if !resume && format == OutFormat::Csv {
            sink.write_line(CSV_HEADER)?;
        }
        if !resume {
            sink.save()?;
        }
        Ok(sink)
    }

    /// (first export to label, last message already written of it).
    fn resume_point(&self) -> (usize, Option<(u64, u64)>) {
        match self {
            Sink::Stdout(_) => (0, None),
            Sink::File { state, .. } => (state.export, state.last),
        }
    }

    fn write_line(&mut self, line: &[u8]) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(line)?,
            Sink::File { file, state, .. } => {
                file.write_all(line)?;
                state.output_bytes += line.len() as u64;
            }
        }
        Ok(())
    }

    /// Everything up to `last` of export `export` is written.
    fn checkpoint(&mut self, export: usize, last: (u64, u64)) -> anyhow::Result<()> {
        if let Sink::File { state, .. } = self {
            state.export = export;
            state.last = Some(last);
        }
        self.save()
    }

    /// Exports before `next` are complete.
    fn export_done(&mut self, next: usize) -> anyhow::Result<()> {
        if let Sink::File { state, .. } = self {
            state.export = next;
            state.last = None;
        }
        self.save()
    }

    /// Flushes the lines, then records the checkpoint (temp file + rename: never half-written).
    fn save(&mut self) -> anyhow::Result<()> {
        if let Sink::File {
            file,
            state,
            checkpoint_path,
            ..
        } = self
        {
            file.flush()?;
            let tmp = with_suffix(checkpoint_path, ".tmp");
            std::fs::write(&tmp, serde_json::to_vec(state)?)?;
            std::fs::rename(&tmp, checkpoint_path)?;
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush()?,
            Sink::File {
                out,
                partial,
                checkpoint_path,
                file,
                ..
            } => {
                let file = file.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                drop(file);
                std::fs::rename(&partial, &out)
                    .with_context(|| format!("moving {} into place", partial.display()))?;
                std::fs::remove_file(&checkpoint_path)?;
            }
        }
        Ok(())
    }
}

/// A progress bar on a terminal; nothing when piped or quiet.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(total: u64, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        Progress(Some(bar))
    }

    fn set(&self, pos: u64) {
        if let Some(b) = &self.0 {
            b.set_position(pos);
        }
    }

    fn println(&self, line: String) {
        match &self.0 {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counterparts_come_from_export_names_in_several_languages() {
        for (name, who) in [
            ("WhatsApp Chat with Ravi Kumar.txt", Some("ravi kumar")),
            ("WhatsApp Chat - Priya.zip", Some("priya")),
            ("WhatsApp-Chat mit Anna.txt", Some("anna")),
            (
                "Chat de WhatsApp con +91 98765 43210.txt",
                Some("+91 98765 43210"),
            ),
            ("_chat.txt", None),
            ("WhatsApp Chat with .txt", None),
        ] {
            assert_eq!(counterpart(name).as_deref(), who, "{name}");
        }
        assert_eq!(same_name("~\u{a0}Ravi  Kumar"), "ravi kumar");
    }

    #[test]
    fn redaction_hides_contacts_and_moves_every_span() {
        let engine = Engine::builder().build().unwrap();
        for text in [
            "Ravi ji, 9876543210 pe call karo ya ravi@example.com pe mail, ₹4,500 ravi@okaxis pe bhejo",
            "😀 Priya Sharma: order #45821 ka ₹1,200 — UPI priya.s@ybl",
            "koi naam nahi, bas ₹500",
        ] {
            let a = engine.classify(text).unwrap();
            let (hidden, moved) = redact(text, &a.entities);
            for secret in ["9876543210", "ravi@example.com", "ravi@okaxis", "priya.s@ybl"] {
                assert!(!hidden.contains(secret), "{hidden}");
            }
            let chars: Vec<char> = hidden.chars().collect();
            for e in &moved {
                let span: String = chars[e.span.start..e.span.end].iter().collect();
                assert_eq!(span, e.text, "{hidden}");
                if placeholder(e.kind).is_some() {
                    assert!(e.value.is_none());
                }
            }
            // Entities that are not hidden keep their text and value.
            let kept = |es: &[Entity]| {
                es.iter()
                    .filter(|e| placeholder(e.kind).is_none())
                    .map(|e| (e.text.clone(), e.value.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(kept(&moved), kept(&a.entities));
        }
    }
}
