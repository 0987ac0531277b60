//! Header normalisation: the header part of a line is rewritten into a small ASCII-like buffer
//! before the grammar looks at it, with a map back to the raw bytes.
//!
//! - Every Unicode decimal digit (general category Nd: Devanagari `१`, Bengali `১`, Arabic-Indic
//!   `١`, Extended Arabic-Indic `۱`, …) becomes its ASCII digit.
//! - NBSP, NNBSP, thin and figure spaces become a space (`9:05\u{202f}pm`, `p.\u{a0}m.`).
//! - The BOM and bidi/format marks (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are dropped
//!   (`\u{200e}[3/6/18 …]`, the Arabic `٢٤\u{200f}/٤\u{200f}/٢٠٢٢`).
//! - The Arabic comma `،` becomes `,`.
//!
//! Anything else is copied as its UTF-8 bytes. The body of a message is never rewritten.

/// First code point of every run of ten decimal digits (Unicode 16 category Nd; each run is
/// 0–9 in order, so a digit's value is its distance from the run's start).
const ZEROS: [u32; 75] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8,
    0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950,
];

/// The value of a decimal digit in any script.
pub(crate) fn digit_value(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 {
        return c.to_digit(10).map(|d| d as u8);
    }
    // ZEROS is sorted: the last zero at or below `cp`.
    let i = ZEROS.partition_point(|&z| z <= cp);
    let zero = *ZEROS.get(i.checked_sub(1)?)?;
    let d = cp - zero;
    (d < 10).then_some(d as u8)
}

/// Bidi and format marks WhatsApp puts around headers, names and placeholders.
pub(crate) fn is_format_mark(c: char) -> bool {
    matches!(c, '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Spaces that stand for a plain space in headers and around `~` names.
pub(crate) fn is_space_like(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{2002}' | '\u{2003}'
    )
}

/// `s` without any format mark (used for names and for comparing placeholders).
pub(crate) fn strip_marks(s: &str) -> std::borrow::Cow<'_, str> {
    // Every mark is encoded with a lead byte 0xE2 (U+200E…U+2069) or 0xEF (U+FEFF).
    if memchr::memchr2(0xe2, 0xef, s.as_bytes()).is_none() || !s.chars().any(is_format_mark) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.chars().filter(|&c| !is_format_mark(c)).collect())
}

/// `s` with leading format marks removed.
pub(crate) fn trim_leading_marks(s: &str) -> &str {
    s.trim_start_matches(is_format_mark)
}

/// A header is never longer than this many normalised bytes (Arabic, era years and AM/PM words
/// such as `पूर्वाह्न` included).
pub(crate) const MAX_HEADER: usize = 96;

/// The buffer for the normalised head of a line, reused from line to line.
#[derive(Default, Debug)]
pub(crate) struct Scratch {
    bytes: Vec<u8>,
    shifts: Vec<Shift>,
}

/// A non-ASCII character of the head: where it starts in the normalised and the raw bytes and
/// how long it is in each (a format mark is 0 normalised bytes, NNBSP 1 for 3 raw bytes).
#[derive(Debug, Clone, Copy)]
struct Shift {
    norm: u32,
    raw: u32,
    norm_len: u8,
    raw_len: u8,
}

/// The normalised head of one line, filled in short runs as the grammar looks further: most
/// lines are decided within a few bytes, and ASCII bytes are copied in a tight loop.
pub(crate) struct Normalised<'a> {
    line: &'a str,
    /// Raw offset of the next character to normalise.
    next: usize,
    /// Normalised bytes.
    bytes: &'a mut Vec<u8>,
    /// Non-ASCII characters normalised so far, in order.
    shifts: &'a mut Vec<Shift>,
    /// Length of the line's leading run of ASCII bytes (at most [`MAX_HEADER`]): normalised
    /// byte `i` below it is the raw byte `i`, read without filling `bytes`.
    ascii: usize,
}

/// Length of the leading run of ASCII bytes of `s`, eight bytes at a time.
fn ascii_run(s: &[u8]) -> usize {
    let mut n = 0;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let high = u64::from_le_bytes(w) & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + chunks
        .remainder()
        .iter()
        .position(|&b| b >= 0x80)
        .unwrap_or(chunks.remainder().len())
}

