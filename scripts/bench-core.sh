#!/usr/bin/env bash
# The core benchmarks recorded in BENCHMARKS.md: write path (pim generate), then single-product
# reads at a constant rate and page reads against a release server over loopback.
#
# Usage: scripts/bench-core.sh [PRODUCTS]   (or N=PRODUCTS; default 1000000)
# Tunables from the environment: PORT, RATE, DURATION, CONNECTIONS, FIRST, REQUESTS, CONCURRENCY.
set -euo pipefail

cd "$(dirname "$0")/.."

n="${1:-${N:-1000000}}"
port="${PORT:-18080}"
rate="${RATE:-2000}"
duration="${DURATION:-20}"
connections="${CONNECTIONS:-16}"
first="${FIRST:-100}"
requests="${REQUESTS:-2000}"
concurrency="${CONCURRENCY:-4}"
url="http://127.0.0.1:${port}"
bin=target/release/pim
dir="target/bench/pim-${n}"

if curl -fsS -o /dev/null "${url}/health/live" 2>/dev/null; then
    echo "bench-core: something already listens on port ${port}; set PORT" >&2
    exit 1
fi

cargo build --release

rm -rf "$dir"
mkdir -p "$dir"

echo "== generating ${n} products into ${dir}" >&2
write_line="$(PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" generate --products "$n" | grep '^generated')"
echo "$write_line" >&2

# Reads need credentials: a viewer and its API token, made with the CLI.
PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" user create --email bench@pim.local --role viewer >/dev/null
export PIM_TOKEN="$(PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" token create --name bench --role viewer --owner bench@pim.local 2>/dev/null)"

server_pid=""
stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap stop_server EXIT

PIM_LOG_LEVEL=warn "$bin" --data-dir "$dir" serve --listen "127.0.0.1:${port}" >"${dir}/serve.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "${url}/health/ready" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "bench-core: the server exited; its log:" >&2
        cat "${dir}/serve.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS -o /dev/null "${url}/health/ready" || { echo "bench-core: the server is not ready after 60 s" >&2; exit 1; }

# A server opening a freshly generated catalog builds its search index first, on both cores;
# reads measured during that build measure the build. Wait until the index reflects the whole
# change log (the search's `position` reaches the log's `head`).
echo "== waiting for the search index" >&2
index_query='{"query":"{ changes(first: 1) { head } search(first: 1) { position } }"}'
indexed=""
for _ in $(seq 1 1200); do
    answer="$(curl -fsS -H "Authorization: Bearer ${PIM_TOKEN}" -H 'Content-Type: application/json' \
        -d "$index_query" "${url}/graphql" 2>/dev/null || true)"
    if python3 -c 'import json, sys; d = json.loads(sys.argv[1])["data"]; sys.exit(0 if d["search"]["position"] >= d["changes"]["head"] else 1)' "$answer" 2>/dev/null; then
        indexed=yes
        break
    fi
    sleep 1
done
[[ -n "$indexed" ]] || { echo "bench-core: the search index did not catch up within 20 minutes" >&2; exit 1; }

# A failed run still prints its figures; report them all, then exit non-zero.
status=0
echo "== product reads" >&2
product_out="$("$bin" bench product --url "$url" --rate "$rate" --duration "$duration" \
    --products "$n" --connections "$connections")" || status=1
echo "== page reads" >&2
page_out="$("$bin" bench page --url "$url" --products "$n" --first "$first" \
    --requests "$requests" --concurrency "$concurrency")" || status=1

stop_server
server_pid=""

commit="$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")"
if [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then
    commit="${commit} (with uncommitted changes)"
fi
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

cat <<EOF

== pim core benchmarks
date       $(date -u '+%Y-%m-%d %H:%M UTC')
commit     ${commit}
machine    $(nproc) cores, ${cpu}, $(rustc --version)
catalog    ${n} products, database $(du -sh "$dir" | cut -f1) in ${dir}
write      ${write_line}

${product_out}

${page_out}
EOF
if [[ -s "${dir}/serve.log" ]]; then
    echo
    echo "server warnings and errors: $(wc -l <"${dir}/serve.log") lines in ${dir}/serve.log"
fi
exit "$status"
