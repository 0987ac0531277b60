//! The header-line grammar, on the normalised head of a line (see [`crate::digits`]):
//!
//! ```text
//! header  := "["? DATE DT_SEP (AMPM " ")? TIME (" "? AMPM)? "."? CLOSE
//! DATE    := N SEP " "? N SEP " "? YEARISH "."?        N = 1–4 digits, SEP = / . -
//! YEARISH := N | ERA N (Japanese R4, H31) | N " BE" (Thai Buddhist)
//! DT_SEP  := ", " | " " | " klo "                       (Arabic "، " arrives as ", ")
//! TIME    := H (":"|".") MM ((":"|".") SS)?
//! AMPM    := a.m. p. m. AM pm … | ص م | 上午 下午 | 午前 午後 | 오전 오후 | π.μ. μ.μ.
//!          | ਪੂ.ਦੁ. ਬਾ.ਦੁ. | पूर्वाह्न अपराह्न | in the morning …
//! CLOSE   := "] " (iOS) | " - " (Android) | ": " (old iOS) | " " (hu/hr style)
//! ```
//!
//! A match is a *candidate*: it says which part is the year and the time on a 24-hour clock,
//! but not yet which of the other two parts is the day. That needs the whole file
//! ([`crate::format`]). The [`Shape`] of a candidate (brackets, separators, year length and
//! place, clock, closing) groups lines of one format, so that a file mixing formats is read
//! per format and a stray line of a weak shape in a message body stays text.
//!
//! The first byte decides most lines before any Unicode work: a header starts with an ASCII
//! digit, `[`, or a non-ASCII byte (a mark or a native digit).

use crate::digits::{digit_value, is_format_mark, Normalised, Scratch};

/// The format of one header line, packed: equal shapes are lines of the same export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Shape(u32);

/// Where a shape's year is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YearPos {
    First,
    Middle,
    Last,
}

/// How a shape writes its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YearKind {
    Two,
    Four,
    /// Japanese era: `R4`.
    Era,
    /// Thai Buddhist era: `2565 BE`.
    Buddhist,
}

/// What ends the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Close {
    /// ` - ` (Android).
    Dash,
    /// `] ` (iOS).
    Bracket,
    /// `: ` (old iOS, Windows Phone).
    Colon,
    /// A lone space (hu/hr style). Weak: plain text can look like this.
    Space,
}

const BRACKET: u32 = 1;
const SEP_SHIFT: u32 = 1; // 2 bits
const SEP_SPACE: u32 = 1 << 3;
const YPOS_SHIFT: u32 = 4; // 2 bits
const YKIND_SHIFT: u32 = 6; // 2 bits
const DATE_DOT: u32 = 1 << 8;
const DT_SHIFT: u32 = 9; // 2 bits
const TIME_DOT_SEP: u32 = 1 << 11;
const SECONDS: u32 = 1 << 12;
const AMPM_SHIFT: u32 = 13; // 2 bits
const TIME_DOT: u32 = 1 << 15;
const CLOSE_SHIFT: u32 = 16; // 2 bits

impl Shape {
    fn field(self, shift: u32) -> u32 {
        (self.0 >> shift) & 3
    }

    pub(crate) fn date_sep(self) -> u8 {
        [b'/', b'.', b'-', b' ']
            .get(self.field(SEP_SHIFT) as usize)
            .copied()
            .unwrap_or(b'/')
    }

    pub(crate) fn year_pos(self) -> YearPos {
        match self.field(YPOS_SHIFT) {
            0 => YearPos::First,
            1 => YearPos::Middle,
            _ => YearPos::Last,
        }
    }

    pub(crate) fn year_kind(self) -> YearKind {
        match self.field(YKIND_SHIFT) {
            0 => YearKind::Two,
            1 => YearKind::Four,
            2 => YearKind::Era,
            _ => YearKind::Buddhist,
        }
    }

    pub(crate) fn seconds(self) -> bool {
        self.0 & SECONDS != 0
    }

