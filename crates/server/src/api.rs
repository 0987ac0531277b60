//! The classify endpoints, the model and health probes, and the JSON fallbacks.
//!
//! Bodies are read by hand rather than with axum's `Json` extractor so that every way a body
//! can be wrong gets its own code from the error table: wrong `Content-Type` 415, too large 413,
//! not UTF-8 400 `invalid_utf8`, not JSON 400 `invalid_json`, JSON of the wrong shape 422.

use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sandesh::{Analysis, ErrorCode, MessageId};
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Messages up to this many characters are classified on the async worker itself (a few tens
/// of microseconds); longer ones and batches go to the blocking pool.
const INLINE_CHARS: usize = 2_000;

/// The intent of an answered message, for the request log.
#[derive(Clone, Copy)]
pub(crate) struct LoggedIntent(pub &'static str);

/// The text of a message, for the request log when `--log-text` is on.
#[derive(Clone)]
pub(crate) struct LoggedText(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifyRequest {
    text: String,
    #[serde(default)]
    id: Option<MessageId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchRequest {
    messages: Vec<ClassifyRequest>,
}

/// Reads a JSON body of `T`, checking type, size, encoding and shape in that order.
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
    state: &AppState,
    parts: &Parts,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = read_body(state, parts, body, true).await?;
    parse_json(&bytes)
}

/// The body's bytes within the size limit; with `json`, only for a JSON `Content-Type`.
pub(crate) async fn read_body(
    state: &AppState,
    parts: &Parts,
    body: Body,
    json: bool,
) -> Result<Bytes, ApiError> {
    let headers = &parts.headers;
    if json {
        let ctype = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = ctype.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                format!("expected Content-Type: application/json, got {ctype:?}"),
            ));
        }
    }
    let limit = state.config.max_body_bytes;
    let too_large = || {
        ApiError::new(
            ErrorCode::BodyTooLarge,
            format!("the body is over the limit of {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // While the body is read, a timeout is the client's doing (408), not the service's (503).
    let reading = parts.extensions.get::<ReadingBody>();
    if let Some(r) = reading {
        r.0.store(true, Ordering::SeqCst);
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large());
    if let Some(r) = reading {
        r.0.store(false, Ordering::SeqCst);
    }
    bytes
}

/// Set by the timeout guard; true while a handler waits for the request body.
#[derive(Clone, Default)]
pub(crate) struct ReadingBody(pub(crate) Arc<AtomicBool>);

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidJson, "the body is empty"));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(ApiError::new(
            ErrorCode::InvalidUtf8,
            format!("the body is not UTF-8 (byte {})", e.valid_up_to()),
        ));
    }
    // Syntax first, then shape: a body that is JSON but of the wrong shape is 422.
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(ErrorCode::InvalidJson, format!("the body is not JSON: {e}")))?;
    serde_json::from_value(value).map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))
}

/// Classifies one text, off the async workers when it is long. The engine refuses texts over
/// its character limit (`--max-chars`) before any other work.
pub(crate) async fn classify_text(
    state: &Arc<AppState>,
    text: String,
) -> Result<Analysis, ApiError> {
    // The fast tier answers in microseconds on the async worker; anything that may run the
    // encoder (milliseconds of CPU) goes to the blocking pool.
    let inline = text.len() <= INLINE_CHARS && state.engine.tier() == sandesh::Tier::Fast;
    let analysis = if inline {
        state.engine.classify(&text)?
    } else {
        let engine = state.engine.clone();
        tokio::task::spawn_blocking(move || engine.classify(&text))
            .await
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the classifier task failed"))??
    };
    state
        .metrics
        .message(analysis.intent.as_str(), analysis.lang.as_str());
    Ok(analysis)
}

