//! The service over real HTTP on loopback (port 0), with a hand-rolled HTTP/1.1 client so that
//! requests can be as broken as clients make them: invalid UTF-8, wrong headers, bodies that
//! stop half-way.

use sandesh_server::{ServerConfig, WhatsAppConfig};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const KEY: &str = "test-key-7f3a";

#[path = "support/forwarding.rs"]
mod forwarding;
#[path = "support/openapi.rs"]
mod openapi;

fn engine() -> sandesh::Engine {
    static ENGINE: OnceLock<sandesh::Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            sandesh::Engine::builder()
                .build()
                .expect("the shipped model loads")
        })
        .clone()
}

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<sandesh_server::Result<()>>,
}

impl Server {
    async fn start(config: ServerConfig) -> Server {
        Self::start_with(config, engine()).await
    }

    async fn start_with(config: ServerConfig, engine: sandesh::Engine) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let done = tokio::spawn(sandesh_server::serve_on(listener, config, engine, async {
            let _ = rx.await;
        }));
        Server {
            addr,
            stop: Some(tx),
            done,
        }
    }

    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let r = tokio::time::timeout(Duration::from_secs(15), self.done)
            .await
            .expect("the server stops within its grace period");
        assert!(r.unwrap().is_ok());
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The error code of a JSON error body.
    fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.json()))
            .to_string()
    }
}

/// Sends raw bytes and reads the whole answer (the request asks for `Connection: close`).
/// Writing and reading run together: the service may answer (413) and close before a large
/// body is all sent, as it should.
async fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let s = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = s.into_split();
    let body = request.to_vec();
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(&body).await;
        wr
    });
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rd.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => panic!("no answer within 20 s"),
        }
    }
    drop(writer);
    let reply = parse_reply(&buf);
    // Every answer must be what the OpenAPI document says. Deliberately broken request lines
    // name no method and path to look up, so they go unchecked.
    let line = request.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line)
        .unwrap_or("")
        .trim_end_matches('\r');
    let mut parts = line.split(' ');
    if let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    {
        if !method.is_empty()
            && method.bytes().all(|b| b.is_ascii_uppercase())
            && target.starts_with('/')
            && version.starts_with("HTTP/")
        {
            openapi::check(
                method,
                target,
                reply.status,
                reply.header("content-type"),
                &reply.body,
            );
        }
    }
    reply
}

async fn read_reply(s: &mut TcpStream) -> Reply {
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf))
        .await
        .expect("an answer within 20 s")
        .unwrap();
    parse_reply(&buf)
}

fn parse_reply(buf: &[u8]) -> Reply {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(buf)));
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

