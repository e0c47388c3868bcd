#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (npm ci once per lockfile; the
# test bed's servers are built once from the Go module proxy into ~/.cache/dv-testbed), lints and
# type-checks every project, then runs every jest test (unit, integration and system) against real
# servers started once by jest's global setup (nats-server, FerretDB, etcd + kube-apiserver).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/install.sh
echo "[test] building or finding the test bed's servers" >&2
node -r ./scripts/ts-register.js test/testbed/bed.ts build >&2
echo "[test] lint and type-check of every project" >&2
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t lint typecheck --outputStyle=static --parallel=2
echo "[test] jest" >&2
npx jest --ci "$@"
echo "[test] done in $(( $(date +%s) - started )) s" >&2
