#!/usr/bin/env bash
# Sandesh's entity extractor beside Microsoft Recognizers-Text, on datasets/test.jsonl, in one run.
#
# Recognizers-Text comes from PyPI (recognizers-text-suite, with emoji<2: the suite imports
# emoji.UNICODE_EMOJI, gone since emoji 2.0) into a throwaway virtual environment: a benchmark
# peer, never a dependency. Reports per-message latency (median and p99 over one thread) for
# Sandesh's `extract` (crates/extract/examples/extract_file.rs --timing) and for Recognizers-Text's
# English number + currency + date-time + phone + e-mail models (scripts/peer_recognizers.py), and
# an indicative recall of gold INR amounts scored by one rule for both.
#
# Usage: scripts/bench-extract-peers.sh [ROUNDS]   (timed passes over the file for Sandesh; default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}

venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'recognizers-text-suite==1.0.2a2' 'emoji==1.7.0'

cargo build --release --quiet -p sandesh-cli
cargo build --release --quiet -p sandesh-extract --example extract_file
ours=$(./target/release/examples/extract_file datasets/test.jsonl "$rounds" --timing)
./target/release/sandesh classify --jsonl --reference-date 2026-11-22 \
    --input datasets/test.jsonl --output "$venv/ours.jsonl"
strict=$(./target/release/sandesh eval --json --reference-date 2026-11-22 datasets/test.jsonl)
if ! peer=$("$venv/bin/python" scripts/peer_recognizers.py --ours "$venv/ours.jsonl" 2>"$venv/peer.log"); then
    cat "$venv/peer.log" >&2
    exit 1
fi

python3 - "$ours" "$peer" "$strict" <<'PY'
import json, sys
ours, peer, strict = (json.loads(a) for a in sys.argv[1:4])
amount = strict["report"]["entities"]["amount"]["value"]
rows = [
    ("sandesh extract (Rust)", ours["median_us"], ours["p99_us"], peer["ours_amount_recall"], peer["ours_amount_recall_en"]),
    (peer["peer"] + " (Python)", peer["median_us"], peer["p99_us"], peer["amount_recall"], peer["amount_recall_en"]),
]
print(f"datasets/test.jsonl ({peer['n']} messages, {peer['amount_gold_inr']} gold INR amounts, "
      f"{peer['amount_gold_inr_en']} of them in 'en' messages), one thread, this machine:")
print(f"{'system':<42} {'median µs':>11} {'p99 µs':>11} {'INR recall':>11} {'(en only)':>10}")
for name, med, p99, rec, rec_en in rows:
    print(f"{name:<42} {med:>11.1f} {p99:>11.1f} {rec:>11.4f} {rec_en:>10.4f}")
print(f"\nsandesh: {ours['rounds']} timed passes after one warm-up pass; Recognizers-Text: one timed pass "
      f"after a warm-up of 50 messages, models built once (median µs by model: "
      + ", ".join(f"{k} {v:.0f}" for k, v in peer["median_us_by_model"].items()) + ").")
print("INR recall is indicative only: a gold INR amount counts when any amount (sandesh) or currency "
      "result (Recognizers-Text) in the same message has the same value, span and unit unchecked. "
      "Recognizers-Text English has no lakh/crore in currency and no Indian languages or scripts.")
print(f"For reference, sandesh eval's stricter amount value recall (all {amount['gold']} amounts, "
      f"currency must match): {amount['recall']:.4f}.")
if peer["errors"]:
    print(f"Recognizers-Text raised on some messages (counted as finding nothing): {peer['errors']}")
PY
