//! How the page writes numbers, money, durations and dates, and how it escapes user text.
//!
//! Counts and rupees use Indian digit grouping (the last three digits, then pairs: ₹1,50,000,
//! 12,34,567), as the businesses the report is for read them; other currencies use their code and
//! groups of three (USD 1,200.50).

/// `s` with `& < > " '` replaced by entities: safe in text and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Groups the digits of a non-negative integer: Indian (3 then 2s) or international (3s).
fn group(digits: &str, indian: bool) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 2);
    for (i, c) in digits.chars().enumerate() {
        let left = n - i;
        if i > 0 {
            let boundary = if indian {
                left == 3 || (left > 3 && (left - 3) % 2 == 0)
            } else {
                left % 3 == 0
            };
            if boundary {
                out.push(',');
            }
        }
        out.push(c);
    }
    out
}

/// A count with Indian grouping: `1,50,000`.
pub fn count(n: u64) -> String {
    group(&n.to_string(), true)
}

/// An amount with two decimals when it has paise (cents), none when whole.
fn decimal(x: f64, indian: bool) -> String {
    // Hundredths as an integer: exact for every amount a chat names (f64 holds 2^53 exactly);
    // `as` saturates the absurd ones instead of wrapping.
    let hundredths = (x.abs() * 100.0).round() as u128;
    let sign = if x < 0.0 && hundredths > 0 { "-" } else { "" };
    let whole = group(&(hundredths / 100).to_string(), indian);
    match hundredths % 100 {
        0 => format!("{sign}{whole}"),
        frac => format!("{sign}{whole}.{frac:02}"),
    }
}

/// Money: `₹1,50,000` for INR, `USD 1,200.50` for the rest.
pub fn money(amount: f64, currency: &str) -> String {
    if currency == "INR" {
        format!("₹{}", decimal(amount, true))
    } else {
        format!("{} {}", currency, decimal(amount, false))
    }
}

/// A duration for people: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub fn duration(seconds: u64) -> String {
    let (d, h, m) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{seconds} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(month: u8) -> &'static str {
    MONTHS
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

/// `13 Mar 2024`.
pub fn date(t: &sandesh_chat::Timestamp) -> String {
    format!("{} {} {}", t.day, month_name(t.month), t.year)
}

/// `13 Mar 2024 13:34`.
pub fn date_time(t: &sandesh_chat::Timestamp) -> String {
    format!("{} {:02}:{:02}", date(t), t.hour, t.minute)
}

/// `11 Mar` from a week's Monday written `2024-03-11`; the input itself when it is not a date.
pub fn short_day(iso_date: &str) -> String {
    let mut parts = iso_date.split('-').skip(1);
    match (
        parts.next().and_then(|m| m.parse::<u8>().ok()),
        parts.next().and_then(|d| d.parse::<u8>().ok()),
    ) {
        (Some(m), Some(d)) => format!("{d} {}", month_name(m)),
        _ => iso_date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupees_use_indian_grouping() {
        assert_eq!(money(150_000.0, "INR"), "₹1,50,000");
        assert_eq!(money(1_234_567.5, "INR"), "₹12,34,567.50");
        assert_eq!(money(999.0, "INR"), "₹999");
        assert_eq!(money(1000.0, "INR"), "₹1,000");
        assert_eq!(money(0.0, "INR"), "₹0");
        assert_eq!(money(10_000_000.0, "INR"), "₹1,00,00,000");
        assert_eq!(money(0.25, "INR"), "₹0.25");
        assert_eq!(money(1_200.5, "USD"), "USD 1,200.50");
        assert_eq!(money(1_234_567.0, "USD"), "USD 1,234,567");
        assert_eq!(count(1_234_567), "12,34,567");
        assert_eq!(count(12), "12");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(3 * 3600 + 5 * 60), "3 h 5 min");
        assert_eq!(duration(2 * 86_400 + 4 * 3600 + 59), "2 d 4 h");
        assert_eq!(duration(86_400), "1 d");
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(short_day("2024-03-11"), "11 Mar");
        assert_eq!(short_day("junk"), "junk");
    }
}
