//! `sandesh classify`: one text, or JSON lines in and analyses out (CONTRACT.md).
//!
//! In `--jsonl` mode every non-blank input line yields exactly one output line, in input order:
//! the analysis (with the input's `id`), or `{"id": ..., "error": ..., "code": ...}` for a line
//! that is not valid UTF-8, not JSON, has no string `text`, or whose text the engine refuses.
//! Blank lines are not messages and yield nothing. Lines are classified in chunks on all cores.

use anyhow::{bail, Context};
use sandesh::{Analysis, Engine, ErrorCode, MessageId};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The message to classify (omit with --jsonl).
    text: Option<String>,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
    /// Read JSON lines {"id": ..., "text": ...} and write one analysis per line.
    #[arg(long)]
    jsonl: bool,
    /// Input file for --jsonl (default: standard input).
    #[arg(long, value_name = "FILE", requires = "jsonl")]
    input: Option<PathBuf>,
    /// Output file for --jsonl (default: standard output).
    #[arg(long, value_name = "FILE", requires = "jsonl")]
    output: Option<PathBuf>,
}

const CHUNK: usize = 4096;

/// Longest input line read into memory. A message is at most 65,536 characters (4 bytes each at
/// worst) plus JSON escaping and the id; past this the line is answered with an error and the
/// rest of it is skipped without being held, so one huge line cannot exhaust memory.
const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads one line (without its `\n`) into `buf`, keeping at most `limit` bytes. Returns the
/// bytes consumed (0 at the end of input) and whether the line was cut.
pub(crate) fn read_line_capped(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut cut = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, cut));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        let room = limit.saturating_sub(buf.len());
        if chunk.len() > room {
            cut = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = done.unwrap_or(available.len());
        input.consume(used);
        consumed += used;
        if done.is_some() {
            return Ok((consumed, cut));
        }
    }
}

pub fn run(setup: &crate::Setup, args: Args) -> anyhow::Result<()> {
    if args.jsonl {
        if args.text.is_some() {
            bail!("give either a text or --jsonl, not both");
        }
        let engine = crate::engine(setup)?;
        let input: Box<dyn Read> = match &args.input {
            Some(p) => Box::new(
                std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
            ),
            None => Box::new(std::io::stdin().lock()),
        };
        let output: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(
                std::fs::File::create(p)
                    .with_context(|| format!("cannot create {}", p.display()))?,
            ),
            None => Box::new(std::io::stdout().lock()),
        };
        let (lines, errors) = jsonl(&engine, BufReader::new(input), BufWriter::new(output))?;
        if errors > 0 {
            eprintln!("sandesh: {lines} lines, {errors} with errors (see their \"error\" lines)");
        }
        return Ok(());
    }
    let Some(text) = args.text else {
        bail!("give the message to classify, for example: sandesh classify \"price kya hai?\" (or use --jsonl)");
    };
    let engine = crate::engine(setup)?;
    let a = engine.classify(&text)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &a)?;
        writeln!(out)?;
    } else {
        print_plain(&mut out, &a)?;
    }
    Ok(())
}

fn print_plain(out: &mut impl Write, a: &Analysis) -> std::io::Result<()> {
    writeln!(out, "intent:     {} ({:.2})", a.intent, a.confidence)?;
    writeln!(out, "language:   {}", a.lang)?;
    let ranked: Vec<String> = a
        .intents
        .iter()
        .map(|s| format!("{} {:.2}", s.intent, s.score))
        .collect();
    writeln!(out, "ranked:     {}", ranked.join(", "))?;
    for e in &a.entities {
        let value = match &e.value {
            Some(sandesh::EntityValue::Money {
                amount,
                currency,
                max: Some(max),
                ..
            }) => format!(" = {amount}..{max} {currency}"),
            Some(sandesh::EntityValue::Money {
                amount, currency, ..
            }) => {
                format!(" = {amount} {currency}")
            }
            Some(sandesh::EntityValue::Quantity { quantity, unit }) => {
                format!(" = {quantity} {unit}")
            }
            Some(sandesh::EntityValue::Text(t)) if *t != e.text => format!(" = {t}"),
            _ => String::new(),
        };
        let resolved = match (&e.resolved, e.candidates.is_empty()) {
            (Some(r), _) => format!(" → {r}"),
            (None, false) => format!(" → {}", e.candidates.join(" or ")),
            _ => String::new(),
        };
        writeln!(
            out,
            "entity:     {} \"{}\" [{}..{}){value}{resolved}",
            e.kind, e.text, e.span.start, e.span.end
        )?;
    }
    Ok(())
}

