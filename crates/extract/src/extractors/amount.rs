//! Sums of money: a currency sign or word on either side (`₹4,500`, `Rs.150/-`, `500 rupaye`,
//! `৮৯৯ টাকার`), lakh/crore/k multipliers, number words, ranges, foreign currency; a bare number
//! only when a money word stands near it.

use crate::lexicon::{currency_after, currency_before, is_money_cue, unit_word};
use crate::numbers::{number_at, Number};
use crate::scan::{Gap, TokKind};
use crate::{Candidate, Extractor, Input};
use sandesh_types::{EntityKind, EntityValue};

/// Nouns that make a multiplied number a count, not money (`5k followers`).
const COUNT_NOUNS: &[&str] = &[
    "pages",
    "copies",
    "bale",
    "bales",
    "pax",
    "jana",
    "bullion",
    "gold",
    "chain",
    "chains",
    "carat",
    "karat",
    "ct",
    "m",
    "mm",
    "coil",
    "paise",
    "paisa",
    "sq",
    "followers",
    "follower",
    "views",
    "likes",
    "subscribers",
    "people",
    "log",
    "logo",
    "km",
    "kms",
    "steps",
    "units",
    "users",
    "customers",
    "members",
    "students",
    "copies",
    "pieces",
    "pcs",
    "messages",
    "downloads",
    "visitors",
    "sqft",
    "sq",
    "feet",
    "ft",
    "plants",
    "trees",
    "calories",
];

/// Words after a number that make it something else: time, percentage, ordinal, duration.
const NOT_MONEY_AFTER: &[&str] = &[
    "%",
    "baje",
    "bje",
    "am",
    "pm",
    "st",
    "nd",
    "rd",
    "th",
    "din",
    "days",
    "day",
    "months",
    "month",
    "mahine",
    "saal",
    "sal",
    "years",
    "year",
    "yrs",
    "yr",
    "hours",
    "hrs",
    "hr",
    "ghante",
    "ghanta",
    "minutes",
    "mins",
    "min",
    "log",
    "people",
    "persons",
    "guests",
    "bhk",
    "floor",
    "percent",
    "tarikh",
    "tareekh",
    "taarikh",
    "number",
    "no",
    "gb",
    "mb",
    "mp",
    "inch",
    "seater",
    "star",
    "sal",
    "varsh",
    "बजे",
    "दिन",
    "साल",
    "महीने",
    "%",
];

/// Words right before a bare number that make it an age, a class, a flat or a model number.
const NOT_MONEY_BEFORE: &[&str] = &[
    "age",
    "aged",
    "umar",
    "umr",
    "boyosh",
    "vayasu",
    "vayassu",
    "vayas",
    "class",
    "std",
    "standard",
    "flat",
    "room",
    "no",
    "number",
    "roll",
    "नंबर",
    "नम्बर",
    "model",
    "note",
    "gen",
    "floor",
    "sector",
    "plot",
    "house",
    "version",
    "form",
    "iphone",
    "galaxy",
    "redmi",
    "pixel",
    "oneplus",
    "tarikh",
    "tareekh",
    "date",
    "तारीख",
    "batch",
    "table",
    "seat",
    "gate",
    "platform",
    "ward",
    "bed",
    "unit",
    "block",
    "lane",
    "road",
    "उम्र",
    "उमर",
    "वय",
    "বয়স",
    "ઉંમર",
    "ਉਮਰ",
    "வயது",
    "వయసు",
    "ವಯಸ್ಸು",
    "വയസ്സ്",
    "कक्षा",
    "इयत्ता",
    "ধোরণ",
    "ધોરણ",
];

/// Whether a word counts people (`300 பேர்`, `150 jana`, `८ जणांसाठी`).
fn people_count(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "பேர",
        "మంది",
        "जण",
        "জন",
        "ಜನ",
        "പേര",
        "लोग",
        "ਲੋਕ",
        "લોક",
        "people",
        "persons",
        "guests",
        "members",
        "log",
        "logo",
        "jan",
        "mandi",
        "dina",
        "ദിവസ",
        "दिवस",
        "দিন",
        "நாள",
        "రోజు",
        "ದಿನ",
        "દિવસ",
        "ਦਿਨ",
        "rojulu",
        "പേർ",
        "divas",
        "bande",
        "bandey",
        "bandiy",
        "ਬੰਦ",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
}

