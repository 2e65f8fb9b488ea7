#!/usr/bin/env bash
# Runs every test: unit and integration tests on SQLite and, when a server answers, PostgreSQL.
# PIM_TEST_DATABASE_URL names the PostgreSQL server (default: the local one on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PIM_TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export PIM_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -n "${PIM_TEST_DATABASE_URL:-}" ]; then
  echo "tests run on sqlite and on postgresql ($PIM_TEST_DATABASE_URL)"
else
  echo "tests run on sqlite only: no postgresql answers on 127.0.0.1:5432 and PIM_TEST_DATABASE_URL is unset"
fi

cargo test --all-targets "$@"
