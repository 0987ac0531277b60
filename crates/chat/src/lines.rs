//! Lines of the chat text with their byte offsets and numbers. Line ends are `\n`, `\r\n` or a
//! lone `\r`; a final line without an end counts. A BOM at the very start is skipped (counted in
//! offsets). Invalid UTF-8 is replaced by U+FFFD line by line (and counted), never a panic.

use std::io::{self, Read};

/// One line, without its line end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub(crate) text: &'a str,
    /// Byte offset of the line's first byte (after a BOM on line 1).
    pub(crate) offset: u64,
    /// 1-based.
    pub(crate) number: u64,
    /// Bytes of the line end: 0 (end of text), 1 (`\n` or `\r`) or 2 (`\r\n`).
    pub(crate) end_len: u8,
    /// The line held invalid UTF-8, replaced by U+FFFD.
    pub(crate) lossy: bool,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Where the next line end is in `bytes`: (index, length), or `None` when there is none yet. A
/// `\r` as the last byte is reported with length 1 only when `at_eof`.
#[inline]
fn line_end(bytes: &[u8], at_eof: bool) -> Option<Option<(usize, u8)>> {
    match memchr::memchr2(b'\n', b'\r', bytes) {
        Some(p) => {
            if bytes.get(p) == Some(&b'\r') {
                match bytes.get(p + 1) {
                    Some(b'\n') => Some(Some((p, 2))),
                    Some(_) => Some(Some((p, 1))),
                    None if at_eof => Some(Some((p, 1))),
                    None => None,
                }
            } else {
                Some(Some((p, 1)))
            }
        }
        None => Some(None),
    }
}

/// Lines of a string in memory.
pub(crate) struct StrLines<'a> {
    s: &'a str,
    pos: usize,
    number: u64,
}

impl<'a> StrLines<'a> {
    pub(crate) fn new(s: &'a str) -> StrLines<'a> {
        let pos = if s.as_bytes().starts_with(BOM) { 3 } else { 0 };
        StrLines { s, pos, number: 0 }
    }

    pub(crate) fn next_line(&mut self) -> Option<Line<'a>> {
        let rest = self.s.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let (len, end_len) = match line_end(rest.as_bytes(), true).flatten() {
            Some((p, e)) => (p, e),
            None => (rest.len(), 0),
        };
        let text = rest.get(..len)?;
        let offset = self.pos as u64;
        self.pos += len + end_len as usize;
        self.number += 1;
        Some(Line {
            text,
            offset,
            number: self.number,
            end_len,
            lossy: false,
        })
    }
}

/// Lines of a byte stream, read in blocks into one reused buffer.
pub(crate) struct ReadLines<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    offset: u64,
    number: u64,
    first: bool,
    bom: bool,
    /// Bytes after `start` already searched for a line end without finding one, so that a
    /// long line arriving in small reads is not searched again from its start.
    scanned: usize,
    /// `buf[valid.0..valid.1]` is valid UTF-8, checked once for the many lines in it.
    valid: (usize, usize),
    lossy: String,
}

const BLOCK: usize = 64 * 1024;

impl<R: Read> ReadLines<R> {
    /// Lines of `reader`, whose first byte is at `offset` of the chat text and starts line
    /// `number + 1`. A BOM is looked for only when `offset` is 0.
    pub(crate) fn new(reader: R, offset: u64, number: u64) -> ReadLines<R> {
        ReadLines {
            reader,
            buf: vec![0; BLOCK],
            start: 0,
            end: 0,
            eof: false,
            offset,
            number,
            first: offset == 0,
            bom: false,
            scanned: 0,
            valid: (0, 0),
            lossy: String::new(),
        }
    }

