#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (npm ci once per lockfile; the
# test bed's servers are built once from the Go module proxy into ~/.cache/dv-testbed), lints,
# type-checks and builds every project (the services' production build in dist/: the system test
# runs the services from it), runs the unit tier (every project's *.spec.ts through `nx run-many -t
# test`: no servers, cached per project), then the integration and system tests in one jest run
# against real servers started once by jest's global setup (nats-server, FerretDB, etcd +
# kube-apiserver). Its closing line, `jest: N passed, N failed, N skipped`, counts both tiers and is the
# last line it prints.
# Arguments go to that jest run (e.g. a path filter); the unit tier always runs whole.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/install.sh
echo "[test] building or finding the test bed's servers" >&2
node -r ./scripts/ts-register.js test/testbed/bed.ts build >&2
echo "[test] installing or finding Schemathesis (PyPI, a venv cached beside the servers)" >&2
bash scripts/schemathesis-install.sh >/dev/null
echo "[test] lint, type-check and build of every project" >&2
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t lint typecheck build --outputStyle=static --parallel=2
echo "[test] formatting (prettier --check, .prettierrc.json)" >&2
npx prettier --check --log-level=warn 'apps/**/*.ts' 'apps/**/*.tsx' 'services/**/*.ts' 'libs/**/*.ts' 'tools/**/*.ts' 'test/**/*.ts' 'scripts/**/*.js' '*.mjs' '*.js'
echo "[test] unit tests of every project (nx test, no servers)" >&2
# Each project's results land in tmp/jest-unit/<project>.json (restored from Nx's cache when unchanged);
# a failing unit test does not stop the run: it is counted in the closing line and fails the command.
rm -rf tmp/jest-unit
unit=0
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t test --outputStyle=static --parallel=2 || unit=$?
echo "[test] jest: integration and system tests" >&2
tests=0
rm -f tmp/jest-closing-line.txt
DV_JEST_TIERS=integration DV_UNIT_RESULTS=tmp/jest-unit DV_CLOSING_LINE=tmp/jest-closing-line.txt npx jest --ci "$@" || tests=$?
echo "[test] done in $(( $(date +%s) - started )) s" >&2
# The closing line (both tiers counted) is the last thing printed, on stdout, so a CI reader finds it.
if [[ -f tmp/jest-closing-line.txt ]]; then echo; cat tmp/jest-closing-line.txt; else tests=1; fi
if [[ $unit -ne 0 || $tests -ne 0 ]]; then exit 1; fi
