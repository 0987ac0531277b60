//! Entity extraction on external suites, read in place from `../shared/eval/` (never copied):
//! Microsoft Recognizers-Text specs (Hindi and English numbers, currency, phones, e-mails),
//! Duckling corpora (numerals in hi, bn, kn, ml, ta, te, en; money; EN_IN dates; phones;
//! e-mails) and `_mapped/entity_eval.jsonl`. Every case is either scored or listed as excluded
//! with the rule that excludes it; pass rates are printed per file (`cargo test -p sandesh-bench
//! --test harness external_entities -- --nocapture`). Floors sit under the measured rates so a
//! regression shows. Skipped, with a message, where `../shared` is absent.

use sandesh::extract::{find_numbers, parse_number, Date, Extractors};
use sandesh::{EntityKind, EntityValue};
use serde_json::Value;
use std::collections::BTreeMap;

fn eval_file(rel: &str) -> Option<Value> {
    let path = sandesh_bench::repo_root().join("../shared/eval").join(rel);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "skipping: {} is absent (external benchmark data is read in place)",
            path.display()
        );
        return None;
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    Some(serde_json::from_str(text).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

/// Pass counts of one file, with the excluded cases and the reason for each.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    excluded: BTreeMap<&'static str, Vec<String>>,
}

impl Tally {
    fn scored(&self) -> usize {
        self.passed + self.failed.len()
    }

    fn rate(&self) -> f64 {
        self.passed as f64 / self.scored().max(1) as f64
    }

    fn check(&mut self, ok: bool, case: String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed.push(case);
        }
    }

    fn exclude(&mut self, why: &'static str, case: String) {
        self.excluded.entry(why).or_default().push(case);
    }

    fn print(&self, name: &str) {
        println!(
            "{name}: {}/{} in scope pass ({:.1}%), {} excluded",
            self.passed,
            self.scored(),
            100.0 * self.rate(),
            self.excluded.values().map(Vec::len).sum::<usize>()
        );
        for (why, cases) in &self.excluded {
            println!("    excluded ({why}): {}", cases.join(" | "));
        }
        for f in self.failed.iter().take(15) {
            println!("    FAIL {f}");
        }
        if self.failed.len() > 15 {
            println!("    … {} more failures", self.failed.len() - 15);
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// Why a numeral case is outside what Sandesh reads, if it is.
fn numeral_exclusion(input: &str, value: f64) -> Option<&'static str> {
    let lower = input.to_lowercase();
    if value < 1.0 || value.fract() != 0.0 {
        return Some("zero, fractions and decimals in words are not money in chat");
    }
    if value >= 1e12 {
        return Some("beyond a thousand crore");
    }
    if ["minus", "negative", "-"]
        .iter()
        .any(|w| lower.starts_with(w))
    {
        return Some("negative numbers");
    }
    if [
        "dozen",
        "couple",
        "pair",
        "few",
        "grand",
        "score",
        "gross",
        "hundreds",
        "दर्जन",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Some("counting idioms (dozen, couple) are quantities, not numbers");
    }
    if lower.contains('e') && lower.chars().any(|c| c.is_ascii_digit()) && !lower.contains(' ') {
        return Some("scientific notation");
    }
    if lower.contains("point") {
        return Some("spoken decimals (\"two point two\")");
    }
    if [
        "fifth",
        "पांचवा",
        "पाँचवा",
        "पांचवी",
        "पाँचवी",
        "पा\u{902}चवा",
        "पा\u{902}चवी",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Some("fractions in words (\"twenty fifths\")");
    }
    let t = lower.trim();
    if t.chars()
        .last()
        .is_some_and(|c| matches!(c, 'm' | 'g' | 'b'))
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
    {
        return Some(
            "SI and short-scale suffixes (3M, 10G, 1.2b): Indian chat writes lakh and crore",
        );
    }
    if t.split(' ').filter(|p| !p.is_empty()).count() > 1
        && t.split(' ')
            .all(|p| p.is_empty() || p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("digits grouped with spaces (in chat, separate numbers or a phone)");
    }
    None
}

fn numerals(rel: &str, tally: &mut Tally) {
    let Some(file) = eval_file(rel) else { return };
    for ex in file["examples"].as_array().unwrap() {
        let Some(value) = ex["value"].as_f64() else {
            continue;
        };
        for input in ex["inputs"].as_array().unwrap() {
            let input = input.as_str().unwrap();
            let case = format!("{input:?} → {value}");
            if let Some(why) = numeral_exclusion(input, value) {
                tally.exclude(why, case);
                continue;
            }
            let got = parse_number(input);
            tally.check(
                got.is_some_and(|g| close(g, value)),
                format!("{case}, got {got:?}"),
            );
        }
    }
}

fn currency_code(name: &str) -> Option<&'static str> {
    match name {
        "Dollar" | "United States dollar" => Some("USD"),
        "Euro" => Some("EUR"),
        "Pound" | "British pound" => Some("GBP"),
        "Rupee" | "Indian rupee" | "INR" => Some("INR"),
        "United Arab Emirates dirham" | "Dirham" => Some("AED"),
        _ => None,
    }
}

