//! Numbers as written in chat: digits with Indian or Western grouping and decimals, a multiplier
//! after them (`5k`, `2.5 lakh`), and number-word phrases in every language we read (`dedh lakh`,
//! `saade teen sau`, `पाँच सौ`, `ಐನೂರು`).

use crate::lexicon::{digit_multiplier, NumWord};
use crate::scan::{Gap, Scan, TokKind};

/// A number found at some token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Number {
    pub value: f64,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// Written in words (at least partly).
    pub words: bool,
    /// A multiplier (`k`, `lakh`, `hazaar`, `sau`) was applied.
    pub multiplied: bool,
    /// Digits before any decimal point, for shape checks (0 for words).
    pub int_digits: usize,
    /// The digits were grouped with commas.
    pub grouped: bool,
    /// The multiplier written after the digits (1 when none).
    pub scale: f64,
}

/// Parses digits with `,` grouping and `.` decimals. `None` for shapes such as `15.08.2025`.
pub(crate) fn parse_digits(s: &str) -> Option<(f64, usize, bool)> {
    if s.matches('.').count() > 1 {
        return None;
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let grouped = int.contains(',');
    if grouped {
        // Indian (1,50,000) or Western (150,000) grouping: the last group has three digits,
        // the first 1-3, the others two or three.
        let groups: Vec<&str> = int.split(',').collect();
        let last = groups.last()?;
        if last.len() != 3 || groups[0].is_empty() || groups[0].len() > 3 {
            return None;
        }
        if groups[1..groups.len() - 1]
            .iter()
            .any(|g| g.len() != 2 && g.len() != 3)
        {
            return None;
        }
    }
    let digits: String = int.chars().filter(|c| c.is_ascii_digit()).collect();
    let int_digits = digits.len();
    let mut text = digits;
    if let Some(f) = frac {
        if f.contains(',') {
            return None;
        }
        text.push('.');
        text.push_str(f);
    }
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| (v, int_digits, grouped))
}

/// The number that starts at token `i`, if one does.
pub(crate) fn number_at(scan: &Scan<'_>, i: usize) -> Option<Number> {
    plain_number_at(scan, i).map(|n| restated(scan, n))
}

/// A number restated in brackets is one number: `45 (forty five)`, `pachees (25)`.
fn restated(scan: &Scan<'_>, mut n: Number) -> Number {
    if scan.is(n.end, "(") && scan.toks[n.end].gap != Gap::Newline {
        if let Some(again) = plain_number_at(scan, n.end + 1) {
            if again.value == n.value && again.words != n.words && scan.is(again.end, ")") {
                n.end = again.end + 1;
                n.words |= again.words;
            }
        }
    }
    n
}

fn plain_number_at(scan: &Scan<'_>, i: usize) -> Option<Number> {
    match scan.kind(i)? {
        TokKind::Num => digits_at(scan, i),
        TokKind::Word => words_at(scan, i, false),
        TokKind::Sym => None,
    }
}

fn is_and(w: &str) -> bool {
    matches!(w, "and" | "aur" | "और")
}

/// `and a half`, `and half`, `and one half`, `and a quarter`, `and three quarters` at `j`: the
/// fraction and the token after the phrase.
fn and_fraction(scan: &Scan<'_>, j: usize) -> Option<(f64, usize)> {
    if scan.tok(j) != "and" {
        return None;
    }
    let mut k = j + 1;
    let three = scan.is(k, "three");
    if matches!(scan.tok(k), "a" | "one" | "three") {
        k += 1;
    }
    let f = match scan.tok(k) {
        "half" if !three => 0.5,
        "quarter" if !three => 0.25,
        "quarters" if three => 0.75,
        _ => return None,
    };
    Some((f, k + 1))
}