    /// The clock has an AM/PM marker (before or after the time).
    pub(crate) fn twelve_hour(self) -> bool {
        self.field(AMPM_SHIFT) != 0
    }

    pub(crate) fn close(self) -> Close {
        match self.field(CLOSE_SHIFT) {
            0 => Close::Dash,
            1 => Close::Bracket,
            2 => Close::Colon,
            _ => Close::Space,
        }
    }

    /// Android writes ` - `; everything else (brackets, `: `, a lone space) is iOS or its
    /// ancestors.
    pub(crate) fn is_android(self) -> bool {
        self.close() == Close::Dash
    }

    /// Shapes that ordinary text can take by chance (no ` - ` and no brackets).
    pub(crate) fn is_weak(self) -> bool {
        matches!(self.close(), Close::Colon | Close::Space)
    }

    /// Lines whose dates are written alike (separator, year place and length): day or month
    /// first is decided per group.
    pub(crate) fn date_group(self) -> u32 {
        self.0 & ((3 << SEP_SHIFT) | (3 << YPOS_SHIFT) | (3 << YKIND_SHIFT))
    }

    /// A template such as `[dd/mm/yy, HH:mm:ss]` or `d/m/yy, h:mm a -`, with the order given.
    pub(crate) fn template(self, month_first: bool) -> String {
        let sep = self.date_sep() as char;
        let sep = if self.0 & SEP_SPACE != 0 {
            format!("{sep} ")
        } else {
            sep.to_string()
        };
        let year = match self.year_kind() {
            YearKind::Two => "yy",
            YearKind::Four => "yyyy",
            YearKind::Era => "Ey",
            YearKind::Buddhist => "yyyy BE",
        };
        let (a, b) = if month_first { ("m", "d") } else { ("d", "m") };
        let date = match self.year_pos() {
            YearPos::First => format!("{year}{sep}m{sep}d"),
            YearPos::Middle => format!("{a}{sep}{year}{sep}{b}"),
            YearPos::Last => format!("{a}{sep}{b}{sep}{year}"),
        };
        let date_dot = if self.0 & DATE_DOT != 0 { "." } else { "" };
        let dt = match self.field(DT_SHIFT) {
            0 => ", ",
            1 => " ",
            _ => " klo ",
        };
        let ts = if self.0 & TIME_DOT_SEP != 0 { '.' } else { ':' };
        let (h, ampm_pre, ampm_post) = match self.field(AMPM_SHIFT) {
            1 => ("h", "", " a"),
            2 => ("h", "a ", ""),
            _ => ("H", "", ""),
        };
        let secs = if self.seconds() {
            format!("{ts}ss")
        } else {
            String::new()
        };
        let time_dot = if self.0 & TIME_DOT != 0 { "." } else { "" };
        let (open, close) = match self.close() {
            Close::Dash => ("", " -"),
            Close::Bracket => ("[", "]"),
            Close::Colon => ("", ":"),
            Close::Space => ("", ""),
        };
        format!("{open}{date}{date_dot}{dt}{ampm_pre}{h}{ts}mm{secs}{ampm_post}{time_dot}{close}")
    }
}

/// A line that has the grammar of a header. The day is `a` or `b`: the file decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub(crate) shape: Shape,
    /// The first non-year part as written.
    pub(crate) a: u8,
    /// The second non-year part as written.
    pub(crate) b: u8,
    /// The full year (two-digit years are 20yy; eras converted).
    pub(crate) year: u16,
    /// 0–23, the AM/PM marker applied.
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    /// Raw byte offset in the line where the body (author or text) starts.
    pub(crate) body: usize,
}

/// AM/PM words other than the Latin `a.m.` family, as written after normalisation.
const PERIOD_WORDS: &[(&str, bool)] = &[
    ("in the morning", false),
    ("in the afternoon", true),
    ("in the evening", true),
    ("at night", true),
    ("ص", false),
    ("م", true),
    ("上午", false),
    ("下午", true),
    ("午前", false),
    ("午後", true),
    ("오전", false),
    ("오후", true),
    ("π.μ.", false),
    ("μ.μ.", true),
    ("ਪੂ.ਦੁ.", false),
    ("ਬਾ.ਦੁ.", true),
    ("पूर्वाह्न", false),
    ("अपराह्न", true),
    ("म.पू.", false),
    ("म.उ.", true),
    ("முற்பகல்", false),
    ("பிற்பகல்", true),
];

