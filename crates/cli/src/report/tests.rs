//! The computation on hand-built records, with exact expected figures.

use super::*;
use sandesh::{Analysis, Entity, Lang, Span};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn analysis(intent: Intent, entities: Vec<Entity>) -> Analysis {
    Analysis {
        id: None,
        intent,
        confidence: 0.9,
        intents: vec![],
        lang: Lang::Hinglish,
        entities,
        route: None,
    }
}

fn money(text: &str, amount: f64, currency: &str, range: Option<(f64, f64)>) -> Entity {
    Entity::new(
        EntityKind::Amount,
        Span::new(0, text.chars().count()),
        text,
        Some(EntityValue::Money {
            amount,
            currency: currency.to_string(),
            min: range.map(|r| r.0),
            max: range.map(|r| r.1),
        }),
    )
}

/// A customer's text message.
fn customer(
    chat: &str,
    index: u64,
    at: &str,
    author: &str,
    intent: Intent,
    text: &str,
) -> Labelled {
    Labelled {
        chat: chat.to_string(),
        index,
        timestamp: ts(at),
        author: Some(author.to_string()),
        is_business: false,
        kind: Kind::Text,
        text: text.to_string(),
        edited: false,
        analysis: Some(analysis(intent, vec![])),
    }
}

/// The business's text message.
fn business(chat: &str, index: u64, at: &str) -> Labelled {
    Labelled {
        chat: chat.to_string(),
        index,
        timestamp: ts(at),
        author: Some("Shop".to_string()),
        is_business: true,
        kind: Kind::Text,
        text: "ji sir".to_string(),
        edited: false,
        analysis: Some(analysis(Intent::Other, vec![])),
    }
}

fn compute(config: Config, records: impl IntoIterator<Item = Result<Labelled, BadLine>>) -> Report {
    let mut tally = Tally::new(config);
    tally.extend(records);
    tally.finish()
}

fn report(config: Config, records: Vec<Labelled>) -> Report {
    compute(config, records.into_iter().map(Ok))
}

fn times<'a>(r: &'a Report, intent: &str) -> &'a ResponseTimes {
    r.response_times
        .iter()
        .find(|t| t.intent == intent)
        .unwrap_or_else(|| panic!("no {intent} row in {:?}", r.response_times))
}

#[test]
fn response_times_are_nearest_rank_median_and_p90() {
    let mut records = Vec::new();
    // Ten lead threads answered after 1..=10 minutes, in scrambled order over ten days.
    for (day, minutes) in [7u64, 2, 9, 1, 10, 4, 3, 8, 6, 5].into_iter().enumerate() {
        let d = day + 1;
        records.push(customer(
            "c",
            2 * day as u64,
            &format!("2024-03-{d:02}T10:00"),
            "Ravi",
            Intent::Lead,
            "rate?",
        ));
        records.push(business(
            "c",
            2 * day as u64 + 1,
            &format!("2024-03-{d:02}T10:{minutes:02}"),
        ));
    }
    // One support thread answered after two hours.
    records.push(customer(
        "c",
        100,
        "2024-03-20T09:00",
        "Ravi",
        Intent::Support,
        "kharab hai",
    ));
    records.push(business("c", 101, "2024-03-20T11:00"));
    let r = report(Config::default(), records);

    let lead = times(&r, "lead");
    assert_eq!(
        (lead.threads, lead.answered, lead.answered_in_time),
        (10, 10, 10)
    );
    assert_eq!(lead.median_seconds, Some(5 * 60), "5th of 10");
    assert_eq!(lead.p90_seconds, Some(9 * 60), "9th of 10");
    let support = times(&r, "support");
    assert_eq!(
        (support.median_seconds, support.p90_seconds),
        (Some(7200), Some(7200))
    );
    let booking = times(&r, "booking");
    assert_eq!((booking.threads, booking.median_seconds), (0, None));
    // Overall, 11 times: the 6th (ceil 5.5) and the 10th (ceil 9.9).
    assert_eq!(r.summary.median_first_response_seconds, Some(6 * 60));
    assert_eq!(r.summary.p90_first_response_seconds, Some(10 * 60));
    assert_eq!(
        (r.summary.threads, r.summary.answered, r.summary.unanswered),
        (11, 11, 0)
    );
    // No unclassified row without such threads.
    assert_eq!(r.response_times.len(), 7);

    let mut d = Durations::default();
    for s in [60, 120, 180, 240] {
        d.add(s);
    }
    assert_eq!(
        (d.percentile(50), d.percentile(90), d.percentile(0)),
        (Some(120), Some(240), Some(60))
    );
    assert_eq!(Durations::default().percentile(50), None);
    // Resolution: seconds under an hour, minutes under two days, hours under 30 days.
    d = Durations::default();
    d.add(3_599);
    d.add(3_659);
    d.add(200_000);
    d.add(3_000_000);
    assert_eq!(
        d.counts.keys().copied().collect::<Vec<_>>(),
        vec![3_599, 3_600, 198_000, 2_937_600]
    );
}

