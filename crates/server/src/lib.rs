//! The Sandesh HTTP service that workflow engines call for every incoming WhatsApp message.
//!
//! ```text
//! request → log + metrics → API key → concurrency limit (429) → timeout (503) → handler
//!         handler: Content-Type → body limit (413) → JSON → text limits → Engine → analysis
//! ```
//!
//! Endpoints (`../shared/CONTRACT.md`): `POST /v1/classify` (alias `/classify`),
//! `POST /v1/classify/batch`, `GET /healthz`, `GET /readyz`, `GET /metrics`, `GET /v1/model`,
//! `GET /openapi.json` (the OpenAPI 3.1 description of all of them), and the WhatsApp Cloud
//! API webhook `GET|POST /v1/webhooks/whatsapp`. Every error is JSON
//! `{"error": {"code", "message"}}` with the status of its code in `sandesh_types::ErrorCode`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = sandesh::Engine::builder().build()?;
//! let config = sandesh_server::ServerConfig::default();
//! sandesh_server::serve(config, engine, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod api;
pub mod config;
mod error;
mod forward;
mod guard;
mod metrics;
mod openapi;
mod webhook;

pub use config::{ForwardConfig, ServerConfig, WhatsAppConfig};
pub use error::{ApiError, Error, Result};

use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// What every handler shares.
pub struct AppState {
    engine: Arc<sandesh::Engine>,
    config: ServerConfig,
    metrics: Arc<metrics::Metrics>,
    /// Present when some route has a `forward` URL.
    forwarder: Option<forward::Forwarder>,
    permits: Arc<Semaphore>,
    shutting_down: AtomicBool,
    next_request: AtomicU64,
}

impl AppState {
    /// State for `engine` under `config`, both checked: the config's limits, and every forward
    /// URL of the engine's routes. Starts the forwarding task, so it must be called within a
    /// Tokio runtime.
    pub fn new(engine: sandesh::Engine, config: ServerConfig) -> Result<Arc<Self>> {
        config.validate()?;
        let metrics = Arc::new(metrics::Metrics::default());
        let forwarder =
            forward::Forwarder::start(engine.routes(), &config.forward, metrics.clone())?;
        if forwarder.is_some() && config.whatsapp.is_none() {
            tracing::warn!(
                "routes name forward URLs, but only webhook messages are forwarded and the \
                 WhatsApp webhook is off (set --whatsapp-verify-token)"
            );
        }
        Ok(Arc::new(AppState {
            engine: Arc::new(engine),
            permits: Arc::new(Semaphore::new(config.max_concurrent)),
            config,
            metrics,
            forwarder,
            shutting_down: AtomicBool::new(false),
            next_request: AtomicU64::new(1),
        }))
    }
}

/// The router with every endpoint and layer, for `state`.
pub fn app(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/v1/classify", post(api::classify))
        .route("/classify", post(api::classify))
        .route("/v1/classify/batch", post(api::classify_batch))
        .route("/v1/model", get(api::model))
        .route("/metrics", get(api::metrics))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::require_api_key,
        ));
    // Meta cannot send our key: the webhook is guarded by its verify token and signature.
    let open = Router::new()
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/openapi.json", get(openapi::document))
        .route(
            "/v1/webhooks/whatsapp",
            get(webhook::verify).post(webhook::receive),
        );
    api.merge(open)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::limit_and_time,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::log_and_count,
        ))
        .with_state(state)
}

/// Serves `engine` under `config` until `shutdown` completes, then lets requests in flight,
/// and analyses being forwarded, finish for up to `config.shutdown_grace`.
pub async fn serve(
    config: ServerConfig,
    engine: sandesh::Engine,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = config.addr;
    let state = AppState::new(engine, config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Io {
            context: format!("binding {addr}"),
            source,
        })?;
    serve_bound(listener, state, shutdown).await
}

/// As [`serve`], on a listener already bound (tests bind port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    engine: sandesh::Engine,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let state = AppState::new(engine, config)?;
    serve_bound(listener, state, shutdown).await
}

/// Serves on `listener` with `state` already checked.
async fn serve_bound(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let grace = state.config.shutdown_grace;
    let addr = listener.local_addr().ok();
    let tier = state.engine.tier().as_str();
    tracing::info!(?addr, tier, "sandesh serving");
    if let Some(reason) = state.engine.fallback() {
        tracing::warn!(
            requested = state.engine.requested_tier().as_str(),
            "{reason}"
        );
    }
    // Set when the shutdown signal comes: the end of the grace period.
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(None::<tokio::time::Instant>);
    let flag = state.clone();
    let signal = async move {
        shutdown.await;
        flag.shutting_down
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = stop_tx.send(Some(tokio::time::Instant::now() + grace));
        tracing::info!("shutting down: finishing requests in flight");
    };
    let server = axum::serve(listener, app(state.clone())).with_graceful_shutdown(signal);
    let ends = stop_rx.clone();
    let deadline = async move {
        let end = stop_rx
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|end| *end);
        match end {
            Some(end) => tokio::time::sleep_until(end).await,
            None => std::future::pending::<()>().await,
        }
    };
    let served = tokio::select! {
        r = server => r.map_err(|source| Error::Io { context: "serving".into(), source }),
        _ = deadline => {
            tracing::warn!(?grace, "grace period over: closing remaining connections");
            Ok(())
        }
    };
    // Requests are answered; analyses still being forwarded get what is left of the grace.
    if let Some(forwarder) = &state.forwarder {
        let now = tokio::time::Instant::now();
        let end = ends.borrow().unwrap_or(now);
        forwarder.drain(end.saturating_duration_since(now)).await;
    }
    served
}

/// Runs the service on a runtime of its own until Ctrl-C or SIGTERM: what `sandesh serve` calls.
pub fn run(config: ServerConfig, engine: sandesh::Engine) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            context: "starting the async runtime".into(),
            source,
        })?;
    runtime.block_on(serve(config, engine, shutdown_signal()))
}

/// Ctrl-C, or SIGTERM where there is one (what container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Installs the request log: one structured line per request on standard error, as JSON
/// with `json`; the level comes from `RUST_LOG` (default `info`).
pub fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
