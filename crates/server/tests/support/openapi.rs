//! Holds every answer of the integration tests to the service's OpenAPI document
//! (`src/openapi.json`), so that the document cannot drift from what the server does.
//!
//! A documented path and method must answer a documented status with its content type and,
//! for JSON, a body valid against the documented schema. A path the document does not have may
//! only answer 404 `not_found`, and a method a documented path does not have only 405
//! `method_not_allowed` (the document's `NotFound` and `MethodNotAllowed` responses); both may
//! also meet the limits every route has, 429 `overloaded` and 503 `timeout`. `HEAD` is checked
//! as the `GET` it answers like, without a body.
//!
//! Schemas are validated with `jsonschema` against a root that is the whole document plus a
//! `$ref` to the schema's JSON pointer, so that `#/components/schemas/...` resolve in it.
//! Compiled validators are cached by pointer: every test answer comes through here.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

const DOCUMENT: &str = include_str!("../../src/openapi.json");

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(DOCUMENT).expect("src/openapi.json is JSON"))
}

/// Panics, saying why, unless the answer `status`, `content_type`, `body` to `method path` is
/// what the OpenAPI document describes.
pub fn check(method: &str, path: &str, status: u16, content_type: Option<&str>, body: &[u8]) {
    let doc = document();
    let path = path.split(['?', '#']).next().unwrap_or("");
    let what = format!("{method} {path} answered {status}");
    let method = method.to_ascii_lowercase();
    let Some((template, item)) = find_path(doc, path) else {
        return check_fallback(&what, "NotFound", 404, status, content_type, body);
    };
    let head = method == "head";
    let op_name = if head { "get" } else { method.as_str() };
    let Some(op) = item.get(op_name).filter(|_| is_method(op_name)) else {
        return check_fallback(&what, "MethodNotAllowed", 405, status, content_type, body);
    };
    let responses = &op["responses"];
    let Some(response) = responses.get(status.to_string()) else {
        let documented: Vec<&String> = responses
            .as_object()
            .map(|r| r.keys().collect())
            .unwrap_or_default();
        panic!(
            "{what}, a status the document does not list for it (it lists {documented:?}); \
             body: {}",
            String::from_utf8_lossy(body)
        );
    };
    let pointer = format!("/paths/{}/{op_name}/responses/{status}", escape(template));
    let (pointer, response) = follow(doc, pointer, response);
    check_content(&what, doc, &pointer, response, content_type, body, head);
}

/// An answer of the router's fallbacks (or of the limits in front of them).
fn check_fallback(
    what: &str,
    response: &str,
    fallback_status: u16,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) {
    let doc = document();
    let (pointer, response) = match status {
        s if s == fallback_status => {
            let p = format!("/components/responses/{response}");
            let r = doc
                .pointer(&p)
                .expect("the fallback responses are documented");
            (p, r)
        }
        // The limits stand in front of every route, the fallbacks included.
        429 | 503 => {
            let name = if status == 429 {
                "Overloaded"
            } else {
                "Timeout"
            };
            let p = format!("/components/responses/{name}");
            let r = doc.pointer(&p).expect("the limit responses are documented");
            (p, r)
        }
        _ => panic!(
            "{what}, but it is not in the document, where only {fallback_status} (or 429 and \
             503 of the limits) can answer; body: {}",
            String::from_utf8_lossy(body)
        ),
    };
    check_content(what, doc, &pointer, response, content_type, body, false);
}

/// The content type and body of an answer against the response object at `pointer`.
fn check_content(
    what: &str,
    doc: &Value,
    pointer: &str,
    response: &Value,
    content_type: Option<&str>,
    body: &[u8],
    head: bool,
) {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        assert!(
            body.is_empty(),
            "{what} with a body where the document has none: {}",
            String::from_utf8_lossy(body)
        );
        return;
    };
    let Some(content_type) = content_type else {
        panic!(
            "{what} without a Content-Type; the document says {:?}",
            content.keys().collect::<Vec<_>>()
        );
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some(media) = content.get(&essence) else {
        panic!(
            "{what} with Content-Type {content_type:?}; the document says {:?}",
            content.keys().collect::<Vec<_>>()
        );
    };
    if head {
        return;
    }
    let instance = if essence == "application/json" || essence.ends_with("+json") {
        serde_json::from_slice(body).unwrap_or_else(|e| {
            panic!(
                "{what} with a body that is not JSON ({e}): {}",
                String::from_utf8_lossy(body)
            )
        })
    } else {
        let text = std::str::from_utf8(body)
            .unwrap_or_else(|e| panic!("{what} with a {essence} body that is not UTF-8: {e}"));
        Value::String(text.to_string())
    };
    if media.get("schema").is_none() {
        return;
    }
    let schema_pointer = format!("{pointer}/content/{}/schema", escape(&essence));
    let validator = validator(doc, &schema_pointer);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("  at {:?}: {e}", e.instance_path().as_str()))
        .collect();
    if !errors.is_empty() {
        let shown = serde_json::to_string_pretty(&instance).unwrap_or_default();
        let shown: String = shown.chars().take(4000).collect();
        panic!(
            "{what} with a body that does not match the document (#{schema_pointer}):\n{}\n\
             body: {shown}",
            errors.join("\n")
        );
    }
}

/// The compiled validator of the schema at `pointer`, compiled once.
fn validator(doc: &Value, pointer: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(pointer) {
        return v.clone();
    }
    let mut root = doc.clone();
    root.as_object_mut()
        .expect("the document is an object")
        .insert("$ref".into(), Value::String(format!("#{pointer}")));
    let compiled = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("the schema at #{pointer} does not compile: {e}"));
    let compiled = Arc::new(compiled);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pointer.to_string(), compiled.clone());
    compiled
}

/// The documented path matching `path` (literal segments, or `{name}` for any one segment).
fn find_path<'a>(doc: &'a Value, path: &str) -> Option<(&'a str, &'a Value)> {
    let paths = doc["paths"].as_object()?;
    if let Some((k, v)) = paths.get_key_value(path) {
        return Some((k.as_str(), v));
    }
    let segments: Vec<&str> = path.split('/').collect();
    paths.iter().find_map(|(template, item)| {
        let t: Vec<&str> = template.split('/').collect();
        let matches = t.len() == segments.len()
            && t.iter()
                .zip(&segments)
                .all(|(t, s)| (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s);
        matches.then_some((template.as_str(), item))
    })
}

/// Whether `key` of a path item is an operation (not `parameters`, `summary`, ...).
fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}

/// Follows a response's `$ref`s to the response object, with its pointer.
fn follow<'a>(doc: &'a Value, mut pointer: String, mut v: &'a Value) -> (String, &'a Value) {
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let p = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not a local reference"));
        v = doc
            .pointer(p)
            .unwrap_or_else(|| panic!("{r} does not resolve"));
        pointer = p.to_string();
    }
    (pointer, v)
}

/// `s` as one JSON pointer token.
fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