#[test]
fn threads_are_per_chat_when_chats_interleave() {
    let records = vec![
        customer("A", 0, "2024-03-13T10:00", "Ravi", Intent::Lead, "price?"),
        customer(
            "B",
            0,
            "2024-03-13T10:01",
            "Sita",
            Intent::Support,
            "order nahi aaya",
        ),
        customer("A", 1, "2024-03-13T10:02", "Ravi", Intent::Lead, "M size?"),
        business("B", 1, "2024-03-13T10:05"),
        business("A", 2, "2024-03-13T10:30"),
        // A business message with no open thread starts nothing.
        business("A", 3, "2024-03-13T10:40"),
        customer("B", 2, "2024-03-13T11:00", "Sita", Intent::Other, "thanks"),
        customer("A", 4, "2024-03-13T12:00", "Ravi", Intent::Other, "ok"),
    ];
    let r = report(Config::default(), records);
    let s = &r.summary;
    assert_eq!(
        (s.records, s.customer_messages, s.business_messages),
        (8, 5, 3)
    );
    assert_eq!((s.chats, s.customers, s.threads), (2, 2, 4));
    assert_eq!((s.answered, s.unanswered, s.pending), (2, 0, 2));
    let lead = times(&r, "lead");
    assert_eq!((lead.threads, lead.median_seconds), (1, Some(30 * 60)));
    assert_eq!(times(&r, "support").median_seconds, Some(4 * 60));
    assert_eq!(times(&r, "other").pending, 2);
    let p = &r.pending.threads;
    assert_eq!(p.len(), 2);
    assert_eq!(
        (p[0].chat.as_str(), p[0].author.as_str(), p[0].text.as_str()),
        ("A", "Ravi", "ok")
    );
    assert_eq!(p[0].waiting_seconds, Some(0));
    assert_eq!(
        (p[1].chat.as_str(), p[1].waiting_seconds),
        ("B", Some(3600))
    );
    let by_messages = &r.top_askers.by_messages;
    assert_eq!(
        by_messages
            .iter()
            .map(|a| (a.author.as_str(), a.messages, a.threads))
            .collect::<Vec<_>>(),
        vec![("Ravi", 3, 2), ("Sita", 2, 2)]
    );
    // Equal threads: more messages first.
    assert_eq!(r.top_askers.by_threads[0].author, "Ravi");
    assert_eq!(s.leads, 1);
}

