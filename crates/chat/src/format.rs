//! Format detection: the first pass over the whole text.
//!
//! Every line that has the header grammar is a *candidate* and is counted under its [`Shape`].
//! At the end:
//!
//! - **Shapes accepted.** Strong shapes (Android ` - `, iOS brackets) always are. Weak ones
//!   (`: ` or a lone space after the time, which ordinary text can take) only when they are the
//!   file's main shape or common in it, so a stray date-like line in a message stays text.
//!   Long dates (`Tuesday, 20 August 2022`) and time-first headers (`14:30, 20/08/2022 - `),
//!   known from one parser's patterns but from no export, are held to the same rule.
//! - **Day or month first, per date group** (lines whose dates are written alike: separator,
//!   year place and length; a file may mix `6/30/23` and `30/6/2023`). Pustur's steps, which
//!   FORMATS.md §11 recommends, over consecutive dates of the group: a part above 12 is the day;
//!   else a part that decreases within a year is the day (months never decrease); else the
//!   part that changes more is the day. A group nothing decides takes the order the decided
//!   groups agree on, else day-first (every Indian locale but `or_IN` is day-first). A given
//!   `date_order` overrides all of it. Dates with a month name need none of it: the name says
//!   which part is the month ([`OrderSource::MonthName`]), whatever `date_order` says.
//! - Per line, a date impossible in the chosen order but valid the other way round is read the
//!   other way round (the month is never above 12), so no line silently rolls into another year.
//!
//! Memory is flat: per shape a few counters, and a checkpoint (offset, line) every 1 MiB so
//! that a resumed run can number its lines without reading from the start.

use crate::digits::Scratch;
use crate::header::{self, Candidate, Shape, YearPos};
use crate::lines::Line;
use crate::{DateOrder, ParseOptions, Timestamp};
use std::fmt;

/// Which app wrote the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `13/03/24, 9:05 pm - Name: text`.
    Android,
    /// `[13/03/24, 21:05:07] Name: text` (and the older `: ` style).
    Ios,
    /// Lines of both.
    Mixed,
    /// No header line at all (an empty file).
    Unknown,
}

impl Family {
    /// `android`, `ios`, `mixed` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Android => "android",
            Family::Ios => "ios",
            Family::Mixed => "mixed",
            Family::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the day/month order of a pattern was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderSource {
    /// By [`ParseOptions::date_order`].
    Given,
    /// From the file's dates.
    Inferred,
    /// Nothing in the file decided: day-first.
    Defaulted,
    /// Year-first dates (`2024/03/13`): read year, month, day.
    YearFirst,
    /// The month is written as a name (`20 August 2022`, `Aug 20, 2022`): the order is as
    /// written.
    MonthName,
}

impl OrderSource {
    /// `given`, `inferred`, `defaulted`, `year-first` or `month-name`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderSource::Given => "given",
            OrderSource::Inferred => "inferred",
            OrderSource::Defaulted => "defaulted",
            OrderSource::YearFirst => "year-first",
            OrderSource::MonthName => "month-name",
        }
    }
}

impl fmt::Display for OrderSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 12- or 24-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    /// `9:05 pm`.
    H12,
    /// `21:05`.
    H24,
    /// Both occur.
    Mixed,
    /// No header line.
    Unknown,
}

impl Clock {
    /// `12h`, `24h`, `mixed` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Clock::H12 => "12h",
            Clock::H24 => "24h",
            Clock::Mixed => "mixed",
            Clock::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One header format the file uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// A template such as `d/m/yy, h:mm a -` or `[d.m.yy, H:mm:ss]` (`a`: AM/PM marker),
    /// `EEEE, d MMMM yyyy, H:mm -` for long dates (`EEEE`/`EEE`: weekday, `MMMM`/`MMM`: month
    /// name), `[H:mm:ss, d.m.yy]` for the time first.
    pub template: String,
    /// Android or iOS.
    pub family: Family,
    /// Day or month first; `None` for year-first dates.
    pub date_order: Option<DateOrder>,
    /// How the order was settled.
    pub order_source: OrderSource,
    /// Has an AM/PM marker.
    pub twelve_hour: bool,
    /// Has seconds.
    pub seconds: bool,
    /// Header lines of this pattern.
    pub lines: u64,
    pub(crate) shape: Shape,
}

