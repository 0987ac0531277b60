//! Forwarding: every webhook message whose route has a `forward` URL is POSTed there once
//! classified, so that a workflow engine (n8n, Make, Zapier, a shop's own backend) receives each
//! customer message already labelled, without polling.
//!
//! ```text
//! webhook payload → classify all → reserve a queue slot for each event (none free: 429, and
//! Meta delivers the payload again later) → bounded queue → up to `concurrency` deliveries →
//! POST, retried with backoff
//! ```
//!
//! Design choices:
//! - **Nothing queues without bound and nothing is dropped silently.** Slots for a whole payload
//!   are reserved before any event is queued, so a full queue refuses the payload as a whole
//!   (429 with `Retry-After`); Meta retries a webhook that was not answered 200.
//! - **At least once, in no particular order.** A receiver that took an event but answered too
//!   late gets it again; every request carries `X-Sandesh-Event-Id` (the WhatsApp message id)
//!   so that it can tell. Meta itself may deliver a message twice, for the same reason.
//! - **Retried**: connection errors, timeouts, 408, 429 and 5xx, after a delay that doubles
//!   from `backoff` up to [`MAX_BACKOFF`] (a `Retry-After` in seconds is honoured up to the same
//!   cap). **Not retried**: any other answer from 300 up (redirects are not followed; the
//!   receiver refused the event, and asking again would not change its mind). An event given up
//!   on is logged with its id and the reason, and counted.
//! - **Signed** when a secret is set: `X-Sandesh-Signature-256: sha256=<hex HMAC-SHA256 of the
//!   body>`, the scheme Meta uses for its own webhook, so a receiver can check the sender.
//! - **Shutdown**: queued and in-flight events get what is left of the grace period; what is
//!   still undelivered then is logged with its ids.
//! - The client honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, checks certificates against
//!   the Mozilla roots compiled in (no system store needed on a bare device), and follows no
//!   redirect.

use crate::config::ForwardConfig;
use crate::metrics::Metrics;
use crate::{Error, Result};
use hmac::{KeyInit, Mac};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};

/// Longest wait between two attempts, whatever the backoff or `Retry-After` asks.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// One analysis on its way to a receiver.
pub(crate) struct Event {
    /// The WhatsApp message id, or a generated one when Meta sent none.
    pub id: String,
    pub url: reqwest::Url,
    pub body: Vec<u8>,
}

/// The queue's sending end, and the URLs the routes forward to.
pub(crate) struct Forwarder {
    tx: mpsc::Sender<Queued>,
    urls: HashMap<String, reqwest::Url>,
    /// Ids of the events queued or being delivered, to name them if shutdown cuts them off.
    pending: Arc<Mutex<HashMap<u64, String>>>,
    metrics: Arc<Metrics>,
    next: std::sync::atomic::AtomicU64,
}

/// Why events could not be queued.
pub(crate) enum QueueError {
    /// No room for them all; nothing was queued.
    Full(usize),
    /// The service is shutting down.
    Closed,
}

