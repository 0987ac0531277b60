//! Just enough of the proleptic Gregorian calendar to resolve "kal", "15 tarikh" and "next
//! Monday" against a reference day. STYLE.md keeps this crate's dependencies to types, text and
//! regex, and the arithmetic is small: days are counted from 1970-01-01 with Howard Hinnant's
//! `days_from_civil` algorithm.

use std::fmt;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The day `year-month-day`, or `None` when there is no such day.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(1..=9999).contains(&year) {
            return None;
        }
        Some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The day `days` days after 1970-01-01 (negative: before).
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    /// Days since 1970-01-01.
    pub fn days(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `n` days later (earlier when negative).
    pub fn add_days(&self, n: i64) -> Option<Date> {
        Date::from_days(self.days() + n)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as u32
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(&self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month.
    pub fn day(&self) -> u32 {
        u32::from(self.day)
    }

    /// Today in the given UTC offset, from the system clock.
    pub fn today(utc_offset_minutes: i32) -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let local = secs + i64::from(utc_offset_minutes) * 60;
        Date::from_days(local.div_euclid(86_400)).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("not a date (YYYY-MM-DD): {s:?}");
        let mut parts = s.trim().splitn(3, '-');
        let y = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let m = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let d = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        Date::new(y, m, d).ok_or_else(bad)
    }
}

pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days_round_trip() {
        let d = Date::new(2026, 11, 22).unwrap();
        assert_eq!(d.to_string(), "2026-11-22");
        assert_eq!(d.weekday(), 6, "22 Nov 2026 is a Sunday");
        assert_eq!(Date::new(2024, 2, 29).unwrap().weekday(), 3, "a Thursday");
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days(), 11017);
        assert_eq!(d.add_days(10).unwrap().to_string(), "2026-12-02");
        assert_eq!(
            Date::new(2025, 1, 1)
                .unwrap()
                .add_days(-1)
                .unwrap()
                .to_string(),
            "2024-12-31"
        );
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
        for n in -1000..1000 {
            let x = Date::from_days(20_000 + n).unwrap();
            assert_eq!(x.days(), 20_000 + n);
        }
        assert_eq!("2026-11-22".parse::<Date>(), Ok(d));
        assert!("2026-11-31".parse::<Date>().is_err());
    }
}