/// What the first pass learnt about an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// Android, iOS, or both.
    pub family: Family,
    /// The order of the main pattern (the one with most lines); `None` when its dates are
    /// year-first or there is none.
    pub date_order: Option<DateOrder>,
    /// How that order was settled.
    pub order_source: OrderSource,
    /// 12/24-hour clock over all patterns.
    pub clock: Clock,
    /// The main pattern has seconds.
    pub seconds: bool,
    /// The header formats used, most lines first.
    pub patterns: Vec<Pattern>,
    /// Lines in the chat text.
    pub lines: u64,
    /// Lines that are not blank.
    pub nonblank_lines: u64,
    /// Bytes of the chat text.
    pub bytes: u64,
    /// The text starts with a UTF-8 BOM.
    pub bom: bool,
    /// Lines ending in `\r\n`.
    pub crlf_lines: u64,
    /// Lines holding invalid UTF-8: their bad bytes read as U+FFFD, in message text too.
    pub invalid_utf8_lines: u64,
    pub(crate) checkpoints: Vec<(u64, u64)>,
}

impl fmt::Display for Format {
    /// `android, d/m/yy, h:mm a - (day-first, inferred), 12h, no seconds` (`+ 1 more pattern`
    /// when the file mixes formats).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(main) = self.patterns.first() else {
            return write!(f, "no WhatsApp header line ({} lines)", self.lines);
        };
        write!(f, "{}, {} (", self.family, main.template)?;
        match self.date_order {
            Some(order) => write!(f, "{order}, {}", self.order_source)?,
            None => write!(f, "{}", self.order_source)?,
        }
        write!(
            f,
            "), {}, {}",
            self.clock,
            if self.seconds {
                "seconds"
            } else {
                "no seconds"
            }
        )?;
        let more = self.patterns.len() - 1;
        if more > 0 {
            write!(
                f,
                " + {more} more pattern{}",
                if more == 1 { "" } else { "s" }
            )?;
        }
        if self.invalid_utf8_lines > 0 {
            write!(f, ", {} lines with invalid UTF-8", self.invalid_utf8_lines)?;
        }
        Ok(())
    }
}

/// How dates of one pattern are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Dmy,
    Mdy,
    Ymd,
}

impl Format {
    fn reading(&self, shape: Shape) -> Option<Reading> {
        let p = self.patterns.iter().find(|p| p.shape == shape)?;
        Some(match p.date_order {
            _ if shape.year_pos() == YearPos::First => Reading::Ymd,
            Some(DateOrder::MonthFirst) => Reading::Mdy,
            _ => Reading::Dmy,
        })
    }

    /// The timestamp of a candidate header line, if its shape is one the file uses and its
    /// date exists (read the other way round when only that way exists).
    pub(crate) fn timestamp(&self, c: &Candidate) -> Option<Timestamp> {
        let reading = self.reading(c.shape)?;
        let (day, month) = match reading {
            Reading::Dmy => (c.a, c.b),
            Reading::Mdy | Reading::Ymd => (c.b, c.a),
        };
        Timestamp::new(c.year, month, day, c.hour, c.minute, c.second)
            .or_else(|_| Timestamp::new(c.year, day, month, c.hour, c.minute, c.second))
            .ok()
    }

    /// The checkpoint at or before `offset`: (offset, lines before it).
    pub(crate) fn checkpoint_before(&self, offset: u64) -> (u64, u64) {
        let i = self.checkpoints.partition_point(|&(o, _)| o <= offset);
        i.checked_sub(1)
            .and_then(|i| self.checkpoints.get(i))
            .copied()
            .unwrap_or((0, 0))
    }

    /// The chat has at least one header line.
    pub fn has_messages(&self) -> bool {
        !self.patterns.is_empty()
    }
}

