#!/usr/bin/env bash
# Regenerates crates/model/tests/data/e5_reference.json: token ids from our tokenizer (an ignored
# Rust test), vectors from scripts/e5_reference.py (numpy, independent of candle).
# Needs models/e5-small (scripts/fetch-e5.sh). The numpy venv lives under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/e5-reference-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy
fi

fixture=crates/model/tests/data/e5_reference.json
ids=target/e5_reference_ids.json
E5_IDS_OUT="$PWD/$ids" cargo test -p sandesh-model --test model_dir -- --ignored --exact e5_dump_token_ids
"$venv/bin/python" scripts/e5_reference.py models/e5-small "$ids" "$fixture"
echo "wrote $fixture"