/// `POST /v1/classify`
pub(crate) async fn classify(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let request: ClassifyRequest = match read_json(&state, &parts, body).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let logged = state
        .config
        .log_text
        .then(|| LoggedText(request.text.clone()));
    match classify_text(&state, request.text).await {
        Ok(mut analysis) => {
            analysis.id = request.id;
            let intent = LoggedIntent(analysis.intent.as_str());
            let mut response = Json(analysis).into_response();
            response.extensions_mut().insert(intent);
            if let Some(t) = logged {
                response.extensions_mut().insert(t);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/classify/batch`: results in input order; a message that cannot be classified
/// (empty, too long) gets `{"id", "error"}` in its place and the others are still answered.
pub(crate) async fn classify_batch(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let request: BatchRequest = match read_json(&state, &parts, body).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let n = request.messages.len();
    if n > state.config.max_batch {
        return ApiError::new(
            ErrorCode::BatchTooLarge,
            format!(
                "the batch has {n} messages, over the limit of {}",
                state.config.max_batch
            ),
        )
        .into_response();
    }
    let (ids, texts): (Vec<_>, Vec<_>) =
        request.messages.into_iter().map(|m| (m.id, m.text)).unzip();
    // The engine spreads a batch over every core (rayon) on the blocking pool, so the async
    // workers keep accepting requests meanwhile.
    let engine = state.engine.clone();
    let outcomes = match tokio::task::spawn_blocking(move || engine.classify_batch(&texts)).await {
        Ok(o) => o,
        Err(_) => {
            return ApiError::new(ErrorCode::Internal, "the classifier task failed").into_response()
        }
    };
    let mut results = Vec::with_capacity(n);
    for (outcome, id) in outcomes.into_iter().zip(ids) {
        let item = match outcome {
            Ok(mut a) => {
                state.metrics.message(a.intent.as_str(), a.lang.as_str());
                a.id = id;
                BatchItem::Analysed(a)
            }
            Err(e) => BatchItem::Failed(error_item(id, e.into())),
        };
        results.push(item);
    }
    Json(BatchResponse { results }).into_response()
}

/// Analyses are serialised as themselves (not through `serde_json::Value`), so that a batch
/// answer is byte for byte what the single endpoint says.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum BatchItem {
    Analysed(Analysis),
    Failed(serde_json::Value),
}

#[derive(serde::Serialize)]
struct BatchResponse {
    results: Vec<BatchItem>,
}

fn error_item(id: Option<MessageId>, e: ApiError) -> serde_json::Value {
    let mut v = e.body();
    if let (Some(obj), Some(id)) = (v.as_object_mut(), id) {
        obj.insert("id".into(), serde_json::to_value(id).unwrap_or_default());
    }
    v
}

/// `GET /v1/model`: labels, version and metrics from the manifest.
pub(crate) async fn model(State(state): State<Arc<AppState>>) -> Response {
    let m = state.engine.manifest();
    Json(serde_json::json!({
        "kind": m.kind,
        "format_version": m.format_version,
        "labels": m.labels,
        "temperature": m.temperature,
        "training": m.training,
        "metrics": m.metrics,
        "files": m.files,
        "tier": tier_info(&state.engine),
        "service_version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

/// The tier part of `GET /v1/model`: what runs, what was asked for and why they differ, and the
/// encoder and head in use.
fn tier_info(engine: &sandesh::Engine) -> serde_json::Value {
    let encoder = engine.encoder_tier().map(|t| {
        let head = &t.head().manifest;
        serde_json::json!({
            "weights_sha256": head.encoder.weights_sha256,
            "head": {
                "config": head.config,
                "temperature": head.temperature,
                "depths": head.depths_for(t.encoder().depth()),
                "gate": head.gate,
                "exit": head.exit,
                "training": head.training,
                "metrics": head.metrics,
                "files": head.files,
            },
            "cascade_threshold": engine.cascade_threshold(),
            "cascade_dev_share_to_encoder": head.cascade.dev_share_to_encoder,
            "cascade_dev_token_share_to_encoder": head.cascade.dev_token_share_to_encoder,
        })
    });
    serde_json::json!({
        "active": engine.tier(),
        "requested": engine.requested_tier(),
        "fallback": engine.fallback(),
        "encoder": encoder,
    })
}

/// `GET /metrics`
pub(crate) async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(state.engine.manifest()),
    )
        .into_response()
}

/// `GET /healthz`: the process is up.
pub(crate) async fn healthz() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

/// `GET /readyz`: the model is loaded (it is before the server binds) and no shutdown began.
pub(crate) async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.shutting_down.load(Ordering::SeqCst) {
        return ApiError::new(ErrorCode::Unavailable, "shutting down").into_response();
    }
    (StatusCode::OK, Json(serde_json::json!({"status": "ready"}))).into_response()
}

pub(crate) async fn not_found(req: Request) -> Response {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no such path: {}", req.uri().path()),
    )
    .into_response()
}

pub(crate) async fn method_not_allowed(req: Request) -> Response {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
    .into_response()
}