/// Why a money case is outside what Sandesh reads, if it is.
fn money_exclusion(input: &str, currency: &str) -> Option<&'static str> {
    let lower = input.to_lowercase();
    if currency == "Unnamed" {
        return Some("a bare number is money only when context says so (LABELS.md)");
    }
    if currency_code(currency).is_none() {
        return Some("currencies other than INR, USD, EUR, GBP, AED");
    }
    if [
        "cent",
        "nickel",
        "dime",
        "quarter",
        "penny",
        "pence",
        "grand",
        "paise",
        "सेंट",
        "से\u{947}\u{902}ट",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Some("coins and slang (cents, nickels, grand)");
    }
    // `20 dollars 43`, `तेरह डॉलर पैंतालीस`: cents spoken after the currency word.
    let words: Vec<&str> = lower.split_whitespace().collect();
    let currency_words = [
        "dollar",
        "dollars",
        "usd",
        "rupees",
        "डॉलर",
        "euro",
        "euros",
    ];
    if words.len() >= 3
        && words[..words.len() - 1]
            .iter()
            .any(|w| currency_words.contains(w) || w.ends_with('$'))
        && !currency_words.contains(words.last().unwrap_or(&""))
    {
        return Some("cents spoken after the currency word (\"20 dollars 43\")");
    }
    if lower.contains("buck") {
        return Some("\"bucks\" reads as rupees in Indian chat");
    }
    if [
        " and ", "point", "about", "around", "approx", "exactly", "almost",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Some("approximations and spoken decimals");
    }
    None
}

fn money_value(e: &sandesh::Entity) -> Option<(f64, &str)> {
    match &e.value {
        Some(EntityValue::Money {
            amount, currency, ..
        }) => Some((*amount, currency.as_str())),
        _ => None,
    }
}

fn whole(text: &str, e: &sandesh::Entity) -> bool {
    e.span.start == text.chars().take_while(|c| c.is_whitespace()).count()
        && e.span.end == text.trim_end().chars().count()
}

