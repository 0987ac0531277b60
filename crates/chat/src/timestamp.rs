//! Local date and time as a chat export writes them: no time zone (exports carry none), second
//! precision, with the calendar arithmetic a report needs (minutes between two messages, ISO
//! weeks). Civil-date conversions follow Howard Hinnant's `days_from_civil` algorithm.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A local date and time, ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Four-digit year.
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
    /// 1 to the month's length.
    pub day: u8,
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 59; 0 when the export has no seconds.
    pub second: u8,
}

/// Why a date or time is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid timestamp: {0}")]
pub struct InvalidTimestamp(pub String);

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in `month` of `year`.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year as i64) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Timestamp {
    /// A checked timestamp: the date exists, the time is on a 24-hour clock.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Timestamp, InvalidTimestamp> {
        let t = Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
        };
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(InvalidTimestamp(format!(
                "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"
            )));
        }
        Ok(t)
    }

    /// Days since 1970-01-01.
    pub fn days(&self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64)
    }

    /// Seconds since 1970-01-01T00:00:00 of the same (unknown) zone.
    pub fn seconds(&self) -> i64 {
        self.days() * 86_400
            + self.hour as i64 * 3600
            + self.minute as i64 * 60
            + self.second as i64
    }

    /// Seconds from `earlier` to `self` (negative when `self` is earlier).
    pub fn seconds_since(&self, earlier: &Timestamp) -> i64 {
        self.seconds() - earlier.seconds()
    }

    /// Day of the week, 1 = Monday … 7 = Sunday.
    pub fn weekday(&self) -> u8 {
        // 1970-01-01 was a Thursday.
        ((self.days() + 3).rem_euclid(7) + 1) as u8
    }

    /// ISO 8601 week: (week-numbering year, week 1–53).
    pub fn iso_week(&self) -> (i32, u8) {
        let days = self.days();
        // The Thursday of this week decides the year.
        let thursday = days - (self.weekday() as i64 - 1) + 3;
        let (y, _, _) = civil_from_days(thursday);
        let jan1 = days_from_civil(y, 1, 1);
        ((y) as i32, ((thursday - jan1) / 7 + 1) as u8)
    }

    /// The Monday that starts this timestamp's ISO week, as `YYYY-MM-DD`.
    pub fn week_start(&self) -> String {
        let (y, m, d) = civil_from_days(self.days() - (self.weekday() as i64 - 1));
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// The date alone, as `YYYY-MM-DD`.
    pub fn date_string(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601 local time, always with seconds: `2024-03-13T13:34:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    /// `YYYY-MM-DDTHH:MM[:SS]` (a space instead of `T` is accepted).
    fn from_str(s: &str) -> Result<Timestamp, InvalidTimestamp> {
        let bad = || InvalidTimestamp(s.to_string());
        let b = s.as_bytes();
        if !(b.len() == 16 || b.len() == 19)
            || b[4] != b'-'
            || b[7] != b'-'
            || !(b[10] == b'T' || b[10] == b' ')
            || b[13] != b':'
            || (b.len() == 19 && b[16] != b':')
        {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, InvalidTimestamp> {
            let part = s.get(r).ok_or_else(bad)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let second = if b.len() == 19 { num(17..19)? as u8 } else { 0 };
        Timestamp::new(
            num(0..4)?,
            num(5..7)? as u8,
            num(8..10)? as u8,
            num(11..13)? as u8,
            num(14..16)? as u8,
            second,
        )
        .map_err(|_| bad())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn round_trips_and_refuses_impossible_dates() {
        assert_eq!(ts("2024-03-13T13:34").to_string(), "2024-03-13T13:34:00");
        assert_eq!(ts("2024-02-29 23:59:59").to_string(), "2024-02-29T23:59:59");
        for bad in [
            "2023-02-29T10:00",
            "2024-13-01T10:00",
            "2024-04-31T10:00",
            "2024-01-01T24:00",
            "2024-01-01T10:60",
            "2024-1-01T10:00",
            "2024-01-01T10:00:6x",
            "",
            "२०२४-०१-०१T10:00",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }

    #[test]
    fn calendar_arithmetic_matches_known_days() {
        assert_eq!(ts("1970-01-01T00:00").days(), 0);
        assert_eq!(ts("2000-03-01T00:00").days(), 11_017);
        // 2024-03-13 was a Wednesday; ISO week 11 of 2024, starting Monday 2024-03-11.
        let t = ts("2024-03-13T09:05");
        assert_eq!(t.weekday(), 3);
        assert_eq!(t.iso_week(), (2024, 11));
        assert_eq!(t.week_start(), "2024-03-11");
        // Week-year edges: 2021-01-03 (Sunday) is in 2020-W53; 2024-12-30 is in 2025-W01.
        assert_eq!(ts("2021-01-03T12:00").iso_week(), (2020, 53));
        assert_eq!(ts("2024-12-30T12:00").iso_week(), (2025, 1));
        assert_eq!(ts("2024-12-30T12:00").week_start(), "2024-12-30");
        assert_eq!(ts("2025-01-01T00:00").week_start(), "2024-12-30");
        assert_eq!(
            ts("2024-03-01T00:10").seconds_since(&ts("2024-02-29T23:50")),
            20 * 60
        );
        assert!(ts("2024-03-01T00:00") > ts("2024-02-29T23:59:59"));
    }
}
