//! The WhatsApp Cloud API webhook.
//!
//! `GET` answers Meta's verification handshake: `hub.mode=subscribe`, `hub.verify_token` equal to
//! the configured token, and `hub.challenge` echoed as plain text. `POST` takes Meta's payload
//! (`entry[].changes[].value.messages[]`), checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw
//! body with the app secret) when a secret is configured, classifies every text message, button
//! reply and list reply, and answers with the analyses. Delivery statuses are acknowledged and
//! counted, media and other message types are listed as skipped with the reason. Unknown fields
//! are ignored, as Meta adds fields over time. A message whose route has a `forward` URL is
//! also queued for delivery there (`crate::forward`); a full queue refuses the whole payload
//! with 429, so that Meta sends it again rather than anything being lost.

use crate::api::{classify_text, parse_json, read_body};
use crate::forward::{Event, QueueError};
use crate::{ApiError, AppState};
use axum::extract::{Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{KeyInit, Mac};
use sandesh::ErrorCode;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    object: Option<String>,
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    text: Option<TextBody>,
    #[serde(default)]
    button: Option<Button>,
    #[serde(default)]
    interactive: Option<Interactive>,
}

#[derive(Deserialize)]
struct TextBody {
    body: String,
}

#[derive(Deserialize)]
struct Button {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct Interactive {
    #[serde(default)]
    button_reply: Option<Reply>,
    #[serde(default)]
    list_reply: Option<Reply>,
}

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

impl Message {
    /// The words the customer sent or chose, or why there are none.
    fn words(&self) -> Result<String, String> {
        let kind = self.kind.as_deref().unwrap_or("");
        let words = match kind {
            "text" => self.text.as_ref().map(|t| t.body.clone()),
            "button" => self.button.as_ref().and_then(|b| b.text.clone()),
            "interactive" => self.interactive.as_ref().and_then(|i| {
                let r = i.button_reply.as_ref().or(i.list_reply.as_ref())?;
                let title = r.title.clone().unwrap_or_default();
                Some(match &r.description {
                    Some(d) if !d.is_empty() => format!("{title}\n{d}"),
                    _ => title,
                })
            }),
            other => return Err(format!("message type {other:?} carries no text")),
        };
        words.ok_or_else(|| format!("a {kind:?} message without its text"))
    }
}

/// `GET /v1/webhooks/whatsapp`: Meta's verification handshake.
pub(crate) async fn verify(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(w) = &state.config.whatsapp else {
        return ApiError::new(
            ErrorCode::NotFound,
            "the WhatsApp webhook is not configured",
        )
        .into_response();
    };
    let token_ok = q.get("hub.verify_token").is_some_and(|t| {
        bool::from(subtle::ConstantTimeEq::ct_eq(
            t.as_bytes(),
            w.verify_token.as_bytes(),
        ))
    });
    match (
        q.get("hub.mode").map(String::as_str),
        q.get("hub.challenge"),
    ) {
        (Some("subscribe"), Some(challenge)) if token_ok => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            challenge.clone(),
        )
            .into_response(),
        (Some("subscribe"), Some(_)) => ApiError::new(
            ErrorCode::WrongVerifyToken,
            "hub.verify_token does not match",
        )
        .into_response(),
        _ => ApiError::new(
            ErrorCode::InvalidInput,
            "expected hub.mode=subscribe, hub.verify_token and hub.challenge",
        )
        .into_response(),
    }
}