fn duckling_money(rel: &str, ex: &Extractors, tally: &mut Tally) {
    let Some(file) = eval_file(rel) else { return };
    for example in file["examples"].as_array().unwrap() {
        let v = &example["value"];
        let (Some(currency), Some(amount)) = (v["currency"].as_str(), v["amount"].as_f64()) else {
            for input in example["inputs"].as_array().unwrap() {
                tally.exclude(
                    "ranges and bounds (between, under, over)",
                    input.to_string(),
                );
            }
            continue;
        };
        for input in example["inputs"].as_array().unwrap() {
            let input = input.as_str().unwrap();
            let case = format!("{input:?} → {amount} {currency}");
            if let Some(why) = money_exclusion(input, currency) {
                tally.exclude(why, case);
                continue;
            }
            let found = ex.extract(input, None);
            let amounts: Vec<_> = found
                .iter()
                .filter(|e| e.kind == EntityKind::Amount)
                .collect();
            let ok = amounts.len() == 1
                && whole(input, amounts[0])
                && money_value(amounts[0])
                    .is_some_and(|(a, c)| close(a, amount) && Some(c) == currency_code(currency));
            tally.check(
                ok,
                format!(
                    "{case}, got {:?}",
                    amounts
                        .iter()
                        .map(|e| (&e.text, money_value(e)))
                        .collect::<Vec<_>>()
                ),
            );
        }
    }
    for neg in file["negative_examples"].as_array().unwrap() {
        let input = neg.as_str().unwrap();
        let found = ex.extract(input, None);
        tally.check(
            !found.iter().any(|e| e.kind == EntityKind::Amount),
            format!("negative {input:?}, got {found:?}"),
        );
    }
}

/// Whether a phone number is Indian, by its digits.
fn indian(digits: &str) -> bool {
    let d = digits.trim_start_matches('+');
    (d.len() == 12 && d.starts_with("91"))
        || (d.len() == 10 && matches!(d.as_bytes()[0], b'6'..=b'9'))
        || (d.len() == 11 && d.starts_with('0'))
}

fn phones(name: &str, cases: Vec<(String, Option<String>)>, ex: &Extractors, tally: &mut Tally) {
    for (input, expected) in cases {
        match expected {
            Some(digits) if indian(&digits) => {
                let found = ex.extract(&input, None);
                let ok = found.iter().any(|e| {
                    e.kind == EntityKind::Phone
                        && matches!(&e.value, Some(EntityValue::Text(v)) if v.ends_with(&digits[digits.len() - 10..]))
                });
                tally.check(ok, format!("{input:?}, got {found:?}"));
            }
            Some(_) => tally.exclude("numbers outside India (+91 only)", input),
            None => {
                let found = ex.extract(&input, None);
                tally.check(
                    !found.iter().any(|e| e.kind == EntityKind::Phone),
                    format!("negative {input:?}, got {found:?}"),
                );
            }
        }
    }
    let _ = name;
}

fn digits_of(s: &str) -> String {
    s.chars()
        .filter_map(|c| c.to_digit(10).map(|d| char::from(b'0' + d as u8)))
        .collect()
}