/// Appends the normalised form of a non-ASCII character.
fn push_normalised(c: char, out: &mut Vec<u8>) {
    if is_format_mark(c) {
        // Dropped.
    } else if is_space_like(c) {
        out.push(b' ');
    } else if c == '\u{060c}' {
        out.push(b',');
    } else if let Some(d) = digit_value(c) {
        out.push(b'0' + d);
    } else {
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

impl<'a> Normalised<'a> {
    pub(crate) fn new(line: &'a str, scratch: &'a mut Scratch) -> Normalised<'a> {
        scratch.bytes.clear();
        scratch.shifts.clear();
        let head = line.as_bytes().get(..MAX_HEADER).unwrap_or(line.as_bytes());
        let ascii = ascii_run(head);
        Normalised {
            line,
            next: 0,
            bytes: &mut scratch.bytes,
            shifts: &mut scratch.shifts,
            ascii,
        }
    }

    /// Normalises 24 more bytes at first (most headers, up to ` - `), then 16 at a time;
    /// false when nothing was added (end of the line or of the header limit).
    fn grow(&mut self) -> bool {
        let before = self.bytes.len();
        let target = (before + if before == 0 { 24 } else { 16 }).min(MAX_HEADER);
        let raw = self.line.as_bytes();
        while self.bytes.len() < target {
            let rest = raw.get(self.next..).unwrap_or_default();
            if rest.is_empty() {
                break;
            }
            let want = (target - self.bytes.len()).min(rest.len());
            let ascii = ascii_run(rest.get(..want).unwrap_or_default());
            self.bytes
                .extend_from_slice(rest.get(..ascii).unwrap_or_default());
            self.next += ascii;
            if ascii == want {
                continue;
            }
            let Some(c) = self.line.get(self.next..).and_then(|r| r.chars().next()) else {
                break;
            };
            let (norm, raw_at) = (self.bytes.len(), self.next);
            self.next += c.len_utf8();
            push_normalised(c, self.bytes);
            self.shifts.push(Shift {
                norm: norm as u32,
                raw: raw_at as u32,
                norm_len: (self.bytes.len() - norm) as u8,
                raw_len: c.len_utf8() as u8,
            });
        }
        self.bytes.len() > before
    }

    /// Normalised byte `i`, or `None` past the end.
    #[inline(always)]
    pub(crate) fn at(&mut self, i: usize) -> Option<u8> {
        if i < self.ascii {
            // ASCII is copied as is: no need to normalise.
            return self.line.as_bytes().get(i).copied();
        }
        if let Some(&b) = self.bytes.get(i) {
            return Some(b);
        }
        self.at_slow(i)
    }

    /// [`Normalised::at`] past what is normalised so far.
    #[inline(never)]
    fn at_slow(&mut self, i: usize) -> Option<u8> {
        if self.next == 0 && self.ascii > 0 {
            // The leading ASCII run is its own normalised form.
            let head = self.line.as_bytes().get(..self.ascii).unwrap_or_default();
            self.bytes.extend_from_slice(head);
            self.next = head.len();
        }
        while self.bytes.len() <= i {
            if !self.grow() {
                return None;
            }
        }
        self.bytes.get(i).copied()
    }

    /// Whether the normalised bytes from `i` start with `s`.
    pub(crate) fn starts_with_at(&mut self, i: usize, s: &[u8]) -> bool {
        if !s.is_empty() && i + s.len() <= self.ascii {
            return self.line.as_bytes().get(i..i + s.len()) == Some(s);
        }
        if !s.is_empty() && self.at(i + s.len() - 1).is_none() {
            return false;
        }
        self.bytes.get(i..i + s.len()) == Some(s)
    }

    /// The raw byte offset where normalised byte `i` starts (format marks before it skipped);
    /// the end of what was normalised when `i` is past it.
    pub(crate) fn raw_at(&mut self, i: usize) -> usize {
        if i < self.ascii {
            return i;
        }
        if i == self.ascii {
            // The first non-ASCII character (or the end): it starts at raw `i` unless it is a
            // format mark, which the general path skips.
            match self.line.get(i..).map(|r| r.chars().next()) {
                Some(None) => return i,
                Some(Some(c)) if i < MAX_HEADER && !is_format_mark(c) => return i,
                _ => {}
            }
        }
        if self.at(i).is_none() {
            return self.next;
        }
        // Up to the last non-ASCII character starting at or before `i`, offsets shift by what
        // the characters before it changed; ASCII after it maps one to one.
        let k = self.shifts.partition_point(|s| s.norm as usize <= i);
        let Some(s) = k.checked_sub(1).and_then(|k| self.shifts.get(k)) else {
            return i;
        };
        let (norm, raw) = (s.norm as usize, s.raw as usize);
        let norm_end = norm + usize::from(s.norm_len);
        if i < norm_end {
            raw
        } else {
            raw + usize::from(s.raw_len) + (i - norm_end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_indian_script_and_arabic() {
        for (s, want) in [
            ("0123456789", "0123456789"),
            ("०१२३४५६७८९", "0123456789"),           // Devanagari
            ("০১২৩৪৫৬৭৮৯", "0123456789"),           // Bengali
            ("੦੧੨੩੪੫੬੭੮੯", "0123456789"),           // Gurmukhi
            ("૦૧૨૩૪૫૬૭૮૯", "0123456789"),           // Gujarati
            ("௦௧௨௩௪௫௬௭௮௯", "0123456789"),           // Tamil
            ("౦౧౨౩౪౫౬౭౮౯", "0123456789"),           // Telugu
            ("೦೧೨೩೪೫೬೭೮೯", "0123456789"),           // Kannada
            ("൦൧൨൩൪൫൬൭൮൯", "0123456789"),           // Malayalam
            ("٠١٢٣٤٥٦٧٨٩", "0123456789"),           // Arabic-Indic
            ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),           // Extended Arabic-Indic (Urdu)
            ("０１２３４５６７８９", "0123456789"), // fullwidth
        ] {
            let got: String = s
                .chars()
                .map(|c| char::from(b'0' + digit_value(c).unwrap_or_else(|| panic!("{c}"))))
                .collect();
            assert_eq!(got, want, "{s}");
        }
        for c in ['a', '-', '½', '²', 'Ⅻ', '\u{96f}' /* ९ +1 = ॰ */] {
            if c == '\u{96f}' {
                assert_eq!(digit_value(c), Some(9));
                assert_eq!(digit_value('\u{970}'), None);
            } else {
                assert_eq!(digit_value(c), None, "{c}");
            }
        }
    }

    #[test]
    fn digit_table_is_sorted_and_each_run_is_numeric() {
        assert!(ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        for &z in &ZEROS {
            for d in 0..10 {
                let c = char::from_u32(z + d).unwrap_or_else(|| panic!("{z:x}"));
                assert!(c.is_numeric(), "U+{:04X}", z + d);
                assert_eq!(digit_value(c), Some(d as u8));
            }
        }
    }

    #[test]
    fn normalised_head_maps_back_to_raw_bytes() {
        let mut scratch = Scratch::default();
        let line = "\u{200e}[१३/३/२४, ९:०५\u{202f}pm] Ravi: hi";
        let mut n = Normalised::new(line, &mut scratch);
        let want = "[13/3/24, 9:05 pm] Ravi: hi";
        for (i, b) in want.bytes().enumerate() {
            assert_eq!(n.at(i), Some(b), "{i}");
        }
        assert_eq!(n.at(want.len()), None);
        assert_eq!(n.raw_at(0), 3); // after the LRM
        let ravi = want.find("Ravi").unwrap_or(0);
        assert_eq!(&line[n.raw_at(ravi)..], "Ravi: hi");
        assert_eq!(n.raw_at(want.len()), line.len());
        assert!(n.starts_with_at(ravi, b"Ravi: hi"));
        assert!(!n.starts_with_at(ravi, b"Ravi: hi!"));
        let mut n = Normalised::new("٢٤\u{200f}/٤\u{200f}/٢٠٢٢، ٢:٠٧ م - x", &mut scratch);
        assert!(n.starts_with_at(0, "24/4/2022, 2:07 م - x".as_bytes()));
    }
}
