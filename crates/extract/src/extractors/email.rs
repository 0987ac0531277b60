//! E-mail addresses.

use crate::{Candidate, Extractor, Input};
use regex::Regex;
use sandesh_types::EntityKind;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[a-z0-9_%+\-](?:[a-z0-9._%+\-]{0,63})@[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?)*\.[a-z]{2,24}",
    )
    .expect("the e-mail pattern compiles")
});

/// `name@domain.tld`, lower-cased.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmailExtractor;

impl Extractor for EmailExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Email
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let text = input.scan.text();
        if !text.contains('@') {
            return;
        }
        for m in EMAIL.find_iter(text) {
            // The local part must not continue a longer token, and the TLD must end the word.
            let after = text[m.end()..].chars().next();
            if after.is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
            // A local part cut out of a longer invalid one (`.abc@x.com`, `a..b@x.com`).
            let before = text[..m.start()].chars().next_back();
            if before.is_some_and(|c| matches!(c, '.' | '_' | '%' | '+' | '-')) {
                continue;
            }
            let (start, end) = (
                input.scan.char_at_byte(m.start()),
                input.scan.char_at_byte(m.end()),
            );
            let local = &text[m.start()..m.as_str().find('@').map_or(m.end(), |i| m.start() + i)];
            if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
                continue;
            }
            out.push(Candidate::new(
                EntityKind::Email,
                start,
                end,
                super::priority::EMAIL,
            ));
        }
    }
}