#[test]
fn a_greeting_then_an_ask_takes_the_ask_and_media_alone_is_unclassified() {
    let mut photo = customer("A", 3, "2024-03-13T12:00", "Ravi", Intent::Other, "");
    photo.kind = Kind::Media;
    photo.analysis = None;
    let mut system = customer(
        "A",
        5,
        "2024-03-13T12:30",
        "Ravi",
        Intent::Other,
        "Messages are end-to-end encrypted",
    );
    system.kind = Kind::System;
    system.author = None;
    system.analysis = None;
    let mut deleted = customer(
        "A",
        6,
        "2024-03-13T12:40",
        "Ravi",
        Intent::Other,
        "This message was deleted",
    );
    deleted.kind = Kind::Deleted;
    deleted.analysis = None;
    let records = vec![
        customer(
            "A",
            0,
            "2024-03-13T10:00",
            "Ravi",
            Intent::Other,
            "hi sir 🙏",
        ),
        customer(
            "A",
            1,
            "2024-03-13T10:01",
            "Ravi",
            Intent::Lead,
            "5kg ka rate?",
        ),
        business("A", 2, "2024-03-13T10:11"),
        photo,
        business("A", 4, "2024-03-13T12:20"),
        system,
        deleted,
    ];
    let r = report(Config::default(), records);
    // From the greeting (the thread's first message) to the reply.
    assert_eq!(times(&r, "lead").median_seconds, Some(660));
    assert_eq!(times(&r, "other").threads, 0);
    let unclassified = times(&r, "unclassified");
    assert_eq!(
        (unclassified.threads, unclassified.median_seconds),
        (1, Some(1200))
    );
    assert_eq!(r.response_times.len(), 8);
    assert_eq!(
        (r.summary.other_records, r.summary.customer_messages),
        (2, 3)
    );
    let week = &r.weeks.rows[0].intents;
    assert_eq!(
        (week.other, week.lead, week.unclassified, week.payment),
        (1, 1, 1, 0)
    );
}

#[test]
fn unanswered_threads_are_late_or_never_and_young_open_ones_pending() {
    let mut end = business("U", 0, "2024-03-05T09:00");
    end.kind = Kind::System;
    end.is_business = false;
    end.author = None;
    let records = vec![
        // Replied after 26 h: late.
        customer(
            "X",
            0,
            "2024-03-01T10:00",
            "Xavier",
            Intent::Support,
            "warranty?",
        ),
        business("X", 1, "2024-03-02T12:00"),
        // Never replied, 4 days before the end: never.
        customer(
            "Y",
            0,
            "2024-03-01T09:00",
            "<b>Yash</b>",
            Intent::Lead,
            "catalogue bhejo",
        ),
        // Exactly 24 h before the end: still pending.
        customer(
            "Z",
            0,
            "2024-03-04T09:00",
            "Zoya",
            Intent::Booking,
            "kal 4 baje?",
        ),
        // An hour before the end: pending.
        customer("W", 0, "2024-03-05T08:00", "Wasim", Intent::Payment, "paid"),
        // Replied after exactly 24 h: in time.
        customer("V", 0, "2024-03-03T10:00", "Vikram", Intent::Lead, "rate?"),
        business("V", 1, "2024-03-04T10:00"),
        end,
    ];
    let config = Config {
        unanswered_hours: 24,
        ..Config::default()
    };
    let r = report(config, records);
    let u = &r.unanswered;
    assert_eq!(
        (u.hours, u.total, u.never_replied, u.replied_late, u.more),
        (24, 2, 1, 1, 0)
    );
    assert_eq!(u.threads[0].author, "Xavier", "newest first");
    assert_eq!(u.threads[0].replied_after_seconds, Some(26 * 3600));
    assert_eq!(u.threads[0].waiting_seconds, None);
    assert_eq!(u.threads[1].author, "<b>Yash</b>");
    assert_eq!(u.threads[1].intent, "lead");
    assert_eq!(u.threads[1].waiting_seconds, Some(4 * 86_400));
    assert_eq!(u.threads[1].replied_after_seconds, None);
    assert_eq!(r.pending.total, 2);
    assert_eq!(
        r.pending
            .threads
            .iter()
            .map(|t| t.author.as_str())
            .collect::<Vec<_>>(),
        vec!["Wasim", "Zoya"]
    );
    let s = &r.summary;
    assert_eq!(
        (s.threads, s.answered, s.unanswered, s.pending),
        (5, 2, 2, 2)
    );
    // The late reply still counts as a response time.
    assert_eq!(s.median_first_response_seconds, Some(24 * 3600));
    assert_eq!(s.p90_first_response_seconds, Some(26 * 3600));
    assert_eq!(times(&r, "support").unanswered, 1);
    assert_eq!(times(&r, "lead").answered_in_time, 1);
    assert_eq!(r.range.map(|r| r.last), Some(ts("2024-03-05T09:00")));

    // A shorter limit turns the 24 h reply into a late one and Zoya into unanswered.
    let records = vec![
        customer("V", 0, "2024-03-03T10:00", "Vikram", Intent::Lead, "rate?"),
        business("V", 1, "2024-03-04T10:00"),
        customer(
            "Z",
            0,
            "2024-03-04T09:00",
            "Zoya",
            Intent::Booking,
            "kal 4 baje?",
        ),
        customer("W", 0, "2024-03-05T08:00", "Wasim", Intent::Payment, "paid"),
    ];
    let r = report(
        Config {
            unanswered_hours: 2,
            ..Config::default()
        },
        records,
    );
    assert_eq!(
        (
            r.unanswered.replied_late,
            r.unanswered.never_replied,
            r.pending.total
        ),
        (1, 1, 1)
    );
}