/// `POST /v1/webhooks/whatsapp`: classify what customers sent.
pub(crate) async fn receive(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let Some(w) = state.config.whatsapp.clone() else {
        return ApiError::new(
            ErrorCode::NotFound,
            "the WhatsApp webhook is not configured",
        )
        .into_response();
    };
    let (parts, body) = req.into_parts();
    let bytes = match read_body(&state, &parts, body, true).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Some(secret) = &w.app_secret {
        let sig = parts
            .headers
            .get("x-hub-signature-256")
            .and_then(|v| v.to_str().ok());
        if let Err(e) = check_signature(secret, &bytes, sig) {
            return e.into_response();
        }
    }
    let payload: Payload = match parse_json(&bytes) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if payload
        .object
        .as_deref()
        .is_some_and(|o| o != "whatsapp_business_account")
    {
        return ApiError::new(
            ErrorCode::InvalidInput,
            "object is not \"whatsapp_business_account\"",
        )
        .into_response();
    }
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    let mut events = Vec::new();
    let mut statuses = 0usize;
    for change in payload.entry.into_iter().flat_map(|e| e.changes) {
        statuses += change.value.statuses.len();
        for m in change.value.messages {
            let words = match m.words() {
                Ok(w) => w,
                Err(reason) => {
                    skipped.push(serde_json::json!({"message_id": m.id, "reason": reason}));
                    continue;
                }
            };
            let analysis = match classify_text(&state, words.clone()).await {
                Ok(a) => a,
                Err(e) => {
                    skipped.push(serde_json::json!({
                        "message_id": m.id,
                        "reason": e.message,
                        "code": e.code.as_str(),
                    }));
                    continue;
                }
            };
            let url = state.forwarder.as_ref().and_then(|f| {
                let routes = state.engine.routes()?;
                f.url(routes.forward(&analysis)?)
            });
            let mut result = serde_json::json!({
                "message_id": m.id,
                "from": m.from,
                "timestamp": m.timestamp,
                "type": m.kind,
                "text": words,
                "analysis": analysis,
            });
            if let Some(url) = url {
                // The receiver gets the result as it stands, before it is marked queued.
                events.push(Event {
                    id: m.id.clone().unwrap_or_else(|| {
                        format!(
                            "sandesh-{}",
                            state.next_request.fetch_add(1, Ordering::Relaxed)
                        )
                    }),
                    url: url.clone(),
                    body: serde_json::to_vec(&result).unwrap_or_default(),
                });
                result["forward"] = "queued".into();
            }
            results.push(result);
        }
    }
    if let Some(forwarder) = &state.forwarder {
        match forwarder.enqueue(events) {
            Ok(()) => {}
            // Nothing of this payload was queued; Meta delivers it again after a non-200.
            Err(QueueError::Full(capacity)) => {
                return ApiError::new(
                    ErrorCode::Overloaded,
                    format!(
                    "the forward queue is full ({capacity} analyses); send the payload again later"
                ),
                )
                .into_response()
            }
            Err(QueueError::Closed) => {
                return ApiError::new(ErrorCode::Unavailable, "the service is shutting down")
                    .into_response()
            }
        }
    }
    Json(serde_json::json!({
        "results": results,
        "skipped": skipped,
        "statuses_ignored": statuses,
    }))
    .into_response()
}

/// Checks `sha256=<hex>` against the HMAC of the raw body, in constant time.
fn check_signature(secret: &str, body: &[u8], header: Option<&str>) -> Result<(), ApiError> {
    let bad = |m: &str| ApiError::new(ErrorCode::BadSignature, m.to_string());
    let header = header.ok_or_else(|| bad("X-Hub-Signature-256 is missing"))?;
    let hex = header
        .strip_prefix("sha256=")
        .ok_or_else(|| bad("X-Hub-Signature-256 must start with sha256="))?;
    let sent = decode_hex(hex).ok_or_else(|| bad("X-Hub-Signature-256 is not hex"))?;
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes())
        .map_err(|_| ApiError::new(ErrorCode::Internal, "the app secret is unusable"))?;
    mac.update(body);
    mac.verify_slice(&sent)
        .map_err(|_| bad("X-Hub-Signature-256 does not match the body"))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HMAC-SHA256 test vector 2 of RFC 4231 ("Jefe", "what do ya want for nothing?").
    #[test]
    fn signature_matches_the_rfc_4231_vector() {
        let body = b"what do ya want for nothing?";
        let hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert!(check_signature("Jefe", body, Some(&format!("sha256={hex}"))).is_ok());
        let mut wrong = hex.to_string();
        wrong.replace_range(0..1, "6");
        let e = check_signature("Jefe", body, Some(&format!("sha256={wrong}"))).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadSignature);
        assert!(check_signature("Jefe", body, None).is_err());
        assert!(check_signature("Jefe", body, Some(hex)).is_err());
        assert!(check_signature("Jefe", body, Some("sha256=zz")).is_err());
    }
}
