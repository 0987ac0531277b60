//! Forwarding webhook analyses to the URLs their routes name, against a local receiver that
//! answers as told: refusing, failing, or never answering at all.

use super::*;
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Got {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the receiver answers the n-th request (from 0) on a path; `None` never answers.
type Script = dyn Fn(&str, usize) -> Option<u16> + Send + Sync;

/// A small HTTP/1.1 server that records what it gets (keep-alive included, as the forwarding
/// client reuses connections).
struct Receiver {
    addr: SocketAddr,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    async fn start(script: Arc<Script>) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let record = got.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(Self::connection(stream, script.clone(), record.clone()));
            }
        });
        Receiver { addr, got }
    }

    async fn connection(mut s: TcpStream, script: Arc<Script>, got: Arc<Mutex<Vec<Got>>>) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let head_end = loop {
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break p;
                }
                match s.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let mut lines = head.split("\r\n");
            let path = lines
                .next()
                .and_then(|l| l.split(' ').nth(1))
                .unwrap_or("")
                .to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + 4 + len {
                match s.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let body = buf[head_end + 4..head_end + 4 + len].to_vec();
            buf.drain(..head_end + 4 + len);
            let nth = {
                let mut g = got.lock().unwrap();
                let nth = g.iter().filter(|x| x.path == path).count();
                g.push(Got {
                    path: path.clone(),
                    headers,
                    body,
                });
                nth
            };
            let Some(status) = script(&path, nth) else {
                // Hold the connection open without a word.
                std::future::pending::<()>().await;
                return;
            };
            let answer =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nretry-after: 0\r\n\r\n");
            if s.write_all(answer.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what was received, for up to 15 s.
    async fn wait_for(&self, what: &str, done: impl Fn(&[Got]) -> bool) -> Vec<Got> {
        for _ in 0..1500 {
            let got = self.got();
            if done(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("waited 15 s for {what}; got {:#?}", self.got());
    }
}

/// A Meta payload with one text message per `(id, text)`.
fn texts(messages: &[(&str, &str)]) -> Vec<u8> {
    let messages: Vec<Value> = messages
        .iter()
        .map(|(id, text)| {
            json!({"from": "919812345678", "id": id, "timestamp": "1732000000",
                   "type": "text", "text": {"body": text}})
        })
        .collect();
    json!({"object": "whatsapp_business_account",
           "entry": [{"changes": [{"value": {"messages": messages}}]}]})
    .to_string()
    .into_bytes()
}

async fn hook(addr: SocketAddr, body: &[u8]) -> Reply {
    raw(
        addr,
        &request(
            "POST",
            "/v1/webhooks/whatsapp",
            &[("Content-Type", "application/json")],
            body,
        ),
    )
    .await
}

/// An engine whose routes forward by entity (extraction is rule-based, so the routes do not
/// hang on the model's judgement): UPI ids to /accounts, e-mails nowhere, the rest to /inbox.
fn forwarding_engine(receiver: SocketAddr) -> sandesh::Engine {
    let routes = sandesh::Routes::from_toml_str(&format!(
        r#"
[default]
queue = "inbox"
priority = "low"
forward = "http://{receiver}/inbox?token=s3cret"

[[rule]]
name = "upi"
has = ["upi_id"]
queue = "accounts"
priority = "high"
forward = "http://{receiver}/accounts"

[[rule]]
name = "mail"
has = ["email"]
queue = "mail"
priority = "low"
"#
    ))
    .unwrap();
    sandesh::Engine::builder().routes(routes).build().unwrap()
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in metrics:\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_analyses_reach_their_routes_receiver_signed_and_retried() {
    // /accounts fails twice (503, then 500) before taking the event; /inbox takes it at once.
    let receiver = Receiver::start(Arc::new(|path: &str, nth: usize| {
        Some(match (path, nth) {
            ("/accounts", 0) => 503,
            ("/accounts", 1) => 500,
            _ => 200,
        })
    }))
    .await;
    let mut config = whatsapp(None);
    config.forward.backoff = Duration::from_millis(5);
    config.forward.secret = Some("fwd-secret".into());
    let server = Server::start_with(config, forwarding_engine(receiver.addr)).await;

    let r = hook(
        server.addr,
        &texts(&[
            ("wamid.P", "₹1,850 bhej diye ravi.k@okaxis pe"),
            ("wamid.M", "invoice bhejo ravi@example.com pe"),
            ("wamid.L", "kurti ka rate kya hai?"),
        ]),
    )
    .await;
    assert_eq!(r.status, 200);
    let answer = r.json();
    let results = answer["results"].as_array().unwrap().clone();
    let by_id = |id: &str| {
        results
            .iter()
            .find(|x| x["message_id"] == id)
            .unwrap_or_else(|| panic!("{id} missing in {answer}"))
            .clone()
    };
    assert_eq!(by_id("wamid.P")["forward"], "queued");
    assert_eq!(by_id("wamid.L")["forward"], "queued");
    // The rule that took the e-mail has no URL, and the default's is not a fallback.
    assert!(by_id("wamid.M").get("forward").is_none(), "{answer}");

    let got = receiver
        .wait_for("two events delivered", |g| {
            g.iter().filter(|x| x.path == "/accounts").count() == 3
                && g.iter().any(|x| x.path == "/inbox?token=s3cret")
        })
        .await;
    // Give any stray extra attempt time to show up before counting.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let got_now = receiver.got();
    assert_eq!(got_now.len(), 4, "{got_now:#?}");
    for (path, id) in [("/accounts", "wamid.P"), ("/inbox?token=s3cret", "wamid.L")] {
        let attempts: Vec<&Got> = got.iter().filter(|x| x.path == path).collect();
        for (n, g) in attempts.iter().enumerate() {
            assert_eq!(g.header("X-Sandesh-Event-Id"), Some(id));
            assert_eq!(g.header("X-Sandesh-Attempt"), Some(&*(n + 1).to_string()));
            assert_eq!(g.header("Content-Type"), Some("application/json"));
            assert_eq!(
                g.header("X-Sandesh-Signature-256"),
                Some(&*sign("fwd-secret", &g.body)),
                "the signature covers the exact body"
            );
            // The receiver gets the webhook's result for the message, less the queue marker.
            let sent: Value = serde_json::from_slice(&g.body).unwrap();
            let mut expected = by_id(id);
            expected.as_object_mut().unwrap().remove("forward");
            assert_eq!(sent, expected);
            check_entities(sent["text"].as_str().unwrap(), &sent["analysis"]);
        }
    }
    assert_eq!(
        by_id("wamid.P")["analysis"]["route"]["queue"],
        "accounts",
        "{answer}"
    );
    // The URL (and its token) stays out of what the caller and the receiver see.
    assert!(!String::from_utf8_lossy(&r.body).contains("s3cret"));

    let m = get(server.addr, "/metrics", None).await;
    let text = String::from_utf8_lossy(&m.body).to_string();
    assert_eq!(metric(&text, "sandesh_forward_delivered_total"), 2.0);
    assert_eq!(metric(&text, "sandesh_forward_retries_total"), 2.0);
    assert_eq!(metric(&text, "sandesh_forward_failed_total"), 0.0);
    assert_eq!(metric(&text, "sandesh_forward_pending"), 0.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_gives_up_on_a_refusal_at_once_and_on_failures_after_its_attempts() {
    // /inbox refuses (400: asking again will not help); /accounts is a port nobody listens on.
    let receiver = Receiver::start(Arc::new(|_: &str, _: usize| Some(400))).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let routes = sandesh::Routes::from_toml_str(&format!(
        "[default]\nqueue = \"inbox\"\npriority = \"low\"\nforward = \"http://{}/inbox\"\n\
         [[rule]]\nname = \"upi\"\nhas = [\"upi_id\"]\nqueue = \"accounts\"\npriority = \"high\"\n\
         forward = \"http://{closed}/accounts\"\n",
        receiver.addr
    ))
    .unwrap();
    let engine = sandesh::Engine::builder().routes(routes).build().unwrap();
    let mut config = whatsapp(None);
    config.forward.attempts = 3;
    config.forward.backoff = Duration::from_millis(5);
    let server = Server::start_with(config, engine).await;
    let r = hook(
        server.addr,
        &texts(&[("a", "₹500 bheja shop@ybl pe"), ("b", "kal khule ho?")]),
    )
    .await;
    assert_eq!(r.status, 200);
    let mut text = String::new();
    for _ in 0..1500 {
        let m = get(server.addr, "/metrics", None).await;
        text = String::from_utf8_lossy(&m.body).to_string();
        if metric(&text, "sandesh_forward_failed_total") == 2.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(metric(&text, "sandesh_forward_failed_total"), 2.0, "{text}");
    assert_eq!(metric(&text, "sandesh_forward_delivered_total"), 0.0);
    // Three attempts at the closed port are two retries; the refusal is not retried.
    assert_eq!(metric(&text, "sandesh_forward_retries_total"), 2.0);
    assert_eq!(receiver.got().len(), 1);
    assert_eq!(metric(&text, "sandesh_forward_pending"), 0.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_forward_queue_refuses_the_whole_payload_with_429() {
    // The receiver never answers, so the first event stays in delivery.
    let receiver = Receiver::start(Arc::new(|_: &str, _: usize| None)).await;
    let mut config = whatsapp(None);
    config.forward.queue = 1;
    config.forward.concurrency = 1;
    config.forward.timeout = Duration::from_secs(60);
    config.shutdown_grace = Duration::from_millis(300);
    let server = Server::start_with(config, forwarding_engine(receiver.addr)).await;

    let first = hook(server.addr, &texts(&[("one", "rate batao")])).await;
    assert_eq!(first.status, 200);
    receiver.wait_for("the first event", |g| g.len() == 1).await;
    // Two events, one free slot: neither is queued.
    let both = hook(
        server.addr,
        &texts(&[("two", "rate batao"), ("three", "stock hai?")]),
    )
    .await;
    assert_eq!(both.status, 429, "{}", String::from_utf8_lossy(&both.body));
    assert_eq!(both.code(), "overloaded");
    assert!(both.header("Retry-After").is_some());
    // One event fits the one slot.
    let fits = hook(server.addr, &texts(&[("four", "stock hai?")])).await;
    assert_eq!(fits.status, 200);
    assert_eq!(fits.json()["results"][0]["forward"], "queued");
    let m = get(server.addr, "/metrics", None).await;
    let text = String::from_utf8_lossy(&m.body).to_string();
    assert_eq!(metric(&text, "sandesh_forward_refused_total"), 2.0);
    assert_eq!(metric(&text, "sandesh_forward_pending"), 2.0);
    // Shutdown does not wait on the silent receiver past the grace period.
    server.stop().await;
    assert_eq!(receiver.got().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_url_the_client_cannot_use_stops_the_start_naming_its_rule() {
    let routes = sandesh::Routes::from_toml_str(
        "[default]\nqueue = \"inbox\"\npriority = \"low\"\n\
         [[rule]]\nname = \"broken\"\nintent = \"payment\"\nqueue = \"q\"\npriority = \"p\"\n\
         forward = \"http://[::1/x\"\n",
    )
    .unwrap();
    let engine = sandesh::Engine::builder().routes(routes).build().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let e = sandesh_server::serve_on(listener, whatsapp(None), engine, async {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("rule \"broken\"") && e.contains("http://[::1/x"),
        "{e}"
    );
}
