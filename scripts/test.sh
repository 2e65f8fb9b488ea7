#!/usr/bin/env bash
# Runs every test: unit and integration tests on SQLite and, when a server answers, PostgreSQL.
# PIM_TEST_DATABASE_URL names the PostgreSQL server (default: the local one on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
# Tests never read the caller's stdin (rustc's target probe would take it as source code).
exec </dev/null

if [ -z "${PIM_TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export PIM_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -n "${PIM_TEST_DATABASE_URL:-}" ]; then
  echo "tests run on sqlite and on postgresql ($PIM_TEST_DATABASE_URL)"
else
  echo "tests run on sqlite only: no postgresql answers on 127.0.0.1:5432 and PIM_TEST_DATABASE_URL is unset"
fi

cargo test --all-targets "$@"

# The web UI: each GraphQL operation it sends against schema/schema.graphql, then a real browser
# (Debian's chromium, headless) against the `pim` binary cargo just built, with the demo catalog.
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if ! command -v npm >/dev/null; then
  echo "the UI tests need Node.js and npm; .ci/run installs them" >&2
  exit 1
fi
if [ ! -x "$chromium_path" ]; then
  echo "the UI's browser tests need chromium at $chromium_path: apt-get install chromium (.ci/run does)" >&2
  exit 1
fi
cargo build --bin pim
(
  cd frontend
  [ -d node_modules ] || npm ci --no-audit --no-fund
  npm run build
  npm run test:operations
  npm run test:browser
)
echo "screenshots of each screen: target/screenshots/"
