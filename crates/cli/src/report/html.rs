//! The report as one self-contained HTML page.
//!
//! Mobile first: a viewport meta tag, one column at most 760 px wide, cards that wrap, tables that
//! scroll sideways inside their own box, charts that scale with their `viewBox`. Nothing is
//! loaded from anywhere (no script, font, image, stylesheet or link), so the file can be mailed
//! or shared on WhatsApp and opens offline. Every piece of user text (authors, chats, messages,
//! input names) goes through [`escape`].

use super::format::{count, date_time, duration, escape, money, short_day};
use super::svg::{self, HBar, Series};
use super::{topic_name, Report, Thread, TOPICS};
use sandesh::Intent;
use std::fmt::Write;

const STYLE: &str = r#"
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--card:#f9fafb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:#fff;-webkit-text-size-adjust:100%}
main{max-width:760px;margin:0 auto;padding:16px}
h1{font-size:1.35rem;margin:0 0 4px}
h2{font-size:1.1rem;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
p{margin:6px 0}
.muted{color:var(--muted);font-size:.85rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:16px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 12px}
.card .k{font-size:.75rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:1.3rem;font-weight:650;overflow-wrap:anywhere}
.card .s{font-size:.8rem;color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:.88rem}
.wide{min-width:600px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;background:var(--card)}
.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.nowrap{white-space:nowrap}
td.msg{white-space:pre-wrap;overflow-wrap:anywhere;min-width:220px}
tfoot td{font-weight:650}
svg.chart{display:block;width:100%;max-width:640px;height:auto;margin:4px 0}
svg .tick{font-size:12px;fill:#6b7280}
svg .value{font-size:12px;fill:#374151}
svg .label{font-size:13px;fill:#111827}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.82rem}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
.warn{background:#fff7ed;border:1px solid #fdba74;border-radius:8px;padding:8px 12px;margin:12px 0}
details summary{cursor:pointer;color:var(--muted);font-size:.9rem}
dl.defs dt{font-weight:600;margin-top:6px}
dl.defs dd{margin:0 0 0 12px;color:#374151;font-size:.88rem}
"#;

/// The colour of an intent in every chart and legend.
pub fn colour(topic: Option<Intent>) -> &'static str {
    match topic {
        Some(Intent::Lead) => "#2563eb",
        Some(Intent::Support) => "#f59e0b",
        Some(Intent::Payment) => "#16a34a",
        Some(Intent::Booking) => "#9333ea",
        Some(Intent::Hiring) => "#0891b2",
        Some(Intent::Vendor) => "#dc2626",
        Some(Intent::Other) => "#9ca3af",
        None => "#d6d3d1",
    }
}

fn topic_colour(name: &str) -> &'static str {
    TOPICS
        .iter()
        .find(|t| topic_name(**t) == name)
        .map_or("#d6d3d1", |t| colour(*t))
}

fn swatch(name: &str) -> String {
    format!(
        r#"<span class="sw" style="background:{}"></span>{}"#,
        topic_colour(name),
        escape(name)
    )
}

fn card(out: &mut String, key: &str, value: &str, sub: &str) {
    let _ = write!(
        out,
        r#"<div class="card"><div class="k">{key}</div><div class="v">{value}</div><div class="s">{sub}</div></div>"#
    );
}

/// The page.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><title>Sandesh report</title><style>"#,
    );
    out.push_str(STYLE);
    out.push_str("</style></head><body><main>");
    header(&mut out, r);
    cards(&mut out, r);
    weeks(&mut out, r);
    response_times(&mut out, r);
    unanswered(&mut out, r);
    payments(&mut out, r);
    askers(&mut out, r);
    definitions(&mut out, r);
    out.push_str("</main></body></html>\n");
    out
}

fn header(out: &mut String, r: &Report) {
    out.push_str("<header><h1>WhatsApp operations report</h1>");
    match &r.range {
        Some(range) => {
            let _ = write!(
                out,
                r#"<p class="range"><strong>{} – {}</strong></p>"#,
                date_time(&range.first),
                date_time(&range.last)
            );
        }
        None => out.push_str(r#"<p class="range"><strong>No messages</strong></p>"#),
    }
    let p = &r.parameters;
    let inputs: Vec<String> = p.inputs.iter().map(|i| escape(i)).collect();
    let _ = write!(
        out,
        r#"<p class="muted params">Unanswered: no reply within {} h · top {} customers · lists up to {} rows · input: {} · {}</p></header>"#,
        p.unanswered_hours,
        p.top,
        count(p.max_rows as u64),
        if inputs.is_empty() {
            "—".to_string()
        } else {
            inputs.join(", ")
        },
        escape(&r.generator),
    );
    if r.skipped.lines > 0 {
        let _ = write!(
            out,
            r#"<div class="warn"><strong>{} input line{} skipped</strong> (not labelled messages):<ul>"#,
            count(r.skipped.lines),
            if r.skipped.lines == 1 {
                " was"
            } else {
                "s were"
            }
        );
        for b in &r.skipped.first {
            let _ = write!(
                out,
                "<li>{} line {}: {}</li>",
                escape(&b.input),
                b.line,
                escape(&b.reason)
            );
        }
        out.push_str("</ul></div>");
    }
    if r.summary.business_messages == 0 && r.summary.customer_messages > 0 {
        out.push_str(r#"<div class="warn"><strong>No message is marked as the business's.</strong> Every thread looks unanswered; label the export with <code>sandesh label --me NAME</code> to tell the business side.</div>"#);
    }
    if r.summary.out_of_order > 0 {
        let _ = write!(
            out,
            r#"<div class="warn">{} message{} arrived out of order and {} taken as sent at {} chat's latest time.</div>"#,
            count(r.summary.out_of_order),
            if r.summary.out_of_order == 1 { "" } else { "s" },
            if r.summary.out_of_order == 1 {
                "was"
            } else {
                "were"
            },
            if r.summary.out_of_order == 1 {
                "its"
            } else {
                "their"
            },
        );
    }
}

fn cards(out: &mut String, r: &Report) {
    let s = &r.summary;
    out.push_str(r#"<section class="cards" aria-label="Summary">"#);
    card(
        out,
        "Messages",
        &count(s.customer_messages + s.business_messages),
        &format!(
            "{} from customers · {} replies",
            count(s.customer_messages),
            count(s.business_messages)
        ),
    );
    card(
        out,
        "Customers",
        &count(s.customers),
        &format!("in {} chat{}", count(s.chats), plural(s.chats)),
    );
    card(
        out,
        "Chats",
        &count(s.chats),
        &format!("{} threads", count(s.threads)),
    );
    card(
        out,
        "Leads",
        &count(s.leads),
        "chats asking to buy, per week",
    );
    let inr = r.payments.totals.iter().find(|t| t.currency == "INR");
    let others: Vec<String> = r
        .payments
        .totals
        .iter()
        .filter(|t| t.currency != "INR")
        .map(|t| money(t.total, &t.currency))
        .collect();
    card(
        out,
        "Payments",
        &inr.map_or_else(|| money(0.0, "INR"), |t| money(t.total, "INR")),
        &if others.is_empty() {
            format!("{} messages", count(r.payments.messages))
        } else {
            format!(
                "{} messages · also {}",
                count(r.payments.messages),
                others.join(", ")
            )
        },
    );
    card(
        out,
        "Median first response",
        &s.median_first_response_seconds
            .map_or_else(|| "—".to_string(), duration),
        &s.p90_first_response_seconds.map_or_else(
            || "no replies".to_string(),
            |p| format!("p90 {}", duration(p)),
        ),
    );
    card(
        out,
        "Unanswered",
        &count(s.unanswered),
        &format!(
            "after {} h · {} pending",
            r.parameters.unanswered_hours,
            count(s.pending)
        ),
    );
    out.push_str("</section>");
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn weeks(out: &mut String, r: &Report) {
    let rows = &r.weeks.rows;
    out.push_str(r#"<section id="weeks"><h2>Customer messages per week, by intent</h2>"#);
    if rows.is_empty() {
        out.push_str("<p>No messages.</p></section>");
        return;
    }
    let labels: Vec<String> = rows.iter().map(|w| short_day(&w.start)).collect();
    let shown: Vec<Option<Intent>> = TOPICS
        .iter()
        .copied()
        .filter(|&t| t.is_some() || rows.iter().any(|w| w.intents.get(t) > 0))
        .collect();
    let series: Vec<Series> = shown
        .iter()
        .map(|&t| Series {
            name: topic_name(t),
            colour: colour(t),
        })
        .collect();
    let values: Vec<Vec<u64>> = rows
        .iter()
        .map(|w| shown.iter().map(|&t| w.intents.get(t)).collect())
        .collect();
    out.push_str(&svg::stacked_bars(
        "Customer messages per week by intent",
        &labels,
        &series,
        &values,
    ));
    out.push_str(r#"<ul class="legend">"#);
    for &t in &shown {
        let _ = write!(out, "<li>{}</li>", swatch(topic_name(t)));
    }
    out.push_str("</ul>");
    if !r.weeks.filled {
        out.push_str(r#"<p class="muted">The history spans too many weeks to list empty ones; only weeks with messages are shown.</p>"#);
    }

    out.push_str(r#"<h2>Leads per week</h2>"#);
    let leads: Vec<u64> = rows.iter().map(|w| w.leads).collect();
    out.push_str(&svg::bars(
        "Leads per week",
        &labels,
        &leads,
        colour(Some(Intent::Lead)),
        "leads",
    ));

    out.push_str(r#"<details><summary>Weekly numbers</summary><div class="scroll"><table class="wide"><thead><tr><th>Week</th><th>Monday</th>"#);
    for &t in &shown {
        let _ = write!(out, r#"<th class="n">{}</th>"#, topic_name(t));
    }
    out.push_str(r#"<th class="n">Customer</th><th class="n">Business</th><th class="n">Threads</th><th class="n">Leads</th></tr></thead><tbody>"#);
    for w in rows {
        let _ = write!(
            out,
            r#"<tr><td class="nowrap">{}</td><td class="nowrap">{}</td>"#,
            escape(&w.week),
            escape(&w.start)
        );
        for &t in &shown {
            let _ = write!(out, r#"<td class="n">{}</td>"#, count(w.intents.get(t)));
        }
        let _ = write!(
            out,
            r#"<td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            count(w.customer_messages),
            count(w.business_messages),
            count(w.threads),
            count(w.leads)
        );
    }
    out.push_str("</tbody></table></div></details></section>");
}

fn response_times(out: &mut String, r: &Report) {
    out.push_str(r#"<section id="response"><h2>First response time by intent</h2>"#);
    let answered: Vec<_> = r
        .response_times
        .iter()
        .filter(|t| t.median_seconds.is_some())
        .collect();
    if answered.is_empty() {
        out.push_str("<p>No thread has been answered yet.</p>");
    } else {
        let rows: Vec<(String, Vec<HBar>)> = answered
            .iter()
            .map(|t| {
                let median = t.median_seconds.unwrap_or(0);
                let p90 = t.p90_seconds.unwrap_or(median);
                (
                    t.intent.to_string(),
                    vec![
                        HBar {
                            value: median,
                            text: duration(median),
                            colour: topic_colour(t.intent),
                            title: format!("{}: median {}", t.intent, duration(median)),
                        },
                        HBar {
                            value: p90,
                            text: duration(p90),
                            colour: "#cbd5e1",
                            title: format!("{}: p90 {}", t.intent, duration(p90)),
                        },
                    ],
                )
            })
            .collect();
        out.push_str(&svg::hbars(
            "First response time by intent: median and p90",
            &rows,
        ));
        out.push_str(r#"<ul class="legend"><li><span class="sw" style="background:#475569"></span>median (intent colour)</li><li><span class="sw" style="background:#cbd5e1"></span>p90</li></ul>"#);
    }
    out.push_str(r#"<div class="scroll"><table class="wide"><thead><tr><th>Intent</th><th class="n">Threads</th><th class="n">Answered</th><th class="n">In time</th><th class="n">Unanswered</th><th class="n">Pending</th><th class="n">Median</th><th class="n">p90</th></tr></thead><tbody>"#);
    for t in &r.response_times {
        let _ = write!(
            out,
            r#"<tr><td class="nowrap">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            swatch(t.intent),
            count(t.threads),
            count(t.answered),
            count(t.answered_in_time),
            count(t.unanswered),
            count(t.pending),
            t.median_seconds.map_or_else(|| "—".to_string(), duration),
            t.p90_seconds.map_or_else(|| "—".to_string(), duration),
        );
    }
    out.push_str("</tbody></table></div></section>");
}

fn thread_table(
    out: &mut String,
    threads: &[Thread],
    more: u64,
    status: impl Fn(&Thread) -> String,
) {
    out.push_str(r#"<div class="scroll"><table class="wide"><thead><tr><th>Started</th><th>Author</th><th>Intent</th><th>Reply</th><th>Message</th><th class="n">Msgs</th><th>Chat</th></tr></thead><tbody>"#);
    for t in threads {
        let _ = write!(
            out,
            r#"<tr><td class="nowrap">{}</td><td>{}</td><td class="nowrap">{}</td><td class="nowrap">{}</td><td class="msg">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            date_time(&t.started),
            escape(&t.author),
            swatch(t.intent),
            status(t),
            escape(&t.text),
            count(t.messages),
            escape(&t.chat),
        );
    }
    out.push_str("</tbody></table></div>");
    if more > 0 {
        let _ = write!(
            out,
            r#"<p class="muted">And {} more, not listed (the newest are shown).</p>"#,
            count(more)
        );
    }
}

fn unanswered(out: &mut String, r: &Report) {
    let u = &r.unanswered;
    let _ = write!(
        out,
        r#"<section id="unanswered"><h2>Unanswered threads (no reply within {} h)</h2>"#,
        u.hours
    );
    if u.total == 0 {
        let _ = write!(
            out,
            "<p>Every thread was answered within {} hours.</p>",
            u.hours
        );
    } else {
        let _ = write!(
            out,
            "<p>{} thread{}: {} never replied to, {} replied to late.</p>",
            count(u.total),
            plural(u.total),
            count(u.never_replied),
            count(u.replied_late)
        );
        thread_table(out, &u.threads, u.more, |t| {
            match (t.replied_after_seconds, t.waiting_seconds) {
                (Some(after), _) => format!("late, after {}", duration(after)),
                (None, Some(waited)) => format!("none, waited {}", duration(waited)),
                (None, None) => "none".to_string(),
            }
        });
    }
    out.push_str("</section>");
    let p = &r.pending;
    if p.total > 0 {
        let _ = write!(
            out,
            r#"<section id="pending"><h2>Pending: waiting less than {} h at the end of the export</h2><p>{} thread{}.</p>"#,
            u.hours,
            count(p.total),
            plural(p.total)
        );
        thread_table(out, &p.threads, p.more, |t| {
            format!("waiting {}", duration(t.waiting_seconds.unwrap_or(0)))
        });
        out.push_str("</section>");
    }
}

fn payments(out: &mut String, r: &Report) {
    let p = &r.payments;
    out.push_str(r#"<section id="payments"><h2>Payments</h2>"#);
    if p.messages == 0 {
        out.push_str("<p>No payment messages.</p></section>");
        return;
    }
    let totals: Vec<String> = p
        .totals
        .iter()
        .map(|t| {
            format!(
                "<strong>{}</strong> from {} message{}",
                money(t.total, &t.currency),
                count(t.messages),
                plural(t.messages)
            )
        })
        .collect();
    let _ = write!(
        out,
        "<p>{} payment message{}; {} without an amount. Total: {}.</p>",
        count(p.messages),
        plural(p.messages),
        count(p.messages - p.with_amount.min(p.messages)),
        if totals.is_empty() {
            "none".to_string()
        } else {
            totals.join("; ")
        }
    );
    out.push_str(r#"<div class="scroll"><table class="wide"><thead><tr><th>Date</th><th>Author</th><th class="n">Amount</th><th>Message</th><th>Chat</th></tr></thead><tbody>"#);
    for row in &p.rows {
        let amounts: Vec<String> = row
            .amounts
            .iter()
            .map(|a| {
                let value = match (a.min, a.max) {
                    (Some(lo), Some(hi)) => format!(
                        "{}–{} (≈ {})",
                        money(lo, &a.currency),
                        money(hi, &a.currency),
                        money(a.amount, &a.currency)
                    ),
                    _ => money(a.amount, &a.currency),
                };
                if a.counted {
                    value
                } else {
                    format!(r#"<span class="muted">{value}, not added</span>"#)
                }
            })
            .collect();
        let _ = write!(
            out,
            r#"<tr><td class="nowrap">{}</td><td>{}</td><td class="n">{}</td><td class="msg">{}</td><td>{}</td></tr>"#,
            date_time(&row.timestamp),
            escape(&row.author),
            if amounts.is_empty() {
                "—".to_string()
            } else {
                amounts.join("<br>")
            },
            escape(&row.text),
            escape(&row.chat),
        );
    }
    out.push_str("</tbody><tfoot>");
    for t in &p.totals {
        let _ = write!(
            out,
            r#"<tr><td colspan="2">Total {}</td><td class="n">{}</td><td colspan="2">{} message{}</td></tr>"#,
            escape(&t.currency),
            money(t.total, &t.currency),
            count(t.messages),
            plural(t.messages)
        );
    }
    out.push_str("</tfoot></table></div>");
    if p.more > 0 {
        let _ = write!(
            out,
            r#"<p class="muted">And {} more payment messages, not listed but in the totals.</p>"#,
            count(p.more)
        );
    }
    out.push_str("</section>");
}

fn askers(out: &mut String, r: &Report) {
    let t = &r.top_askers;
    out.push_str(r#"<section id="askers"><h2>Most frequent askers</h2>"#);
    if t.by_messages.is_empty() {
        out.push_str("<p>No customer messages.</p></section>");
        return;
    }
    for (title, list) in [
        ("By messages", &t.by_messages),
        ("By threads started", &t.by_threads),
    ] {
        let _ = write!(
            out,
            r#"<div class="scroll"><table><caption class="muted">{title}</caption><thead><tr><th class="n">#</th><th>Customer</th><th class="n">Messages</th><th class="n">Threads</th></tr></thead><tbody>"#
        );
        for (i, a) in list.iter().enumerate() {
            let _ = write!(
                out,
                r#"<tr><td class="n">{}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
                i + 1,
                escape(&a.author),
                count(a.messages),
                count(a.threads)
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str("</section>");
}

fn definitions(out: &mut String, r: &Report) {
    let h = r.parameters.unanswered_hours;
    let _ = write!(
        out,
        r#"<section id="definitions"><details><summary>How these figures are counted</summary><dl class="defs">
<dt>Thread</dt><dd>In one chat, one customer's messages (text, photos, documents, locations, contacts) up to the business's next reply in that chat; a reply closes every customer's open thread in the chat. Its intent is the first intent other than “other” among them.</dd>
<dt>First response</dt><dd>From a thread's first message to the business's first reply. Median and p90: half (nine in ten) of the answered threads were answered within that time.</dd>
<dt>Unanswered</dt><dd>No reply within {h} h of the thread's first message: replied to later, or never and the export ends more than {h} h after it. Younger open threads are pending.</dd>
<dt>Leads</dt><dd>Customers with a lead thread, counted once per week and chat.</dd>
<dt>Payments</dt><dd>Customer messages about payments. The first amount of each currency in a message is added to the total; a range counts its midpoint.</dd>
<dt>Weeks</dt><dd>Monday to Sunday (ISO weeks), in the export's local time.</dd>
</dl></details><p class="muted">{} records read · {} other lines (system, deleted)</p></section>"#,
        count(r.summary.records),
        count(r.summary.other_records),
    );
}