fn ends_token(n: &mut Normalised<'_>, i: usize) -> bool {
    matches!(n.at(i), None | Some(b' ' | b']' | b'-' | b',' | b':'))
}

/// An AM/PM marker at `i`: (is PM, normalised length).
fn period(n: &mut Normalised<'_>, i: usize) -> Option<(bool, usize)> {
    let c = n.at(i)?;
    if matches!(c, b'a' | b'A' | b'p' | b'P') {
        let mut k = i + 1;
        if n.at(k) == Some(b'.') {
            k += 1;
        }
        if n.at(k) == Some(b' ') && matches!(n.at(k + 1), Some(b'm' | b'M')) {
            k += 1;
        }
        if !matches!(n.at(k), Some(b'm' | b'M')) {
            return None;
        }
        k += 1;
        if n.at(k) == Some(b'.') {
            k += 1;
        }
        if ends_token(n, k) {
            return Some((matches!(c, b'p' | b'P'), k - i));
        }
    }
    if c < 0x80 && c != b'i' && c != b'a' {
        return None;
    }
    for &(word, pm) in PERIOD_WORDS {
        if n.starts_with_at(i, word.as_bytes()) && ends_token(n, i + word.len()) {
            return Some((pm, word.len()));
        }
    }
    None
}

/// Up to `max` ASCII digits at `*i`: (value, count).
#[inline(always)]
fn number(n: &mut Normalised<'_>, i: &mut usize, max: usize) -> Option<(u16, usize)> {
    let mut v: u16 = 0;
    let mut len = 0;
    while let Some(c) = n.at(*i) {
        if !c.is_ascii_digit() {
            break;
        }
        if len == max {
            return None;
        }
        v = v * 10 + u16::from(c - b'0');
        len += 1;
        *i += 1;
    }
    (len > 0).then_some((v, len))
}

/// Quick refusal from the first byte alone, before any normalisation.
#[inline]
pub(crate) fn may_be_header(line: &[u8]) -> bool {
    match line.first() {
        Some(&c) => c.is_ascii_digit() || c == b'[' || c >= 0x80,
        None => false,
    }
}

