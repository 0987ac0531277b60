#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the `sandesh report` rendering test
# (crates/cli/tests/support/report.rs). Idempotent: does nothing when `chromium` is on PATH.
# The test skips itself, and says so, when this has not run; CI runs it first (.ci/run).
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(command -v chromium)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo -n)
else
    echo "install-chromium: not root and no sudo; install Debian's 'chromium' package by hand" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium
command -v chromium >/dev/null 2>&1 || {
    echo "install-chromium: the package installed but 'chromium' is not on PATH" >&2
    exit 1
}
echo "chromium installed: $(chromium --version 2>/dev/null || command -v chromium)"
