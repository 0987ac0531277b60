//! `GET /openapi.json`: the OpenAPI 3.1 description of the service.
//!
//! The document (`openapi.json` beside this file) is written by hand rather than generated from
//! the handlers: the handlers read bodies by hand and answer from one error table, so no derive
//! could see which statuses and shapes they really give, and a generated document would only
//! repeat what the code says it does. Instead two kinds of tests hold the document to the
//! server: the unit tests below tie its vocabularies (error codes, intents, language tags,
//! entity types) and the statuses of its error schemas to `sandesh_types`, and the integration
//! tests validate every answer they receive against it (`tests/support/openapi.rs`).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The document, compiled in: serving it costs no I/O and it cannot go missing.
const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /openapi.json`
pub(crate) async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandesh::{EntityKind, ErrorCode, Intent, Lang};
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn doc() -> Value {
        serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
    }

    /// The strings of `/components/schemas/<name>/enum`.
    fn enum_of(doc: &Value, name: &str) -> BTreeSet<String> {
        doc["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("schema {name} has no enum"))
            .iter()
            .map(|v| v.as_str().expect("enum values are strings").to_string())
            .collect()
    }

    fn set<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        names.into_iter().map(str::to_string).collect()
    }

    /// The value a local `$ref` (`#/a/b`) points at.
    fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
        doc.pointer(reference.strip_prefix('#')?)
    }

    /// Every `$ref` in `v`, with where it is.
    fn refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "$ref" {
                        if let Value::String(r) = child {
                            out.push((at.to_string(), r.clone()));
                        }
                    }
                    refs(
                        child,
                        &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    refs(child, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// Follows `$ref`s until a value without one.
    fn deref<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            v = resolve(doc, r).unwrap_or_else(|| panic!("{r} does not resolve"));
        }
        v
    }

    /// The error codes a documented error schema allows, when it narrows `Error` to some.
    fn narrowed_codes(doc: &Value, schema: &Value) -> Option<Vec<String>> {
        let schema = deref(doc, schema);
        let code = &schema["properties"]["error"]["properties"]["code"];
        let codes = match (code.get("const"), code.get("enum")) {
            (Some(c), _) => vec![c.as_str()?.to_string()],
            (None, Some(Value::Array(e))) => e
                .iter()
                .map(|c| c.as_str().map(str::to_string))
                .collect::<Option<_>>()?,
            _ => return None,
        };
        Some(codes)
    }

    fn code(name: &str) -> ErrorCode {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .unwrap_or_else(|| panic!("{name:?} is not an ErrorCode"))
    }

    #[test]
    fn the_document_is_openapi_3_1_of_this_version() {
        let doc = doc();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
    }

    #[test]
    fn vocabularies_are_the_types_crate_ones() {
        let doc = doc();
        assert_eq!(
            enum_of(&doc, "ErrorCode"),
            set(ErrorCode::ALL.iter().map(|c| c.as_str()))
        );
        assert_eq!(
            enum_of(&doc, "Intent"),
            set(Intent::ALL.iter().map(|i| i.as_str()))
        );
        assert_eq!(
            enum_of(&doc, "Lang"),
            set(Lang::ALL.iter().map(|l| l.as_str()))
        );
        assert_eq!(
            enum_of(&doc, "EntityKind"),
            set(EntityKind::ALL.iter().map(|k| k.as_str()))
        );
    }

    #[test]
    fn every_ref_resolves() {
        let doc = doc();
        let mut found = Vec::new();
        refs(&doc, "#", &mut found);
        assert!(found.len() > 50, "only {} $refs", found.len());
        for (at, r) in found {
            assert!(r.starts_with("#/"), "{at}: {r} is not a local reference");
            assert!(resolve(&doc, &r).is_some(), "{at}: {r} does not resolve");
        }
    }

    /// Each error response lists only codes whose status (in the one table) is that response's.
    #[test]
    fn error_responses_carry_codes_of_their_status() {
        let doc = doc();
        let mut checked = 0;
        let mut responses: Vec<(String, &Value)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, r) in op["responses"].as_object().unwrap() {
                    responses.push((format!("{method} {path} {status}"), r));
                }
            }
        }
        for (name, status) in [("NotFound", "404"), ("MethodNotAllowed", "405")] {
            responses.push((
                format!("{name} {status}"),
                &doc["components"]["responses"][name],
            ));
        }
        for (what, r) in responses {
            let status: u16 = what.rsplit(' ').next().unwrap().parse().unwrap();
            let r = deref(&doc, r);
            let Some(schema) = r.pointer("/content/application~1json/schema") else {
                continue;
            };
            match narrowed_codes(&doc, schema) {
                Some(codes) => {
                    assert!(status >= 400, "{what}: an error schema on a success");
                    for c in codes {
                        assert_eq!(code(&c).http_status(), status, "{what}: {c}");
                        checked += 1;
                    }
                    let retry = r.pointer("/headers/Retry-After").is_some();
                    assert_eq!(retry, matches!(status, 429 | 503), "{what}: Retry-After");
                }
                None => assert!(status < 400, "{what}: an error without its codes"),
            }
        }
        assert!(checked > 40, "only {checked} codes checked");
        // Per-item errors use codes of the table too.
        for schema in ["BatchItemError", "WebhookSkipped"] {
            let s = &doc["components"]["schemas"][schema];
            let codes = s
                .pointer("/properties/error/properties/code/enum")
                .or_else(|| s.pointer("/properties/code/enum"))
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{schema} lists no codes"));
            for c in codes {
                code(c.as_str().unwrap());
            }
        }
    }

    #[tokio::test]
    async fn the_document_is_served_as_json() {
        let r = document().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(body, DOCUMENT.as_bytes());
    }
}