/// `₹1,50,000` → 150000 INR; `5-6k` → 5000..6000; `$200` → 200 USD.
#[derive(Debug, Default, Clone, Copy)]
pub struct AmountExtractor;

fn currency_sign_before(input: &Input<'_>, first: usize) -> Option<(usize, &'static str)> {
    let scan = &input.scan;
    if first == 0 {
        return None;
    }
    let mut k = first - 1;
    // `Rs.`, `Rs:` and `₹ ` all lead to the number.
    if matches!(scan.tok(k), "." | ":") && k > 0 {
        if let Some(c) = currency_before(scan.tok(k - 1)) {
            if scan.toks[k].gap != Gap::Newline {
                return Some((k - 1, c));
            }
        }
    }
    if scan.toks[first].gap == Gap::Newline {
        return None;
    }
    let c = currency_before(scan.tok(k))?;
    // A word currency glued to a word (`mrs`) is no currency.
    if scan.kind(k) == Some(TokKind::Word)
        && scan.glued(k)
        && scan.kind(k - 1) == Some(TokKind::Word)
    {
        return None;
    }
    if k > 0 && scan.is(k - 1, "/") && scan.glued(k) {
        k -= 0;
    }
    Some((k, c))
}

/// The currency word after the number and the token it ends at, plus a `/-` suffix.
fn currency_sign_after(input: &Input<'_>, end: usize) -> Option<(usize, &'static str)> {
    let scan = &input.scan;
    if end >= scan.len() || scan.toks[end].gap == Gap::Newline {
        return None;
    }
    if scan.is(end, "/") && scan.is(end + 1, "-") && scan.glued(end) && scan.glued(end + 1) {
        return Some((end + 1, "INR"));
    }
    if scan.kind(end) == Some(TokKind::Sym) {
        // `10$`, `10 €`; not the sign of the next amount (`1121 ₹95`).
        if scan.kind(end + 1) == Some(TokKind::Num) {
            return None;
        }
        return match scan.tok(end) {
            "$" => Some((end, "USD")),
            "€" => Some((end, "EUR")),
            "£" => Some((end, "GBP")),
            "₹" => Some((end, "INR")),
            _ => None,
        };
    }
    if scan.kind(end) != Some(TokKind::Word) {
        return None;
    }
    // `10 US dollars`, `10 अमेरिकी डॉलर`
    if matches!(scan.tok(end), "us" | "american" | "अमेरिकी" | "अमरीकी")
        && currency_after(scan.tok(end + 1)) == Some("USD")
    {
        return Some((end + 1, "USD"));
    }
    let c = currency_after(scan.tok(end))?;
    let mut last = end;
    if scan.is(end + 1, "/") && scan.is(end + 2, "-") && scan.glued(end + 1) {
        last = end + 2;
    } else if scan.is(end + 1, ".")
        && scan.glued(end + 1)
        && !scan.tok(end).is_ascii()
        && scan.tok(end).chars().count() <= 3
    {
        // A native abbreviation keeps its dot (`25,000 ರೂ.`, LABELS.md).
        last = end + 1;
    }
    Some((last, c))
}

/// An amount restated in words in brackets, as invoices and offer letters write it
/// (`Rs. 25,000/- (Rupees Twenty Five Thousand Only)`): the token of the closing bracket.
fn restated_end(input: &Input<'_>, end: usize, value: f64) -> Option<usize> {
    let scan = &input.scan;
    if !scan.is(end + 1, "(") || scan.toks[end + 1].gap == Gap::Newline {
        return None;
    }
    let mut k = end + 2;
    if currency_before(scan.tok(k)).is_some() && scan.kind(k) == Some(TokKind::Word) {
        k += 1;
    }
    let again = number_at(scan, k).filter(|m| m.value == value)?;
    k = again.end;
    if currency_after(scan.tok(k)).is_some() {
        k += 1;
    }
    if matches!(scan.tok(k), "only" | "matra" | "मात्र" | "ka" | "hi") {
        k += 1;
    }
    scan.is(k, ")").then_some(k)
}