/// Counters of one shape.
#[derive(Debug, Clone, Copy)]
struct Stats {
    shape: Shape,
    lines: u64,
    a_over_12: u64,
    b_over_12: u64,
    prev: Option<(u8, u8, u16)>,
    a_decreases: u64,
    b_decreases: u64,
    a_changes: u64,
    b_changes: u64,
}

impl Stats {
    fn new(shape: Shape) -> Stats {
        Stats {
            shape,
            lines: 0,
            a_over_12: 0,
            b_over_12: 0,
            prev: None,
            a_decreases: 0,
            b_decreases: 0,
            a_changes: 0,
            b_changes: 0,
        }
    }

    fn add(&mut self, c: &Candidate) {
        self.lines += 1;
        self.a_over_12 += u64::from(c.a > 12);
        self.b_over_12 += u64::from(c.b > 12);
        if let Some((pa, pb, py)) = self.prev {
            if (pa, pb, py) != (c.a, c.b, c.year) {
                if py == c.year {
                    self.a_decreases += u64::from(c.a < pa);
                    self.b_decreases += u64::from(c.b < pb);
                }
                self.a_changes += u64::from(c.a.abs_diff(pa));
                self.b_changes += u64::from(c.b.abs_diff(pb));
            }
        }
        self.prev = Some((c.a, c.b, c.year));
    }

    fn merge(&mut self, o: &Stats) {
        self.lines += o.lines;
        self.a_over_12 += o.a_over_12;
        self.b_over_12 += o.b_over_12;
        self.a_decreases += o.a_decreases;
        self.b_decreases += o.b_decreases;
        self.a_changes += o.a_changes;
        self.b_changes += o.b_changes;
    }

    /// Pustur's three steps on one date group; `None` when nothing decides.
    fn decide(&self) -> Option<DateOrder> {
        use std::cmp::Ordering::*;
        let by = |a: u64, b: u64| match a.cmp(&b) {
            Greater => Some(DateOrder::DayFirst),
            Less => Some(DateOrder::MonthFirst),
            Equal => None,
        };
        if self.a_over_12 + self.b_over_12 > 0 {
            // Both above 12 in one group means it mixes orders: the majority wins, the
            // others are read the other way round line by line.
            return by(self.a_over_12, self.b_over_12).or(Some(DateOrder::DayFirst));
        }
        by(self.a_decreases, self.b_decreases).or_else(|| by(self.a_changes, self.b_changes))
    }
}

/// Shapes beyond this many are not tracked (their lines stay text): a real export has a
/// handful, and the limit keeps hostile input from growing memory.
const MAX_SHAPES: usize = 256;
const CHECKPOINT_EVERY: u64 = 1 << 20;

/// The first pass.
pub(crate) struct Detector {
    scratch: Scratch,
    stats: Vec<Stats>,
    last: usize,
    lines: u64,
    nonblank: u64,
    bytes: u64,
    crlf: u64,
    invalid: u64,
    checkpoints: Vec<(u64, u64)>,
    next_checkpoint: u64,
}

impl Detector {
    pub(crate) fn new() -> Detector {
        Detector {
            scratch: Scratch::default(),
            stats: Vec::new(),
            last: 0,
            lines: 0,
            nonblank: 0,
            bytes: 0,
            crlf: 0,
            invalid: 0,
            checkpoints: Vec::new(),
            next_checkpoint: CHECKPOINT_EVERY,
        }
    }

    pub(crate) fn observe(&mut self, line: &Line<'_>) {
        if line.offset >= self.next_checkpoint {
            self.checkpoints.push((line.offset, line.number - 1));
            self.next_checkpoint = line.offset.saturating_add(CHECKPOINT_EVERY);
        }
        self.lines = line.number;
        self.bytes = line.offset + line.text.len() as u64 + u64::from(line.end_len);
        self.crlf += u64::from(line.end_len == 2);
        self.invalid += u64::from(line.lossy);
        if !line.text.trim().is_empty() {
            self.nonblank += 1;
        }
        let Some(c) = header::parse(line.text, &mut self.scratch) else {
            return;
        };
        let i = match self.stats.get(self.last) {
            Some(s) if s.shape == c.shape => self.last,
            _ => match self.stats.iter().position(|s| s.shape == c.shape) {
                Some(i) => i,
                None if self.stats.len() < MAX_SHAPES => {
                    self.stats.push(Stats::new(c.shape));
                    self.stats.len() - 1
                }
                None => return,
            },
        };
        self.last = i;
        if let Some(s) = self.stats.get_mut(i) {
            s.add(&c);
        }
    }

