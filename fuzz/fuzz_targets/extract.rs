//! Any bytes, as a message, through every extractor: no panic, every span is
//! `text[start..end] == entity.text` in characters, entities sorted and never overlapping.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sandesh::extract::{Date, Extractors};
use std::sync::OnceLock;

static EXTRACTORS: OnceLock<Extractors> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let ex = EXTRACTORS.get_or_init(Extractors::default);
    if let Ok(text) = std::str::from_utf8(data) {
        let found = ex.extract(text, Date::new(2026, 11, 22));
        let mut last_end = 0;
        for e in &found {
            assert!(e.matches(text), "{e:?} in {text:?}");
            assert!(e.span.start >= last_end && e.span.start < e.span.end, "{found:?}");
            last_end = e.span.end;
        }
    }
});
