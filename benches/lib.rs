//! Benches and the evaluation harness of Sandesh; see `benches/` and `tests/`.
//!
//! This crate holds no library code of its own beyond the paths below, shared by the benches and
//! the tests.
#![deny(missing_docs)]

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `datasets/` in the repository.
pub fn datasets_dir() -> PathBuf {
    repo_root().join("datasets")
}
