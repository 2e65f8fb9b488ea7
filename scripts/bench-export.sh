#!/usr/bin/env bash
# The export benchmark of BENCHMARKS.md: a generated catalog of N products (default 1,000,000),
# the Google Merchant XML full feed written to a file next to the floor (the stored documents
# streamed to XML with no work) in the same process, its peak memory, and a delta after 1,000
# changed products. Reuses the catalog in $PIM_BENCH_DIR when it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=${PIM_BENCH_DIR:-target/bench/export-$N}
BIN=target/release/pim
export PIM_CHANNELS_DIR=channels/bench PIM_LOG_LEVEL=warn

cargo build --release --quiet
if [ ! -f "$DIR/pim.db" ]; then
  nice "$BIN" --data-dir "$DIR" generate --products "$N"
fi
echo "machine: $(nproc) cores, $(uptime)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')"

echo "== full feed (google_generated, Google XML) and floor"
nice /usr/bin/time -v "$BIN" --data-dir "$DIR" export google_generated -o "$DIR/google.xml" \
  --compare-floor 2> "$DIR/full.log"
grep -E "exported|floor|Maximum resident set size|Elapsed \(wall" "$DIR/full.log"
ls -l "$DIR/google.xml"
CURSOR=$(grep -o -- '--since [0-9]*' "$DIR/full.log" | tail -1 | cut -d' ' -f2)

echo "== 1,000 products changed (generate --products 1000 with another seed)"
nice "$BIN" --data-dir "$DIR" generate --products 1000 --seed 4242 > /dev/null
echo "== delta after cursor $CURSOR"
for run in 1 2 3; do
  nice "$BIN" --data-dir "$DIR" export google_generated --since "$CURSOR" -o "$DIR/delta.xml" 2>&1 \
    | grep -E "exported"
done

# Twenty-one consumers pulling the full feed at once over HTTP (PULLS=0 skips it). The server
# needs its search index first; on a catalog loaded in bulk `pim reindex` builds it before the
# server starts, so the pulls do not run beside that build.
if [ "${PULLS:-1}" != "0" ]; then
  PORT=${PORT:-18100}
  URL="http://127.0.0.1:$PORT"
  if [ ! -d "$DIR/search" ]; then
    echo "== building the search index before serving"
    "$BIN" --data-dir "$DIR" reindex > /dev/null
  fi
  "$BIN" --data-dir "$DIR" user create --email bench-feed@pim.local --role channel_consumer \
    --channel google_generated > /dev/null 2>&1 || true
  TOKEN=$("$BIN" --data-dir "$DIR" token create --name bench-feed --role channel_consumer \
    --owner bench-feed@pim.local --channel google_generated)
  "$BIN" --data-dir "$DIR" serve --listen "127.0.0.1:$PORT" > "$DIR/serve.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$URL/health/ready" 2>/dev/null && break
    sleep 0.5
  done
  echo "== 21 consumers pulling the full feed at once"
  "$BIN" bench feed --url "$URL" --path /feeds/google_generated.xml --token "$TOKEN" \
    --clients 21 --rounds 1
  kill $SERVER
  wait $SERVER 2>/dev/null || true
fi
