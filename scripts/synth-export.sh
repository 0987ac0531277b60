#!/usr/bin/env bash
# A synthetic WhatsApp export for the `sandesh label` benchmark: builds `synth-export` (crate
# sandesh-bench) in release and writes target/synth/export-1m.txt, 1,000,000 messages of one
# business and its customers, with its stats (the truth to compare against) beside it as
# export-1m.stats.json. The generator is deterministic, so a file already there, made with the
# same arguments by the current build and as large as its stats say, is kept.
#
# Usage: scripts/synth-export.sh [MESSAGES] [FORMAT] [SEED]
#        (defaults 1000000, android-en-in, 7; FORMAT: android-en-in, android-dmy24 or ios)
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
format=${2:-android-en-in}
seed=${3:-7}

if [ "$messages" = 1000000 ] && [ "$format" = android-en-in ] && [ "$seed" = 7 ]; then
    out=target/synth/export-1m.txt
else
    out=target/synth/export-$messages-$format-s$seed.txt
fi
stats=${out%.txt}.stats.json
args="--messages $messages --format $format --seed $seed"

cargo build --release --quiet -p sandesh-bench --bin synth-export
mkdir -p target/synth
bin=target/release/synth-export
if [ -f "$out" ] && [ -f "$stats" ] && [ "$out" -nt "$bin" ] \
    && [ "$(cat "$out.args" 2>/dev/null)" = "$args" ]; then
    want=$(sed -n 's/^  "bytes": \([0-9]*\),*$/\1/p' "$stats")
    if [ "$(stat -c %s "$out")" = "$want" ]; then
        echo "$out is up to date ($want bytes)" >&2
        exit 0
    fi
fi
rm -f "$out.args"
# shellcheck disable=SC2086 # $args is a list of flags
"$bin" $args -o "$out" --stats "$stats"
echo "$args" >"$out.args"
echo "$out: $(wc -l <"$out") lines, $(stat -c %s "$out") bytes; stats in $stats" >&2