fn digits_at(scan: &Scan<'_>, i: usize) -> Option<Number> {
    let (value, int_digits, grouped) = parse_digits(scan.tok(i))?;
    let mut n = Number {
        value,
        first: i,
        end: i + 1,
        words: false,
        multiplied: false,
        int_digits,
        grouped,
        scale: 1.0,
    };
    // `2 and a half lakh`
    let mut at = i + 1;
    if let Some((f, next)) = and_fraction(scan, at) {
        if digit_multiplier(scan.tok(next)).is_some() && !grouped && value.fract() == 0.0 {
            n.value += f;
            at = next;
        }
    }
    // `5k`, `2.5 lakh`, `1.2cr`, `5 sau`; then `2 lakh crore`, `1 lakh 20 hazaar`.
    if let Some(m) = digit_multiplier(scan.tok(at)) {
        // `WB 25 K 4412` is a vehicle plate: a spaced `k` followed by digits is no thousand.
        let plate =
            scan.tok(at) == "k" && !scan.glued(at) && scan.kind(at + 1) == Some(TokKind::Num);
        if scan.kind(at) == Some(TokKind::Word) && !plate {
            n.value *= m;
            n.end = at + 1;
            n.multiplied = true;
            n.scale = m;
            // `2 lakh crore`, `5 thousand crore`
            while let Some(m2) = digit_multiplier(scan.tok(n.end)).filter(|&m2| m2 > n.scale) {
                if scan.kind(n.end) != Some(TokKind::Word) || n.scale < 1e3 {
                    break;
                }
                n.value *= m2;
                n.scale = m2;
                n.end += 1;
            }
            if n.scale >= 1e3 {
                if let Some(rest) = digits_at(scan, n.end) {
                    if rest.multiplied && rest.value < n.scale && !scan.glued(n.end) {
                        n.value += rest.value;
                        n.end = rest.end;
                    }
                }
            }
            join_and_rest(scan, &mut n);
        }
    }
    Some(n)
}

/// After a multiplied number: `3 hundred and 21`, `6 crore and two hundred`, `3 million and a
/// half`; not `3 सौ और 2 सौ` (two numbers) or `… and 0`.
fn join_and_rest(scan: &Scan<'_>, n: &mut Number) {
    if let Some((f, next)) = and_fraction(scan, n.end) {
        // `one billion and a half million` is read by the multiplier after the fraction.
        if digit_multiplier(scan.tok(next)).is_none() && n.value % n.scale == 0.0 {
            n.value += f * n.scale;
            n.end = next;
        }
        return;
    }
    if !is_and(scan.tok(n.end)) || n.value % n.scale.min(100.0) != 0.0 {
        return;
    }
    if let Some(rest) = plain_number_at(scan, n.end + 1) {
        let whole = rest.value >= 1.0 && rest.value.fract() == 0.0 && rest.value < n.scale;
        let smaller = if rest.multiplied {
            rest.scale < n.scale
        } else {
            rest.value < 100.0
        };
        if whole && smaller {
            n.value += rest.value;
            n.end = rest.end;
            n.words |= rest.words;
        }
    }
}

const ENGLISH_UNITS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const ENGLISH_TENS: &[&str] = &[
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
];

