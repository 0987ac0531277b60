#!/usr/bin/env bash
# Coverage-guided fuzzing on the stable toolchain: builds a fuzz target with libFuzzer's
# sanitizer-coverage instrumentation (what cargo-fuzz does, without its nightly-only sanitizers)
# and runs it. Crashes land in fuzz/ as crash-*; make each one a regression test.
#
# Usage: scripts/fuzz.sh normalize|classify [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=${1:?usage: scripts/fuzz.sh normalize|classify [SECONDS]}
seconds=${2:-60}
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
triple=$(rustc -vV | sed -n 's/^host: //p')
# --target keeps the instrumentation out of build scripts and proc macros.
cargo build --quiet --release --target "$triple" --target-dir target/cov --bin "$target"
mkdir -p "corpus/$target"
"target/cov/$triple/release/$target" "corpus/$target" -max_total_time="$seconds" -max_len=512