fn money_cue_near(input: &Input<'_>, first: usize, end: usize) -> bool {
    let scan = &input.scan;
    let lo = first.saturating_sub(4);
    let hi = (end + 3).min(scan.len());
    // Stay on the same line.
    let mut line_lo = lo;
    for k in (lo + 1..=first).rev() {
        if scan.toks[k].gap == Gap::Newline {
            line_lo = k;
            break;
        }
    }
    let mut line_hi = hi;
    for k in end..hi {
        if scan.toks[k].gap == Gap::Newline {
            line_hi = k;
            break;
        }
    }
    (line_lo..line_hi).any(|k| (k < first || k >= end) && is_money_cue(scan.tok(k)))
}

fn excluded_after(input: &Input<'_>, end: usize) -> bool {
    let scan = &input.scan;
    let t = scan.tok(end);
    if t.is_empty() || scan.toks.get(end).is_some_and(|x| x.gap == Gap::Newline) {
        return false;
    }
    // `12 chairs`, `20 trays`, `1000 messages`: a count of a plural English noun.
    let plural_noun = scan.kind(end) == Some(TokKind::Word)
        && t.is_ascii()
        && t.len() > 3
        && t.ends_with('s')
        // Romanized words end in a vowel and s (`wapas`, `paas`, `bas`); English plurals rarely.
        && !(t.ends_with("as") || t.ends_with("is") || t.ends_with("us") || t.ends_with("os"))
        && !is_money_cue(t)
        && currency_after(t).is_none()
        && !matches!(
            t,
            "rupees" | "bucks" | "dollars" | "less" | "plus" | "this" | "was" | "has" | "lakhs"
        );
    // `1121 ₹95`: the sign belongs to the next number.
    let next_sign = currency_before(t).is_some() && scan.kind(end + 1) == Some(TokKind::Num);
    plural_noun
        || next_sign
        || NOT_MONEY_AFTER.contains(&t)
        || unit_word(t).is_some()
        || (scan.glued(end) && scan.kind(end) == Some(TokKind::Word))
        || (scan.glued(end) && matches!(t, ":" | "/" | "x" | "*"))
        || (scan.glued(end) && t == "+" && scan.kind(end + 1) == Some(TokKind::Num))
        || (scan.glued(end)
            && t == "."
            && scan.kind(end + 1) == Some(TokKind::Num)
            && scan.glued(end + 1))
}

