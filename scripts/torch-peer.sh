#!/usr/bin/env bash
# PyTorch (CPU) peer of our Rust e5 encoder: same weights (models/e5-small), same token ids, timed
# the same way (scripts/e5_torch_peer.py). Throwaway: nothing in the build or CI depends on it.
#
# Usage: scripts/torch-peer.sh [IDS_JSON]
#   IDS_JSON: {"single": [ids...], "batch": [[ids...], ...]}, as `e5-bench --ids-out FILE` writes.
#   Without it, one is made from the fixture crates/model/tests/data/e5_reference.json
#   (single = its first message, batch = all 12 messages).
# Prints the check (min cosine against the fixture vectors, must be >= 0.999), then one JSON line
# of timings at 1 thread and one at 2 threads. Extra env: RUNS (200), BATCH_RUNS (20).
#
# torch comes from PyPI into target/torch-peer-venv (2.7 GB of wheels, 4.3 GB installed).
# The PyPI torch wheel for Linux x86_64 is a CUDA build: even on CPU its libtorch links the CUDA
# libraries, so `import torch` fails without them. We install torch --no-deps plus only the
# nvidia-* wheels it needs to load (no triton, no cuda-bindings) and its small Python deps.
# download.pytorch.org (the CPU-only wheels) is not reachable from here.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION=2.15.0
venv=target/torch-peer-venv
model=models/e5-small
fixture=crates/model/tests/data/e5_reference.json

if [ ! -f "$model/model.safetensors" ] || [ ! -f "$model/config.json" ]; then
    echo "error: $model/model.safetensors not found: run scripts/fetch-e5.sh first" >&2
    exit 1
fi

if ! "$venv/bin/python" -W ignore -c "
import sys, torch, safetensors
sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' else 1)" 2>/dev/null; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    echo "installing torch $TORCH_VERSION into $venv (2.7 GB of wheels)..." >&2
    # Pins: what pip resolves for torch==2.15.0 (CUDA 13.2 build), less triton, cuda-bindings,
    # cuda-pathfinder, cuda-toolkit (a meta package), nvidia-cuda-cccl (headers), nvidia-nvtx
    # (optional) and setuptools, none of which `import torch` on CPU needs.
    "$venv/bin/pip" install --quiet --no-deps \
        "torch==$TORCH_VERSION" \
        nvidia-cublas==13.4.1.3 \
        nvidia-cuda-cupti==13.2.86 \
        nvidia-cuda-nvrtc==13.2.86 \
        nvidia-cuda-runtime==13.2.86 \
        nvidia-cudnn-cu13==9.26.0.51 \
        nvidia-cufft==12.2.0.57 \
        nvidia-cufile==1.17.1.22 \
        nvidia-cusolver==12.2.0.11 \
        nvidia-cusparse==12.7.10.12 \
        nvidia-cusparselt-cu13==0.8.1 \
        nvidia-nccl-cu13==2.30.7 \
        nvidia-nvjitlink==13.5.37 \
        nvidia-nvshmem-cu13==3.7.2 \
        typing-extensions==4.16.0 \
        filelock==4.2.11 \
        sympy==1.14.0 \
        mpmath==1.3.0 \
        networkx==3.6.1 \
        jinja2==3.1.6 \
        markupsafe==3.0.4 \
        fsspec==2026.9.0 \
        safetensors==0.8.0
fi

ids=${1:-}
if [ -z "$ids" ]; then
    ids=target/torch-peer-ids.json
    "$venv/bin/python" - "$fixture" "$ids" <<'EOF'
import json, sys
msgs = json.load(open(sys.argv[1]))["messages"]
json.dump({"single": msgs[0]["ids"], "batch": [m["ids"] for m in msgs]}, open(sys.argv[2], "w"))
EOF
    echo "no IDS_JSON given: using $ids (made from $fixture)" >&2
fi

py=("$venv/bin/python" scripts/e5_torch_peer.py "$model" "$ids")
"${py[@]}" --check "$fixture" --runs 0 --batch-runs 0
for threads in 1 2; do
    "${py[@]}" --threads "$threads" --runs "${RUNS:-200}" --batch-runs "${BATCH_RUNS:-20}"
done
