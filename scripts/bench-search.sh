#!/usr/bin/env bash
# The search benchmarks recorded in BENCHMARKS.md, on a generated catalog: a full reindex next to
# raw tantivy indexing the same documents; search over HTTP for typical queries next to the same
# queries run directly on the index; and the write-to-searchable delay while an import runs.
#
# Usage: scripts/bench-search.sh [PRODUCTS]   (or N=PRODUCTS; default 1000000)
# Reuses target/bench/pim-PRODUCTS when scripts/bench-core.sh (or an earlier run) generated it.
# Tunables from the environment: PORT, REQUESTS (per query kind), PROBES, IMPORT (products the
# concurrent import rewrites).
set -euo pipefail

cd "$(dirname "$0")/.."

n="${1:-${N:-1000000}}"
port="${PORT:-18081}"
requests="${REQUESTS:-500}"
probes="${PROBES:-100}"
import="${IMPORT:-100000}"
url="http://127.0.0.1:${port}"
bin=target/release/pim
dir="target/bench/pim-${n}"

if curl -fsS -o /dev/null "${url}/health/live" 2>/dev/null; then
    echo "bench-search: something already listens on port ${port}; set PORT" >&2
    exit 1
fi

cargo build --release

if [[ ! -f "${dir}/pim.db" ]]; then
    mkdir -p "$dir"
    echo "== generating ${n} products into ${dir}" >&2
    PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" generate --products "$n" >&2
fi

# Searches need a reader's token, the probes of the delay benchmark an editor's.
token_for() {
    local email="$1" role="$2"
    PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" user create --email "$email" --role "$role" >/dev/null 2>&1 || true
    PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" token create --name "$email" --role "$role" --owner "$email" 2>/dev/null
}
reader_token="$(token_for bench-search@pim.local viewer)"
writer_token="$(token_for bench-probe@pim.local catalog_manager)"

echo "== full reindex, then raw tantivy on the same documents" >&2
reindex_out="$(PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" reindex --compare-raw)"
echo "$reindex_out" >&2

server_pid=""
import_pid=""
stop_all() {
    for pid in "$import_pid" "$server_pid"; do
        if [[ -n "$pid" ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap stop_all EXIT

PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" serve --listen "127.0.0.1:${port}" >"${dir}/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "${url}/health/ready" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "bench-search: the server exited; its log:" >&2
        cat "${dir}/serve.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS -o /dev/null "${url}/health/ready" || { echo "bench-search: the server is not ready after 60 s" >&2; exit 1; }

status=0
echo "== search latency" >&2
search_out="$(PIM_TOKEN="$reader_token" PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" bench search \
    --url "$url" --products "$n" --requests "$requests")" || status=1

echo "== write-to-searchable delay during an import of ${import} products" >&2
PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" generate --products "$import" --seed 2 \
    >"${dir}/import.log" 2>&1 &
import_pid=$!
sleep 5
delay_out="$(PIM_TOKEN="$writer_token" "$bin" bench searchable --url "$url" --probes "$probes")" || status=1
if kill -0 "$import_pid" 2>/dev/null; then
    import_state="the import was still running when the probes ended"
else
    import_state="the import ENDED before the probes did: $(cat "${dir}/import.log" | tail -1)"
fi

stop_all
server_pid=""
import_pid=""

commit="$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")"
if [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then
    commit="${commit} (with uncommitted changes)"
fi
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

cat <<EOF

== pim search benchmarks
date       $(date -u '+%Y-%m-%d %H:%M UTC')
commit     ${commit}
machine    $(nproc) cores, ${cpu}, $(rustc --version)
catalog    ${n} products, data directory $(du -sh "$dir" | cut -f1), index $(du -sh "${dir}/search" | cut -f1)

${reindex_out}

${search_out}

${delay_out}
(${import_state})
EOF
exit "$status"
