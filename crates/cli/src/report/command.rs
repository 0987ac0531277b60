//! The `sandesh report` command: reads labelled JSONL inputs line by line into a [`Tally`],
//! writes the HTML page or the JSON report atomically (a temporary file in the output's
//! directory, renamed over the target, so a reader never sees half a report).

use super::{
    html, BadLine, Config, Labelled, Tally, DEFAULT_MAX_ROWS, DEFAULT_TOP, DEFAULT_UNANSWERED_HOURS,
};
use anyhow::{bail, Context};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Labelled JSONL files as `sandesh label` writes them (`-` for standard input), or
    /// WhatsApp exports (.txt, .zip, folders), which are labelled on the way.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// For exports: the business's own name as they show it (default: detected).
    #[arg(long, value_name = "NAME")]
    me: Option<String>,
    /// For exports: day/month order when a file cannot tell (dmy or mdy).
    #[arg(long, value_name = "ORDER", value_parser = crate::label::parse_order)]
    date_order: Option<sandesh_chat::DateOrder>,
    /// Where to write the report, `-` for standard output [default: report.html, or report.json
    /// with --json].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write the report as JSON instead of HTML.
    #[arg(long)]
    json: bool,
    /// A customer thread without a business reply within this many hours is unanswered.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_UNANSWERED_HOURS,
          value_parser = clap::value_parser!(u32).range(1..=87_600))]
    unanswered_hours: u32,
    /// Customers listed in each top-askers table.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TOP)]
    top: usize,
    /// Rows kept in each of the unanswered, pending and payments lists (the newest); the rest
    /// are counted.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ROWS)]
    max_rows: usize,
}

/// Longest line read into memory; a labelled message holds at most 65,536 characters plus its
/// analysis, far below this. A longer line is skipped as bad without being held.
const MAX_LINE_BYTES: usize = 4 << 20;

/// The lines of one labelled JSONL input as records or bad lines. Blank lines are skipped; an
/// I/O error ends the iteration and is kept for [`JsonLines::take_error`].
pub struct JsonLines<R> {
    reader: R,
    input: String,
    line: u64,
    buf: Vec<u8>,
    error: Option<io::Error>,
}

impl<R: BufRead> JsonLines<R> {
    /// Lines of `reader`, named `input` in reasons.
    pub fn new(reader: R, input: impl Into<String>) -> Self {
        JsonLines {
            reader,
            input: input.into(),
            line: 0,
            buf: Vec::new(),
            error: None,
        }
    }

    /// The read error that ended the lines, if one did.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    fn bad(&self, reason: String) -> BadLine {
        BadLine {
            input: self.input.clone(),
            line: self.line,
            reason,
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<Labelled, BadLine>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.error.is_some() {
            return None;
        }
        loop {
            self.buf.clear();
            let (consumed, cut) = match crate::classify::read_line_capped(
                &mut self.reader,
                &mut self.buf,
                MAX_LINE_BYTES,
            ) {
                Ok(r) => r,
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            };
            if consumed == 0 {
                return None;
            }
            self.line += 1;
            if cut {
                return Some(Err(
                    self.bad(format!("line longer than {} MiB", MAX_LINE_BYTES >> 20))
                ));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    return Some(Err(
                        self.bad(format!("not UTF-8 (byte {})", e.valid_up_to()))
                    ))
                }
            };
            return Some(
                serde_json::from_str::<Labelled>(text)
                    .map_err(|e| self.bad(format!("not a labelled message: {e}"))),
            );
        }
    }
}

/// Whether the start of an input is a WhatsApp export (zip, or chat text) rather than JSONL.
pub fn looks_like_export(name: &Path, head: &[u8]) -> bool {
    let ext = name
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("txt" | "zip") => return true,
        Some("jsonl" | "ndjson" | "json") => return false,
        _ => {}
    }
    if head.starts_with(b"PK\x03\x04") {
        return true;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b != b'{')
}

/// An input: labelled JSONL to read, or exports to label on the way.
enum Input {
    Jsonl(Box<dyn BufRead>),
    Exports,
}

fn open(path: &Path) -> anyhow::Result<Input> {
    if path != Path::new("-") && path.is_dir() {
        return Ok(Input::Exports);
    }
    let mut reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(BufReader::new(io::stdin()))
    } else {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
        ))
    };
    let head = reader
        .fill_buf()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if looks_like_export(path, head) {
        if path == Path::new("-") {
            bail!(
                "standard input looks like a WhatsApp chat export; pass the export's file name \
                 (exports are read from files, labelled JSONL from either)"
            );
        }
        return Ok(Input::Exports);
    }
    Ok(Input::Jsonl(reader))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename; `-` is
/// standard output.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> io::Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