/// The header grammar on one line (without its line end).
pub(crate) fn parse(line: &str, scratch: &mut Scratch) -> Option<Candidate> {
    if !may_be_header(line.as_bytes()) {
        return None;
    }
    if line.as_bytes().first().is_some_and(|&b| b >= 0x80) {
        // A header's first normalised byte is `[` or a digit: a line starting with any other
        // non-ASCII character than a format mark (dropped) or a digit cannot be one.
        let c = line.chars().next()?;
        if !is_format_mark(c) && digit_value(c).is_none() {
            return None;
        }
    }
    let mut n = Normalised::new(line, scratch);
    let mut shape = 0u32;
    let mut i = 0usize;
    if n.at(0)? == b'[' {
        shape |= BRACKET;
        i = 1;
    }
    // Date.
    let (p0, l0) = number(&mut n, &mut i, 4)?;
    let sep = n.at(i)?;
    let sep_code = match sep {
        b'/' => 0,
        b'.' => 1,
        b'-' => 2,
        _ => return None,
    };
    shape |= sep_code << SEP_SHIFT;
    i += 1;
    let sep_space = n.at(i) == Some(b' ');
    if sep_space {
        shape |= SEP_SPACE;
        i += 1;
    }
    let (p1, l1) = number(&mut n, &mut i, 4)?;
    if n.at(i)? != sep {
        return None;
    }
    i += 1;
    if sep_space {
        if n.at(i)? != b' ' {
            return None;
        }
        i += 1;
    }
    // Third part: a number, or a Japanese era letter and a number.
    let era_base = match n.at(i)? {
        b'R' => Some(2018u16),
        b'H' => Some(1988),
        _ => None,
    };
    let (p2, l2, kind) = if let Some(base) = era_base {
        i += 1;
        let (v, _) = number(&mut n, &mut i, 2)?;
        (base.checked_add(v)?, 4, YearKind::Era)
    } else {
        let (v, l) = number(&mut n, &mut i, 4)?;
        if l == 4 && n.starts_with_at(i, b" BE") && ends_token(&mut n, i + 3) {
            i += 3;
            (v.checked_sub(543)?, 4, YearKind::Buddhist)
        } else {
            let kind = if l == 4 {
                YearKind::Four
            } else {
                YearKind::Two
            };
            (v, l, kind)
        }
    };
    let long = [l0 >= 3, l1 >= 3, l2 >= 3];
    let (ypos, year, yl, a, b, kind) = match long {
        [false, false, false] => (YearPos::Last, p2, l2, p0, p1, YearKind::Two),
        [false, false, true] => (YearPos::Last, p2, l2, p0, p1, kind),
        [true, false, false] if kind == YearKind::Two => {
            (YearPos::First, p0, l0, p1, p2, { YearKind::Four })
        }
        [false, true, false] if kind == YearKind::Two => {
            (YearPos::Middle, p1, l1, p0, p2, YearKind::Four)
        }
        _ => return None,
    };
    if !(yl == 2 || yl == 4) || l0 > 2 && ypos != YearPos::First {
        return None;
    }
    let year = if yl == 2 { 2000 + year } else { year };
    if !(1970..=2199).contains(&year) {
        return None;
    }
    let (a, b) = (u8::try_from(a).ok()?, u8::try_from(b).ok()?);
    if a == 0 || b == 0 || a > 31 || b > 31 || (a > 12 && b > 12) {
        return None;
    }
    shape |= (ypos as u32) << YPOS_SHIFT;
    shape |= (kind as u32) << YKIND_SHIFT;
    if n.at(i)? == b'.' {
        shape |= DATE_DOT;
        i += 1;
    }
    // Between date and time.
    if n.starts_with_at(i, b", ") {
        i += 2;
    } else if n.starts_with_at(i, b" klo ") {
        shape |= 2 << DT_SHIFT;
        i += 5;
    } else if n.at(i)? == b' ' {
        shape |= 1 << DT_SHIFT;
        i += 1;
    } else {
        return None;
    }
    // AM/PM before the time (as_IN `PM 9.05`, ko, zh).
    let mut pm = None;
    if !n.at(i)?.is_ascii_digit() {
        let (is_pm, len) = period(&mut n, i)?;
        if n.at(i + len)? != b' ' {
            return None;
        }
        pm = Some(is_pm);
        shape |= 2 << AMPM_SHIFT;
        i += len + 1;
    }
    // Time.
    let (hour, _) = number(&mut n, &mut i, 2)?;
    let tsep = n.at(i)?;
    if tsep == b'.' {
        shape |= TIME_DOT_SEP;
    } else if tsep != b':' {
        return None;
    }
    i += 1;
    let (minute, ml) = number(&mut n, &mut i, 2)?;
    if ml != 2 {
        return None;
    }
    let mut second = 0;
    if n.at(i) == Some(tsep) && n.at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
        let (s, sl) = number(&mut n, &mut i, 2)?;
        if sl != 2 {
            return None;
        }
        second = s;
        shape |= SECONDS;
    }
    if pm.is_none() {
        let j = if n.at(i) == Some(b' ') { i + 1 } else { i };
        if let Some((is_pm, len)) = period(&mut n, j) {
            pm = Some(is_pm);
            shape |= 1 << AMPM_SHIFT;
            i = j + len;
        }
    }
    if n.at(i) == Some(b'.') && pm.is_none() {
        shape |= TIME_DOT;
        i += 1;
    }
    // Close.
    if shape & BRACKET != 0 {
        if n.at(i)? != b']' {
            return None;
        }
        i += 1;
        shape |= 1 << CLOSE_SHIFT;
        match n.at(i) {
            None => {}
            Some(b' ') => i += 1,
            Some(_) => return None,
        }
    } else if n.starts_with_at(i, b" - ") {
        i += 3;
    } else if n.starts_with_at(i, b" -") && n.at(i + 2).is_none() {
        i += 2;
    } else if n.starts_with_at(i, b": ") {
        shape |= 2 << CLOSE_SHIFT;
        i += 2;
    } else if n.at(i) == Some(b' ') && n.at(i + 1).is_some_and(|c| c != b' ') {
        shape |= 3 << CLOSE_SHIFT;
        i += 1;
    } else {
        return None;
    }
    // The clock.
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let hour = match pm {
        // 13:37 p.m. and 00:08 a.m. are written by real exports: a marker on an hour past 12
        // is ignored, and hour 0 stays 0 in the morning.
        Some(_) if hour > 12 => hour,
        Some(false) if hour == 12 => 0,
        Some(true) if hour < 12 => hour + 12,
        _ => hour,
    };
    Some(Candidate {
        shape: Shape(shape),
        a,
        b,
        year,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        body: n.raw_at(i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(line: &str) -> Candidate {
        parse(line, &mut Scratch::default()).unwrap_or_else(|| panic!("no header: {line:?}"))
    }

    /// (a, b, year, hour, minute, second, body) of a header line.
    type Parts<'a> = (u8, u8, u16, u8, u8, u8, &'a str);

    fn parts(line: &str) -> Parts<'_> {
        let c = cand(line);
        (
            c.a,
            c.b,
            c.year,
            c.hour,
            c.minute,
            c.second,
            line.get(c.body..).unwrap_or("?"),
        )
    }

    #[test]
    fn the_catalogue_of_formats_md() {
        // (line, a, b, year, h, m, s, body) — a and b as written, the day is decided later.
        let cases: &[(&str, Parts)] = &[
            (
                "06/03/2017, 00:45 - Sample User: hi",
                (6, 3, 2017, 0, 45, 0, "Sample User: hi"),
            ),
            ("3/6/18, 1:55 p.m. - a: m", (3, 6, 2018, 13, 55, 0, "a: m")),
            (
                "03-06-2018, 01.55 PM - a: m",
                (3, 6, 2018, 13, 55, 0, "a: m"),
            ),
            ("13.06.18 21.25.15: a: m", (13, 6, 2018, 21, 25, 15, "a: m")),
            (
                "[06.13.18 21:25:15] a: m",
                (6, 13, 2018, 21, 25, 15, "a: m"),
            ),
            (
                "13.6.2018 klo 21.25.15 - a: m",
                (13, 6, 2018, 21, 25, 15, "a: m"),
            ),
            (
                "13. 6. 2018. 21:25:15 a: m",
                (13, 6, 2018, 21, 25, 15, "a: m"),
            ),
            (
                "[3/6/18 1:55:00 p. m.] a: m",
                (3, 6, 2018, 13, 55, 0, "a: m"),
            ),
            (
                "\u{200e}[3/6/18 1:55:00 p. m.] a: m",
                (3, 6, 2018, 13, 55, 0, "a: m"),
            ),
            (
                "[2018/06/13, 21:25:15] a: m",
                (6, 13, 2018, 21, 25, 15, "a: m"),
            ),
            (
                "[06/2018/13, 21:25:15] a: m",
                (6, 13, 2018, 21, 25, 15, "a: m"),
            ),
            (
                "3/6/2018 1:55 p.\u{a0}m. - a: m",
                (3, 6, 2018, 13, 55, 0, "a: m"),
            ),
            (
                "3/6/18, 1:55\u{202f}PM - a: m",
                (3, 6, 2018, 13, 55, 0, "a: m"),
            ),
            (
                "[7/11/2017, 8:20:41 PM] someone: bla",
                (7, 11, 2017, 20, 20, 41, "someone: bla"),
            ),
            (
                "[31/12/2022 11:40:26] John Doe: x",
                (31, 12, 2022, 11, 40, 26, "John Doe: x"),
            ),
            (
                "05/07/21, 11:19 pm - Messages",
                (5, 7, 2021, 23, 19, 0, "Messages"),
            ),
            (
                "7/19/22, 11:26\u{202f}pm - User: M",
                (7, 19, 2022, 23, 26, 0, "User: M"),
            ),
            (
                "2024/10/31 15:50 - Li: x",
                (10, 31, 2024, 15, 50, 0, "Li: x"),
            ),
            (
                "30/08/25 18.00 - Budi Santoso: halo",
                (30, 8, 2025, 18, 0, 0, "Budi Santoso: halo"),
            ),
            (
                "٢٤\u{200f}/٤\u{200f}/٢٠٢٢، ٢:٠٧ م - عمار لبنان: السلام",
                (24, 4, 2022, 14, 7, 0, "عمار لبنان: السلام"),
            ),
            (
                "[3/27/R4, 21:41:35] Dmitry S: Hello",
                (3, 27, 2022, 21, 41, 35, "Dmitry S: Hello"),
            ),
            (
                "[3/27/2565 BE, 21:41:35] D: x",
                (3, 27, 2022, 21, 41, 35, "D: x"),
            ),
            (
                "2016-06-27, 8:04:08 AM: Neil: Hi",
                (6, 27, 2016, 8, 4, 8, "Neil: Hi"),
            ),
            (
                "2022/12/24, 13:01. - John Doe: x",
                (12, 24, 2022, 13, 1, 0, "John Doe: x"),
            ),
            (
                "[11/10/22 13:37:00 p.m.] J: x",
                (11, 10, 2022, 13, 37, 0, "J: x"),
            ),
            (
                "06/20/2020, 00:08 a. m. - J: x",
                (6, 20, 2020, 0, 8, 0, "J: x"),
            ),
            (
                "12/20/2021, 12:10 p. m. - J: x",
                (12, 20, 2021, 12, 10, 0, "J: x"),
            ),
            ("1/1/21, 12:30 AM - J: x", (1, 1, 2021, 0, 30, 0, "J: x")),
            (
                "१३/३/२४, ९:०५ PM - Ravi: hi",
                (13, 3, 2024, 21, 5, 0, "Ravi: hi"),
            ),
            (
                "১৩/৩/২৪ ৯:০৫ PM - Ravi: hi",
                (13, 3, 2024, 21, 5, 0, "Ravi: hi"),
            ),
            (
                "13-3-2024 PM 9.05 - Ravi: hi",
                (13, 3, 2024, 21, 5, 0, "Ravi: hi"),
            ),
            (
                "13/3/24, 9:05 ਬਾ.ਦੁ. - Ravi: hi",
                (13, 3, 2024, 21, 5, 0, "Ravi: hi"),
            ),
            (
                "۱۳/۳/۲۴ ۹:۰۵ PM - Ravi: hi",
                (13, 3, 2024, 21, 5, 0, "Ravi: hi"),
            ),
            (
                "13/03/24, 9:05\u{202f}pm - Ravi: kal",
                (13, 3, 2024, 21, 5, 0, "Ravi: kal"),
            ),
            (
                "[13/03/24, 21:05:07] Ravi: \u{200e}image omitted",
                (13, 3, 2024, 21, 5, 7, "Ravi: \u{200e}image omitted"),
            ),
            (
                "[18/7/21, 18:34:07] ~\u{202f}Nev: x",
                (18, 7, 2021, 18, 34, 7, "~\u{202f}Nev: x"),
            ),
            ("06/03/2017, 00:45 -", (6, 3, 2017, 0, 45, 0, "")),
            ("[06/03/2017, 00:45:00]", (6, 3, 2017, 0, 45, 0, "")),
        ];
        for (line, want) in cases {
            assert_eq!(parts(line), *want, "{line:?}");
        }
    }

    #[test]
    fn am_pm_spellings_and_edge_hours() {
        let hour = |time: &str| cand(&format!("1/2/24, {time} - a: b")).hour;
        for pm in [
            "9:05 PM",
            "9:05 pm",
            "9:05 p.m.",
            "9:05 P.M.",
            "9:05 p. m.",
            "9:05 p.\u{a0}m.",
            "9:05\u{202f}pm",
            "9:05\u{202f}PM",
            "9:05 p.\u{202f}m.",
            "9:05PM",
            "9:05 م",
            "9:05 下午",
            "9:05 오후",
            "9:05 μ.μ.",
            "9:05 ਬਾ.ਦੁ.",
            "9:05 अपराह्न",
            "9:05 in the evening",
            "PM 9:05",
            "下午 9:05",
            "오후 9:05",
        ] {
            assert_eq!(hour(pm), 21, "{pm:?}");
        }
        for am in [
            "9:05 AM",
            "9:05 a.m.",
            "9:05 a. m.",
            "9:05 ص",
            "9:05 上午",
            "AM 9:05",
        ] {
            assert_eq!(hour(am), 9, "{am:?}");
        }
        assert_eq!(hour("12:05 am"), 0);
        assert_eq!(hour("12:05 pm"), 12);
        assert_eq!(hour("00:08 a. m."), 0);
        assert_eq!(
            hour("13:37 p.m."),
            13,
            "a marker on an hour past 12 is ignored"
        );
        assert_eq!(hour("13:37 a.m."), 13);
        assert_eq!(hour("21:05"), 21);
        // Not markers: the body starts right after the time (a weak shape the file decides on).
        let c = cand("1/2/24, 9:05 ap - a: b");
        assert_eq!((c.hour, c.shape.is_weak(), c.body), (9, true, 13));
        assert_eq!(cand("13. 6. 2018. 21:25:15 am Bahnhof: x").hour, 21);
    }

    #[test]
    fn shapes_tell_families_clocks_and_groups() {
        let android = cand("13/03/24, 9:05\u{202f}pm - Ravi: hi").shape;
        assert!(android.is_android() && android.twelve_hour() && !android.seconds());
        assert_eq!(android.template(false), "d/m/yy, h:mm a -");
        let ios = cand("[13/03/24, 21:05:07] Ravi: hi").shape;
        assert!(!ios.is_android() && !ios.twelve_hour() && ios.seconds());
        assert_eq!(ios.template(false), "[d/m/yy, H:mm:ss]");
        // Same date writing, same group, whatever the clock and family.
        assert_eq!(android.date_group(), ios.date_group());
        assert_ne!(android, ios);
        let four = cand("30/6/2023, 16:15 - a: b").shape;
        assert_ne!(four.date_group(), android.date_group());
        assert_eq!(
            cand("2024/10/31 15:50 - Li: x").shape.year_pos(),
            YearPos::First
        );
        assert!(cand("13. 6. 2018. 21:25:15 a: m").shape.is_weak());
        assert_eq!(
            cand("13-3-2024 PM 9.05 - Ravi: hi").shape.template(false),
            "d-m-yyyy a h.mm -"
        );
    }

    #[test]
    fn lines_that_are_not_headers() {
        for line in [
            "",
            "hello",
            "2016-04-29 10:30:00",
            "12/31/2020 is not a timestamp, just text",
            "5 kg atta bhejna",
            "13/03/24 ko milte hain",
            "13/03/24, 9:05",
            "13/03/24, 25:05 - a: b",
            "13/03/24, 9:65 - a: b",
            "13/13/24, 9:05 - a: b",
            "32/03/24, 9:05 - a: b",
            "0/03/24, 9:05 - a: b",
            "13/03/124, 9:05 - a: b",
            "2024/2024/12, 9:05 - a: b",
            "13/03-24, 9:05 - a: b",
            "[13/03/24, 9:05 - a: b",
            "[13/03/24, 9:05]x",
            "13/03/24, 9:5 - a: b",
            "13/03/24,9:05 - a: b",
            "13/03/1890, 9:05 - a: b",
            "₹4,500 bhej diye",
            "१३ मार्च",
            "13/03/24, 9:05  ",
        ] {
            assert_eq!(parse(line, &mut Scratch::default()), None, "{line:?}");
        }
    }
}
