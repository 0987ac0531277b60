//! Benches and the evaluation harness of Sandesh; see `benches/` and `tests/`.
//!
//! This crate holds little library code of its own: the paths below, shared by the benches and
//! the tests, and [`synth`], the deterministic generator of synthetic WhatsApp exports behind
//! the `synth-export` binary (`scripts/synth-export.sh` writes a 1,000,000-message file).
#![deny(missing_docs)]

pub mod synth;

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `datasets/` in the repository.
pub fn datasets_dir() -> PathBuf {
    repo_root().join("datasets")
}

/// The `main` of a bench binary: `parse` gives `None` for `--help` (the usage goes to stdout);
/// an argument error exits 2 and a failed `run` exits 1, each printed as `name: error`.
pub fn bin_main<A>(
    name: &str,
    usage: &str,
    parse: impl FnOnce() -> Result<Option<A>, String>,
    run: impl FnOnce(A) -> Result<(), String>,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    match parse() {
        Ok(None) => {
            print!("{usage}");
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{name}: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::from(2)
        }
    }
}
