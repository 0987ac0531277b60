//! `sandesh label` end to end: every message once and in order, the business side, CSV,
//! redaction, folders with a bad file, the collected fixtures, and resuming after the process
//! is killed mid-run several times.

use super::*;
use std::collections::BTreeSet;
use std::time::Duration;

const NNBSP: char = '\u{202f}';

/// An Android en-IN export of `n` messages between a shop and one customer: customer text,
/// shop replies, multi-line messages, media and deleted lines, at one message a minute.
fn export(n: usize) -> (String, Vec<(String, &'static str)>) {
    let customer_lines = [
        "Bhaiya 2 saree ka rate batao, ₹1,500 tak chalega?",
        "Payment kar diya 4,500 UPI se, ref 412345678901",
        "kal 5 baje aa sakte hain fitting ke liye?",
        "order #8812 abhi tak nahi aaya 😡",
        "Mera number 98765 43210 hai, ravi.k@okaxis pe bhej dena refund",
    ];
    let shop_lines = [
        "Ji sir, ₹1,200 last price",
        "Payment mil gaya, thank you 🙏",
        "Kal 11 baje aa jaiye",
    ];
    let mut out = String::new();
    let mut expect = Vec::new();
    out.push_str(&format!(
        "01/03/24, 9:00{NNBSP}am - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n"
    ));
    expect.push(("system".to_string(), ""));
    for i in 1..n {
        let minutes = 9 * 60 + i;
        let (day, m) = (1 + (minutes / (24 * 60)) % 28, minutes % (24 * 60));
        let (h, min) = (m / 60, m % 60);
        let (h12, ampm) = match h {
            0 => (12, "am"),
            1..=11 => (h, "am"),
            12 => (12, "pm"),
            _ => (h - 12, "pm"),
        };
        let head = format!("{day:02}/03/24, {h12}:{min:02}{NNBSP}{ampm} - ");
        match i % 10 {
            3 | 7 => {
                let t = shop_lines[i % shop_lines.len()];
                out.push_str(&format!("{head}Sharma Sarees: {t}\n"));
                expect.push(("text".into(), "Sharma Sarees"));
            }
            5 => {
                out.push_str(&format!("{head}Ravi Kumar: <Media omitted>\n"));
                expect.push(("media".into(), "Ravi Kumar"));
            }
            8 if i % 20 == 8 => {
                out.push_str(&format!("{head}Ravi Kumar: This message was deleted\n"));
                expect.push(("deleted".into(), "Ravi Kumar"));
            }
            9 => {
                out.push_str(&format!(
                    "{head}Ravi Kumar: Order details:\n2 saree blue\n12/03/24 tak chahiye\n"
                ));
                expect.push(("text".into(), "Ravi Kumar"));
            }
            _ => {
                let t = customer_lines[i % customer_lines.len()];
                out.push_str(&format!("{head}Ravi Kumar: {t}\n"));
                expect.push(("text".into(), "Ravi Kumar"));
            }
        }
    }
    (out, expect)
}

/// `sandesh label INPUT EXTRA… -o OUT`, which must succeed.
fn label_ok(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = bin()
        .arg("label")
        .arg(input)
        .args(extra)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `text[start..end] == entity.text` in characters, for every entity of a record.
fn spans_hold(record: &Value) {
    let text: Vec<char> = record["text"].as_str().unwrap().chars().collect();
    for e in record["analysis"]["entities"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        let got: String = text[s..t].iter().collect();
        assert_eq!(got, e["text"].as_str().unwrap(), "{record}");
    }
}

#[test]
fn label_writes_every_message_once_in_order_with_its_side_and_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let (text, expect) = export(200);
    let input = dir.path().join("WhatsApp Chat with Ravi Kumar.txt");
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("labelled.jsonl");
    let o = label_ok(&input, &out, &[]);
    // The summary names the business and why.
    assert!(stderr(&o).contains("Sharma Sarees"), "{}", stderr(&o));
    assert!(!out.with_extension("jsonl.partial").exists());
    let records = lines(&out);
    assert_eq!(records.len(), expect.len());
    for (i, (r, (kind, author))) in records.iter().zip(&expect).enumerate() {
        assert_eq!(r["index"], i as u64, "{r}");
        assert_eq!(r["chat"], "WhatsApp Chat with Ravi Kumar.txt");
        assert_eq!(r["kind"], kind.as_str(), "{r}");
        if !author.is_empty() {
            assert_eq!(r["author"], *author, "{r}");
        }
        assert_eq!(r["is_business"], *author == "Sharma Sarees", "{r}");
        assert_eq!(r["analysis"].is_object(), kind == "text", "{r}");
        spans_hold(r);
    }
    assert_eq!(records[1]["timestamp"], "2024-03-01T09:01:00");
    // A multi-line message keeps its lines, and the date-like line inside it stays text.
    assert_eq!(
        records[9]["text"],
        "Order details:\n2 saree blue\n12/03/24 tak chahiye"
    );
    // Relative dates resolve against the day the message was sent, not today.
    let kal = records
        .iter()
        .find(|r| r["text"] == "kal 5 baje aa sakte hain fitting ke liye?")
        .unwrap();
    let date = kal["analysis"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "date")
        .unwrap_or_else(|| panic!("no date in {kal}"));
    // "kal aa sakte hain" can mean either day; both candidates are around the message's day.
    let days: Vec<&str> = date["candidates"]
        .as_array()
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec![date["resolved"].as_str().unwrap()]);
    assert!(days.contains(&"2024-03-02"), "{kal}");
    assert!(days.iter().all(|d| d.starts_with("2024-")), "{kal}");
    assert_eq!(
        records
            .iter()
            .find(|r| r["text"].as_str().unwrap().starts_with("Payment kar diya"))
            .unwrap()["analysis"]["intent"],
        "payment"
    );

    // Standard output without -o, the same lines.
    let o = bin().arg("label").arg(&input).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read(&out).unwrap());
}

