#!/usr/bin/env bash
# `sandesh label` on synthetic exports of 250k, 500k and 1M messages made by our own generator
# (scripts/synth-export.sh): lines/s parsed (parse only, `parse-export`), messages/s labelled
# and peak memory (GNU time's maximum resident set size) of each, so that flat memory shows as
# the file grows. Release builds, the shipped fast model, both cores.
#
# Usage: scripts/bench-label.sh [SIZES...]   (default 250000 500000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(250000 500000 1000000)

cargo build --release --quiet -p sandesh-cli -p sandesh-bench --bin sandesh --bin parse-export
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '| messages | lines | MB | parse lines/s | label messages/s | label wall | peak RSS |\n'
printf '|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
    bash scripts/synth-export.sh "$n" >/dev/null 2>&1
    if [ "$n" = 1000000 ]; then f=target/synth/export-1m.txt; else f=target/synth/export-$n-android-en-in-s7.txt; fi
    lines=$(wc -l <"$f")
    mb=$(( $(stat -c %s "$f") / 1000000 ))
    parse=$(target/release/parse-export "$f" | sed -n 's/.*lines\/s: \([0-9]*\).*/\1/p')
    /usr/bin/time -f '%e %M' -o "$work/time" \
        target/release/sandesh label "$f" --me "Sharma Sarees" --quiet -o "$work/out.jsonl"
    read -r wall rss_kb <"$work/time"
    out_lines=$(wc -l <"$work/out.jsonl")
    if [ "$out_lines" != "$n" ]; then echo "expected $n lines, got $out_lines" >&2; exit 1; fi
    rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%d", n / w }')
    printf '| %s | %s | %s | %s | %s | %s s | %s MB |\n' "$n" "$lines" "$mb" "$parse" "$rate" "$wall" "$((rss_kb / 1024))"
done