#[test]
fn payments_total_per_currency_with_ranges_and_first_amounts() {
    let pay = |index: u64, at: &str, text: &str, entities: Vec<Entity>| {
        let mut m = customer("P", index, at, "Priya", Intent::Payment, text);
        m.analysis = Some(analysis(Intent::Payment, entities));
        m
    };
    let mut from_business = pay(
        6,
        "2024-03-13T10:06",
        "pay ₹999",
        vec![money("₹999", 999.0, "INR", None)],
    );
    from_business.is_business = true;
    let mut lead = customer(
        "P",
        7,
        "2024-03-13T10:07",
        "Priya",
        Intent::Lead,
        "budget ₹50,000",
    );
    lead.analysis = Some(analysis(
        Intent::Lead,
        vec![money("₹50,000", 50_000.0, "INR", None)],
    ));
    let records = vec![
        pay(
            1,
            "2024-03-13T10:01",
            "₹4,500 bhej diye",
            vec![money("₹4,500", 4_500.0, "INR", None)],
        ),
        pay(
            2,
            "2024-03-13T10:02",
            "5-6k transfer kiya",
            vec![money("5-6k", 5_000.0, "INR", Some((5_000.0, 6_000.0)))],
        ),
        pay(
            3,
            "2024-03-13T10:03",
            "₹500 of ₹2,000 paid",
            vec![
                money("₹500", 500.0, "INR", None),
                money("₹2,000", 2_000.0, "INR", None),
            ],
        ),
        pay(
            4,
            "2024-03-13T10:04",
            "sent $100",
            vec![money("$100", 100.0, "usd", None)],
        ),
        pay(5, "2024-03-13T10:05", "payment done", vec![]),
        from_business,
        lead,
        pay(
            8,
            "2024-03-13T10:08",
            "100 diye",
            vec![
                money("-5", -5.0, "INR", None),
                money("100", 100.0, "", None),
                money("x", f64::NAN, "INR", None),
            ],
        ),
    ];
    let r = report(Config::default(), records);
    let p = &r.payments;
    assert_eq!((p.messages, p.with_amount, p.more), (6, 5, 0));
    assert_eq!(
        p.totals,
        vec![
            CurrencyTotal {
                currency: "INR".into(),
                total: 10_600.0,
                messages: 4
            },
            CurrencyTotal {
                currency: "USD".into(),
                total: 100.0,
                messages: 1
            },
        ]
    );
    assert_eq!(r.summary.payment_messages, 6);
    // Newest first; the ₹500-of-₹2,000 row lists both, counts the first.
    let row = p
        .rows
        .iter()
        .find(|row| row.text.starts_with("₹500"))
        .unwrap_or_else(|| panic!("{p:?}"));
    assert_eq!(
        row.amounts
            .iter()
            .map(|a| (a.amount, a.counted))
            .collect::<Vec<_>>(),
        vec![(500.0, true), (2_000.0, false)]
    );
    let range = &p
        .rows
        .iter()
        .find(|row| row.text.starts_with("5-6k"))
        .unwrap_or_else(|| panic!("{p:?}"))
        .amounts[0];
    assert_eq!(
        (range.amount, range.min, range.max),
        (5_500.0, Some(5_000.0), Some(6_000.0))
    );
    assert_eq!(
        p.rows[0].amounts.len(),
        1,
        "negative and NaN amounts are dropped"
    );
    assert_eq!(p.rows[0].amounts[0].currency, "INR");
}