    pub(crate) fn finish(self, options: &ParseOptions) -> Format {
        let max = self.stats.iter().map(|s| s.lines).max().unwrap_or(0);
        let accepted: Vec<&Stats> = self
            .stats
            .iter()
            .filter(|s| {
                !s.shape.needs_company() || s.lines == max || (s.lines >= 2 && s.lines * 20 >= max)
            })
            .collect();
        // Date groups and their decisions (month names decide for themselves).
        let mut groups: Vec<(u32, Stats)> = Vec::new();
        for s in accepted.iter().filter(|s| {
            s.shape.year_pos() != YearPos::First && s.shape.long_month_first().is_none()
        }) {
            let g = s.shape.date_group();
            match groups.iter_mut().find(|(k, _)| *k == g) {
                Some((_, acc)) => acc.merge(s),
                None => groups.push((g, **s)),
            }
        }
        let decided: Vec<(u32, Option<DateOrder>)> =
            groups.iter().map(|(g, s)| (*g, s.decide())).collect();
        let mut agreed = decided.iter().filter_map(|(_, d)| *d);
        let fallback = match agreed.next() {
            Some(first) if agreed.all(|d| d == first) => Some(first),
            _ => None,
        };
        let order_of = |shape: Shape| -> (Option<DateOrder>, OrderSource) {
            if shape.year_pos() == YearPos::First {
                return (None, OrderSource::YearFirst);
            }
            if let Some(month_first) = shape.long_month_first() {
                let order = if month_first {
                    DateOrder::MonthFirst
                } else {
                    DateOrder::DayFirst
                };
                return (Some(order), OrderSource::MonthName);
            }
            if let Some(given) = options.date_order {
                return (Some(given), OrderSource::Given);
            }
            let own = decided
                .iter()
                .find(|(g, _)| *g == shape.date_group())
                .and_then(|(_, d)| *d);
            match own.or(fallback) {
                Some(d) => (Some(d), OrderSource::Inferred),
                None => (Some(DateOrder::DayFirst), OrderSource::Defaulted),
            }
        };
        let mut patterns: Vec<Pattern> = accepted
            .iter()
            .map(|s| {
                let (date_order, order_source) = order_of(s.shape);
                Pattern {
                    template: s.shape.template(date_order == Some(DateOrder::MonthFirst)),
                    family: if s.shape.is_android() {
                        Family::Android
                    } else {
                        Family::Ios
                    },
                    date_order,
                    order_source,
                    twelve_hour: s.shape.twelve_hour(),
                    seconds: s.shape.seconds(),
                    lines: s.lines,
                    shape: s.shape,
                }
            })
            .collect();
        patterns.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.shape.cmp(&b.shape)));
        let family = match (
            patterns.iter().any(|p| p.family == Family::Android),
            patterns.iter().any(|p| p.family == Family::Ios),
        ) {
            (true, true) => Family::Mixed,
            (true, false) => Family::Android,
            (false, true) => Family::Ios,
            (false, false) => Family::Unknown,
        };
        let clock = match (
            patterns.iter().any(|p| p.twelve_hour),
            patterns.iter().any(|p| !p.twelve_hour),
        ) {
            (true, true) => Clock::Mixed,
            (true, false) => Clock::H12,
            (false, true) => Clock::H24,
            (false, false) => Clock::Unknown,
        };
        let main = patterns
            .iter()
            .find(|p| p.order_source != OrderSource::YearFirst)
            .or(patterns.first());
        let (date_order, order_source) = match main {
            Some(p) => (p.date_order, p.order_source),
            None => match options.date_order {
                Some(d) => (Some(d), OrderSource::Given),
                None => (None, OrderSource::Defaulted),
            },
        };
        Format {
            family,
            date_order,
            order_source,
            clock,
            seconds: patterns.first().is_some_and(|p| p.seconds),
            patterns,
            lines: self.lines,
            nonblank_lines: self.nonblank,
            bytes: self.bytes,
            bom: false,
            crlf_lines: self.crlf,
            invalid_utf8_lines: self.invalid,
            checkpoints: self.checkpoints,
        }
    }
}

