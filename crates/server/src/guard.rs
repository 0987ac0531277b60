//! Layers around every handler: the request log and metrics, the API key, the concurrency limit
//! and the timeout.

use crate::api::{LoggedIntent, LoggedText, ReadingBody};
use crate::{ApiError, AppState};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sandesh::ErrorCode;
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use subtle::ConstantTimeEq;

/// One log line and one metrics sample per request. The route is the matched pattern (never
/// the raw path, so metrics stay bounded); message text is logged only with `--log-text`.
pub(crate) async fn log_and_count(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| format!("r{}", state.next_request.fetch_add(1, Ordering::Relaxed)));
    // The matched pattern (an `Arc<str>` inside, cheap to keep); "other" for unknown paths.
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("other", |p| p.as_str());
    let method = req.method().clone();
    state.metrics.in_flight(1);
    let mut response = next.run(req).await;
    state.metrics.in_flight(-1);
    let took = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.request(route, status, took);
    let intent = response.extensions().get::<LoggedIntent>().map(|i| i.0);
    let code = response.extensions().get::<ErrorCode>().map(|c| c.as_str());
    match response.extensions().get::<LoggedText>() {
        Some(LoggedText(text)) => tracing::info!(
            request_id = %id, %method, route, status, latency_us = took.as_micros() as u64,
            intent, error = code, text = %text, "request"
        ),
        None => tracing::info!(
            request_id = %id, %method, route, status, latency_us = took.as_micros() as u64,
            intent, error = code, "request"
        ),
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// The concurrency limit (429 at once past it: nothing waits in an unbounded queue) and the
/// request timeout (408 `body_timeout` while the client still owes its body, else 503). Health probes pass freely so that a saturated service still answers
/// its orchestrator.
pub(crate) async fn limit_and_time(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    let Ok(permit) = state.permits.clone().try_acquire_owned() else {
        return ApiError::new(
            ErrorCode::Overloaded,
            format!(
                "more than {} requests in flight; retry shortly",
                state.config.max_concurrent
            ),
        )
        .into_response();
    };
    let timeout = state.config.request_timeout;
    let reading = ReadingBody::default();
    let mut req = req;
    req.extensions_mut().insert(reading.clone());
    let response = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) if reading.0.load(Ordering::SeqCst) => ApiError::new(
            ErrorCode::BodyTimeout,
            format!(
                "the request body did not arrive within {} ms",
                timeout.as_millis()
            ),
        )
        .into_response(),
        Err(_) => ApiError::new(
            ErrorCode::Timeout,
            format!("the request took longer than {} ms", timeout.as_millis()),
        )
        .into_response(),
    };
    drop(permit);
    response
}

/// `Authorization: Bearer <key>` when a key is configured: 401 without one, 403 with a wrong
/// one. Keys are compared as SHA-256 digests in constant time, so neither their content nor
/// their length leaks through timing.
pub(crate) async fn require_api_key(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(key) = state.config.api_key.as_deref() else {
        return next.run(req).await;
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_string())
        });
    let Some(sent) = sent else {
        return ApiError::new(
            ErrorCode::MissingApiKey,
            "send the API key as Authorization: Bearer <key>",
        )
        .into_response();
    };
    let expected = Sha256::digest(key.as_bytes());
    let got = Sha256::digest(sent.as_bytes());
    if bool::from(expected.as_slice().ct_eq(got.as_slice())) {
        next.run(req).await
    } else {
        ApiError::new(ErrorCode::WrongApiKey, "the API key is not valid").into_response()
    }
}
