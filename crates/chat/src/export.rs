//! Opening an export (`.txt` or `.zip`, told apart by content) and streaming its messages.
//!
//! [`Export::open`] reads the chat text once to detect its [`Format`]; [`Export::messages`]
//! reads it again, streaming. Neither holds the whole text: a line at a time, a 64 KiB block
//! buffer, and for a zip entry an inflate stream read straight from the file (its CRC checked
//! at the end).

use crate::format::Detector;
use crate::lines::ReadLines;
use crate::parser::Assembler;
use crate::{Error, Event, Format, ParseOptions, Result};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the chat text is.
#[derive(Debug, Clone)]
enum Source {
    Text,
    Zip(ZipEntry),
}

/// The location of a zip entry's data, enough to inflate it with the file alone.
#[derive(Debug, Clone)]
struct ZipEntry {
    name: String,
    data_start: u64,
    compressed: u64,
    size: u64,
    crc: u32,
    deflated: bool,
}

/// A chat export, opened and its format detected.
#[derive(Debug, Clone)]
pub struct Export {
    path: PathBuf,
    name: String,
    source: Source,
    format: Arc<Format>,
    len: u64,
}

/// Messages of an export, streaming. An `Err` (I/O or zip failure) ends the stream.
pub struct Messages {
    lines: ReadLines<Box<dyn Read + Send>>,
    assembler: Assembler,
    path: PathBuf,
    zip: bool,
    /// Lines before this offset are only counted (a resumed run); the line at it must exist.
    resume_at: Option<u64>,
    /// Bytes of the chat text: resuming exactly at the end yields nothing, without error.
    end: u64,
    done: bool,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads an entry's stored or deflated bytes and checks size and CRC at the end.
struct Checked<R> {
    inner: R,
    crc: flate2::Crc,
    want_crc: u32,
    want_size: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            if u64::from(self.crc.amount()) != self.want_size & 0xffff_ffff
                || self.crc.sum() != self.want_crc
            {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the chat text's CRC or size does not match the zip directory (damaged zip)",
                ));
            }
        } else {
            self.crc.update(buf.get(..n).unwrap_or_default());
        }
        Ok(n)
    }
}

impl Source {
    /// A reader of the chat text from its start.
    fn open(&self, path: &Path) -> Result<Box<dyn Read + Send>> {
        let mut file = File::open(path).map_err(io_err(path))?;
        match self {
            Source::Text => Ok(Box::new(file)),
            Source::Zip(e) => {
                file.seek(SeekFrom::Start(e.data_start))
                    .map_err(io_err(path))?;
                let raw = file.take(e.compressed);
                let inner: Box<dyn Read + Send> = if e.deflated {
                    Box::new(flate2::read::DeflateDecoder::new(raw))
                } else {
                    Box::new(raw)
                };
                Ok(Box::new(Checked {
                    inner,
                    crc: flate2::Crc::new(),
                    want_crc: e.crc,
                    want_size: e.size,
                }))
            }
        }
    }

    /// A reader positioned at `offset` of the chat text.
    fn open_at(&self, path: &Path, offset: u64) -> Result<Box<dyn Read + Send>> {
        if offset == 0 {
            return self.open(path);
        }
        if let Source::Text = self {
            let mut file = File::open(path).map_err(io_err(path))?;
            file.seek(SeekFrom::Start(offset)).map_err(io_err(path))?;
            return Ok(Box::new(file));
        }
        // A deflate stream cannot seek: inflate and drop the bytes before `offset`.
        let mut r = self.open(path)?;
        let skipped = io::copy(&mut (&mut r).take(offset), &mut io::sink())
            .map_err(|e| zip_err(path, e.to_string()))?;
        if skipped != offset {
            return Err(Error::BadOffset {
                path: path.to_path_buf(),
                offset,
                reason: "past the end of the chat text".to_string(),
            });
        }
        Ok(r)
    }
}

fn zip_err(path: &Path, reason: impl Into<String>) -> Error {
    Error::Zip {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Why a text cannot be a chat, from its first bytes.
fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return Some("UTF-16 text; WhatsApp writes UTF-8 (re-save the file as UTF-8)");
    }
    if head.contains(&0) {
        return Some("binary data (NUL bytes), not a chat text");
    }
    None
}