/// The first pass over a string.
pub(crate) fn detect_str(text: &str, options: &ParseOptions) -> Format {
    let mut d = Detector::new();
    let mut lines = crate::lines::StrLines::new(text);
    while let Some(line) = lines.next_line() {
        d.observe(&line);
    }
    let mut f = d.finish(options);
    f.bytes = text.len() as u64;
    f.bom = text.starts_with('\u{feff}');
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(text: &str) -> (Option<DateOrder>, OrderSource) {
        let f = detect_str(text, &ParseOptions::default());
        (f.date_order, f.order_source)
    }

    fn lines(dates: &[&str]) -> String {
        dates
            .iter()
            .map(|d| format!("{d}, 10:15 - A: hi\n"))
            .collect()
    }

    #[test]
    fn a_part_above_12_decides() {
        use DateOrder::*;
        use OrderSource::*;
        assert_eq!(
            order(&lines(&["3/6/17", "13/11/17", "26/12/17"])),
            (Some(DayFirst), Inferred)
        );
        assert_eq!(
            order(&lines(&["4/2/17", "6/11/17", "12/13/17"])),
            (Some(MonthFirst), Inferred)
        );
        assert_eq!(
            order(&lines(&["4/6/17", "11/10/17", "12/12/17"])).1,
            Inferred
        ); // changes decide
           // mtln: disambiguated by a later line, and the first decisive line among several.
        assert_eq!(
            order(&lines(&["3/4/24", "4/25/24"])),
            (Some(MonthFirst), Inferred)
        );
        assert_eq!(
            order(&lines(&["03.04.24", "25.04.24"])),
            (Some(DayFirst), Inferred)
        );
    }

    #[test]
    fn decreasing_parts_and_change_frequency() {
        use DateOrder::*;
        // checkDecreasing: the first part decreases within a year → day first.
        assert_eq!(
            order(&lines(&["8/3/17", "10/5/17", "6/9/17"])).0,
            Some(DayFirst)
        );
        assert_eq!(
            order(&lines(&["6/3/17", "8/5/17", "9/4/17"])).0,
            Some(MonthFirst)
        );
        // Across years a decrease says nothing: [8/3/17, 10/5/17, 6/9/18] changes 2+4 vs 2+4.
        assert_eq!(
            order(&lines(&["8/3/17", "10/5/17", "6/9/18"])),
            (Some(DayFirst), OrderSource::Defaulted)
        );
        // changeFrequencyAnalysis: [3/4, 7/5, 11/6] first changes by 8, second by 2.
        assert_eq!(
            order(&lines(&["3/4/17", "7/5/17", "11/6/17"])).0,
            Some(DayFirst)
        );
        assert_eq!(
            order(&lines(&["1/1/17", "1/3/17", "2/7/17"])).0,
            Some(MonthFirst)
        );
    }

    #[test]
    fn undecidable_files_default_to_day_first_and_options_override() {
        let text = lines(&["12/9/20", "12/9/20"]);
        assert_eq!(
            order(&text),
            (Some(DateOrder::DayFirst), OrderSource::Defaulted)
        );
        let given = ParseOptions {
            date_order: Some(DateOrder::MonthFirst),
        };
        let f = detect_str(&text, &given);
        assert_eq!(
            (f.date_order, f.order_source),
            (Some(DateOrder::MonthFirst), OrderSource::Given)
        );
        assert_eq!(order(""), (None, OrderSource::Defaulted));
        assert_eq!(
            order("2024/10/31 15:50 - Li: x\n"),
            (None, OrderSource::YearFirst)
        );
    }

    #[test]
    fn groups_decide_apart_and_undecided_groups_follow_agreement() {
        // frozenspider: 6/30/23 (month first) and 30/6/2023 (day first) in one file.
        let text = "6/30/23, 16:13 - A: x\n30/6/2023, 16:15 - A: y\n";
        let f = detect_str(text, &ParseOptions::default());
        assert_eq!(f.patterns.len(), 2);
        let orders: Vec<_> = f.patterns.iter().map(|p| p.date_order).collect();
        assert!(orders.contains(&Some(DateOrder::MonthFirst)));
        assert!(orders.contains(&Some(DateOrder::DayFirst)));
        assert_eq!(f.family, Family::Android);
        // An undecided group follows the decided ones when they agree.
        let text = "12/24/19, 11:23 - A: x\n[09/10/22 10:37:00 p.m.] A: y\n";
        let f = detect_str(text, &ParseOptions::default());
        assert!(f
            .patterns
            .iter()
            .all(|p| p.date_order == Some(DateOrder::MonthFirst)));
        assert_eq!(f.family, Family::Mixed);
        assert_eq!(f.clock, Clock::Mixed);
    }

    #[test]
    fn weak_shapes_need_company() {
        // A lone weak-shaped line inside an Android chat is not a header shape of the file.
        let text = "13/03/24, 10:15 - A: hi\n13/03/24, 10:16 - A: list\n2024-03-13 10:30 meeting\n";
        let f = detect_str(text, &ParseOptions::default());
        assert_eq!(f.patterns.len(), 1);
        // The same line alone is a chat of its own shape.
        let f = detect_str("13. 6. 2018. 21:25:15 a: m\n", &ParseOptions::default());
        assert_eq!(f.patterns.len(), 1);
        assert_eq!(f.family, Family::Ios);
    }

    #[test]
    fn format_summary() {
        let f = detect_str(
            "13/03/24, 9:05\u{202f}pm - Ravi: hi\n14/03/24, 9:06\u{202f}pm - Ravi: hi\n",
            &ParseOptions::default(),
        );
        assert_eq!(
            f.to_string(),
            "android, d/m/yy, h:mm a - (day-first, inferred), 12h, no seconds"
        );
        assert_eq!(
            detect_str("hello", &ParseOptions::default()).to_string(),
            "no WhatsApp header line (1 lines)"
        );
    }

    #[test]
    fn month_names_decide_and_new_shapes_need_company() {
        // Day parts all 12 or less: numbers could not tell, the names do.
        let text = "Mar 5, 2024, 10:15 - A: x\nApr 2, 2024, 10:16 - A: y\n";
        let f = detect_str(text, &ParseOptions::default());
        assert_eq!(
            (f.date_order, f.order_source),
            (Some(DateOrder::MonthFirst), OrderSource::MonthName)
        );
        assert_eq!(
            f.to_string(),
            "android, MMM d, yyyy, H:mm - (month-first, month-name), 24h, no seconds"
        );
        let given = ParseOptions {
            date_order: Some(DateOrder::DayFirst),
        };
        assert_eq!(
            detect_str(text, &given).order_source,
            OrderSource::MonthName
        );
        // A long-date group does not decide the numeric ones.
        let text = "5 March 2024, 10:15 - A: x\n6 March 2024, 10:15 - A: x\n4/3/24, 10:16 - A: y\n";
        let f = detect_str(text, &ParseOptions::default());
        let numeric = f.patterns.iter().find(|p| p.template.starts_with("d/m"));
        assert_eq!(
            numeric.map(|p| p.order_source),
            Some(OrderSource::Defaulted)
        );
        // A lone long-date or time-first line among numeric headers is text.
        let text = "13/03/24, 10:15 - A: hi\n13/03/24, 10:16 - A: kal\n\
                    Monday, 5 August 2024, 10:00 - 11:00 meeting\n14:30, 20/08/2022 - B: x\n";
        let f = detect_str(text, &ParseOptions::default());
        assert_eq!(f.patterns.len(), 1);
        // Alone, each is the chat's own shape.
        for text in [
            "Monday, 5 August 2024, 10:00 - A: x\n",
            "14:30, 20/08/2022 - B: x\n",
        ] {
            assert_eq!(detect_str(text, &ParseOptions::default()).patterns.len(), 1);
        }
    }
}