/// A number-word phrase at `i`. A phrase may start with `sau` or `hazaar` alone only when a
/// currency word follows it or `bare_multiplier` allows it (a whole text that is one number).
fn words_at(scan: &Scan<'_>, i: usize, bare_multiplier: bool) -> Option<Number> {
    let mut total = 0.0;
    let mut cur = 0.0;
    let mut adjust = 0.0;
    let mut seen_any = false;
    let mut multiplied = false;
    let mut last_unit = false;
    let mut prev_unit = 0.0;
    let mut scale = 1.0;
    let mut end = i;
    let mut j = i;
    while let Some(w) = scan.num_word(j) {
        match w {
            NumWord::Unit(u) => {
                // "twenty five" adds; "paanch chhe" (5-6) is not one number.
                let tens_then_unit =
                    (20.0..100.0).contains(&prev_unit) && prev_unit % 10.0 == 0.0 && u < 10.0;
                let hundreds_then_rest = cur >= 100.0 && cur % 100.0 == 0.0 && u < 100.0;
                // Indian English prices: "one twenty" is 120, "two fifty" 250.
                let spoken_hundreds = j == i + 1
                    && u >= 10.0
                    && ENGLISH_UNITS.contains(&scan.tok(i))
                    && ENGLISH_TENS.contains(&scan.tok(j));
                if spoken_hundreds {
                    cur *= 100.0;
                } else if last_unit && !(tens_then_unit || hundreds_then_rest) {
                    break;
                }
                cur += u + adjust;
                adjust = 0.0;
                last_unit = true;
                // One word for a multiple of a hundred (`ಐನೂರು`, `panchsho`) holds a hundred.
                if u >= 100.0 {
                    multiplied = true;
                }
                prev_unit = u;
            }
            NumWord::Frac(f) => {
                if last_unit || cur != 0.0 {
                    break;
                }
                cur = f;
                last_unit = true;
            }
            NumWord::Adjust(a) => {
                if last_unit || adjust != 0.0 {
                    break;
                }
                adjust = a;
                last_unit = false;
            }
            NumWord::Hundred => {
                let base = if cur == 0.0 { 1.0 + adjust } else { cur };
                cur = base * 100.0;
                adjust = 0.0;
                multiplied = true;
                last_unit = false;
            }
            NumWord::Mult(m) => {
                let base = if cur == 0.0 { 1.0 + adjust } else { cur };
                if total > 0.0 && m > scale {
                    // `do hazaar crore`, `three thousand million`
                    total = (total + cur) * m;
                } else {
                    total += base * m;
                }
                scale = m;
                cur = 0.0;
                adjust = 0.0;
                multiplied = true;
                last_unit = false;
            }
        }
        seen_any = true;
        j += 1;
        end = j;
        // `five and a half million`, `one million and a half`, `one billion and a quarter million`
        if let Some((f, next)) = and_fraction(scan, j) {
            let mult_after = matches!(scan.num_word(next), Some(NumWord::Mult(_)));
            if last_unit && cur.fract() == 0.0 {
                cur += f;
                j = next;
                end = next;
                last_unit = false;
                if mult_after {
                    continue;
                }
                break;
            }
            if matches!(w, NumWord::Mult(_)) {
                if mult_after {
                    cur = f;
                    j = next;
                    last_unit = false;
                    continue;
                }
                total += f * scale;
                end = next;
                break;
            }
        }
        // `twenty-one`, `five hundred and ten`
        let joiner = (scan.is(j, "-") && scan.glued(j) && scan.glued(j + 1))
            || (is_and(scan.tok(j)) && !last_unit);
        if joiner && scan.kind(j + 1) == Some(TokKind::Word) && scan.num_word(j + 1).is_some() {
            j += 1;
        }
        if adjust != 0.0 {
            // An adjustment must be followed by a value.
            end = j - 1;
        }
    }
    if !seen_any || end == i {
        return None;
    }
    // A phrase starts with a value, not with `hazaar` or `sau` alone, unless money follows.
    let bare = matches!(scan.num_word(i), Some(NumWord::Mult(_) | NumWord::Hundred));
    if bare && !bare_multiplier && crate::lexicon::currency_after(scan.tok(end)).is_none() {
        return None;
    }
    let value = total + cur;
    if value <= 0.0 {
        return None;
    }
    Some(Number {
        value,
        first: i,
        end,
        words: true,
        multiplied,
        int_digits: 0,
        grouped: false,
        scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Option<(f64, usize)> {
        let norm = sandesh_text::normalize_light(text);
        let scan = Scan::new(&norm);
        number_at(&scan, 0).map(|n| (n.value, n.end))
    }

    #[test]
    fn digits_with_grouping_decimals_and_multipliers() {
        assert_eq!(num("1,50,000"), Some((150000.0, 1)));
        assert_eq!(num("150,000"), Some((150000.0, 1)));
        assert_eq!(num("2.5 lakh"), Some((250000.0, 2)));
        assert_eq!(num("5k"), Some((5000.0, 2)));
        assert_eq!(num("1.2cr"), Some((12000000.0, 2)));
        assert_eq!(num("1 lakh 20 hazaar"), Some((120000.0, 4)));
        assert_eq!(num("१५००"), Some((1500.0, 1)));
        assert_eq!(num("15.08.2025"), None);
        assert_eq!(num("1,5,0"), None);
    }

    #[test]
    fn and_joins_a_smaller_rest_only() {
        assert_eq!(num("3 hundred and 21"), Some((321.0, 4)));
        assert_eq!(num("5 hazaar aur 50"), Some((5050.0, 4)));
        assert_eq!(num("4 crore and two hundred"), Some((40000200.0, 5)));
        assert_eq!(num("2 सौ और एक"), Some((201.0, 4)));
        // Two numbers, not one: the rest is as large as the first multiplier, or zero.
        assert_eq!(num("3 sau aur 2 sau"), Some((300.0, 2)));
        assert_eq!(num("7 hundred and 0"), Some((700.0, 2)));
    }

    #[test]
    fn fractions_spoken_with_and() {
        assert_eq!(num("2 and a half lakh"), Some((250000.0, 5)));
        assert_eq!(num("1 and half lakh"), Some((150000.0, 4)));
        assert_eq!(num("four and a half lakh"), Some((450000.0, 5)));
        assert_eq!(num("7 lakh and a half"), Some((750000.0, 5)));
        assert_eq!(num("two crore and a quarter"), Some((22500000.0, 5)));
        assert_eq!(num("six crore and three quarters"), Some((67500000.0, 5)));
        assert_eq!(num("one crore and a half lakh"), Some((10050000.0, 6)));
        // A fraction with nothing to scale is no part of a grouped amount.
        assert_eq!(num("1,200 and a half"), Some((1200.0, 1)));
    }

    #[test]
    fn multipliers_compound() {
        assert_eq!(num("2 lakh crore"), Some((2e12, 3)));
        assert_eq!(num("do hazaar crore"), Some((2e10, 3)));
        assert_eq!(num("teen arab"), Some((3e9, 2)));
        assert_eq!(num("5 अरब"), Some((5e9, 2)));
        assert_eq!(num("seven krores"), Some((7e7, 2)));
    }

    #[test]
    fn indian_english_prices_in_hundreds() {
        assert_eq!(num("one fifty"), Some((150.0, 2)));
        assert_eq!(num("two forty five"), Some((245.0, 3)));
        // Only English words: `do bees` stays two numbers, `twenty one` stays 21.
        assert_eq!(num("do bees"), Some((2.0, 1)));
        assert_eq!(num("twenty one"), Some((21.0, 2)));
        assert_eq!(num("one two"), Some((1.0, 1)));
    }

    #[test]
    fn a_number_restated_in_brackets_is_one() {
        assert_eq!(num("45 (forty five)"), Some((45.0, 5)));
        assert_eq!(num("pachees (25)"), Some((25.0, 4)));
        assert_eq!(num("45 (46)"), Some((45.0, 1)));
        assert_eq!(num("45 (forty six)"), Some((45.0, 1)));
        assert_eq!(parse_number("eighty (80)"), Some(80.0));
    }

    #[test]
    fn number_words_in_many_languages() {
        assert_eq!(num("dedh lakh"), Some((150000.0, 2)));
        assert_eq!(num("dhai hazaar"), Some((2500.0, 2)));
        assert_eq!(num("saade teen sau"), Some((350.0, 3)));
        assert_eq!(num("sava lakh"), Some((125000.0, 2)));
        assert_eq!(num("paune do sau"), Some((175.0, 3)));
        assert_eq!(num("paanch sau"), Some((500.0, 2)));
        assert_eq!(num("do hazaar paanch sau"), Some((2500.0, 4)));
        assert_eq!(num("twenty five thousand"), Some((25000.0, 3)));
        assert_eq!(num("पाँच सौ"), Some((500.0, 2)));
        assert_eq!(num("ढाई लाख"), Some((250000.0, 2)));
        assert_eq!(num("पाचशे"), Some((500.0, 1)));
        assert_eq!(num("পাঁচশো"), Some((500.0, 1)));
        assert_eq!(num("ஐநூறு"), Some((500.0, 1)));
        assert_eq!(num("ಎರಡು ಸಾವಿರ"), Some((2000.0, 2)));
        assert_eq!(num("రెండు లక్షలు"), Some((200000.0, 2)));
        assert_eq!(num("അഞ്ച് ലക്ഷം"), Some((500000.0, 2)));
        assert_eq!(num("ਪੰਜ ਸੌ"), Some((500.0, 2)));
        assert_eq!(num("பதினெட்டாயிரம்"), Some((18000.0, 1)));
        assert_eq!(num("പതിനാലായിരം"), Some((14000.0, 1)));
        assert_eq!(num("બે હજાર"), Some((2000.0, 2)));
        assert_eq!(num("hello"), None);
    }
}

/// A number found in a text, with its span in the original characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberMatch {
    /// Where it is in the original text.
    pub span: sandesh_types::Span,
    /// Its value.
    pub value: f64,
}

/// Every number of `text`, as digits (`1,50,000`, `2.5 lakh`, `५००`) or words (`dedh lakh`,
/// `पाँच सौ`, `ಐನೂರು`), left to right, never overlapping.
pub fn find_numbers(text: &str) -> Vec<NumberMatch> {
    let norm = sandesh_text::normalize_light(text);
    let scan = Scan::new(&norm);
    let mut out = Vec::new();
    let mut i = 0;
    while i < scan.len() {
        match number_at(&scan, i) {
            Some(n) => {
                let span =
                    sandesh_types::Span::new(scan.toks[n.first].start, scan.toks[n.end - 1].end);
                if let Some(span) = norm.to_original(span) {
                    out.push(NumberMatch {
                        span,
                        value: n.value,
                    });
                }
                i = n.end;
            }
            None => i += 1,
        }
    }
    out
}

/// The value of a text that is one number and nothing else (`dhai lakh`, `1,50,000`).
pub fn parse_number(text: &str) -> Option<f64> {
    let norm = sandesh_text::normalize_light(text);
    let scan = Scan::new(&norm);
    let n = match scan.kind(0)? {
        TokKind::Word => restated(&scan, words_at(&scan, 0, true)?),
        _ => number_at(&scan, 0)?,
    };
    (n.end == scan.len()).then_some(n.value)
}
