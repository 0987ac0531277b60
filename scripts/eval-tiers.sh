#!/usr/bin/env bash
# Accuracy and latency of the three tiers (fast, encoder, cascade) side by side: macro-F1 overall
# and per language, the share of messages the encoder decided (in the cascade, also how many its
# early exit answered), and the mean/median/p99 latency of one message at a time on one thread
# (`sandesh eval --timing`, one pass for the encoder tiers).
#
#   bash scripts/eval-tiers.sh [FILE...]
#
# Default files: datasets/test.jsonl and, when present, ../shared/eval/_mapped/intents.jsonl (an
# external benchmark: measured only, never trained or tuned on). Needs models/e5-small
# (scripts/fetch-e5.sh) and the shipped models/e5-head. JSON reports go to target/eval-tiers/.
set -euo pipefail
cd "$(dirname "$0")/.."

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=(datasets/test.jsonl)
    ext=../shared/eval/_mapped/intents.jsonl
    if [ -f "$ext" ]; then
        files+=("$ext")
    else
        echo "note: $ext is absent; scoring datasets/test.jsonl only" >&2
    fi
fi
if [ ! -f models/e5-small/manifest.json ]; then
    echo "models/e5-small is missing: run 'bash scripts/fetch-e5.sh' first" >&2
    exit 1
fi
cargo build --quiet --release -p sandesh-cli
out=target/eval-tiers
mkdir -p "$out"
for f in "${files[@]}"; do
    name=$(basename "$f" .jsonl)
    for tier in fast encoder cascade; do
        echo "scoring $f with the $tier tier" >&2
        RAYON_NUM_THREADS=1 target/release/sandesh --tier "$tier" eval --json --timing "$f" \
            >"$out/$name-$tier.json"
    done
done
python3 - "$out" "${files[@]}" <<'EOF'
import json, os, sys
out, files = sys.argv[1], sys.argv[2:]
for f in files:
    name = os.path.basename(f).rsplit(".", 1)[0]
    runs = {t: json.load(open(f"{out}/{name}-{t}.json")) for t in ("fast", "encoder", "cascade")}
    print(f"\n== {f}")
    print(f"{'tier':<8} {'n':>6} {'accuracy':>9} {'macro-F1':>9} {'ECE':>7} {'to encoder':>10} "
          f"{'mean ms':>8} {'median ms':>9} {'p99 ms':>8}")
    for t, r in runs.items():
        rep, tm = r["report"], r["timing"] or {}
        i = rep["intent"]
        print(f"{t:<8} {i['n']:>6} {i['accuracy']:>9.4f} {i['macro_f1']:>9.4f} {i['ece']:>7.4f} "
              f"{rep['encoder_share'] * 100:>9.1f}% {tm.get('mean_us', 0) / 1000:>8.3f} "
              f"{tm.get('median_us', 0) / 1000:>9.3f} {tm.get('p99_us', 0) / 1000:>8.3f}")
    exit_share = runs["cascade"]["report"].get("exit_share", 0)
    if exit_share > 0:
        print(f"cascade: {exit_share * 100:.1f}% of messages answered at the early exit, "
              f"{(runs['cascade']['report']['encoder_share'] - exit_share) * 100:.1f}% after the last layer")
    enc, cas = runs["encoder"]["timing"], runs["cascade"]["timing"]
    if enc and cas and enc["mean_us"] > 0:
        print(f"cascade mean latency = {cas['mean_us'] / enc['mean_us'] * 100:.1f}% of encoder-only; "
              f"macro-F1 {(runs['cascade']['report']['intent']['macro_f1'] - runs['encoder']['report']['intent']['macro_f1']) * 100:+.2f} points")
    langs = sorted(runs["fast"]["report"]["by_lang"])
    print(f"\n{'language':<10} {'n':>6} " + " ".join(f"{t:>8}" for t in runs) + "   (macro-F1)")
    for l in langs:
        n = runs["fast"]["report"]["by_lang"][l]["n"]
        cells = " ".join(f"{runs[t]['report']['by_lang'].get(l, {}).get('macro_f1', 0):>8.4f}" for t in runs)
        print(f"{l:<10} {n:>6} {cells}")
EOF