enum Line {
    Message {
        id: Option<MessageId>,
        text: String,
    },
    Bad {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

fn parse_line(raw: &[u8]) -> Line {
    let bad = |id: Value, code, message: String| Line::Bad { id, code, message };
    let s = match std::str::from_utf8(raw) {
        Ok(s) => s,
        Err(e) => {
            return bad(
                Value::Null,
                ErrorCode::InvalidUtf8,
                format!("the line is not valid UTF-8: {e}"),
            )
        }
    };
    let v: Value = match serde_json::from_str(s) {
        Ok(v) => v,
        Err(e) => {
            return bad(
                Value::Null,
                ErrorCode::InvalidInput,
                format!("the line is not JSON: {e}"),
            )
        }
    };
    let Value::Object(obj) = v else {
        return bad(
            Value::Null,
            ErrorCode::InvalidInput,
            "the line is not a JSON object".into(),
        );
    };
    let raw_id = obj.get("id").cloned().unwrap_or(Value::Null);
    let id = match &raw_id {
        Value::Null => None,
        Value::String(s) => Some(MessageId::Str(s.clone())),
        Value::Number(n) if n.as_i64().is_some() => n.as_i64().map(MessageId::Int),
        _ => {
            return bad(
                raw_id,
                ErrorCode::InvalidInput,
                "\"id\" must be a string or an integer".into(),
            )
        }
    };
    match obj.get("text") {
        Some(Value::String(t)) => Line::Message {
            id,
            text: t.clone(),
        },
        Some(_) => bad(
            raw_id,
            ErrorCode::InvalidInput,
            "\"text\" must be a string".into(),
        ),
        None => bad(
            raw_id,
            ErrorCode::InvalidInput,
            "the line has no \"text\"".into(),
        ),
    }
}

fn error_line(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({"id": id, "error": message, "code": code.as_str()})
}

/// Streams JSON lines through the engine; returns (lines, lines with errors).
pub fn jsonl(
    engine: &Engine,
    mut input: impl BufRead,
    mut output: impl Write,
) -> anyhow::Result<(usize, usize)> {
    let mut total = 0;
    let mut errors = 0;
    let mut chunk: Vec<Line> = Vec::with_capacity(CHUNK);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let (n, cut) =
            read_line_capped(&mut input, &mut buf, MAX_LINE_BYTES).context("reading input")?;
        if cut {
            chunk.push(Line::Bad {
                id: Value::Null,
                code: ErrorCode::TextTooLong,
                message: format!("the line is longer than {MAX_LINE_BYTES} bytes; it was skipped"),
            });
        } else if n > 0 {
            let line = buf.strip_suffix(b"\r").unwrap_or(&buf);
            if !line.iter().all(u8::is_ascii_whitespace) {
                chunk.push(parse_line(line));
            }
        }
        if chunk.len() >= CHUNK || (n == 0 && !chunk.is_empty()) {
            let (t, e) = flush(engine, &mut chunk, &mut output)?;
            total += t;
            errors += e;
        }
        if n == 0 {
            break;
        }
    }
    output.flush()?;
    Ok((total, errors))
}

fn flush(
    engine: &Engine,
    chunk: &mut Vec<Line>,
    output: &mut impl Write,
) -> anyhow::Result<(usize, usize)> {
    let results = {
        let texts: Vec<&str> = chunk
            .iter()
            .map(|l| match l {
                Line::Message { text, .. } => text.as_str(),
                Line::Bad { .. } => "",
            })
            .collect();
        engine.classify_batch(&texts)
    };
    let lines = chunk.len();
    let mut errors = 0;
    for (line, result) in chunk.drain(..).zip(results) {
        let value = match (line, result) {
            (Line::Bad { id, code, message }, _) => {
                errors += 1;
                error_line(id, code, &message)
            }
            (Line::Message { id, .. }, Ok(mut a)) => {
                a.id = id;
                serde_json::to_value(&a)?
            }
            (Line::Message { id, .. }, Err(e)) => {
                errors += 1;
                error_line(serde_json::to_value(&id)?, e.code(), &e.to_string())
            }
        };
        serde_json::to_writer(&mut *output, &value)?;
        output.write_all(b"\n")?;
    }
    Ok((lines, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_reader_cuts_long_lines_and_keeps_the_next() {
        let data = format!("{}\nshort\nlast", "x".repeat(100));
        let mut r = std::io::BufReader::with_capacity(7, data.as_bytes());
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 10).unwrap(), (101, true));
        assert_eq!(buf.len(), 10);
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 10).unwrap(), (6, false));
        assert_eq!(buf, b"short");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 10).unwrap(), (4, false));
        assert_eq!(buf, b"last");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 10).unwrap(), (0, false));
    }
}