impl Extractor for AmountExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Amount
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let mut i = 0;
        // End token of the last amount, for lists (`tamatar 28, pyaaz 35, aaloo 22`).
        let mut last_amount_end: Option<usize> = None;
        // Value and line of the last amount, for comparisons (`₹350 me hoga, pehle 300 tha`).
        let mut last_amount: Option<(f64, usize)> = None;
        let line_of = |k: usize| -> usize {
            (1..=k.min(scan.len().saturating_sub(1)))
                .rev()
                .take(40)
                .position(|j| scan.toks[j].gap == Gap::Newline)
                .map_or(0, |p| k - p)
        };
        while i < scan.len() {
            let Some(mut n) = number_at(scan, i) else {
                i += 1;
                continue;
            };
            // A word number inside a longer phrase already read, or digits glued to letters.
            if n.words && i > 0 && number_at(scan, i - 1).is_some_and(|p| p.words && p.end > i) {
                i = n.end;
                continue;
            }
            let glued_letter_before = scan.glued(i)
                && scan.kind(i - 1) == Some(TokKind::Word)
                && currency_before(scan.tok(i - 1)).is_none();
            if !n.words && glued_letter_before {
                i = n.end;
                continue;
            }
            let before = currency_sign_before(input, i);
            // `₹2.5L`: a glued `l` is lakh once a currency is written.
            if !n.words
                && !n.multiplied
                && before.is_some()
                && scan.glued(n.end)
                && scan.is(n.end, "l")
            {
                n.value *= 1e5;
                n.multiplied = true;
                n.scale = 1e5;
                n.end += 1;
            }
            // Ranges: `5-6k`, `10 se 12 hazaar`, `₹500-700`.
            let mut range: Option<Number> = None;
            if matches!(
                scan.tok(n.end),
                "-" | "–" | "to" | "se" | "—" | "te" | "ते" | "থেকে" | "thi" | "થી" | "ਤੋਂ"
            ) {
                // `₹3000-₹8000`: the sign may be repeated on the upper end.
                let upper = if matches!(scan.tok(n.end), "-" | "–")
                    && currency_before(scan.tok(n.end + 1)).is_some()
                    && scan.kind(n.end + 2) == Some(TokKind::Num)
                {
                    n.end + 2
                } else {
                    n.end + 1
                };
                if let Some(m) = number_at(scan, upper) {
                    if m.words == n.words && scan.toks[n.end].gap != Gap::Newline {
                        let lo = if !n.multiplied && m.multiplied {
                            n.value * m.scale
                        } else {
                            n.value
                        };
                        // A range's ends are of one size (`5-6k`, `₹500-700`); `771 - ₹1,18,400`
                        // is a bill number and its amount.
                        if lo < m.value && lo > 0.0 && m.value <= 10.0 * lo {
                            n.value = lo;
                            if m.multiplied {
                                n.multiplied = true;
                                n.scale = m.scale;
                            }
                            range = Some(m);
                        }
                    }
                }
            }
            let num_end = range.map_or(n.end, |m| m.end);
            // A sign after the number belongs to it only when none comes before (`$ 30 $ 40`).
            let after = currency_sign_after(input, num_end).filter(|a| {
                before.is_none() || scan.kind(a.0) == Some(TokKind::Word) || a.0 > num_end
            });
            let currency = before.map(|b| b.1).or(after.map(|a| a.1));
            let strong_currency = currency.is_some();
            if !strong_currency {
                // `35k/month`, `2999/month`, `500 per day`
                let per_period = scan.is(num_end, "/")
                    && matches!(
                        scan.tok(num_end + 1),
                        "month"
                            | "mo"
                            | "m"
                            | "pm"
                            | "year"
                            | "yr"
                            | "day"
                            | "din"
                            | "mahina"
                            | "night"
                            | "hr"
                            | "hour"
                            | "kg"
                            | "pc"
                            | "piece"
                    )
                    || (scan.is(num_end, "per")
                        && matches!(
                            scan.tok(num_end + 1),
                            "month" | "day" | "year" | "night" | "head" | "plate" | "person"
                        ));
                // Bare numbers: money only in context, and never times, dates, units, IDs.
                // `Flat no. 402`: the word before a dot counts.
                let before_word = if i >= 2 && scan.is(i - 1, ".") {
                    scan.tok(i - 2)
                } else {
                    scan.tok(i.wrapping_sub(1))
                };
                let count_after =
                    COUNT_NOUNS.contains(&scan.tok(num_end)) || people_count(scan.tok(num_end));
                // `RTX 4060`, `MCB 32`: a model number after a capitalised code.
                let prev = i.checked_sub(1);
                let model = !n.multiplied
                    && prev.is_some_and(|p| {
                        let w = scan.tok(p);
                        scan.kind(p) == Some(TokKind::Word)
                            && w.is_ascii()
                            && (2..=5).contains(&w.len())
                            && currency_before(w).is_none()
                            && !is_money_cue(w)
                            && (scan.toks[p].start..scan.toks[p].end).all(|c| {
                                input
                                    .original_char(c)
                                    .is_some_and(|ch| ch.is_ascii_uppercase())
                            })
                    });
                if (excluded_after(input, num_end) && !per_period)
                    || NOT_MONEY_BEFORE.contains(&before_word)
                    || model
                    || count_after
                    || (i > 0
                        && scan.glued(i)
                        && matches!(scan.tok(i - 1), "#" | "+" | "/" | ":" | "-" | "." | "x"))
                {
                    i = num_end;
                    continue;
                }
                let multiplied_ok = !n.words && n.multiplied && n.scale >= 1e3 && !count_after;
                let words_big = n.words && n.multiplied && n.value >= 1000.0 && !count_after;
                let words_ok = n.words && n.multiplied && n.value >= 100.0 && !count_after;
                // A list item after an amount: `<word> <number>` after a comma, on one line.
                let listed = i >= 3
                    && scan.kind(i - 1) == Some(TokKind::Word)
                    && scan.is(i - 2, ",")
                    && last_amount_end.is_some_and(|e| e + 1 == i - 2)
                    && scan.toks[i].gap != Gap::Newline;
                // A number of the same size as an amount just before it on the line, compared
                // with it (`₹350 me hoga, pehle 300 tha`, `14000 likha hai par baat 16000`).
                let compared = !n.words
                    && n.value >= 100.0
                    && last_amount.is_some_and(|(v, start)| {
                        line_of(i) == line_of(start)
                            && i - start <= 30
                            && n.value >= 0.5 * v
                            && n.value <= 2.0 * v
                    });
                // A price per unit: `kg ki 800`, `litre nu 50`, `quintal ke 9800`.
                let per_unit = i >= 2
                    && matches!(
                        scan.tok(i - 1),
                        "ki" | "ke" | "nu" | "ku" | "ge" | "kku" | "की" | "के"
                    )
                    && crate::lexicon::unit_word(scan.tok(i - 2)).is_some();
                // A ceiling: `2000 tak dikhao`, `3000 ni andar`, `5000 ke andar`.
                let ceiling = !n.words
                    && n.value >= 100.0
                    && (scan.is(num_end, "tak")
                        || scan.is(num_end + 1, "andar")
                            && matches!(scan.tok(num_end), "ke" | "ni" | "ki"));
                let cue = listed
                    || (input.money_context && !n.words && n.value >= 100.0)
                    || compared
                    || per_unit
                    || ceiling
                    || money_cue_near(input, i, num_end);
                // A year-like number is money only with a money word right beside it
                // (`advance 2000 bhej diya`).
                let cue_adjacent =
                    (i > 0 && is_money_cue(scan.tok(i - 1))) || is_money_cue(scan.tok(num_end));
                let year_like = !n.words
                    && !n.multiplied
                    && n.int_digits == 4
                    && (1900.0..=2099.0).contains(&n.value)
                    && n.value % 100.0 != 0.0
                    && !cue_adjacent;
                let too_long = !n.grouped && n.int_digits > 8;
                let grouped_ok = n.grouped && n.value >= 1000.0 && !count_after;
                let small = !n.multiplied && n.value < 10.0;
                let ok = multiplied_ok
                    || words_big
                    || grouped_ok
                    || (words_ok && cue)
                    || (!n.words
                        && (cue || per_period)
                        && (!year_like || compared)
                        && !too_long
                        && !small);
                if !ok {
                    i = num_end.max(i + 1);
                    continue;
                }
            }
            let start_tok = before.map_or(i, |b| b.0);
            let mut end_tok = after.map_or(num_end - 1, |a| a.0);
            // A case ending written on the amount stays in it (`₹15,000ன்னு`, `৮৯৯ টাকার`,
            // `18,000-னு`).
            // A rupee word takes no second word glued to it, only a hyphenated ending.
            let ext = scan.suffix_end(end_tok + 1);
            if !(ext == end_tok + 2 && scan.kind(end_tok) == Some(TokKind::Word)) {
                end_tok = ext - 1;
            }
            end_tok = restated_end(input, end_tok, n.value).unwrap_or(end_tok);
            let currency = currency.unwrap_or("INR");
            let value = match range {
                Some(m) => EntityValue::Money {
                    amount: n.value,
                    currency: currency.into(),
                    min: Some(n.value),
                    max: Some(m.value),
                },
                None => EntityValue::money(n.value, currency),
            };
            out.push(
                Candidate::tokens(
                    scan,
                    EntityKind::Amount,
                    start_tok,
                    end_tok,
                    if strong_currency {
                        super::priority::AMOUNT_CURRENCY
                    } else {
                        super::priority::AMOUNT_CONTEXT
                    },
                )
                .with_value(value),
            );
            last_amount_end = Some(end_tok);
            last_amount = Some((n.value, start_tok));
            i = end_tok + 1;
        }
    }
}
