#!/usr/bin/env bash
# Benchmarks of the messaging foundation (not part of the test suite): runs every test/bench/*.bench.ts
# in its own Node process and prints each one's JSON result on stdout (progress goes to stderr); the
# results are also kept in tmp/bench/<name>.json.
#
#   bash scripts/bench.sh            # all benchmarks
#   bash scripts/bench.sh rpc        # those whose file name contains "rpc"
#
# NATS_URL (a nats-server started with -js) is used when set. Otherwise each benchmark starts a fresh
# nats-server of the test bed (@dv/testing, the cached build in ~/.cache/dv-testbed, built on first use)
# on a free port and stops it at the end, so no benchmark sees another's streams or another run's load.
# Knobs (docs/benchmarks.md): BENCH_SCALE (multiplies operation counts, e.g. 0.1 for a smoke run),
# BENCH_ROUNDS, BENCH_ONLY=raw|ours (one side only), BENCH_RPC_DIAGNOSTICS=0, BENCH_PROFILE_DIR (V8
# profiles of the measured rounds), BENCH_CHILD_NODE_OPTIONS (Node flags of the child processes, e.g.
# "--cpu-prof --cpu-prof-dir=tmp/bench-prof").
set -uo pipefail
cd "$(dirname "$0")/.."

filter="${1:-}"
mkdir -p tmp/bench
if [[ -n "${NATS_URL:-}" ]]; then
  echo "[bench] using NATS_URL=${NATS_URL}" >&2
else
  echo "[bench] NATS_URL not set: each benchmark starts its own nats-server (test bed build)" >&2
fi

failed=()
ran=0
for file in test/bench/*.bench.ts; do
  name="$(basename "$file" .bench.ts)"
  [[ -n "$filter" && "$name" != *"$filter"* ]] && continue
  ran=$((ran + 1))
  echo "[bench] ${name}: node -r ./scripts/ts-register.js ${file}" >&2
  if node -r ./scripts/ts-register.js "$file" >"tmp/bench/${name}.json"; then
    cat "tmp/bench/${name}.json"
    pass="$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(r.pass))' "tmp/bench/${name}.json")"
    echo "[bench] ${name}: pass=${pass} (tmp/bench/${name}.json)" >&2
  else
    echo "[bench] ${name}: FAILED (see the messages above)" >&2
    failed+=("$name")
  fi
done

if [[ $ran -eq 0 ]]; then
  echo "[bench] no benchmark matches '${filter}'" >&2
  exit 2
fi
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "[bench] benchmarks that did not finish: ${failed[*]}" >&2
  exit 1
fi
