#!/usr/bin/env bash
# Load test of `sandesh serve` on POST /v1/classify with wrk (installed from Debian's archive
# when missing): requests/s, p50, p99 and errors at 1, 32 and 256 connections, then the
# behaviour at twice saturation (a server limited to N requests in flight, hit by 2N
# connections: expect 429s and no 5xx).
#
# wrk runs on the same 2-core machine as the server, so the figures are what one box does
# with its load generator on it, not the server alone.
#
# Usage: scripts/loadtest.sh [SECONDS]   (default 10 per run)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}

if ! command -v wrk >/dev/null; then
    echo "installing wrk from the Debian archive" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi
cargo build --release --quiet -p sandesh-cli

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

body='{"id":"m-1","text":"Sir ₹4,500 bhej diye order #45821 ke liye, kal tak deliver ho jayega?"}'
cat >"$work/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
EOF
# The same request, counting statuses per class across wrk's threads.
cat "$work/post.lua" >"$work/count.lua"
cat >>"$work/count.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; busy = 0; server = 0; other = 0 end
function response(status, headers, body)
    if status == 200 then ok = ok + 1
    elseif status == 429 then busy = busy + 1
    elseif status >= 500 then server = server + 1
    else other = other + 1 end
end
function done(summary, latency, requests)
    local o, b, s, x = 0, 0, 0, 0
    for _, t in ipairs(threads) do
        o = o + t:get("ok"); b = b + t:get("busy"); s = s + t:get("server"); x = x + t:get("other")
    end
    io.write(string.format("STATUS 200=%d 429=%d 5xx=%d other=%d\n", o, b, s, x))
end
EOF

start() { # port, extra flags...
    local port=$1; shift
    RUST_LOG=warn ./target/release/sandesh serve --addr "127.0.0.1:$port" "$@" 2>"$work/server-$port.log" &
    pids+=($!)
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the server on port $port did not become ready:" >&2
    cat "$work/server-$port.log" >&2
    exit 1
}

report() { # label, wrk output
    local rps p50 p99 errs
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
    p50=$(awk '$1=="50%" {print $2}' <<<"$2")
    p99=$(awk '$1=="99%" {print $2}' <<<"$2")
    errs=$(awk '/Non-2xx/ {print $5}' <<<"$2")
    printf "| %s | %s | %s | %s | %s |\n" "$1" "$rps" "$p50" "$p99" "${errs:-0}"
}

start 18471
echo "POST /v1/classify, ${secs}s per run, $(nproc) cores (wrk and the server share them)"
echo
echo "| connections | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
for c in 1 32 256; do
    t=$((c < 2 ? 1 : 2))
    out=$(wrk -t"$t" -c"$c" -d"${secs}s" --latency -s "$work/post.lua" http://127.0.0.1:18471/v1/classify)
    report "$c" "$out"
done

# Twice saturation. A short message is answered without an await on the async worker, so
# requests in flight never outnumber the worker threads (2 here): the in-flight limit bites
# only below that. A server allowed 1 request in flight, offered twice that by 2 workers and
# 128 connections, must shed the excess with 429 and never answer 5xx.
start 18472 --max-concurrent 1
out=$(wrk -t2 -c128 -d"${secs}s" --latency -s "$work/count.lua" http://127.0.0.1:18472/v1/classify)
echo
echo "Twice saturation (--max-concurrent 1 on 2 workers, 128 connections):"
report "128 (limit 1)" "$out"
grep '^STATUS' <<<"$out"
if grep -q '5xx=[1-9]' <<<"$out"; then
    echo "FAIL: the server answered 5xx under overload" >&2
    exit 1
fi