#[test]
fn csv_keeps_texts_with_commas_quotes_and_line_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("WhatsApp Chat with Ravi Kumar.txt");
    std::fs::write(
        &input,
        format!(
            "01/03/24, 9:00{NNBSP}am - Ravi Kumar: rate \"kitna\", bhai?\nline two\n\
             01/03/24, 9:05{NNBSP}am - Sharma Sarees: ₹1,200\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let o = bin()
        .arg("label")
        .arg(&input)
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rows = csv::Reader::from_path(&out).unwrap();
    let header = rows.headers().unwrap().clone();
    assert_eq!(&header[6], "text");
    assert_eq!(&header[8], "intent");
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][6], "rate \"kitna\", bhai?\nline two");
    assert_eq!(&rows[0][4], "false");
    assert_eq!(&rows[1][4], "true");
    assert!(!rows[0][8].is_empty());
    let entities: Value = serde_json::from_str(&rows[1][12]).unwrap();
    assert_eq!(entities[0]["type"], "amount");
}

#[test]
fn redact_hides_contacts_and_keeps_spans_true() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("WhatsApp Chat with Ravi Kumar.txt");
    std::fs::write(
        &input,
        format!(
            "01/03/24, 9:00{NNBSP}am - Ravi Kumar: Mera number 98765 43210 hai, ravi.k@okaxis pe refund ₹4,500 bhejo, mail ravi@example.com\n\
             01/03/24, 9:01{NNBSP}am - Ravi Kumar: Priya Sharma ne bola tha\n\
             01/03/24, 9:02{NNBSP}am - +91 99887 66554 added Ravi Kumar\n\
             01/03/24, 9:05{NNBSP}am - Sharma Sarees: Ji Ravi ji, ₹4,500 refund ho gaya\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    label_ok(&input, &out, &["--redact"]);
    let raw = std::fs::read_to_string(&out).unwrap();
    for secret in [
        "98765 43210",
        "ravi.k@okaxis",
        "ravi@example.com",
        "Ravi Kumar",
        "Priya",
        "99887 66554",
    ] {
        assert!(!raw.contains(secret), "{secret} in {raw}");
    }
    let records = lines(&out);
    assert_eq!(records.len(), 4);
    assert!(records[0]["text"].as_str().unwrap().contains("[phone]"));
    assert!(records[0]["text"].as_str().unwrap().contains("[upi]"));
    let alias = records[0]["author"].as_str().unwrap();
    assert!(
        alias.starts_with("contact-") && alias.len() == 16,
        "{alias}"
    );
    assert_eq!(records[1]["author"], alias, "one person, one pseudonym");
    assert_eq!(records[3]["author"], "business");
    assert_eq!(records[3]["is_business"], true);
    let chat = records[0]["chat"].as_str().unwrap();
    assert!(chat.starts_with("chat-"), "{chat}");
    // The same names give the same pseudonyms in another run, so files can be reported together.
    let again = dir.path().join("again.jsonl");
    label_ok(&input, &again, &["--redact"]);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&out).unwrap());
    // Amounts are not hidden.
    assert!(raw.contains("₹4,500"));
    for r in &records {
        spans_hold(r);
    }
}