#[test]
fn duckling_numerals_money_phones_emails_and_dates() {
    let ex = Extractors::default();
    let mut all_numbers = Tally::default();
    for lang in ["HI", "BN", "KN", "ML", "TA", "TE", "EN"] {
        let mut t = Tally::default();
        numerals(&format!("duckling/Numeral_{lang}.json"), &mut t);
        if t.scored() + t.excluded.len() == 0 {
            return;
        }
        t.print(&format!("duckling Numeral_{lang}"));
        all_numbers.passed += t.passed;
        all_numbers.failed.extend(t.failed);
    }
    let mut money = Tally::default();
    duckling_money("duckling/AmountOfMoney_EN.json", &ex, &mut money);
    duckling_money("duckling/AmountOfMoney_EN_IN.json", &ex, &mut money);
    money.print("duckling AmountOfMoney EN + EN_IN");

    let mut phone = Tally::default();
    if let Some(file) = eval_file("duckling/PhoneNumber.json") {
        let mut cases = Vec::new();
        for example in file["examples"].as_array().unwrap() {
            let expected = example["value"].as_str().map(digits_of);
            for input in example["inputs"].as_array().unwrap() {
                cases.push((input.as_str().unwrap().to_string(), expected.clone()));
            }
        }
        for neg in file["negative_examples"].as_array().unwrap() {
            cases.push((neg.as_str().unwrap().to_string(), None));
        }
        phones("duckling PhoneNumber", cases, &ex, &mut phone);
        phone.print("duckling PhoneNumber");
    }

    let mut email = Tally::default();
    if let Some(file) = eval_file("duckling/Email_EN.json") {
        for example in file["examples"].as_array().unwrap() {
            for input in example["inputs"].as_array().unwrap() {
                let input = input.as_str().unwrap();
                if !input.contains('@') {
                    email.exclude(
                        "spoken addresses (\"alice at example.io\")",
                        input.to_string(),
                    );
                    continue;
                }
                let found = ex.extract(input, None);
                email.check(
                    found.iter().any(|e| e.kind == EntityKind::Email),
                    format!("{input:?}"),
                );
            }
        }
        for neg in file["negative_examples"].as_array().unwrap() {
            let input = neg.as_str().unwrap();
            let found = ex.extract(input, None);
            email.check(
                !found.iter().any(|e| e.kind == EntityKind::Email),
                format!("negative {input:?}"),
            );
        }
        email.print("duckling Email_EN");
    }

    let mut dates = Tally::default();
    if let Some(file) = eval_file("duckling/Time_EN_IN.json") {
        // Duckling's tests resolve against Tuesday 2013-02-12.
        let reference = Date::new(2013, 2, 12);
        for example in file["examples"].as_array().unwrap() {
            let v = &example["value"];
            for input in example["inputs"].as_array().unwrap() {
                let input = input.as_str().unwrap();
                let (Some(dt), Some("Day")) = (v["datetime"].as_str(), v["grain"].as_str()) else {
                    dates.exclude("times and intervals (dates only here)", input.to_string());
                    continue;
                };
                if input.contains(" / ") || input.contains(" - ") || input.split(' ').count() > 2 {
                    dates.exclude(
                        "dates written with spaces around the separator",
                        input.to_string(),
                    );
                    continue;
                }
                let found = ex.extract(input, reference);
                let ok = found.iter().any(|e| {
                    e.kind == EntityKind::Date && e.resolved.as_deref() == Some(&dt[..10])
                });
                dates.check(ok, format!("{input:?} → {}, got {found:?}", &dt[..10]));
            }
        }
        dates.print("duckling Time_EN_IN (dates)");
    }

    // Floors under the measured rates (see README), so that a regression shows.
    assert!(
        all_numbers.rate() >= 0.94,
        "numerals {:.3}",
        all_numbers.rate()
    );
    println!(
        "duckling numerals, all languages: {}/{} ({:.1}%)",
        all_numbers.passed,
        all_numbers.scored(),
        100.0 * all_numbers.rate()
    );
    assert!(money.rate() >= 0.9, "money {:.3}", money.rate());
    assert!(phone.rate() >= 0.9, "phones {:.3}", phone.rate());
    assert!(email.rate() >= 0.8, "e-mails {:.3}", email.rate());
}

/// Recognizers-Text cases: `{Input, Results: [{Text, TypeName, Resolution, Start, End}]}`, End
/// inclusive.
fn specs(rel: &str) -> Vec<Value> {
    eval_file(rel)
        .map(|v| v.as_array().cloned().unwrap_or_default())
        .unwrap_or_default()
}

fn recognizers_numbers(rel: &str, tally: &mut Tally) {
    for case in specs(rel) {
        let input = case["Input"].as_str().unwrap_or_default();
        let results = case["Results"].as_array().cloned().unwrap_or_default();
        for r in results {
            let text = r["Text"].as_str().unwrap_or_default();
            let Some(value) = r["Resolution"]["value"]
                .as_str()
                .and_then(|v| v.parse::<f64>().ok())
            else {
                tally.exclude("values that are not plain numbers", text.to_string());
                continue;
            };
            let desc = format!("{text:?} in {input:?} → {value}");
            if let Some(why) = numeral_exclusion(text, value) {
                tally.exclude(why, desc);
                continue;
            }
            if text.contains('/') || text.contains('%') || input.matches('.').count() >= 3 {
                tally.exclude("fractions and percentages", desc);
                continue;
            }
            let (Some(start), Some(end)) = (r["Start"].as_u64(), r["End"].as_u64()) else {
                continue;
            };
            let found = find_numbers(input);
            let ok = found.iter().any(|n| {
                n.span.start == start as usize
                    && n.span.end == end as usize + 1
                    && close(n.value, value)
            });
            tally.check(
                ok,
                format!(
                    "{desc}, got {:?}",
                    found.iter().map(|n| n.value).collect::<Vec<_>>()
                ),
            );
        }
    }
}