    /// Reads more bytes after the unread ones; false at the end of the stream.
    fn fill(&mut self) -> io::Result<bool> {
        if self.start > 0 {
            self.valid = match self.valid {
                (a, b) if a >= self.start => (a - self.start, b - self.start),
                _ => (0, 0),
            };
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // A line longer than the buffer: it has to be held whole anyway.
            let new_len = self.buf.len().saturating_mul(2);
            self.buf.resize(new_len, 0);
        }
        loop {
            let target = self.buf.get_mut(self.end..).unwrap_or_default();
            match self.reader.read(target) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether `buf[from..to]` lies in the checked UTF-8 and both ends are character
    /// boundaries (the end of it, or a byte that is not a continuation byte).
    fn is_valid(&self, from: usize, to: usize) -> bool {
        let (a, b) = self.valid;
        let boundary = |i: usize| i == b || self.buf.get(i).is_some_and(|&c| c & 0xc0 != 0x80);
        a <= from && from <= to && to <= b && to <= self.end && boundary(from) && boundary(to)
    }

    /// Bytes of the text read so far (all of it after the last line).
    pub(crate) fn position(&self) -> u64 {
        self.offset
    }

    /// A BOM was skipped at the start.
    pub(crate) fn had_bom(&self) -> bool {
        self.bom
    }

    /// The next line, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        if self.first {
            while self.end - self.start < 3 && !self.eof {
                self.fill()?;
            }
            self.first = false;
            if self
                .buf
                .get(self.start..self.end)
                .is_some_and(|b| b.starts_with(BOM))
            {
                self.start += 3;
                self.offset += 3;
                self.bom = true;
            }
        }
        let (len, end_len) = loop {
            let pending = self.buf.get(self.start..self.end).unwrap_or_default();
            let unsearched = pending.get(self.scanned..).unwrap_or_default();
            match line_end(unsearched, self.eof) {
                Some(Some((p, e))) => break (self.scanned + p, e),
                Some(None) if self.eof => {
                    if pending.is_empty() {
                        return Ok(None);
                    }
                    break (pending.len(), 0);
                }
                Some(None) => {
                    self.scanned = pending.len();
                    self.fill()?;
                }
                None => {
                    // A `\r` last: look at it again once the next byte is known.
                    self.scanned = pending.len().saturating_sub(1);
                    self.fill()?;
                }
            }
        };
        self.scanned = 0;
        let line_start = self.start;
        self.start += len + end_len as usize;
        let offset = self.offset;
        self.offset += (len + end_len as usize) as u64;
        self.number += 1;
        let line_end = line_start + len;
        if !self.is_valid(line_start, line_end) {
            // Check the rest of what was read at once (up to any invalid byte).
            let rest = self.buf.get(line_start..self.end).unwrap_or_default();
            let ok = match simdutf8::compat::from_utf8(rest) {
                Ok(_) => rest.len(),
                Err(e) => e.valid_up_to(),
            };
            self.valid = (line_start, line_start + ok);
        }
        let bytes = self.buf.get(line_start..line_end).unwrap_or_default();
        let checked = if self.is_valid(line_start, line_end) {
            // SAFETY: `buf[valid.0..valid.1]` is valid UTF-8 (checked above or for an earlier
            // line, and not written since: `fill` only moves it along with `valid` and reads
            // past `end`), and `bytes` is a part of it that starts and ends at character
            // boundaries (`is_valid`), so it is valid UTF-8 too.
            let text = unsafe { std::str::from_utf8_unchecked(bytes) };
            debug_assert!(std::str::from_utf8(bytes).is_ok());
            Ok(text)
        } else {
            std::str::from_utf8(bytes)
        };
        let (text, lossy) = match checked {
            Ok(t) => (t, false),
            Err(_) => {
                self.lossy.clear();
                self.lossy.push_str(&String::from_utf8_lossy(bytes));
                (self.lossy.as_str(), true)
            }
        };
        Ok(Some(Line {
            text,
            offset,
            number: self.number,
            end_len,
            lossy,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect_str(s: &str) -> Vec<(String, u64, u64, u8)> {
        let mut l = StrLines::new(s);
        let mut out = Vec::new();
        while let Some(x) = l.next_line() {
            out.push((x.text.to_string(), x.offset, x.number, x.end_len));
        }
        out
    }

    fn collect_read(bytes: &[u8], block: usize) -> Vec<(String, u64, u64, u8)> {
        // A reader that hands out `block` bytes at a time, to cross every boundary.
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut l = ReadLines::new(Slow(bytes, block), 0, 0);
        let mut out = Vec::new();
        while let Some(x) = l.next_line().unwrap_or(None) {
            out.push((x.text.to_string(), x.offset, x.number, x.end_len));
        }
        out
    }

    #[test]
    fn every_line_end_and_a_bom() {
        let s = "\u{feff}a\r\nbb\rc\n\nd";
        let want = vec![
            ("a".to_string(), 3, 1, 2),
            ("bb".to_string(), 6, 2, 1),
            ("c".to_string(), 9, 3, 1),
            ("".to_string(), 11, 4, 1),
            ("d".to_string(), 12, 5, 0),
        ];
        assert_eq!(collect_str(s), want);
        for block in [1, 2, 3, 7, 100] {
            assert_eq!(collect_read(s.as_bytes(), block), want, "block {block}");
        }
        assert_eq!(collect_str(""), vec![]);
        assert_eq!(collect_read(b"", 1), vec![]);
        assert_eq!(collect_read(b"x\r", 1), vec![("x".to_string(), 0, 1, 1)]);
        assert_eq!(collect_str("x\n"), vec![("x".to_string(), 0, 1, 1)]);
    }

    #[test]
    fn utf8_checked_once_per_block_agrees_with_each_line() {
        // Multi-byte characters, invalid and truncated sequences and line ends in every
        // place, read in blocks of many sizes: each line is `from_utf8_lossy` of its bytes.
        let pieces: [&[u8]; 12] = [
            b"a",
            b"\n",
            b"\r",
            b"\r\n",
            "\u{e9}".as_bytes(),
            "\u{928}".as_bytes(),
            "\u{1f602}".as_bytes(),
            b"\xff",
            b"\xe0\xa4",
            b"\x80",
            b" ",
            "\u{202f}".as_bytes(),
        ];
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut seed = 0x0123_4567_89ab_cdefu64;
        for _ in 0..300 {
            let mut bytes = Vec::new();
            for _ in 0..60 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.extend_from_slice(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let mut want = Vec::new();
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let (len, end) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                    Some(p) if rest[p] == b'\r' && rest.get(p + 1) == Some(&b'\n') => (p, 2),
                    Some(p) => (p, 1),
                    None => (rest.len(), 0),
                };
                let line = &rest[..len];
                want.push((
                    String::from_utf8_lossy(line).into_owned(),
                    std::str::from_utf8(line).is_err(),
                ));
                rest = &rest[len + end..];
            }
            for block in [1, 2, 3, 5, 16, 1000] {
                let mut l = ReadLines::new(Slow(&bytes, block), 0, 0);
                let mut got = Vec::new();
                while let Some(x) = l.next_line().unwrap_or(None) {
                    got.push((x.text.to_string(), x.lossy));
                }
                assert_eq!(got, want, "block {block}: {bytes:?}");
            }
        }
    }

    #[test]
    fn long_lines_and_invalid_utf8() {
        let long = "x".repeat(3 * BLOCK + 5);
        let s = format!("{long}\ny");
        let got = collect_read(s.as_bytes(), BLOCK);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], ("y".to_string(), long.len() as u64 + 1, 2, 0));
        let mut l = ReadLines::new(&b"ok\n\xff\xfebad\nok"[..], 0, 0);
        let mut seen = Vec::new();
        while let Some(x) = l.next_line().unwrap_or(None) {
            seen.push((x.text.to_string(), x.lossy));
        }
        assert_eq!(
            seen,
            vec![
                ("ok".to_string(), false),
                ("\u{fffd}\u{fffd}bad".to_string(), true),
                ("ok".to_string(), false)
            ]
        );
    }
}
