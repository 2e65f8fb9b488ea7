#!/usr/bin/env bash
# The supplier-import benchmark of BENCHMARKS.md, floor and import in the same run:
#   1. a catalog with the generated structure and product models but no products, and the
#      N-row, 18-column supplier CSV of the same products (`pim generate --models-only --csv`);
#   2. the floor: parse the CSV, build one JSON document per row, insert into SQLite in one
#      transaction (`pim bench import-floor`);
#   3. the import end to end (`pim import --format akeneo`): read, map, validate, diff, write,
#      change log, completeness;
#   4. the same file again: every row unchanged.
# Peak memory comes from /usr/bin/time -v. Usage: scripts/bench-import.sh [ROWS] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=${PIM_BENCH_DIR:-target/bench-import}
pim=target/release/pim
[ -n "${PIM_BENCH_NO_BUILD:-}" ] || cargo build --release --quiet
rm -rf "$work"
mkdir -p "$work"
export PIM_LOG_LEVEL=warn

timed() { # name, command…: runs it under /usr/bin/time -v and prints its summary and peak memory
  local name=$1
  shift
  sync # each step starts with what the one before wrote on disk, not still being written back
  /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time"
  grep -v '^\s*$' "$work/$name.out" | tail -n 3
  awk -F': ' '/Elapsed \(wall clock\)/ {print "  wall clock: " $2} /Maximum resident/ {printf "  peak memory: %.0f MB\n", $2 / 1024}' "$work/$name.time"
}

echo "== catalog and feed: $rows rows"
$pim --data-dir "$work/catalog" generate --products "$rows" --models-only --csv "$work/feed.csv" | tail -n 1
ls -l "$work/feed.csv" | awk '{printf "  feed: %.0f MB\n", $5 / 1048576}'
echo "== floor"
timed floor $pim bench import-floor --csv "$work/feed.csv" --scratch "$work"
echo "== import"
timed import $pim --data-dir "$work/catalog" import "$work/feed.csv" --format akeneo
echo "== the same file again"
timed reimport $pim --data-dir "$work/catalog" import "$work/feed.csv" --format akeneo