fn recognizers_currency(rel: &str, ex: &Extractors, tally: &mut Tally) {
    for case in specs(rel) {
        let input = case["Input"].as_str().unwrap_or_default();
        for r in case["Results"].as_array().cloned().unwrap_or_default() {
            let text = r["Text"].as_str().unwrap_or_default();
            let unit = r["Resolution"]["unit"].as_str().unwrap_or_default();
            let value = r["Resolution"]["value"]
                .as_str()
                .and_then(|v| v.parse::<f64>().ok());
            let desc = format!("{text:?} → {value:?} {unit}");
            let Some(value) = value else {
                tally.exclude("no numeric value", desc);
                continue;
            };
            if let Some(why) = money_exclusion(text, unit) {
                tally.exclude(why, desc);
                continue;
            }
            if ["million", "billion", "trillion", "मिलियन", "बिलियन", "अरब"]
                .iter()
                .any(|w| text.to_lowercase().contains(w))
            {
                tally.exclude(
                    "millions and billions (Indian chat counts in lakh and crore)",
                    desc,
                );
                continue;
            }
            let found = ex.extract(input, None);
            let ok = found.iter().any(|e| {
                e.kind == EntityKind::Amount
                    && money_value(e)
                        .is_some_and(|(a, c)| close(a, value) && Some(c) == currency_code(unit))
            });
            tally.check(
                ok,
                format!(
                    "{desc}, got {:?}",
                    found
                        .iter()
                        .filter(|e| e.kind == EntityKind::Amount)
                        .map(|e| (&e.text, money_value(e)))
                        .collect::<Vec<_>>()
                ),
            );
        }
    }
}

#[test]
fn recognizers_text_numbers_currency_phones_emails() {
    let ex = Extractors::default();
    if eval_file("recognizers-text/Number__Hindi__NumberModel.json").is_none() {
        return;
    }
    let mut numbers = Tally::default();
    for rel in [
        "recognizers-text/Number__Hindi__NumberModel.json",
        "recognizers-text/Number__English__NumberModel.json",
    ] {
        let mut t = Tally::default();
        recognizers_numbers(rel, &mut t);
        t.print(rel);
        numbers.passed += t.passed;
        numbers.failed.extend(t.failed);
    }
    let mut currency = Tally::default();
    for rel in [
        "recognizers-text/NumberWithUnit__Hindi__CurrencyModel.json",
        "recognizers-text/NumberWithUnit__English__CurrencyModel.json",
    ] {
        let mut t = Tally::default();
        recognizers_currency(rel, &ex, &mut t);
        t.print(rel);
        currency.passed += t.passed;
        currency.failed.extend(t.failed);
    }
    let mut phone = Tally::default();
    for rel in [
        "recognizers-text/Sequence__Hindi__PhoneNumberModel.json",
        "recognizers-text/Sequence__English__PhoneNumberModel.json",
    ] {
        let mut cases = Vec::new();
        for case in specs(rel) {
            let input = case["Input"].as_str().unwrap_or_default().to_string();
            let results = case["Results"].as_array().cloned().unwrap_or_default();
            if results.is_empty() {
                cases.push((input.clone(), None));
            }
            for r in results {
                cases.push((
                    input.clone(),
                    Some(digits_of(r["Text"].as_str().unwrap_or_default())),
                ));
            }
        }
        phones(rel, cases, &ex, &mut phone);
    }
    phone.print("recognizers-text PhoneNumberModel (hi + en)");
    let mut email = Tally::default();
    for case in specs("recognizers-text/Sequence__English__EmailModel.json") {
        let input = case["Input"].as_str().unwrap_or_default();
        let results = case["Results"].as_array().cloned().unwrap_or_default();
        let found = ex.extract(input, None);
        // Compared lower-cased: e-mail values are lower-cased on both sides.
        let emails: Vec<String> = found
            .iter()
            .filter(|e| e.kind == EntityKind::Email)
            .map(|e| e.text.to_lowercase())
            .collect();
        let expected: Vec<String> = results
            .iter()
            .filter_map(|r| r["Text"].as_str())
            .map(str::to_lowercase)
            .collect();
        if expected.iter().any(|e| e.contains('[')) {
            email.exclude("IP-literal domains", input.to_string());
            continue;
        }
        email.check(
            emails == expected,
            format!("{input:?}: expected {expected:?}, got {emails:?}"),
        );
    }
    email.print("recognizers-text EmailModel");
    println!(
        "recognizers-text numbers (hi + en): {}/{} ({:.1}%); currency (hi + en): {}/{} ({:.1}%)",
        numbers.passed,
        numbers.scored(),
        100.0 * numbers.rate(),
        currency.passed,
        currency.scored(),
        100.0 * currency.rate()
    );
    assert!(numbers.rate() >= 0.86, "numbers {:.3}", numbers.rate());
    assert!(currency.rate() >= 0.9, "currency {:.3}", currency.rate());
    assert!(phone.rate() >= 0.9, "phones {:.3}", phone.rate());
    assert!(email.rate() >= 0.9, "e-mails {:.3}", email.rate());
}

