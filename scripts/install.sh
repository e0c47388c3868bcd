#!/usr/bin/env bash
# Installs the npm dependencies exactly as locked, only when the lockfile changed since the last
# install (idempotent; npm's own cache keeps downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.dv-install-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node --version)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
echo "[install] npm ci (package-lock.json changed or first install)" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