#[test]
fn a_folder_is_labelled_whole_and_a_file_that_is_no_export_is_named_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("exports");
    std::fs::create_dir_all(folder.join("old")).unwrap();
    // Two group-style exports (names that are no person) with the shop in both.
    std::fs::write(
        folder.join("Sarees Wholesale.txt"),
        format!(
            "01/03/24, 9:00{NNBSP}am - Anil: 50 pcs chahiye, rate?\n\
             01/03/24, 9:30{NNBSP}am - Sharma Sarees: ₹450 per pc\n"
        ),
    )
    .unwrap();
    std::fs::write(
        folder.join("old/Fitting Bookings.txt"),
        format!(
            "02/03/24, 10:00{NNBSP}am - Meena: kal fitting ho sakti hai?\n\
             02/03/24, 10:02{NNBSP}am - Sharma Sarees: Ji, 11 baje\n\
             02/03/24, 10:03{NNBSP}am - Meena: ok\n"
        ),
    )
    .unwrap();
    std::fs::write(
        folder.join("notes.txt"),
        "buy stamps\nnothing here is a chat\n",
    )
    .unwrap();
    let out = dir.path().join("all.jsonl");
    let o = label_ok(&folder, &out, &[]);
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
    let records = lines(&out);
    assert_eq!(records.len(), 5);
    let chats: BTreeSet<&str> = records
        .iter()
        .map(|r| r["chat"].as_str().unwrap())
        .collect();
    assert_eq!(chats.len(), 2);
    for r in &records {
        assert_eq!(r["is_business"], r["author"] == "Sharma Sarees", "{r}");
    }
}