impl Forwarder {
    /// Checks every forward URL of `routes` and starts the delivery task; `None` when no route
    /// forwards. Needs a Tokio runtime.
    pub fn start(
        routes: Option<&sandesh::routing::Routes>,
        config: &ForwardConfig,
        metrics: Arc<Metrics>,
    ) -> Result<Option<Forwarder>> {
        let mut urls = HashMap::new();
        for (place, url) in routes.map(|r| r.forward_urls()).unwrap_or_default() {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| Error::Config(format!("routes: {place}: forward URL {url:?}: {e}")))?;
            urls.insert(url.to_string(), parsed);
        }
        if urls.is_empty() {
            return Ok(None);
        }
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sandesh/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("the forwarding HTTP client: {e}")))?;
        let (tx, rx) = mpsc::channel(config.queue);
        let pending = Arc::new(Mutex::new(HashMap::new()));
        let delivery = Delivery {
            client,
            config: config.clone(),
            metrics: metrics.clone(),
            pending: pending.clone(),
        };
        tokio::spawn(dispatch(rx, Arc::new(delivery)));
        Ok(Some(Forwarder {
            tx,
            urls,
            pending,
            metrics,
            next: std::sync::atomic::AtomicU64::new(1),
        }))
    }

    /// The checked URL for a route's `forward`.
    pub fn url(&self, forward: &str) -> Option<&reqwest::Url> {
        self.urls.get(forward)
    }

    /// Queues all of `events` or none of them.
    pub fn enqueue(&self, events: Vec<Event>) -> std::result::Result<(), QueueError> {
        if events.is_empty() {
            return Ok(());
        }
        let permits = match self.tx.try_reserve_many(events.len()) {
            Ok(p) => p,
            Err(mpsc::error::TrySendError::Full(())) => {
                self.metrics
                    .forward_refused
                    .fetch_add(events.len() as u64, Ordering::Relaxed);
                return Err(QueueError::Full(self.tx.max_capacity()));
            }
            Err(mpsc::error::TrySendError::Closed(())) => return Err(QueueError::Closed),
        };
        for (permit, event) in permits.zip(events) {
            let key = self.next.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut p) = self.pending.lock() {
                p.insert(key, event.id.clone());
            }
            self.metrics.forward_pending.fetch_add(1, Ordering::Relaxed);
            permit.send((key, event).into());
        }
        Ok(())
    }

    /// Waits until every queued event is delivered or given up, or `within` has passed; then
    /// logs what is left undelivered.
    pub async fn drain(&self, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = self.pending.lock().map(|p| p.len()).unwrap_or(0);
            if left == 0 {
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                let ids: Vec<String> = self
                    .pending
                    .lock()
                    .map(|p| p.values().cloned().collect())
                    .unwrap_or_default();
                tracing::warn!(
                    undelivered = ids.len(),
                    ids = ?ids,
                    "shutdown: forwarding stopped with events undelivered"
                );
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// What the queue carries: the pending-map key and the event.
struct Queued {
    key: u64,
    event: Event,
}

impl From<(u64, Event)> for Queued {
    fn from((key, event): (u64, Event)) -> Self {
        Queued { key, event }
    }
}

struct Delivery {
    client: reqwest::Client,
    config: ForwardConfig,
    metrics: Arc<Metrics>,
    pending: Arc<Mutex<HashMap<u64, String>>>,
}

/// Takes events off the queue, at most `concurrency` in delivery at once: the queue, not a
/// pile of spawned tasks, holds what waits.
async fn dispatch(mut rx: mpsc::Receiver<Queued>, delivery: Arc<Delivery>) {
    let slots = Arc::new(Semaphore::new(delivery.config.concurrency));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Some(queued) = rx.recv().await else {
            return;
        };
        let delivery = delivery.clone();
        tokio::spawn(async move {
            delivery.deliver(&queued.event).await;
            if let Ok(mut p) = delivery.pending.lock() {
                p.remove(&queued.key);
            }
            delivery
                .metrics
                .forward_pending
                .fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        });
    }
}

/// What one attempt came to.
enum Attempt {
    Delivered,
    /// Worth trying again, after at least this long when the receiver said so.
    Retry(String, Option<Duration>),
    GiveUp(String),
}

impl Delivery {
    async fn deliver(&self, event: &Event) {
        let signature = self.config.secret.as_deref().map(|s| sign(s, &event.body));
        let mut attempt = 1;
        loop {
            let outcome = self.attempt(event, attempt, signature.as_deref()).await;
            match outcome {
                Attempt::Delivered => {
                    self.metrics
                        .forward_delivered
                        .fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(id = %event.id, attempt, "forwarded");
                    return;
                }
                Attempt::GiveUp(reason) => {
                    self.give_up(event, attempt, &reason);
                    return;
                }
                Attempt::Retry(reason, _) if attempt >= self.config.attempts => {
                    self.give_up(event, attempt, &reason);
                    return;
                }
                Attempt::Retry(reason, asked) => {
                    let backoff = self
                        .config
                        .backoff
                        .saturating_mul(1 << (attempt - 1).min(16))
                        .max(asked.unwrap_or_default())
                        .min(MAX_BACKOFF);
                    tracing::debug!(id = %event.id, attempt, %reason, ?backoff, "forward retry");
                    self.metrics.forward_retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(backoff).await;
                }
            }
            attempt += 1;
        }
    }

    async fn attempt(&self, event: &Event, attempt: u32, signature: Option<&str>) -> Attempt {
        let mut request = self
            .client
            .post(event.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Sandesh-Event-Id", &event.id)
            .header("X-Sandesh-Attempt", attempt.to_string())
            .body(event.body.clone());
        if let Some(sig) = signature {
            request = request.header("X-Sandesh-Signature-256", sig);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => Attempt::Delivered,
            Ok(r) => {
                let status = r.status();
                let asked = r
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let reason = format!("the receiver answered {status}");
                if status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT
                {
                    Attempt::Retry(reason, asked)
                } else {
                    Attempt::GiveUp(reason)
                }
            }
            Err(e) => Attempt::Retry(describe(e), None),
        }
    }

    fn give_up(&self, event: &Event, attempts: u32, reason: &str) {
        self.metrics.forward_failed.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(id = %event.id, url = %redacted(&event.url), attempts, %reason, "forward given up");
    }
}

/// A transport error in a few words, without the URL (which may carry a token).
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        e.without_url().to_string()
    }
}

/// The URL without its query, path or credentials, for logs: hook URLs often carry a secret.
fn redacted(url: &reqwest::Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    )
}

/// `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`.
pub(crate) fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HMAC-SHA256 test vector 2 of RFC 4231, the same scheme the webhook checks.
    #[test]
    fn signature_is_the_rfc_4231_hmac() {
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn logged_urls_lose_their_secrets() {
        let url = reqwest::Url::parse("https://user:pw@hooks.example.in:8443/hook/abc?token=t0k")
            .unwrap();
        let shown = redacted(&url);
        assert_eq!(shown, "https://hooks.example.in:8443");
        for secret in ["pw", "abc", "t0k", "user"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
