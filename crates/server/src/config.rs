//! The service's knobs. Every one has a documented default here, a `--flag` on `sandesh serve`
//! and a `SANDESH_*` variable (the CLI maps both onto [`ServerConfig`]). The characters allowed
//! per message are the engine's limit (`EngineBuilder::max_chars`, `--max-chars`), which the
//! engine checks before any other work, so the service does not check them again.

use std::net::SocketAddr;
use std::time::Duration;

/// Default address: loopback only, so that no key is needed until the service is exposed.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Default largest request body: 1 MiB (a batch of 256 long messages fits).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default most messages in one batch.
pub const DEFAULT_MAX_BATCH: usize = 256;
/// Default most requests in flight; past it the service answers 429 at once.
pub const DEFAULT_MAX_CONCURRENT: usize = 512;
/// Default time a request may take before it is answered 503 `timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time in-flight requests get to finish after a shutdown signal.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Seconds a client is told to wait in `Retry-After` when the service is saturated.
pub const RETRY_AFTER_SECS: u64 = 1;

/// Everything `sandesh serve` can be told.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Bearer key required on every API route when set; required to bind beyond loopback.
    pub api_key: Option<String>,
    /// Largest request body in bytes (413 past it).
    pub max_body_bytes: usize,
    /// Most messages in one batch (413 past it).
    pub max_batch: usize,
    /// Most requests in flight (429 with `Retry-After` past it; nothing queues without bound).
    pub max_concurrent: usize,
    /// Longest time one request may take.
    pub request_timeout: Duration,
    /// Time in-flight requests get after a shutdown signal.
    pub shutdown_grace: Duration,
    /// Log message texts (off by default: chats are private).
    pub log_text: bool,
    /// WhatsApp Cloud API webhook settings; the webhook routes answer 404 without them.
    pub whatsapp: Option<WhatsAppConfig>,
    /// Delivery of webhook analyses to the `forward` URLs of their routes.
    pub forward: ForwardConfig,
}

/// The WhatsApp Cloud API webhook: Meta's verification handshake and payload signature.
#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    /// The token typed into Meta's dashboard, echoed in `hub.verify_token`.
    pub verify_token: String,
    /// The app secret; when set, every POST must carry a matching `X-Hub-Signature-256`.
    pub app_secret: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: DEFAULT_ADDR.parse().expect("the default address parses"),
            api_key: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_batch: DEFAULT_MAX_BATCH,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            log_text: false,
            whatsapp: None,
            forward: ForwardConfig::default(),
        }
    }
}

impl ServerConfig {
    /// Checks what must hold before binding: a key whenever the address is not loopback, an
    /// empty key never, and every limit above zero.
    pub fn validate(&self) -> Result<(), crate::Error> {
        if self.api_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(crate::Error::Config("the API key is empty".into()));
        }
        if !self.addr.ip().is_loopback() && self.api_key.is_none() {
            return Err(crate::Error::Config(format!(
                "refusing to listen on {} without an API key: set --api-key or SANDESH_API_KEY \
                 (only loopback addresses may run without one)",
                self.addr
            )));
        }
        for (name, v) in [
            ("max-body-bytes", self.max_body_bytes),
            ("max-batch", self.max_batch),
            ("max-concurrent", self.max_concurrent),
        ] {
            if v == 0 {
                return Err(crate::Error::Config(format!("--{name} must be above 0")));
            }
        }
        if self.request_timeout.is_zero() {
            return Err(crate::Error::Config(
                "--request-timeout must be above 0".into(),
            ));
        }
        self.forward.validate()?;
        if let Some(w) = &self.whatsapp {
            if w.verify_token.is_empty() {
                return Err(crate::Error::Config(
                    "the WhatsApp verify token is empty".into(),
                ));
            }
        }
        Ok(())
    }
}

/// How analyses are forwarded to the URLs routes name (webhook messages only).
#[derive(Debug, Clone)]
pub struct ForwardConfig {
    /// Most events waiting for delivery (beyond those being delivered).
    pub queue: usize,
    /// Most deliveries at once, retries included.
    pub concurrency: usize,
    /// Attempts per event, the first included.
    pub attempts: u32,
    /// Time one attempt may take, connecting included.
    pub timeout: Duration,
    /// Wait before the first retry; it doubles for each further one.
    pub backoff: Duration,
    /// Key of the `X-Sandesh-Signature-256` HMAC; unsigned without it.
    pub secret: Option<String>,
}

/// Default most events waiting for delivery.
pub const DEFAULT_FORWARD_QUEUE: usize = 1024;
/// Default most deliveries at once.
pub const DEFAULT_FORWARD_CONCURRENCY: usize = 8;
/// Default attempts per event (with the default backoff, the last is about 7.5 s after the first).
pub const DEFAULT_FORWARD_ATTEMPTS: u32 = 5;
/// Default time one attempt may take.
pub const DEFAULT_FORWARD_TIMEOUT: Duration = Duration::from_secs(5);
/// Default wait before the first retry.
pub const DEFAULT_FORWARD_BACKOFF: Duration = Duration::from_millis(500);

impl Default for ForwardConfig {
    fn default() -> Self {
        ForwardConfig {
            queue: DEFAULT_FORWARD_QUEUE,
            concurrency: DEFAULT_FORWARD_CONCURRENCY,
            attempts: DEFAULT_FORWARD_ATTEMPTS,
            timeout: DEFAULT_FORWARD_TIMEOUT,
            backoff: DEFAULT_FORWARD_BACKOFF,
            secret: None,
        }
    }
}

impl ForwardConfig {
    /// Every count above zero, a timeout, and a secret that is not empty.
    pub fn validate(&self) -> Result<(), crate::Error> {
        for (name, v) in [
            ("forward-queue", self.queue),
            ("forward-concurrency", self.concurrency),
            ("forward-attempts", self.attempts as usize),
        ] {
            if v == 0 {
                return Err(crate::Error::Config(format!("--{name} must be above 0")));
            }
        }
        if self.timeout.is_zero() {
            return Err(crate::Error::Config(
                "--forward-timeout must be above 0".into(),
            ));
        }
        if self.secret.as_deref().is_some_and(|s| s.is_empty()) {
            return Err(crate::Error::Config("the forward secret is empty".into()));
        }
        Ok(())
    }
}