#[test]
fn mapped_entity_eval_is_scored_per_kind() {
    let path = sandesh_bench::repo_root().join("../shared/eval/_mapped/entity_eval.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return;
    };
    let ex = Extractors::default();
    // kind → (gold, predicted, correct); `datetime` gold counts against date and time alike.
    let mut scores: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut lines = 0;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        lines += 1;
        let found = ex.extract(text, None);
        let gold: Vec<(String, usize, usize)> = v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["type"].as_str().unwrap().to_string(),
                    e["start"].as_u64().unwrap() as usize,
                    e["end"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        let kinds: Vec<&str> = gold.iter().map(|g| g.0.as_str()).collect();
        for g in &gold {
            let s = scores.entry(g.0.clone()).or_default();
            s.0 += 1;
            let hit = found.iter().any(|e| {
                e.span.start == g.1
                    && e.span.end == g.2
                    && (e.kind.as_str() == g.0
                        || (g.0 == "datetime"
                            && matches!(e.kind, EntityKind::Date | EntityKind::Time)))
            });
            s.2 += usize::from(hit);
        }
        // Predictions count only for kinds the source annotates.
        for e in &found {
            let k = e.kind.as_str();
            let key = if kinds.contains(&k) {
                Some(k.to_string())
            } else if kinds.contains(&"datetime")
                && matches!(e.kind, EntityKind::Date | EntityKind::Time)
            {
                Some("datetime".to_string())
            } else {
                None
            };
            if let Some(key) = key {
                scores.entry(key).or_default().1 += 1;
            }
        }
    }
    println!("_mapped/entity_eval.jsonl ({lines} texts; exact span; predictions counted only for kinds a text annotates):");
    for (k, (g, p, c)) in &scores {
        let pr = *c as f64 / (*p).max(1) as f64;
        let rc = *c as f64 / (*g).max(1) as f64;
        let f1 = if pr + rc > 0.0 {
            2.0 * pr * rc / (pr + rc)
        } else {
            0.0
        };
        println!("    {k:<10} gold {g:>5} predicted {p:>5} P {pr:.3} R {rc:.3} F1 {f1:.3}");
    }
    assert!(lines > 1000);
    assert!(scores.values().map(|s| s.0).sum::<usize>() > 1000);
}
