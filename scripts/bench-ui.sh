#!/usr/bin/env bash
# The web UI's product grid on a large catalog, in Debian's chromium (frontend/tests/bench-grid.ts):
# time from navigation to the first grid page, "next page" clicks deep into the result with the
# API's cursors, a facet click and a word search, each as p50/p95/max.
#
# Usage: PIM_BIN=path/to/pim scripts/bench-ui.sh DATA_DIR [RUNS]
#   DATA_DIR holds an already generated catalog: pim --data-dir DATA_DIR generate --products N
#   (this script never generates nor builds pim; it builds the UI when frontend/dist is missing).
# Tunables from the environment: PORT (default 18082), RUNS (default 10), PAGES (next-page clicks
# per run, default 20), PAGE_SIZE (rows a page while paging), WORDS (comma-separated search words),
# CHROMIUM_PATH, PIM_UI_DIR (a built UI elsewhere).
#
# It creates (or resets the password of) the catalog manager bench-ui@pim.local in DATA_DIR and
# signs in as that user: the UI works with a session, not an API token.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$(pwd)"

dir="${1:-}"
if [[ -z "$dir" || ! -f "${dir}/pim.db" ]]; then
    echo "usage: PIM_BIN=path/to/pim $0 DATA_DIR [RUNS]   (DATA_DIR: a generated catalog with pim.db)" >&2
    exit 2
fi
dir="$(cd "$dir" && pwd)"
runs="${2:-${RUNS:-10}}"
bin="${PIM_BIN:-${root}/target/release/pim}"
port="${PORT:-18082}"
url="http://127.0.0.1:${port}"
ui_dir="${PIM_UI_DIR:-${root}/frontend/dist}"
email="bench-ui@pim.local"
password="bench-ui-password-$(date +%s)"

[[ -x "$bin" ]] || { echo "bench-ui: no pim binary at ${bin}; set PIM_BIN" >&2; exit 1; }
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || { echo "bench-ui: no chromium (apt-get install chromium)" >&2; exit 1; }
if curl -fsS -o /dev/null "${url}/health/live" 2>/dev/null; then
    echo "bench-ui: something already listens on port ${port}; set PORT" >&2
    exit 1
fi

if [[ ! -d frontend/node_modules ]]; then
    (cd frontend && npm ci --no-audit --no-fund)
fi
if [[ ! -f "${ui_dir}/index.html" ]]; then
    (cd frontend && npm run build)
fi

# A catalog manager with a known password (a new one each run; sessions of the old one end).
pim() { PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" "$@"; }
if ! printf '%s' "$password" | pim user create --email "$email" --role catalog_manager --name "UI benchmark" --password-stdin >/dev/null 2>&1; then
    printf '%s' "$password" | pim user password --email "$email" --password-stdin >/dev/null
fi

server_pid=""
stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap stop_server EXIT

PIM_UI_DIR="$ui_dir" PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" serve --listen "127.0.0.1:${port}" >"${dir}/serve-ui-bench.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "${url}/health/ready" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "bench-ui: the server exited; its log:" >&2
        cat "${dir}/serve-ui-bench.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS -o /dev/null "${url}/health/ready" || { echo "bench-ui: the server is not ready after 300 s" >&2; exit 1; }

products="$(sqlite3 "${dir}/pim.db" 'select count(*) from products' 2>/dev/null || echo '?')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")"
if [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then
    commit="${commit} (with uncommitted changes)"
fi
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
chromium_version="$("${CHROMIUM_PATH:-/usr/bin/chromium}" --version 2>/dev/null | head -1 || echo chromium)"

status=0
result="$(cd frontend && PIM_URL="$url" PIM_EMAIL="$email" PIM_PASSWORD="$password" RUNS="$runs" \
    node --import tsx tests/bench-grid.ts)" || status=$?

stop_server
server_pid=""

cat <<EOF

== pim web UI grid benchmark
date       $(date -u '+%Y-%m-%d %H:%M UTC')
commit     ${commit}
machine    $(nproc) cores, ${cpu}
browser    ${chromium_version}, headless, 1400×900
catalog    ${products} products, data directory ${dir} ($(du -sh "$dir" | cut -f1))
runs       ${runs} (next page: ${PAGES:-20} clicks a run${PAGE_SIZE:+, ${PAGE_SIZE} rows a page})

${result}
EOF
exit "$status"
