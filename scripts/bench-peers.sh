#!/usr/bin/env bash
# Sandesh's fast model beside fastText, trained and tested on the same splits, in one run.
#
# fastText comes from PyPI (fasttext-wheel, with numpy<2 which its bindings need) into a
# throwaway virtual environment: a benchmark peer, never a dependency. Reports test accuracy,
# macro-F1 and per-message latency (median and p99 over one thread) for both.
#
# Usage: scripts/bench-peers.sh [AUTOTUNE_SECONDS]   (default 60; 0 skips fastText autotune)
set -euo pipefail
cd "$(dirname "$0")/.."
autotune=${1:-60}

venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'fasttext-wheel==0.9.2' 'numpy<2'

cargo build --release --quiet -p sandesh-cli
ours=$(./target/release/sandesh eval --json --timing datasets/test.jsonl)
# fastText's autotune draws a progress bar on stderr: keep it out of the report, show it on failure.
if ! peer=$("$venv/bin/python" scripts/peer_fasttext.py --autotune "$autotune" 2>"$venv/peer.log"); then
    cat "$venv/peer.log" >&2
    exit 1
fi

python3 - "$ours" "$peer" <<'PY'
import json, os, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
r, t = ours["report"]["intent"], ours["timing"]
size = sum(os.path.getsize(os.path.join("models/fast", f)) for f in os.listdir("models/fast"))
rows = [("sandesh fast (Rust)", r["accuracy"], r["macro_f1"], t["median_us"], t["p99_us"], size)]
for name, key in (("fastText, same settings", "fasttext_same_settings"), ("fastText, autotuned on dev", "fasttext_autotuned")):
    if key in peer:
        p = peer[key]
        rows.append((name, p["accuracy"], p["macro_f1"], p["median_us"], p["p99_us"], p["model_bytes"]))
print(f"datasets/test.jsonl ({r['n']} messages), one thread, this machine:")
print(f"{'system':<28} {'accuracy':>9} {'macro-F1':>9} {'median µs':>10} {'p99 µs':>9} {'size MB':>8}")
for name, acc, f1, med, p99, b in rows:
    print(f"{name:<28} {acc:>9.4f} {f1:>9.4f} {med:>10.2f} {p99:>9.2f} {b/1e6:>8.1f}")
PY
