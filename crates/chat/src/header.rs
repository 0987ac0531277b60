//! The header-line grammar, on the normalised head of a line (see [`crate::digits`]):
//!
//! ```text
//! header  := "["? DATE DT_SEP (AMPM " ")? TIME (" "? AMPM)? "."? CLOSE
//!          | "["? LONG (", " | " at ") (AMPM " ")? TIME (" "? AMPM)? "."? STRONG
//!          | "["? TIME (" "? AMPM)? (", " | " ") DATE STRONG        (time first, ":" clock)
//! DATE    := N SEP " "? N SEP " "? YEARISH "."?        N = 1–4 digits, SEP = / . -
//! YEARISH := N | ERA N (Japanese R4, H31) | N " BE" (Thai Buddhist)
//! LONG    := (WEEKDAY ", ")? (D " " MONTH " " YYYY | MONTH " " D ", " YYYY)
//! MONTH   := English month, full or 3 letters (and "Sept"), any case
//! WEEKDAY := English weekday, full or 3 letters, any case
//! DT_SEP  := ", " | " " | " klo "                       (Arabic "، " arrives as ", ")
//! TIME    := H (":"|".") MM ((":"|".") SS)?
//! AMPM    := a.m. p. m. AM pm … | ص م | 上午 下午 | 午前 午後 | 오전 오후 | π.μ. μ.μ.
//!          | ਪੂ.ਦੁ. ਬਾ.ਦੁ. | पूर्वाह्न अपराह्न | in the morning …
//! CLOSE   := STRONG | ": " (old iOS) | " " (hu/hr style)
//! STRONG  := "] " (iOS) | " - " (Android)
//! ```
//!
//! A match is a *candidate*: it says which part is the year and the time on a 24-hour clock,
//! but not yet which of the other two parts is the day. That needs the whole file
//! ([`crate::format`]), except for long dates, whose month name settles it. The [`Shape`] of a
//! candidate (brackets, separators, year length and place, clock, closing, long or time-first)
//! groups lines of one format, so that a file mixing formats is read per format and a stray
//! line of a weak shape in a message body stays text. Long and time-first shapes, which
//! FORMATS.md §4.1 (row 33) knows from one parser's patterns but no export, count as shapes
//! that need company (see [`Shape::needs_company`]).
//!
//! The first byte decides most lines before any Unicode work: a header starts with an ASCII
//! digit, `[`, a non-ASCII byte (a mark or a native digit), or the first letter of an English
//! weekday or month followed by two more letters of one (`Tue`, `aug`); the numeric path
//! branches to the long and time-first forms only where it would otherwise give up.

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
/// 0: numeric date; 1: `20 August 2022`; 2: `August 20, 2022`.
const LONG_SHIFT: u32 = 18; // 2 bits
/// The month name has three letters (`Aug`, `Sept`).
const MONTH_ABBR: u32 = 1 << 20;
/// 0: no weekday; 1: `Tuesday, `; 2: `Tue, `.
const WEEKDAY_SHIFT: u32 = 21; // 2 bits
/// The time comes before the (numeric) date.
const TIME_FIRST: u32 = 1 << 23;

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

    /// The date has a month name: `Some(month first)` (`August 20, 2022` is month first,
    /// `20 August 2022` day first); `None` for numeric dates.
    pub(crate) fn long_month_first(self) -> Option<bool> {
        match self.field(LONG_SHIFT) {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        }
    }

    /// The time comes before the date (`14:30, 20/08/2022 - `).
    pub(crate) fn time_first(self) -> bool {
        self.0 & TIME_FIRST != 0
    }

    /// Shapes accepted only as the file's main shape or a common one: the weak shapes, and
    /// the long and time-first ones, seen in no export yet, so that a line a person typed
    /// (`Monday, 5 August 2024, 10:00 - 11:00 meeting`) inside a chat of numeric headers stays
    /// text.
    pub(crate) fn needs_company(self) -> bool {
        self.is_weak() || self.time_first() || self.long_month_first().is_some()
    }

    /// Lines whose dates are written alike (separator, year place and length): day or month
    /// first is decided per group.
    pub(crate) fn date_group(self) -> u32 {
        self.0 & ((3 << SEP_SHIFT) | (3 << YPOS_SHIFT) | (3 << YKIND_SHIFT) | (3 << LONG_SHIFT))
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
        let month = if self.0 & MONTH_ABBR != 0 {
            "MMM"
        } else {
            "MMMM"
        };
        let weekday = match self.field(WEEKDAY_SHIFT) {
            0 => "",
            1 => "EEEE, ",
            _ => "EEE, ",
        };
        let date = match (self.long_month_first(), self.year_pos()) {
            (Some(false), _) => format!("{weekday}d {month} yyyy"),
            (Some(true), _) => format!("{weekday}{month} d, yyyy"),
            (None, YearPos::First) => format!("{year}{sep}m{sep}d"),
            (None, YearPos::Middle) => format!("{a}{sep}{year}{sep}{b}"),
            (None, YearPos::Last) => format!("{a}{sep}{b}{sep}{year}"),
        };
        let date_dot = if self.0 & DATE_DOT != 0 { "." } else { "" };
        let dt = match self.field(DT_SHIFT) {
            0 => ", ",
            1 => " ",
            2 => " klo ",
            _ => " at ",
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
        if self.time_first() {
            return format!("{open}{h}{ts}mm{secs}{ampm_post}{dt}{date}{date_dot}{close}");
        }
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

/// English month names, lower case.
const MONTHS: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];

/// English weekday names, lower case.
const WEEKDAYS: [&[u8]; 7] = [
    b"monday",
    b"tuesday",
    b"wednesday",
    b"thursday",
    b"friday",
    b"saturday",
    b"sunday",
];

/// The line starts with the first three letters of an English weekday or month, any case.
#[inline]
fn name_prefix(line: &[u8]) -> bool {
    let Some(&[x, y, z]) = line.get(..3) else {
        return false;
    };
    // `| 0x20` lowers ASCII capitals and turns no other byte into a lower-case letter.
    matches!(
        &[x | 0x20, y | 0x20, z | 0x20],
        b"mon"
            | b"tue"
            | b"wed"
            | b"thu"
            | b"fri"
            | b"sat"
            | b"sun"
            | b"jan"
            | b"feb"
            | b"mar"
            | b"apr"
            | b"may"
            | b"jun"
            | b"jul"
            | b"aug"
            | b"sep"
            | b"oct"
            | b"nov"
            | b"dec"
    )
}

/// Quick refusal from the first bytes alone, before any normalisation: a digit, `[`, a
/// non-ASCII byte, or the start of an English weekday or month name.
#[inline]
pub(crate) fn may_be_header(line: &[u8]) -> bool {
    match line.first() {
        Some(&c) => {
            c.is_ascii_digit()
                || c == b'['
                || c >= 0x80
                || (c.is_ascii_alphabetic() && name_prefix(line))
        }
        None => false,
    }
}

/// The header grammar on one line (without its line end).
pub(crate) fn parse(line: &str, scratch: &mut Scratch) -> Option<Candidate> {
    if !may_be_header(line.as_bytes()) {
        return None;
    }
    if line.as_bytes().first().is_some_and(|&b| b >= 0x80) {
        // A header's first normalised byte is `[`, a digit or a letter: a line starting with
        // any other non-ASCII character than a format mark (dropped) or a digit cannot be one.
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
    let start = i;
    // Date.
    let Some((p0, l0)) = number(&mut n, &mut i, 4) else {
        // `Tuesday, 20 August 2022, …`, `Aug 20, 2022 at …`.
        return match n.at(start) {
            Some(c) if c.is_ascii_alphabetic() => long_header(&mut n, start, shape),
            _ => None,
        };
    };
    match n.at(i)? {
        b'/' | b'.' | b'-' => {}
        // `20 August 2022, …` (plain text such as `5 kg atta` fails at the month).
        b' ' => return long_header(&mut n, start, shape),
        // `14:30, 20/08/2022 - …`
        b':' => return time_first(&mut n, start, shape),
        _ => return None,
    }
    let (a, b, year) = numeric_date(&mut n, &mut i, &mut shape, p0, l0)?;
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
    let (hour, minute, second) = time(&mut n, &mut i, &mut shape)?;
    time_dot(&mut n, &mut i, &mut shape);
    close(&mut n, &mut i, &mut shape, false)?;
    Some(Candidate {
        shape: Shape(shape),
        a,
        b,
        year,
        hour,
        minute,
        second,
        body: n.raw_at(i),
    })
}

/// A numeric date from its first separator at `*i` (the first part `p0` of `l0` digits read):
/// (a, b, year), the year part told apart by its length.
#[inline(always)]
fn numeric_date(
    n: &mut Normalised<'_>,
    i: &mut usize,
    shape: &mut u32,
    p0: u16,
    l0: usize,
) -> Option<(u8, u8, u16)> {
    let sep = n.at(*i)?;
    let sep_code = match sep {
        b'/' => 0,
        b'.' => 1,
        b'-' => 2,
        _ => return None,
    };
    *shape |= sep_code << SEP_SHIFT;
    *i += 1;
    let sep_space = n.at(*i) == Some(b' ');
    if sep_space {
        *shape |= SEP_SPACE;
        *i += 1;
    }
    let (p1, l1) = number(n, i, 4)?;
    if n.at(*i)? != sep {
        return None;
    }
    *i += 1;
    if sep_space {
        if n.at(*i)? != b' ' {
            return None;
        }
        *i += 1;
    }
    // Third part: a number, or a Japanese era letter and a number.
    let era_base = match n.at(*i)? {
        b'R' => Some(2018u16),
        b'H' => Some(1988),
        _ => None,
    };
    let (p2, l2, kind) = if let Some(base) = era_base {
        *i += 1;
        let (v, _) = number(n, i, 2)?;
        (base.checked_add(v)?, 4, YearKind::Era)
    } else {
        let (v, l) = number(n, i, 4)?;
        if l == 4 && n.starts_with_at(*i, b" BE") && ends_token(n, *i + 3) {
            *i += 3;
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
    *shape |= (ypos as u32) << YPOS_SHIFT;
    *shape |= (kind as u32) << YKIND_SHIFT;
    if n.at(*i)? == b'.' {
        *shape |= DATE_DOT;
        *i += 1;
    }
    Some((a, b, year))
}

/// The time at `*i`, an AM/PM marker before or after it: (hour on a 24-hour clock, minute,
/// second).
#[inline(always)]
fn time(n: &mut Normalised<'_>, i: &mut usize, shape: &mut u32) -> Option<(u8, u8, u8)> {
    // AM/PM before the time (as_IN `PM 9.05`, ko, zh).
    let mut pm = None;
    if !n.at(*i)?.is_ascii_digit() {
        let (is_pm, len) = period(n, *i)?;
        if n.at(*i + len)? != b' ' {
            return None;
        }
        pm = Some(is_pm);
        *shape |= 2 << AMPM_SHIFT;
        *i += len + 1;
    }
    let (hour, _) = number(n, i, 2)?;
    let tsep = n.at(*i)?;
    if tsep == b'.' {
        *shape |= TIME_DOT_SEP;
    } else if tsep != b':' {
        return None;
    }
    *i += 1;
    let (minute, ml) = number(n, i, 2)?;
    if ml != 2 {
        return None;
    }
    let mut second = 0;
    if n.at(*i) == Some(tsep) && n.at(*i + 1).is_some_and(|c| c.is_ascii_digit()) {
        *i += 1;
        let (s, sl) = number(n, i, 2)?;
        if sl != 2 {
            return None;
        }
        second = s;
        *shape |= SECONDS;
    }
    if pm.is_none() {
        let j = if n.at(*i) == Some(b' ') { *i + 1 } else { *i };
        if let Some((is_pm, len)) = period(n, j) {
            pm = Some(is_pm);
            *shape |= 1 << AMPM_SHIFT;
            *i = j + len;
        }
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
    Some((hour as u8, minute as u8, second as u8))
}

/// A dot right after a time without AM/PM marker (`13:01. - `).
#[inline(always)]
fn time_dot(n: &mut Normalised<'_>, i: &mut usize, shape: &mut u32) {
    if n.at(*i) == Some(b'.') && *shape & (3 << AMPM_SHIFT) == 0 {
        *shape |= TIME_DOT;
        *i += 1;
    }
}

/// The end of the header at `*i`; with `strong_only`, only `] ` (iOS) and ` - ` (Android).
#[inline(always)]
fn close(n: &mut Normalised<'_>, i: &mut usize, shape: &mut u32, strong_only: bool) -> Option<()> {
    if *shape & BRACKET != 0 {
        if n.at(*i)? != b']' {
            return None;
        }
        *i += 1;
        *shape |= 1 << CLOSE_SHIFT;
        match n.at(*i) {
            None => {}
            Some(b' ') => *i += 1,
            Some(_) => return None,
        }
    } else if n.starts_with_at(*i, b" - ") {
        *i += 3;
    } else if n.starts_with_at(*i, b" -") && n.at(*i + 2).is_none() {
        *i += 2;
    } else if strong_only {
        return None;
    } else if n.starts_with_at(*i, b": ") {
        *shape |= 2 << CLOSE_SHIFT;
        *i += 2;
    } else if n.at(*i) == Some(b' ') && n.at(*i + 1).is_some_and(|c| c != b' ') {
        *shape |= 3 << CLOSE_SHIFT;
        *i += 1;
    } else {
        return None;
    }
    Some(())
}

/// Steps over `s` at `*i`.
fn skip(n: &mut Normalised<'_>, i: &mut usize, s: &[u8]) -> Option<()> {
    n.starts_with_at(*i, s).then(|| *i += s.len())
}

/// The ASCII letters at `i`, lower case: (letters, count); `None` past nine letters (no
/// weekday or month name is longer).
fn word(n: &mut Normalised<'_>, i: usize) -> Option<([u8; 9], usize)> {
    let mut w = [0u8; 9];
    let mut len = 0;
    while let Some(c) = n.at(i + len) {
        if !c.is_ascii_alphabetic() {
            break;
        }
        *w.get_mut(len)? = c.to_ascii_lowercase();
        len += 1;
    }
    Some((w, len))
}

/// An English month name at `*i`, full, three letters or `Sept`: its number (1–12).
fn month(n: &mut Normalised<'_>, i: &mut usize, shape: &mut u32) -> Option<u8> {
    let (w, len) = word(n, *i)?;
    let w = w.get(..len)?;
    let (month, abbr) = if w == b"sept" {
        (9, true)
    } else {
        MONTHS.iter().zip(1u8..).find_map(|(m, k)| {
            if *m == w {
                Some((k, false))
            } else if len == 3 && m.starts_with(w) {
                Some((k, true))
            } else {
                None
            }
        })?
    };
    if abbr {
        *shape |= MONTH_ABBR;
    }
    *i += len;
    Some(month)
}

/// A long date at `*i`: `(Weekday, )? D Month YYYY` or `(Weekday, )? Month D, YYYY`:
/// (a, b, year) with a and b as written (day then month, or month then day).
fn long_date(n: &mut Normalised<'_>, i: &mut usize, shape: &mut u32) -> Option<(u8, u8, u16)> {
    if !n.at(*i)?.is_ascii_digit() {
        let (w, len) = word(n, *i)?;
        let w = w.get(..len)?;
        let weekday = WEEKDAYS.iter().find_map(|d| {
            if *d == w {
                Some(1u32)
            } else if len == 3 && d.starts_with(w) {
                Some(2)
            } else {
                None
            }
        });
        if let Some(code) = weekday {
            *shape |= code << WEEKDAY_SHIFT;
            *i += len;
            skip(n, i, b", ")?;
        }
    }
    let (a, b, day) = if n.at(*i)?.is_ascii_digit() {
        let (day, _) = number(n, i, 2)?;
        skip(n, i, b" ")?;
        let m = month(n, i, shape)?;
        skip(n, i, b" ")?;
        *shape |= 1 << LONG_SHIFT;
        (u8::try_from(day).ok()?, m, day)
    } else {
        let m = month(n, i, shape)?;
        skip(n, i, b" ")?;
        let (day, _) = number(n, i, 2)?;
        skip(n, i, b", ")?;
        *shape |= 2 << LONG_SHIFT;
        (m, u8::try_from(day).ok()?, day)
    };
    let (year, yl) = number(n, i, 4)?;
    if yl != 4 || !(1970..=2199).contains(&year) || !(1..=31).contains(&day) {
        return None;
    }
    *shape |= (YearPos::Last as u32) << YPOS_SHIFT;
    *shape |= (YearKind::Four as u32) << YKIND_SHIFT;
    Some((a, b, year))
}

/// A header with a long date from `start` (after any `[`): the date, `, ` or ` at `, the
/// time, and ` - ` or `] `.
#[cold]
#[inline(never)]
fn long_header(n: &mut Normalised<'_>, start: usize, mut shape: u32) -> Option<Candidate> {
    let mut i = start;
    let (a, b, year) = long_date(n, &mut i, &mut shape)?;
    if n.starts_with_at(i, b", ") {
        i += 2;
    } else if n.starts_with_at(i, b" at ") {
        shape |= 3 << DT_SHIFT;
        i += 4;
    } else {
        return None;
    }
    let (hour, minute, second) = time(n, &mut i, &mut shape)?;
    time_dot(n, &mut i, &mut shape);
    close(n, &mut i, &mut shape, true)?;
    Some(Candidate {
        shape: Shape(shape),
        a,
        b,
        year,
        hour,
        minute,
        second,
        body: n.raw_at(i),
    })
}

/// A header with the time first from `start` (after any `[`): the time, `, ` or ` `, a
/// numeric date, and ` - ` or `] `.
#[cold]
#[inline(never)]
fn time_first(n: &mut Normalised<'_>, start: usize, mut shape: u32) -> Option<Candidate> {
    let mut i = start;
    shape |= TIME_FIRST;
    let (hour, minute, second) = time(n, &mut i, &mut shape)?;
    if n.starts_with_at(i, b", ") {
        i += 2;
    } else if n.at(i)? == b' ' {
        shape |= 1 << DT_SHIFT;
        i += 1;
    } else {
        return None;
    }
    let (p0, l0) = number(n, &mut i, 4)?;
    let (a, b, year) = numeric_date(n, &mut i, &mut shape, p0, l0)?;
    close(n, &mut i, &mut shape, true)?;
    Some(Candidate {
        shape: Shape(shape),
        a,
        b,
        year,
        hour,
        minute,
        second,
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

    #[test]
    fn long_dates_with_english_month_names() {
        // (line, a, b, year, h, m, s, body) — a and b as written: day then month for
        // `20 August 2022`, month then day for `August 20, 2022`.
        let cases: &[(&str, Parts)] = &[
            (
                "20 August 2022, 14:30 - Ravi Kumar: hi",
                (20, 8, 2022, 14, 30, 0, "Ravi Kumar: hi"),
            ),
            (
                "Saturday, 20 August 2022, 2:30\u{202f}pm - Ravi: hi",
                (20, 8, 2022, 14, 30, 0, "Ravi: hi"),
            ),
            (
                "Sat, 20 Aug 2022 at 9:05 AM - Ravi: hi",
                (20, 8, 2022, 9, 5, 0, "Ravi: hi"),
            ),
            (
                "August 20, 2022, 2:30 p.m. - Ravi: hi",
                (8, 20, 2022, 14, 30, 0, "Ravi: hi"),
            ),
            (
                "SATURDAY, AUGUST 20, 2022 at 14:30 - Ravi: hi",
                (8, 20, 2022, 14, 30, 0, "Ravi: hi"),
            ),
            (
                "sat, aug 20, 2022, 14.30 - Ravi: hi",
                (8, 20, 2022, 14, 30, 0, "Ravi: hi"),
            ),
            (
                "[Saturday, 20 August 2022 at 14:30:05] Ravi: hi",
                (20, 8, 2022, 14, 30, 5, "Ravi: hi"),
            ),
            (
                "\u{200e}[20 Sept 2022 at 2:30:05\u{a0}PM] Ravi: \u{200e}image omitted",
                (20, 9, 2022, 14, 30, 5, "Ravi: \u{200e}image omitted"),
            ),
            (
                "[Aug 20, 2022, 12:05:00 am] Ravi: hi",
                (8, 20, 2022, 0, 5, 0, "Ravi: hi"),
            ),
            (
                "1 May 2024, 13:01. - Ravi: hi",
                (1, 5, 2024, 13, 1, 0, "Ravi: hi"),
            ),
            (
                "Wed, 1 May 2024, 9:00 am - Messages and calls are end-to-end encrypted.",
                (
                    1,
                    5,
                    2024,
                    9,
                    0,
                    0,
                    "Messages and calls are end-to-end encrypted.",
                ),
            ),
        ];
        for (line, want) in cases {
            assert_eq!(parts(line), *want, "{line:?}");
        }
        let dmy = cand("Saturday, 20 August 2022, 2:30\u{202f}pm - Ravi: hi").shape;
        assert_eq!(dmy.long_month_first(), Some(false));
        assert!(dmy.is_android() && dmy.twelve_hour() && dmy.needs_company());
        assert_eq!(dmy.template(false), "EEEE, d MMMM yyyy, h:mm a -");
        let mdy = cand("Aug 20, 2022 at 14:30 - R: x").shape;
        assert_eq!(mdy.long_month_first(), Some(true));
        assert_eq!(mdy.template(true), "MMM d, yyyy at H:mm -");
        let ios = cand("[Sat, 20 Aug 2022 at 14:30:05] R: x").shape;
        assert!(!ios.is_android() && ios.seconds());
        assert_eq!(ios.template(false), "[EEE, d MMM yyyy at H:mm:ss]");
        // Case and the weekday's spelling do not make another format; its presence does.
        assert_eq!(
            cand("saturday, 20 august 2022, 2:30 pm - R: x").shape,
            cand("Sunday, 21 August 2022, 3:30 pm - R: x").shape
        );
        assert_ne!(dmy, cand("20 August 2022, 2:30\u{202f}pm - R: x").shape);
        // A numeric date is another group than any long one.
        assert_ne!(
            cand("20/08/2022, 14:30 - R: x").shape.date_group(),
            cand("20 August 2022, 14:30 - R: x").shape.date_group()
        );
    }

    #[test]
    fn time_before_the_date() {
        let cases: &[(&str, Parts)] = &[
            (
                "14:30, 20/08/2022 - Ravi Kumar: hi",
                (20, 8, 2022, 14, 30, 0, "Ravi Kumar: hi"),
            ),
            (
                "[14:30:05, 20.08.22] Ravi: hi",
                (20, 8, 2022, 14, 30, 5, "Ravi: hi"),
            ),
            (
                "2:30\u{202f}pm, 8/20/22 - Ravi: hi",
                (8, 20, 2022, 14, 30, 0, "Ravi: hi"),
            ),
            (
                "\u{200e}[9:05:00 a. m. 2022-08-20] Ravi: hi",
                (8, 20, 2022, 9, 5, 0, "Ravi: hi"),
            ),
            (
                "१४:३०, २०/८/२२ - Ravi: hi",
                (20, 8, 2022, 14, 30, 0, "Ravi: hi"),
            ),
            ("14:30, 20/08/2022 -", (20, 8, 2022, 14, 30, 0, "")),
        ];
        for (line, want) in cases {
            assert_eq!(parts(line), *want, "{line:?}");
        }
        let android = cand("14:30, 20/08/2022 - R: x").shape;
        assert!(android.time_first() && android.is_android() && android.needs_company());
        assert_eq!(android.template(false), "H:mm, d/m/yyyy -");
        assert_eq!(
            android.date_group(),
            cand("20/08/2022, 14:30 - R: x").shape.date_group(),
            "the same date writing, whatever comes first"
        );
        let ios = cand("[14:30:05, 20.08.22] R: x").shape;
        assert_eq!(ios.template(false), "[H:mm:ss, d.m.yy]");
        assert_eq!(
            cand("2:30 pm, 8/20/22 - R: x").shape.template(true),
            "h:mm a, m/d/yy -"
        );
    }

    #[test]
    fn near_misses_of_the_long_and_time_first_shapes() {
        for line in [
            // Continuation lines a person writes.
            "20 August 2022 ko payment hua",
            "20 August 2022, payment hua",
            "20 August 2022, 14:30 ko aana",
            "20 August 2022 14:30 - Ravi: no separator",
            "August 20, 2022 tak bhej dena",
            "August 20 2022, 14:30 - R: no comma after the day",
            "Saturday 20 August 2022, 14:30 - R: no comma after the weekday",
            "Saturday, ko milte hain",
            "Sat ko aana, 20 Aug",
            "Monday se shop band hai",
            "May I know the price?",
            "May 2024 ka bill bhejo",
            "Mar 5, 2024 tak",
            "Thanks, 20 August 2022, 14:30 - R: x",
            "Augustus 20, 2022, 14:30 - R: x",
            "20 Agosto 2022, 14:30 - R: x",
            "5 kg atta bhejna",
            "10:30 baje aana",
            "10:30, kal milte hain",
            "14:30, 20/08/2022 ko aaya tha",
            "14:30, 20/08/2022: R: weak closes are not taken with the time first",
            "20 August 2022, 14:30: R: nor with long dates",
            "20 August 2022, 14:30 R: x",
            "[14:30:05, 20.08.22 R: x",
            "[Saturday, 20 August 2022 at 14:30:05 R: x",
            // Impossible parts.
            "32 August 2022, 14:30 - R: x",
            "0 August 2022, 14:30 - R: x",
            "20 August 22, 14:30 - R: x",
            "20 August 1890, 14:30 - R: x",
            "20 August 2022, 24:30 - R: x",
            "25:30, 20/08/2022 - R: x",
            "14:30, 32/13/2022 - R: x",
            "14:3, 20/08/2022 - R: x",
        ] {
            assert_eq!(parse(line, &mut Scratch::default()), None, "{line:?}");
        }
        // The first-byte check lets through only lines that may start a name.
        assert!(may_be_header(b"Tue, 20 Aug"));
        assert!(may_be_header(b"aug 20"));
        assert!(may_be_header(b"SEPT"));
        for line in [
            &b"Thanks"[..],
            b"Ok",
            b"Su",
            b"Done",
            b"Bhaiya",
            b"~ Ravi",
            b"",
        ] {
            assert!(!may_be_header(line), "{:?}", String::from_utf8_lossy(line));
        }
    }
}
