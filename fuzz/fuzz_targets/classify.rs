//! Any bytes, as a message: the engine answers or refuses with a typed error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static ENGINE: OnceLock<sandesh::Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| {
        sandesh::Engine::builder()
            .model_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/fast"))
            .build()
            .expect("models/fast")
    });
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(a) = engine.classify(text) {
            assert_eq!(a.intents.len(), 7);
            assert!(a.entities.iter().all(|e| e.matches(text)));
        }
    }
});