pub fn run(setup: &crate::Setup, args: Args) -> anyhow::Result<()> {
    let config = Config {
        unanswered_hours: args.unanswered_hours,
        top: args.top,
        max_rows: args.max_rows,
        inputs: args
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
    };
    // Every input is checked before any is read, so a wrong file fails fast.
    let mut readers = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        readers.push((path, open(path)?));
    }
    let mut tally = Tally::new(config);
    let mut exports = Vec::new();
    for (path, input) in readers {
        match input {
            Input::Jsonl(reader) => {
                let mut lines = JsonLines::new(reader, path.display().to_string());
                tally.extend(&mut lines);
                if let Some(e) = lines.take_error() {
                    return Err(e).with_context(|| format!("cannot read {}", path.display()));
                }
            }
            Input::Exports => exports.push(path.clone()),
        }
    }
    // Exports are labelled together (so the business side can be told across them), in
    // memory, chunk by chunk: nothing is written. The tally keeps each chat apart.
    if !exports.is_empty() {
        crate::label::records(
            setup,
            &exports,
            args.me.as_deref(),
            args.date_order,
            &mut |record| tally.extend(std::iter::once(Ok(record))),
        )?;
    }
    let report = tally.finish();

    let s = &report.summary;
    eprintln!(
        "report: {} records, {} threads ({} unanswered, {} pending), {} lines skipped",
        s.records, s.threads, s.unanswered, s.pending, report.skipped.lines
    );
    for b in &report.skipped.first {
        eprintln!("  skipped {} line {}: {}", b.input, b.line, b.reason);
    }
    if report.skipped.lines > report.skipped.first.len() as u64 {
        eprintln!(
            "  … and {} more",
            report.skipped.lines - report.skipped.first.len() as u64
        );
    }

    if s.business_messages == 0 && s.customer_messages > 0 {
        eprintln!(
            "report: warning: no message is marked as the business's (is_business), so every \
             thread looks unanswered; label with `sandesh label --me NAME`"
        );
    }
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from(if args.json {
            "report.json"
        } else {
            "report.html"
        })
    });
    let bytes = if args.json {
        let mut v = serde_json::to_vec_pretty(&report)?;
        v.push(b'\n');
        v
    } else {
        html::render(&report).into_bytes()
    };
    write_atomically(&output, &bytes)?;
    if output != Path::new("-") {
        eprintln!("wrote {} ({} bytes)", output.display(), bytes.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_told_apart_from_jsonl() {
        assert!(looks_like_export(Path::new("chat.txt"), b"{"));
        assert!(looks_like_export(Path::new("chat.ZIP"), b""));
        assert!(looks_like_export(Path::new("x"), b"PK\x03\x04rest"));
        assert!(looks_like_export(
            Path::new("x"),
            b"12/03/2024, 10:15 - Ravi: hi"
        ));
        assert!(looks_like_export(
            Path::new("x"),
            b"[13/03/24, 1:34:00 PM] Ravi: hi"
        ));
        assert!(!looks_like_export(
            Path::new("x"),
            b"\xEF\xBB\xBF\n {\"chat\":1}"
        ));
        assert!(!looks_like_export(Path::new("x"), b""));
        // A .jsonl file is JSONL even when its first line is bad: that line is reported.
        assert!(!looks_like_export(Path::new("a.jsonl"), b"garbage"));
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("sandesh-report-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("r.html");
        fs::write(&target, "old").unwrap();
        write_atomically(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("r.html")]);
        assert!(write_atomically(&dir.join("missing/r.html"), b"x").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_lines_become_reasons_and_the_rest_is_read() {
        let good = r#"{"chat":"c","index":0,"timestamp":"2024-03-13T10:00:00","author":"Ravi","is_business":false,"kind":"text","text":"hi"}"#;
        let mut input = Vec::new();
        input.extend_from_slice(b"\xEF\xBB\xBF");
        input.extend_from_slice(good.as_bytes());
        input.extend_from_slice(b"\n\n   \r\nnot json\n{\"chat\":\"c\"}\n\xff\xfe\n");
        input.extend_from_slice(good.replace("2024-03-13T10", "2024-02-30T10").as_bytes());
        input.extend_from_slice(b"\r\n");
        input.extend_from_slice(good.as_bytes());
        let mut lines = JsonLines::new(&input[..], "in.jsonl");
        let got: Vec<_> = lines.by_ref().collect();
        assert!(lines.take_error().is_none());
        assert_eq!(got.len(), 6);
        assert!(got[0].is_ok() && got[5].is_ok());
        let bad: Vec<&BadLine> = got.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(
            bad.iter().map(|b| b.line).collect::<Vec<_>>(),
            vec![4, 5, 6, 7]
        );
        assert!(bad[0].reason.contains("expected"), "{:?}", bad[0]);
        assert!(bad[1].reason.contains("missing field"), "{:?}", bad[1]);
        assert!(bad[2].reason.contains("not UTF-8"), "{:?}", bad[2]);
        assert!(bad[3].reason.contains("timestamp"), "{:?}", bad[3]);
        assert!(bad.iter().all(|b| b.input == "in.jsonl"));
    }
}
