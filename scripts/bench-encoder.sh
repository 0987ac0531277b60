#!/usr/bin/env bash
# The encoder beside its peer in one run: our candle-side forward (e5-bench) and PyTorch
# (scripts/torch-peer.sh's throwaway venv) on the same weights and the same token ids, one thread
# and then two, alternating so that both see the same machine.
#
#   bash scripts/bench-encoder.sh            # RUNS=200 BATCH_RUNS=20 by default
#
# Single = one 16-token message from datasets/test.jsonl; batch = its first 32 messages. Prints
# one JSON line per measurement and a table. The PyTorch venv (about 4 GB of CUDA-bundled wheels,
# the only torch on PyPI) is made once under target/ by scripts/torch-peer.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-200}
BATCH_RUNS=${BATCH_RUNS:-20}
if [ ! -f models/e5-small/manifest.json ]; then
    echo "models/e5-small is missing: run 'bash scripts/fetch-e5.sh' first" >&2
    exit 1
fi
cargo build --quiet --release -p sandesh-bench --bin e5-bench
out=target/bench-encoder
mkdir -p "$out"
ids="$out/ids.json"
target/release/e5-bench models/e5-small --ids-out "$ids"
# Makes the venv and checks PyTorch's embeddings against the numpy reference (cosine ≥ 0.999).
RUNS=1 BATCH_RUNS=1 bash scripts/torch-peer.sh "$ids" >/dev/null
py=target/torch-peer-venv/bin/python

: >"$out/results.jsonl"
for threads in 1 2; do
    RAYON_NUM_THREADS=$threads target/release/e5-bench models/e5-small --runs "$RUNS" \
        --batch-runs "$BATCH_RUNS" | sed "s/^/{\"system\":\"sandesh\",\"r\":/; s/$/}/" \
        | tee -a "$out/results.jsonl"
    "$py" scripts/e5_torch_peer.py models/e5-small "$ids" --runs "$RUNS" \
        --batch-runs "$BATCH_RUNS" --threads "$threads" \
        | sed "s/^/{\"system\":\"pytorch\",\"r\":/; s/$/}/" | tee -a "$out/results.jsonl"
done
python3 - "$out/results.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{'system':<9} {'threads':>7} {'single p50':>10} {'single p99':>10} {'batch32 p50':>11} {'batch32 p99':>11}")
for row in rows:
    r = row["r"]
    s, b = r["single"], r["batch"]
    single = (s.get("median_ms", s.get("median")), s.get("p99_ms", s.get("p99")))
    batch = (b.get("median_ms", b.get("median")), b.get("p99_ms", b.get("p99")))
    print(f"{row['system']:<9} {r['threads']:>7} {single[0]:>9.2f}ms {single[1]:>9.2f}ms "
          f"{batch[0]:>10.1f}ms {batch[1]:>10.1f}ms")
for row in rows:
    if row["system"] == "sandesh":
        r = row["r"]
        for part in ("single", "batch"):
            st = r[part]["stages_median_ms"]
            total = sum(st.values()) or 1
            shares = ", ".join(f"{k} {v:.3f} ms ({v / total * 100:.1f}%)" for k, v in st.items())
            print(f"sandesh {r['threads']} thread(s) {part} stages: {shares}")
EOF