#[test]
fn the_collected_exports_are_labelled_without_a_gap_or_a_repeat() {
    let fixtures = repo().join("../shared/data/whatsapp");
    if !fixtures.exists() {
        eprintln!("skipped: {} not found", fixtures.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.jsonl");
    let o = bin()
        .arg("label")
        .arg(&fixtures)
        .args(["--me", "nobody", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let records = lines(&out);
    assert!(records.len() > 3000, "{}", records.len());
    let mut next: std::collections::BTreeMap<String, u64> = Default::default();
    for r in &records {
        let chat = r["chat"].as_str().unwrap().to_string();
        let want = next.entry(chat).or_insert(0);
        assert_eq!(r["index"], *want, "gap or repeat at {r}");
        *want += 1;
        assert_eq!(
            r["analysis"].is_object(),
            r["kind"] == "text" && !r["text"].as_str().unwrap().trim().is_empty(),
            "{r}"
        );
        spans_hold(r);
    }
}

#[test]
fn resume_after_kills_gives_the_same_file_as_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let (text, expect) = export(80_000);
    let input = dir.path().join("WhatsApp Chat with Ravi Kumar.txt");
    std::fs::write(&input, &text).unwrap();
    let whole = dir.path().join("whole.jsonl");
    label_ok(&input, &whole, &[]);

    let out = dir.path().join("resumed.jsonl");
    let partial = dir.path().join("resumed.jsonl.partial");
    let checkpoint = dir.path().join("resumed.jsonl.checkpoint");
    // Bytes of output the checkpoint vouches for, if there is one.
    let vouched = || -> Option<u64> {
        let text = std::fs::read_to_string(&checkpoint).ok()?;
        serde_json::from_str::<Value>(&text).ok()?["output_bytes"].as_u64()
    };
    let mut kills = 0;
    let mut resume = false;
    let mut done = 0u64;
    for _ in 0..60 {
        let mut cmd = bin();
        cmd.arg("label").arg(&input).arg("-o").arg(&out);
        if resume {
            cmd.arg("--resume");
        }
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Kill the run once it has checkpointed new work, at a different point of the chunk
        // after it each time, five times; then let it finish.
        let finished = loop {
            if child.try_wait().unwrap().is_some() {
                break true;
            }
            if kills < 5 && vouched().is_some_and(|b| b > done) {
                // Somewhere inside the next chunk: output may be half-written there.
                std::thread::sleep(Duration::from_millis(23 * kills as u64));
                let _ = child.kill();
                // It may have finished during the wait: then it was not killed.
                break child.wait().unwrap().success();
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        if finished {
            let o = child.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            break;
        }
        if !checkpoint.exists() && out.exists() {
            break; // finished just as it was killed
        }
        let now = vouched().expect("a killed run leaves its checkpoint");
        // A crash can also land half-way through writing a line past the checkpoint: leave
        // such a torn line, which the resumed run must drop.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&partial)
            .unwrap();
        f.write_all(b"{\"chat\":\"torn line, no end").unwrap();
        assert!(
            now > done,
            "checkpointed work went back: {now} after {done}"
        );
        done = now;
        kills += 1;
        resume = true;
    }
    assert!(kills >= 4, "only {kills} kills landed mid-run");
    assert!(!partial.exists());
    let a = std::fs::read(&whole).unwrap();
    let b = std::fs::read(&out).unwrap();
    assert_eq!(a.len(), b.len());
    assert!(
        a == b,
        "the resumed output differs from the uninterrupted one"
    );
    assert_eq!(lines(&out).len(), expect.len());
}

#[test]
fn label_refuses_what_it_cannot_do_safely() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("WhatsApp Chat with Ravi Kumar.txt");
    std::fs::write(&input, export(20).0).unwrap();
    let out = dir.path().join("out.jsonl");
    // Nothing to resume.
    let o = bin()
        .arg("label")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--resume")
        .output()
        .unwrap();
    assert_clean_failure(&o, "nothing to resume");
    // An interrupted run is not silently overwritten, nor resumed with other options.
    std::fs::write(dir.path().join("out.jsonl.partial"), "").unwrap();
    let checkpoint = dir.path().join("out.jsonl.checkpoint");
    label_ok(&input, &out, &[]);
    assert!(!checkpoint.exists());
    // An interrupted run by hand: a checkpoint from a run with other options.
    std::fs::write(
        &checkpoint,
        r#"{"run":{"version":1,"inputs":[],"sizes":[],"format":"csv","me":null,"date_order":null,"redact":false,"model":""},"export":0,"last":null,"output_bytes":0}"#,
    )
    .unwrap();
    let o = bin()
        .arg("label")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_clean_failure(&o, "--resume");
    let o = bin()
        .arg("label")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--resume")
        .output()
        .unwrap();
    assert_clean_failure(&o, "other inputs or options");
    // Inputs that are not there, and a folder with no export at all.
    let o = bin()
        .args(["label", "/no/such/export.txt"])
        .output()
        .unwrap();
    assert_clean_failure(&o, "no such file");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = bin().arg("label").arg(&empty).output().unwrap();
    assert_clean_failure(&o, "no WhatsApp export");
    let o = bin()
        .arg("label")
        .arg(&input)
        .args(["--date-order", "ymd"])
        .output()
        .unwrap();
    assert_clean_failure(&o, "dmy");
}

#[test]
fn a_report_on_an_export_is_the_report_on_its_labelled_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("WhatsApp Chat with Ravi Kumar.txt");
    std::fs::write(&input, export(300).0).unwrap();
    let labelled = dir.path().join("l.jsonl");
    label_ok(&input, &labelled, &[]);
    let report = |from: &Path| -> Value {
        let o = bin()
            .arg("report")
            .arg(from)
            .args(["--json", "-o", "-"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let mut v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["parameters"]["inputs"] = Value::Null;
        v
    };
    let direct = report(&input);
    assert_eq!(direct, report(&labelled));
    assert_eq!(direct["summary"]["records"], 300, "{}", direct["summary"]);
    assert!(direct["summary"]["business_messages"].as_u64().unwrap() > 0);
}
