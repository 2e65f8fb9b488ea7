#!/usr/bin/env bash
# The README's run command: builds the web UI when it is missing or older than its sources, then
# builds and starts `pim serve --demo` (UI at http://127.0.0.1:8080). Extra arguments go to `serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v npm >/dev/null; then
  if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules ]; then
    (cd frontend && npm ci --no-audit --no-fund)
  fi
  if [ ! -f frontend/dist/index.html ] || [ -n "$(find frontend/src frontend/index.html frontend/public -newer frontend/dist/index.html -print -quit)" ]; then
    (cd frontend && npm run build)
  fi
else
  echo "npm is missing: the API starts, and / says how to build the UI (apt-get install nodejs npm)" >&2
fi

exec cargo run --release -- serve --demo "$@"