#[test]
fn weeks_are_iso_weeks_with_empty_ones_filled() {
    let records = vec![
        // Sunday 2024-12-29 is in 2024-W52; Monday 2024-12-30 starts 2025-W01.
        customer("A", 0, "2024-12-29T23:59", "Ravi", Intent::Lead, "rate?"),
        business("A", 1, "2024-12-30T00:10"),
        customer(
            "A",
            2,
            "2024-12-30T10:00",
            "Ravi",
            Intent::Lead,
            "aur 10 kg?",
        ),
        business("A", 3, "2024-12-30T10:05"),
        customer(
            "A",
            4,
            "2025-01-01T10:00",
            "Ravi",
            Intent::Lead,
            "delivery kab?",
        ),
        business("A", 5, "2025-01-01T10:05"),
        customer(
            "B",
            0,
            "2025-01-20T10:00",
            "Sita",
            Intent::Support,
            "kharab",
        ),
    ];
    let r = report(Config::default(), records);
    assert!(r.weeks.filled);
    let rows: Vec<(&str, &str, u64, u64, u64)> = r
        .weeks
        .rows
        .iter()
        .map(|w| {
            (
                w.week.as_str(),
                w.start.as_str(),
                w.customer_messages,
                w.threads,
                w.leads,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2024-W52", "2024-12-23", 1, 1, 1),
            ("2025-W01", "2024-12-30", 2, 2, 1),
            ("2025-W02", "2025-01-06", 0, 0, 0),
            ("2025-W03", "2025-01-13", 0, 0, 0),
            ("2025-W04", "2025-01-20", 1, 1, 0),
        ]
    );
    assert_eq!(r.weeks.rows[1].business_messages, 3);
    assert_eq!(r.weeks.rows[4].intents.support, 1);
    assert_eq!(r.summary.leads, 2, "one chat, two weeks");

    let far = vec![
        customer("A", 0, "2000-01-05T10:00", "Ravi", Intent::Lead, "rate?"),
        customer("A", 1, "2024-01-05T10:00", "Ravi", Intent::Lead, "rate?"),
    ];
    let r = report(Config::default(), far);
    assert!(!r.weeks.filled);
    assert_eq!(r.weeks.rows.len(), 2);
}

#[test]
fn bad_lines_are_counted_with_the_first_reasons() {
    let bad = |line| BadLine {
        input: "in.jsonl".into(),
        line,
        reason: format!("reason {line}"),
    };
    let mut input: Vec<Result<Labelled, BadLine>> = (1..=7).map(|l| Err(bad(l))).collect();
    input.insert(
        3,
        Ok(customer(
            "A",
            0,
            "2024-03-13T10:00",
            "Ravi",
            Intent::Lead,
            "rate?",
        )),
    );
    let r = compute(Config::default(), input);
    assert_eq!(r.skipped.lines, 7);
    assert_eq!(
        r.skipped.first.iter().map(|b| b.line).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(r.summary.records, 1);
}

#[test]
fn lists_keep_the_newest_rows_and_count_the_rest() {
    let mut records = Vec::new();
    for d in 1..=5u64 {
        let chat = format!("chat {d}");
        records.push(customer(
            &chat,
            0,
            &format!("2024-03-{d:02}T10:00"),
            &format!("C{d}"),
            Intent::Payment,
            "paid",
        ));
    }
    records.push(business("end", 0, "2024-03-20T10:00"));
    let r = report(
        Config {
            max_rows: 2,
            top: 3,
            ..Config::default()
        },
        records,
    );
    let authors = |t: &[Thread]| t.iter().map(|t| t.author.clone()).collect::<Vec<_>>();
    assert_eq!(authors(&r.unanswered.threads), vec!["C5", "C4"]);
    assert_eq!((r.unanswered.total, r.unanswered.more), (5, 3));
    assert_eq!(r.payments.rows.len(), 2);
    assert_eq!(
        (r.payments.rows[0].author.as_str(), r.payments.more),
        ("C5", 3)
    );
    assert_eq!(r.top_askers.by_messages.len(), 3);
    assert_eq!(r.top_askers.by_messages[0].author, "C1", "ties by name");
}

#[test]
fn disordered_lines_are_put_back_in_order_and_late_ones_counted() {
    // Within the window: the reply arrives before the question it answers.
    let records = vec![
        business("A", 1, "2024-03-13T10:10"),
        customer("A", 0, "2024-03-13T10:00", "Ravi", Intent::Lead, "rate?"),
    ];
    let r = report(Config::default(), records);
    assert_eq!(times(&r, "lead").median_seconds, Some(600));
    assert_eq!(r.summary.out_of_order, 0);

    // Beyond the window: a question 17 lines late is taken as sent at its chat's latest
    // processed time (11:00, the one reply already out of the window).
    let mut records: Vec<Labelled> = (0..=REORDER_WINDOW as u64)
        .map(|i| business("A", i + 1, &format!("2024-03-13T11:{i:02}")))
        .collect();
    records.push(customer(
        "A",
        0,
        "2024-03-13T10:00",
        "Ravi",
        Intent::Lead,
        "rate?",
    ));
    records.push(business("A", 99, "2024-03-13T12:00"));
    let r = report(Config::default(), records);
    assert_eq!(r.summary.out_of_order, 1);
    // The window still puts it before most of the replies: answered by the next one.
    assert_eq!(times(&r, "lead").median_seconds, Some(60));
}

#[test]
fn an_empty_history_gives_an_empty_report_and_page() {
    let r = report(Config::default(), vec![]);
    assert_eq!(r.range, None);
    assert!(r.weeks.rows.is_empty());
    assert_eq!(r.summary, Summary::default());
    let page = html::render(&r);
    assert!(page.contains("No messages") && page.ends_with("</html>\n"));
    assert!(!page.contains("NaN"));
}

#[test]
fn the_page_escapes_user_text_and_loads_nothing() {
    let evil = "<script>alert(1)</script>";
    let mut paid = customer(
        "<img src=x onerror=alert(2)>",
        0,
        "2024-03-13T10:00",
        evil,
        Intent::Payment,
        "₹1,50,000 bheje \"ok\" <i>",
    );
    paid.analysis = Some(analysis(
        Intent::Payment,
        vec![money("₹1,50,000", 150_000.0, "INR", None)],
    ));
    let records = vec![paid, business("x", 0, "2024-03-20T10:00")];
    let config = Config {
        inputs: vec!["<in>.jsonl".into()],
        ..Config::default()
    };
    let r = report(config, records);
    let page = html::render(&r);
    assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<i>"));
    assert!(!page.contains("No message is marked as the business"));
    let alone = report(
        Config::default(),
        vec![customer(
            "A",
            0,
            "2024-03-13T10:00",
            "Ravi",
            Intent::Lead,
            "rate?",
        )],
    );
    assert!(html::render(&alone).contains("No message is marked as the business"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;in&gt;.jsonl"));
    assert!(!page.contains("http://") && !page.contains("https://"));
    // Escaped text may read `src=`; no tag carries such an attribute.
    let tags: Vec<&str> = page
        .split('<')
        .skip(1)
        .filter_map(|t| t.split('>').next())
        .collect();
    assert!(
        tags.iter()
            .all(|t| !t.contains("src=") && !t.contains("href=")),
        "{tags:?}"
    );
    assert!(
        page.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)
    );
    assert!(page.contains("₹1,50,000"));
    assert!(page.contains("2024-W11") && page.contains("11 Mar"));

    let json = serde_json::to_value(&r).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["parameters"]["unanswered_hours"], 24);
    assert_eq!(json["weeks"]["rows"][0]["intents"]["payment"], 1);
    assert_eq!(json["payments"]["totals"][0]["total"], 150_000.0);
    assert_eq!(json["unanswered"]["threads"][0]["author"], evil);
    assert_eq!(json["range"]["first"], "2024-03-13T10:00:00");
}

#[test]
fn in_a_group_chat_each_customer_has_a_thread_and_one_reply_closes_them_all() {
    let records = vec![
        customer("G", 0, "2024-03-13T10:00", "Asha", Intent::Lead, "rate?"),
        customer(
            "G",
            1,
            "2024-03-13T10:05",
            "Bilal",
            Intent::Support,
            "order nahi aaya",
        ),
        customer("G", 2, "2024-03-13T10:06", "Asha", Intent::Other, "sir?"),
        // Whom it answers cannot be told: it closes both.
        business("G", 3, "2024-03-13T10:20"),
        // Nothing open: starts nothing.
        business("G", 4, "2024-03-13T10:30"),
    ];
    let r = report(Config::default(), records);
    let s = &r.summary;
    assert_eq!((s.chats, s.customers, s.threads), (1, 2, 2));
    assert_eq!((s.answered, s.unanswered, s.pending), (2, 0, 0));
    // Each from its own first message: Asha 20 min, Bilal 15 min.
    let lead = times(&r, "lead");
    assert_eq!((lead.threads, lead.median_seconds), (1, Some(20 * 60)));
    let support = times(&r, "support");
    assert_eq!(
        (support.threads, support.median_seconds),
        (1, Some(15 * 60))
    );
    assert_eq!(s.median_first_response_seconds, Some(15 * 60));
    assert_eq!(s.p90_first_response_seconds, Some(20 * 60));
    assert_eq!(
        r.top_askers
            .by_messages
            .iter()
            .map(|a| (a.author.as_str(), a.messages, a.threads))
            .collect::<Vec<_>>(),
        vec![("Asha", 2, 1), ("Bilal", 1, 1)]
    );
    assert_eq!(r.weeks.rows[0].threads, 2);
}

#[test]
fn unanswered_customers_of_a_group_chat_are_one_thread_each() {
    let mut end = business("G", 9, "2024-03-15T10:00");
    end.kind = Kind::System;
    end.is_business = false;
    end.author = None;
    let records = vec![
        customer("G", 0, "2024-03-13T10:00", "Asha", Intent::Lead, "rate?"),
        customer(
            "G",
            1,
            "2024-03-13T11:00",
            "Bilal",
            Intent::Booking,
            "kal 4 baje?",
        ),
        customer("G", 2, "2024-03-13T12:00", "Asha", Intent::Lead, "M size?"),
        end,
    ];
    let r = report(Config::default(), records);
    let u = &r.unanswered;
    assert_eq!((u.total, u.never_replied, u.replied_late), (2, 2, 0));
    assert_eq!(r.summary.threads, 2);
    assert_eq!(r.pending.total, 0);
    let rows: Vec<(&str, u64, Option<u64>)> = u
        .threads
        .iter()
        .map(|t| (t.author.as_str(), t.messages, t.waiting_seconds))
        .collect();
    assert_eq!(
        rows,
        vec![("Bilal", 1, Some(47 * 3600)), ("Asha", 2, Some(48 * 3600))],
        "newest first, Asha's two messages one thread"
    );
    assert_eq!(u.threads[1].text, "rate?");
}

#[test]
fn leads_count_each_customer_of_a_chat_once_a_week() {
    let records = vec![
        // Week 2024-W11: Asha asks twice (two threads, one lead), Bilal once.
        customer("G", 0, "2024-03-11T10:00", "Asha", Intent::Lead, "rate?"),
        customer("G", 1, "2024-03-11T10:01", "Bilal", Intent::Lead, "5kg?"),
        business("G", 2, "2024-03-11T10:10"),
        customer(
            "G",
            3,
            "2024-03-12T10:00",
            "Asha",
            Intent::Lead,
            "aur 10kg?",
        ),
        business("G", 4, "2024-03-12T10:10"),
        // Asha's lead starting in W11 and answered in W12 counts in W11, once.
        customer(
            "G",
            5,
            "2024-03-17T23:00",
            "Asha",
            Intent::Lead,
            "delivery?",
        ),
        business("G", 6, "2024-03-18T09:00"),
        // Week 2024-W12: Asha again, a new week.
        customer(
            "G",
            7,
            "2024-03-19T10:00",
            "Asha",
            Intent::Lead,
            "discount?",
        ),
        // The same name in another chat is another lead.
        customer("H", 0, "2024-03-19T10:00", "Asha", Intent::Lead, "rate?"),
    ];
    let r = report(Config::default(), records);
    let leads: Vec<(&str, u64, u64)> = r
        .weeks
        .rows
        .iter()
        .map(|w| (w.week.as_str(), w.threads, w.leads))
        .collect();
    assert_eq!(leads, vec![("2024-W11", 4, 2), ("2024-W12", 2, 2)]);
    assert_eq!(r.summary.leads, 4);
    assert_eq!(times(&r, "lead").threads, 6);
}

#[test]
fn a_one_to_one_chat_is_counted_as_before() {
    // One customer: a run up to the reply is one thread, as when threads were per chat.
    let records = vec![
        customer("A", 0, "2024-03-11T09:00", "Ravi", Intent::Other, "hi sir"),
        customer("A", 1, "2024-03-11T09:01", "Ravi", Intent::Lead, "rate?"),
        business("A", 2, "2024-03-11T09:31"),
        customer("A", 3, "2024-03-12T10:00", "Ravi", Intent::Lead, "10kg?"),
        business("A", 4, "2024-03-12T10:10"),
        business("A", 5, "2024-03-12T10:11"),
        customer(
            "A",
            6,
            "2024-03-20T10:00",
            "Ravi",
            Intent::Support,
            "kharab",
        ),
        customer("A", 7, "2024-03-20T10:05", "Ravi", Intent::Support, "jaldi"),
        customer("A", 8, "2024-03-21T12:00", "Ravi", Intent::Other, "??"),
    ];
    let r = report(Config::default(), records);
    let s = &r.summary;
    assert_eq!(
        (s.threads, s.answered, s.unanswered, s.pending),
        (3, 2, 1, 0)
    );
    assert_eq!(s.leads, 1, "one chat, one week");
    assert_eq!(times(&r, "lead").median_seconds, Some(10 * 60));
    assert_eq!(times(&r, "lead").p90_seconds, Some(31 * 60));
    let u = &r.unanswered.threads[0];
    assert_eq!((u.messages, u.waiting_seconds), (3, Some(26 * 3600)));
    assert_eq!(r.top_askers.by_threads[0].threads, 3);
}