async fn post_json(addr: SocketAddr, path: &str, key: Option<&str>, body: &[u8]) -> Reply {
    let auth = key.map(|k| format!("Bearer {k}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    raw(addr, &request("POST", path, &headers, body)).await
}

async fn get(addr: SocketAddr, path: &str, key: Option<&str>) -> Reply {
    let auth = key.map(|k| format!("Bearer {k}"));
    let mut headers = vec![];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    raw(addr, &request("GET", path, &headers, b"")).await
}

fn keyed() -> ServerConfig {
    ServerConfig {
        api_key: Some(KEY.into()),
        ..ServerConfig::default()
    }
}

/// Every entity indexes the text it came from, in characters.
fn check_entities(text: &str, analysis: &Value) {
    let chars: Vec<char> = text.chars().collect();
    for e in analysis["entities"].as_array().unwrap() {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        let slice: String = chars[s..t].iter().collect();
        assert_eq!(slice, e["text"].as_str().unwrap(), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classify_answers_the_contract_shape_and_echoes_the_id() {
    let server = Server::start(keyed()).await;
    let text = "₹4,500 bhej diye order #45821 ke liye, UPI ref 412345678901";
    let body = json!({"id": "m-17", "text": text}).to_string();
    for path in ["/v1/classify", "/classify"] {
        let r = post_json(server.addr, path, Some(KEY), body.as_bytes()).await;
        assert_eq!(r.status, 200, "{path}");
        let a = r.json();
        assert_eq!(a["id"], "m-17");
        assert_eq!(a["intent"], "payment");
        let scores: Vec<f64> = a["intents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["score"].as_f64().unwrap())
            .collect();
        assert_eq!(scores.len(), 7);
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "ranked: {scores:?}"
        );
        assert!((a["confidence"].as_f64().unwrap() - scores[0]).abs() < 1e-6);
        let kinds: Vec<&str> = a["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"amount") && kinds.contains(&"order_id"),
            "{kinds:?}"
        );
        check_entities(text, &a);
        assert!(r.header("x-request-id").is_some());
        assert!(a.get("route").is_none(), "no routes configured");
    }
    // Integer ids are echoed as integers.
    let r = post_json(
        server.addr,
        "/v1/classify",
        Some(KEY),
        br#"{"id": 42, "text": "hi"}"#,
    )
    .await;
    assert_eq!(r.json()["id"], 42);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_keeps_input_order_and_answers_bad_items_in_place() {
    let server = Server::start(keyed()).await;
    let long = "a".repeat(sandesh::DEFAULT_MAX_CHARS + 1);
    let body = json!({"messages": [
        {"id": 1, "text": "kal 5 baje table book karna hai 4 logon ke liye"},
        {"id": 2, "text": "   "},
        {"id": 3, "text": "payment done ₹1,200 UPI se"},
        {"id": 4, "text": long},
        {"id": 5, "text": "Looking for a job as a driver, 5 years experience"},
    ]})
    .to_string();
    let r = post_json(
        server.addr,
        "/v1/classify/batch",
        Some(KEY),
        body.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200);
    let results = r.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 5);
    let ids: Vec<i64> = results.iter().map(|x| x["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(results[0]["intent"], "booking");
    assert_eq!(results[1]["error"]["code"], "empty_text");
    assert_eq!(results[2]["intent"], "payment");
    assert_eq!(results[3]["error"]["code"], "text_too_long");
    assert_eq!(results[4]["intent"], "hiring");
    // Each answer equals what the single endpoint says for the same text.
    let one = post_json(
        server.addr,
        "/v1/classify",
        Some(KEY),
        json!({"id": 3, "text": "payment done ₹1,200 UPI se"})
            .to_string()
            .as_bytes(),
    )
    .await;
    assert_eq!(one.json(), results[2]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_model_and_metrics() {
    let server = Server::start(keyed()).await;
    // Probes need no key; the API routes do.
    assert_eq!(get(server.addr, "/healthz", None).await.status, 200);
    assert_eq!(get(server.addr, "/readyz", None).await.status, 200);
    let m = get(server.addr, "/v1/model", Some(KEY)).await;
    assert_eq!(m.status, 200);
    let labels: Vec<String> = m.json()["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    for intent in sandesh::Intent::ALL {
        assert!(labels.contains(&intent.as_str().to_string()), "{labels:?}");
    }
    assert!(m.json()["metrics"].is_object());
    for _ in 0..3 {
        post_json(
            server.addr,
            "/v1/classify",
            Some(KEY),
            br#"{"text": "naukri chahiye driver ki"}"#,
        )
        .await;
    }
    post_json(server.addr, "/v1/classify", Some(KEY), b"{oops").await;
    let text = String::from_utf8(get(server.addr, "/metrics", Some(KEY)).await.body).unwrap();
    assert!(
        text.contains("sandesh_requests_total{route=\"/v1/classify\",status=\"200\"} 3"),
        "{text}"
    );
    assert!(text.contains("sandesh_requests_total{route=\"/v1/classify\",status=\"400\"} 1"));
    assert!(text.contains("sandesh_request_duration_seconds_count{route=\"/v1/classify\"} 4"));
    assert!(
        text.contains("sandesh_messages_total{intent=\"hiring\""),
        "{text}"
    );
    assert!(text.contains("sandesh_model_info{kind="));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_matrix() {
    let config = ServerConfig {
        api_key: Some(KEY.into()),
        max_batch: 8,
        ..ServerConfig::default()
    };
    let server = Server::start(config).await;
    let a = server.addr;
    let auth = format!("Bearer {KEY}");
    let json_h = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let big_text = json!({"text": "x".repeat(100_000)}).to_string();
    let ten_mb = vec![b' '; 10 * 1024 * 1024];
    let batch9 =
        json!({"messages": (0..9).map(|i| json!({"id": i, "text": "hi"})).collect::<Vec<_>>()})
            .to_string();
    let mut invalid_utf8 = br#"{"text": "bad "#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe]);
    invalid_utf8.extend_from_slice(br#""}"#);
    let cases: Vec<(&str, Vec<u8>, u16, Option<&str>)> = vec![
        (
            "malformed JSON",
            request("POST", "/v1/classify", &json_h, b"{\"text\": "),
            400,
            Some("invalid_json"),
        ),
        (
            "wrong content type",
            request(
                "POST",
                "/v1/classify",
                &[("Content-Type", "text/plain"), ("Authorization", &auth)],
                br#"{"text":"hi"}"#,
            ),
            415,
            Some("unsupported_media_type"),
        ),
        (
            "no content type",
            request(
                "POST",
                "/v1/classify",
                &[("Authorization", &auth)],
                br#"{"text":"hi"}"#,
            ),
            415,
            Some("unsupported_media_type"),
        ),
        (
            "empty body",
            request("POST", "/v1/classify", &json_h, b""),
            400,
            Some("invalid_json"),
        ),
        (
            "10 MB body",
            request("POST", "/v1/classify", &json_h, &ten_mb),
            413,
            Some("body_too_large"),
        ),
        (
            "100,000-character text",
            request("POST", "/v1/classify", &json_h, big_text.as_bytes()),
            413,
            Some("text_too_long"),
        ),
        (
            "invalid UTF-8",
            request("POST", "/v1/classify", &json_h, &invalid_utf8),
            400,
            Some("invalid_utf8"),
        ),
        (
            "missing text",
            request("POST", "/v1/classify", &json_h, br#"{"id": 1}"#),
            422,
            Some("invalid_input"),
        ),
        (
            "text not a string",
            request("POST", "/v1/classify", &json_h, br#"{"text": 5}"#),
            422,
            Some("invalid_input"),
        ),
        (
            "JSON array body",
            request("POST", "/v1/classify", &json_h, b"[1,2]"),
            422,
            Some("invalid_input"),
        ),
        (
            "unknown field",
            request("POST", "/v1/classify", &json_h, br#"{"txt": "hi"}"#),
            422,
            Some("invalid_input"),
        ),
        (
            "empty text",
            request("POST", "/v1/classify", &json_h, br#"{"text": ""}"#),
            422,
            Some("empty_text"),
        ),
        (
            "zero-width only",
            request(
                "POST",
                "/v1/classify",
                &json_h,
                "{\"text\": \"\u{200b}\u{200d}\u{feff}\"}".as_bytes(),
            ),
            422,
            Some("empty_text"),
        ),
        (
            "NUL bytes",
            request(
                "POST",
                "/v1/classify",
                &json_h,
                br#"{"text": "order\u0000 #4582 kab aayega"}"#,
            ),
            200,
            None,
        ),
        (
            "RTL and zero-width",
            request(
                "POST",
                "/v1/classify",
                &json_h,
                "{\"text\": \"\u{202e}payment\u{200b} done ₹500\u{202c}\"}".as_bytes(),
            ),
            200,
            None,
        ),
        (
            "emoji only",
            request(
                "POST",
                "/v1/classify",
                &json_h,
                "{\"text\": \"🙏🙏👍\"}".as_bytes(),
            ),
            200,
            None,
        ),
        (
            "batch over the limit",
            request("POST", "/v1/classify/batch", &json_h, batch9.as_bytes()),
            413,
            Some("batch_too_large"),
        ),
        (
            "batch not a list",
            request(
                "POST",
                "/v1/classify/batch",
                &json_h,
                br#"{"messages": "hi"}"#,
            ),
            422,
            Some("invalid_input"),
        ),
        (
            "missing key",
            request(
                "POST",
                "/v1/classify",
                &[("Content-Type", "application/json")],
                br#"{"text":"hi"}"#,
            ),
            401,
            Some("missing_api_key"),
        ),
        (
            "wrong key",
            request(
                "POST",
                "/v1/classify",
                &[
                    ("Content-Type", "application/json"),
                    ("Authorization", "Bearer nope"),
                ],
                br#"{"text":"hi"}"#,
            ),
            403,
            Some("wrong_api_key"),
        ),
        (
            "key without Bearer",
            request(
                "POST",
                "/v1/classify",
                &[("Content-Type", "application/json"), ("Authorization", KEY)],
                br#"{"text":"hi"}"#,
            ),
            401,
            Some("missing_api_key"),
        ),
        (
            "unknown path",
            request("GET", "/v2/classify", &[("Authorization", &auth)], b""),
            404,
            Some("not_found"),
        ),
        (
            "wrong method",
            request("GET", "/v1/classify", &[("Authorization", &auth)], b""),
            405,
            Some("method_not_allowed"),
        ),
        (
            "webhook not configured",
            request("GET", "/v1/webhooks/whatsapp?hub.mode=subscribe", &[], b""),
            404,
            Some("not_found"),
        ),
    ];
    assert!(cases.len() >= 15);
    for (name, req, status, code) in cases {
        let r = raw(a, &req).await;
        assert_eq!(
            r.status,
            status,
            "{name}: {:?}",
            String::from_utf8_lossy(&r.body)
        );
        match code {
            Some(c) => {
                assert_eq!(r.code(), c, "{name}");
                assert!(r.json()["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()));
            }
            None => assert!(r.json()["intent"].is_string(), "{name}"),
        }
    }
    // The limits are named in the messages.
    let r = raw(
        a,
        &request("POST", "/v1/classify/batch", &json_h, batch9.as_bytes()),
    )
    .await;
    assert!(r.json()["error"]["message"].as_str().unwrap().contains('8'));
    // After all that the service still answers.
    assert_eq!(get(a, "/healthz", None).await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_address_needs_a_key_and_keys_are_not_empty() {
    let open = ServerConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        ..ServerConfig::default()
    };
    let e = open.validate().unwrap_err().to_string();
    assert!(e.contains("API key"), "{e}");
    let with_key = ServerConfig {
        api_key: Some("k".into()),
        ..open.clone()
    };
    assert!(with_key.validate().is_ok());
    let empty = ServerConfig {
        api_key: Some("  ".into()),
        ..ServerConfig::default()
    };
    assert!(empty.validate().is_err());
    // serve refuses before binding.
    let r = sandesh_server::serve(open, engine(), async {}).await;
    assert!(r.is_err());
}

/// Past `max_concurrent` requests in flight the answer is 429 with `Retry-After`, at once; the
/// held request still completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saturation_answers_429_and_never_queues() {
    let config = ServerConfig {
        max_concurrent: 1,
        ..ServerConfig::default()
    };
    let server = Server::start(config).await;
    // A request whose body arrives slowly holds the only permit.
    let body = br#"{"text": "kitne ka hai?"}"#;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    let head = request(
        "POST",
        "/v1/classify",
        &[("Content-Type", "application/json")],
        body,
    );
    let cut = head.len() - body.len() + 5;
    slow.write_all(&head[..cut]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let r = post_json(server.addr, "/v1/classify", None, body).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.code(), "overloaded");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered without waiting"
    );
    // Probes still answer while saturated.
    assert_eq!(get(server.addr, "/healthz", None).await.status, 200);
    slow.write_all(&head[cut..]).await.unwrap();
    let done = read_reply(&mut slow).await;
    assert_eq!(done.status, 200);
    assert_eq!(done.json()["intent"], "lead");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_blame_the_slow_party() {
    // A client that stops half-way through its body gets 408: the delay is its own.
    let config = ServerConfig {
        request_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let server = Server::start(config).await;
    let body = br#"{"text": "hello"}"#;
    let head = request(
        "POST",
        "/v1/classify",
        &[("Content-Type", "application/json")],
        body,
    );
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(&head[..head.len() - 3]).await.unwrap();
    let r = read_reply(&mut s).await;
    assert_eq!(r.status, 408);
    assert_eq!(r.code(), "body_timeout");
    server.stop().await;

    // Work that outlasts the timeout once the body is in gets 503 and Retry-After: about
    // 900 kB of messages arrive in a few ms on loopback and take far longer than 20 ms to read.
    let config = ServerConfig {
        request_timeout: Duration::from_millis(20),
        ..ServerConfig::default()
    };
    let server = Server::start(config).await;
    let long = "kal 5 baje tak ₹4,500 bhej dunga, order #45821 ka. ".repeat(70);
    let messages: Vec<Value> = (0..256).map(|i| json!({"id": i, "text": long})).collect();
    let body = json!({ "messages": messages }).to_string();
    assert!(body.len() < sandesh_server::config::DEFAULT_MAX_BODY_BYTES);
    let r = post_json(server.addr, "/v1/classify/batch", None, body.as_bytes()).await;
    assert_eq!(r.status, 503, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.code(), "timeout");
    assert!(r.header("retry-after").is_some());
    server.stop().await;
}

/// After the shutdown signal, a request already in flight is answered; then the server ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_requests_in_flight_finish() {
    let config = ServerConfig {
        shutdown_grace: Duration::from_secs(5),
        ..ServerConfig::default()
    };
    let mut server = Server::start(config).await;
    let body =
        br#"{"text": "25 tarikh ko double room khali hai kya? 2 raat ke liye book karna hai"}"#;
    let head = request(
        "POST",
        "/v1/classify",
        &[("Content-Type", "application/json")],
        body,
    );
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    let cut = head.len() - 4;
    s.write_all(&head[..cut]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let _ = server.stop.take().unwrap().send(());
    tokio::time::sleep(Duration::from_millis(150)).await;
    s.write_all(&head[cut..]).await.unwrap();
    let r = read_reply(&mut s).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["intent"], "booking");
    let ended = tokio::time::timeout(Duration::from_secs(10), server.done).await;
    assert!(ended.is_ok(), "the server ended after its last request");
}

fn whatsapp(secret: Option<&str>) -> ServerConfig {
    ServerConfig {
        whatsapp: Some(WhatsAppConfig {
            verify_token: "verify-me".into(),
            app_secret: secret.map(str::to_string),
        }),
        ..ServerConfig::default()
    }
}

fn meta_payload() -> Value {
    json!({
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "1029384756",
        "changes": [{
          "field": "messages",
          "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "919800000000", "phone_number_id": "1122"},
            "contacts": [{"profile": {"name": "Ravi"}, "wa_id": "919812345678"}],
            "messages": [
              {"from": "919812345678", "id": "wamid.A", "timestamp": "1732000000", "type": "text",
               "text": {"body": "₹2,500 bhej diye, order #8812 ka payment"}},
              {"from": "919812345678", "id": "wamid.B", "timestamp": "1732000001", "type": "interactive",
               "interactive": {"type": "button_reply", "button_reply": {"id": "b1", "title": "Book a table"}}},
              {"from": "919812345678", "id": "wamid.C", "timestamp": "1732000002", "type": "interactive",
               "interactive": {"type": "list_reply", "list_reply": {"id": "l1", "title": "Driver job", "description": "Apply for the delivery driver opening"}}},
              {"from": "919812345678", "id": "wamid.D", "timestamp": "1732000003", "type": "image",
               "image": {"id": "img1", "mime_type": "image/jpeg"}},
              {"from": "919812345678", "id": "wamid.E", "timestamp": "1732000004", "type": "button",
               "button": {"payload": "p", "text": "Payment done"}}
            ],
            "statuses": [{"id": "wamid.Z", "status": "delivered"}]
          }
        }]
      }]
    })
}

fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatsapp_handshake() {
    let server = Server::start(whatsapp(None)).await;
    let ok = get(
        server.addr,
        "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444",
        None,
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body, b"1158201444");
    let wrong = get(
        server.addr,
        "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
        None,
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(wrong.code(), "wrong_verify_token");
    let partial = get(
        server.addr,
        "/v1/webhooks/whatsapp?hub.mode=subscribe",
        None,
    )
    .await;
    assert_eq!(partial.status, 422);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatsapp_messages_are_classified_and_signatures_checked() {
    let secret = "app-secret-1";
    let server = Server::start(whatsapp(Some(secret))).await;
    let body = meta_payload().to_string();
    let sig = sign(secret, body.as_bytes());
    let path = "/v1/webhooks/whatsapp";
    let ct = ("Content-Type", "application/json");
    let r = raw(
        server.addr,
        &request(
            "POST",
            path,
            &[ct, ("X-Hub-Signature-256", &sig)],
            body.as_bytes(),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    let results = v["results"].as_array().unwrap();
    let got: Vec<(&str, &str)> = results
        .iter()
        .map(|x| {
            (
                x["message_id"].as_str().unwrap(),
                x["analysis"]["intent"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("wamid.A", "payment"),
            ("wamid.B", "booking"),
            ("wamid.C", "hiring"),
            ("wamid.E", "payment"),
        ]
    );
    assert_eq!(v["skipped"][0]["message_id"], "wamid.D");
    assert_eq!(v["statuses_ignored"], 1);
    assert_eq!(results[0]["from"], "919812345678");
    // A signature over other bytes, a missing one, and a malformed one are refused.
    let tampered = body.replace("2,500", "9,500");
    for (headers, code) in [
        (
            vec![ct, ("X-Hub-Signature-256", sig.as_str())],
            "bad_signature",
        ),
        (vec![ct], "bad_signature"),
        (
            vec![ct, ("X-Hub-Signature-256", "sha1=abc")],
            "bad_signature",
        ),
    ] {
        let r = raw(
            server.addr,
            &request("POST", path, &headers, tampered.as_bytes()),
        )
        .await;
        assert_eq!(r.status, 401);
        assert_eq!(r.code(), code);
    }
    // A signed body that is not a WhatsApp payload is 422, not 5xx.
    let other = br#"{"object": "page", "entry": []}"#;
    let sig = sign(secret, other);
    let r = raw(
        server.addr,
        &request("POST", path, &[ct, ("X-Hub-Signature-256", &sig)], other),
    )
    .await;
    assert_eq!(r.status, 422);
    server.stop().await;
}

/// With routing rules, every analysis carries its route, from the single and batch endpoints
/// and from the webhook alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_appear_in_every_analysis() {
    let routes = sandesh::Routes::from_toml_str(
        r#"
[default]
queue = "inbox"
priority = "low"

[[rule]]
name = "big-payments"
intent = "payment"
min_amount = 50000
queue = "accounts"
priority = "urgent"
sla_minutes = 60
assignee = "Ravi"

[[rule]]
name = "jobs"
intent = "hiring"
queue = "hr"
priority = "normal"
"#,
    )
    .unwrap();
    let engine = sandesh::Engine::builder().routes(routes).build().unwrap();
    let mut config = whatsapp(None);
    config.api_key = Some(KEY.into());
    let server = Server::start_with(config, engine).await;
    let body = json!({"messages": [
        {"id": 1, "text": "Payment done ₹75,000 NEFT se bheja, UTR 412345678901"},
        {"id": 2, "text": "Sir ₹750 UPI kar diya"},
        {"id": 3, "text": "driver ki naukri hai kya? 5 saal ka experience hai"},
    ]})
    .to_string();
    let r = post_json(
        server.addr,
        "/v1/classify/batch",
        Some(KEY),
        body.as_bytes(),
    )
    .await;
    let results = r.json()["results"].as_array().unwrap().clone();
    let queues: Vec<&str> = results
        .iter()
        .map(|a| a["route"]["queue"].as_str().unwrap())
        .collect();
    assert_eq!(queues, ["accounts", "inbox", "hr"]);
    assert_eq!(results[0]["route"]["priority"], "urgent");
    assert_eq!(results[0]["route"]["sla_minutes"], 60);
    assert_eq!(results[0]["route"]["assignee"], "Ravi");
    let one = post_json(
        server.addr,
        "/v1/classify",
        Some(KEY),
        br#"{"text": "driver ki naukri hai kya? 5 saal ka experience hai"}"#,
    )
    .await;
    assert_eq!(one.json()["route"]["queue"], "hr");
    let hook = meta_payload().to_string();
    let r = raw(
        server.addr,
        &request(
            "POST",
            "/v1/webhooks/whatsapp",
            &[("Content-Type", "application/json")],
            hook.as_bytes(),
        ),
    )
    .await;
    for x in r.json()["results"].as_array().unwrap() {
        assert!(x["analysis"]["route"]["queue"].is_string(), "{x}");
    }
    server.stop().await;
}

/// The OpenAPI document is served, and every path and method it lists is really routed: none
/// answers 404 or 405 (the answers themselves are checked against the document by `raw`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_is_served_and_lists_every_route() {
    let mut config = whatsapp(None);
    config.api_key = Some(KEY.into());
    let server = Server::start(config).await;
    let r = get(server.addr, "/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut seen = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_ascii_uppercase();
            let (target, body) = match (method.as_str(), path.as_str()) {
                ("GET", "/v1/webhooks/whatsapp") => (
                    format!("{path}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=7"),
                    String::new(),
                ),
                ("POST", "/v1/webhooks/whatsapp") => (path.clone(), meta_payload().to_string()),
                ("POST", "/v1/classify/batch") => (
                    path.clone(),
                    json!({"messages": [{"id": 1, "text": "price kya hai?"}]}).to_string(),
                ),
                ("POST", _) => (path.clone(), json!({"text": "price kya hai?"}).to_string()),
                _ => (path.clone(), String::new()),
            };
            let auth = format!("Bearer {KEY}");
            let mut headers = vec![("Authorization", auth.as_str())];
            if method == "POST" {
                headers.push(("Content-Type", "application/json"));
            }
            let r = raw(
                server.addr,
                &request(&method, &target, &headers, body.as_bytes()),
            )
            .await;
            assert!(
                r.status != 404 && r.status != 405,
                "{method} {path} is in the document but not routed: {} {:?}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
            assert_eq!(r.status, 200, "{method} {path}");
            seen.push(format!("{method} {path}"));
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /healthz",
            "GET /metrics",
            "GET /openapi.json",
            "GET /readyz",
            "GET /v1/model",
            "GET /v1/webhooks/whatsapp",
            "POST /classify",
            "POST /v1/classify",
            "POST /v1/classify/batch",
            "POST /v1/webhooks/whatsapp",
        ]
    );
    // A path missing from the document is not routed either.
    let r = get(server.addr, "/v1/openapi.json", Some(KEY)).await;
    assert_eq!(r.status, 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_route_reports_the_tier_and_why_it_fell_back() {
    // A directory nobody made.
    let absent = std::env::temp_dir().join(format!("sandesh-no-encoder-{}", std::process::id()));
    let fallback = sandesh::Engine::builder()
        .tier(sandesh::Tier::Encoder)
        .encoder_dir(absent)
        .build()
        .unwrap();
    let server = Server::start_with(keyed(), fallback).await;
    let m = get(server.addr, "/v1/model", Some(KEY)).await;
    assert_eq!(m.status, 200);
    let tier = &m.json()["tier"];
    assert_eq!(tier["active"], "fast");
    assert_eq!(tier["requested"], "encoder");
    let reason = tier["fallback"].as_str().unwrap();
    assert!(
        reason.contains("no-encoder") && reason.contains("fetch-e5"),
        "{reason}"
    );
    assert!(tier["encoder"].is_null());
    let r = post_json(
        server.addr,
        "/v1/classify",
        Some(KEY),
        br#"{"text": "naukri chahiye driver ki"}"#,
    )
    .await;
    assert_eq!(r.status, 200);
    server.stop().await;

    // With the encoder present (scripts/fetch-e5.sh; CI fetches it), the cascade serves.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !root.join("models/e5-small/manifest.json").is_file() {
        eprintln!("SKIPPED the cascade half: models/e5-small is absent (scripts/fetch-e5.sh)");
        return;
    }
    let cascade = sandesh::Engine::builder()
        .tier(sandesh::Tier::Cascade)
        .build()
        .unwrap();
    assert_eq!(cascade.fallback(), None);
    let server = Server::start_with(keyed(), cascade).await;
    let m = get(server.addr, "/v1/model", Some(KEY)).await;
    let tier = &m.json()["tier"];
    assert_eq!(tier["active"], "cascade");
    assert!(tier["fallback"].is_null());
    assert_eq!(
        tier["encoder"]["weights_sha256"].as_str().unwrap().len(),
        64
    );
    // The shipped head carries the cascade's gate, and says how it mixes with the fast tier.
    let weight = tier["encoder"]["head"]["gate"]["fast_weight"]
        .as_f64()
        .unwrap();
    assert!((0.0..=1.0).contains(&weight), "{weight}");
    // And names the depths of the encoder its head reads, the last one included.
    let depths = tier["encoder"]["head"]["depths"].as_array().unwrap();
    assert!(depths.len() >= 2, "{depths:?}");
    assert_eq!(depths.last().and_then(|d| d.as_u64()), Some(12));
    // And its early exit: a middle depth the head reads, with a threshold in 0..=1.
    let exit = &tier["encoder"]["head"]["exit"];
    let exit_depth = exit["depth"].as_u64().unwrap();
    assert!(exit_depth > 0 && exit_depth < 12, "{exit}");
    assert!(
        depths.iter().any(|d| d.as_u64() == Some(exit_depth)),
        "{exit}"
    );
    let t = exit["threshold"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&t), "{exit}");
    // A message in a script the fast model is less sure of still gets a full analysis.
    let r = post_json(
        server.addr,
        "/v1/classify",
        Some(KEY),
        "{\"text\": \"ஆர்டர் இன்னும் வரவில்லை, எப்போது வரும்?\"}".as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["intents"].as_array().unwrap().len(), 7);
    server.stop().await;
}