/// Detects the format of the text `source` holds, refusing what is no chat.
fn scan(source: &Source, path: &Path, options: &ParseOptions) -> Result<Format> {
    let zip = matches!(source, Source::Zip(_));
    let wrap = |e: io::Error| {
        if zip {
            zip_err(path, e.to_string())
        } else {
            io_err(path)(e)
        }
    };
    let mut reader = source.open(path)?;
    let mut head = vec![0u8; 8192];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(head.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(wrap(e)),
        }
    }
    head.truncate(filled);
    if let Some(reason) = sniff(&head) {
        return Err(Error::NotAnExport {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        });
    }
    let mut lines = ReadLines::new(io::Cursor::new(head).chain(reader), 0, 0);
    let mut detector = Detector::new();
    while let Some(line) = lines.next_line().map_err(wrap)? {
        detector.observe(&line);
    }
    let mut format = detector.finish(options);
    format.bytes = lines.position();
    format.bom = lines.had_bom();
    Ok(format)
}

/// Entry names that hold no chat: folders, macOS resource forks.
fn is_junk(name: &str) -> bool {
    name.ends_with('/')
        || name.starts_with("__MACOSX/")
        || name.rsplit('/').next().is_some_and(|b| b.starts_with("._"))
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

fn is_txt(name: &str) -> bool {
    crate::placeholders::ends_with_ci(name, ".txt")
}

impl Export {
    /// Opens a `.txt` or `.zip` export (decided by content, not extension) and detects its
    /// format in a first streaming pass. In a zip the chat text is `_chat.txt`, else the only
    /// `.txt`, else the `.txt` with most header lines (localised names such as `WhatsApp Chat
    /// mit X.txt` are not relied on).
    pub fn open(path: &Path, options: &ParseOptions) -> Result<Export> {
        let mut file = File::open(path).map_err(io_err(path))?;
        let mut magic = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match file.read(magic.get_mut(got..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_err(path)(e)),
            }
        }
        let magic = magic.get(..got).unwrap_or_default();
        if magic == ZIP_MAGIC || magic == EMPTY_ZIP_MAGIC {
            return Export::open_zip(path, file, options);
        }
        drop(file);
        let source = Source::Text;
        let format = scan(&source, path, options)?;
        Export::checked(path, file_name(path), source, format)
    }

    fn checked(path: &Path, name: String, source: Source, format: Format) -> Result<Export> {
        if !format.has_messages() && format.nonblank_lines > 0 {
            return Err(Error::NotAnExport {
                path: path.to_path_buf(),
                reason: format!(
                    "none of its {} lines starts with a WhatsApp date and time",
                    format.lines
                ),
            });
        }
        Ok(Export {
            path: path.to_path_buf(),
            name,
            source,
            len: format.bytes,
            format: Arc::new(format),
        })
    }

    fn open_zip(path: &Path, file: File, options: &ParseOptions) -> Result<Export> {
        let mut archive = zip::ZipArchive::new(file).map_err(|e| zip_err(path, e.to_string()))?;
        let texts: Vec<(usize, String)> = (0..archive.len())
            .filter_map(|i| {
                let name = archive.name_for_index(i)?;
                (!is_junk(name) && is_txt(name)).then(|| (i, name.to_string()))
            })
            .collect();
        let chosen: Vec<&(usize, String)> =
            match texts.iter().find(|(_, n)| base_name(n) == "_chat.txt") {
                Some(chat) => vec![chat],
                None => texts.iter().collect(),
            };
        if chosen.is_empty() {
            return Err(zip_err(path, "no chat text (.txt) in the zip"));
        }
        let mut best: Option<(ZipEntry, Format)> = None;
        let single = chosen.len() == 1;
        for (i, name) in chosen {
            let f = archive
                .by_index(*i)
                .map_err(|e| zip_err(path, format!("{name}: {e}")))?;
            if f.encrypted() {
                return Err(zip_err(path, format!("{name} is encrypted")));
            }
            let deflated = match f.compression() {
                zip::CompressionMethod::Stored => false,
                zip::CompressionMethod::Deflated => true,
                other => {
                    return Err(zip_err(
                        path,
                        format!(
                        "{name}: compression {other} is not supported (WhatsApp writes deflate)"
                    ),
                    ))
                }
            };
            let entry = ZipEntry {
                name: name.clone(),
                data_start: f
                    .data_start()
                    .ok_or_else(|| zip_err(path, format!("{name}: no data offset")))?,
                compressed: f.compressed_size(),
                size: f.size(),
                crc: f.crc32(),
                deflated,
            };
            drop(f);
            let source = Source::Zip(entry.clone());
            let format = match scan(&source, path, options) {
                Ok(format) => format,
                Err(e) if single => return Err(e),
                Err(_) => continue,
            };
            let lines = |f: &Format| f.patterns.iter().map(|p| p.lines).sum::<u64>();
            let better = match &best {
                None => true,
                Some((b, bf)) => {
                    lines(&format) > lines(bf)
                        || (lines(&format) == lines(bf) && entry.name.len() < b.name.len())
                }
            };
            if better {
                best = Some((entry, format));
            }
        }
        let Some((entry, format)) = best else {
            return Err(zip_err(
                path,
                "no .txt entry in the zip holds a WhatsApp chat",
            ));
        };
        let name = match base_name(&entry.name) {
            "_chat.txt" => file_name(path),
            other => other.to_string(),
        };
        if !format.has_messages() && format.nonblank_lines > 0 && !single {
            return Err(zip_err(
                path,
                "no .txt entry in the zip holds a WhatsApp chat",
            ));
        }
        Export::checked(path, name, Source::Zip(entry), format)
    }

    /// The chat name for output: the chat text's file name (`WhatsApp Chat with Ravi.txt`),
    /// or the zip's file name when the entry is the generic `_chat.txt`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path the export was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The zip entry holding the chat text, for a zip.
    pub fn zip_entry(&self) -> Option<&str> {
        match &self.source {
            Source::Zip(e) => Some(&e.name),
            Source::Text => None,
        }
    }

    /// What the first pass detected.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// Bytes of the chat text (decompressed), for progress bars.
    pub fn len_bytes(&self) -> u64 {
        self.len
    }

    /// The messages from the start, streaming.
    pub fn messages(&self) -> Result<Messages> {
        self.messages_from(0, 0)
    }

    /// The messages from the header line at byte `offset` (a [`crate::Message::offset`]),
    /// numbered from `index`: exactly what a full run yields from that message on. An offset
    /// that is not the start of a line is an [`Error::BadOffset`] (at once when it is past the
    /// end; otherwise as the stream's first item).
    pub fn messages_from(&self, offset: u64, index: u64) -> Result<Messages> {
        if offset > self.len {
            return Err(Error::BadOffset {
                path: self.path.clone(),
                offset,
                reason: format!("past the end of the chat text ({} bytes)", self.len),
            });
        }
        let (from, lines_before) = self.format.checkpoint_before(offset);
        let reader = self.source.open_at(&self.path, from)?;
        Ok(Messages {
            lines: ReadLines::new(reader, from, lines_before),
            assembler: Assembler::new(Arc::clone(&self.format), index),
            path: self.path.clone(),
            zip: matches!(self.source, Source::Zip(_)),
            resume_at: (offset > 0).then_some(offset),
            end: self.len,
            done: false,
        })
    }
}

impl Iterator for Messages {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        while !self.done {
            let line = match self.lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    if let Some(offset) = self.resume_at.filter(|&o| o != self.end) {
                        return Some(Err(Error::BadOffset {
                            path: self.path.clone(),
                            offset,
                            reason: "past the last line of the chat text".to_string(),
                        }));
                    }
                    return self.assembler.finish().map(Ok);
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(if self.zip {
                        zip_err(&self.path, e.to_string())
                    } else {
                        io_err(&self.path)(e)
                    }));
                }
            };
            if let Some(at) = self.resume_at {
                if line.offset < at {
                    continue;
                }
                self.resume_at = None;
                if line.offset > at {
                    self.done = true;
                    return Some(Err(Error::BadOffset {
                        path: self.path.clone(),
                        offset: at,
                        reason: format!(
                            "not the start of a line (line {} starts at byte {})",
                            line.number, line.offset
                        ),
                    }));
                }
            }
            if let Some(event) = self.assembler.push_line(line) {
                return Some(Ok(event));
            }
        }
        None
    }
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages")
            .field("path", &self.path)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
