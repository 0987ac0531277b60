//! Any UTF-8 text: normalisation keeps a valid, monotone alignment map and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sandesh_text::{normalize, Span};

fuzz_target!(|text: &str| {
    let n = normalize(text);
    let original_len = text.chars().count();
    let mut last = (0, 0);
    for &(s, e) in n.origins() {
        assert!(s < e && e as usize <= original_len);
        assert!(s >= last.0 && e >= last.1);
        last = (s, e);
    }
    for i in 0..n.len() {
        let span = n.to_original(Span::new(i, i + 1)).unwrap();
        assert!(span.slice(text).is_some());
    }
    assert_eq!(normalize(n.text()).text(), n.text());
});
