#!/usr/bin/env bash
# Brings the whole system up locally on the embedded default (no Docker): installs what it needs,
# builds the services to plain JavaScript (`nx build`, cached: a no-op when nothing changed), builds
# the real servers once (cached), starts them and every service from its build (dist/), publishes
# the example org. DV_SERVICE_MODE=ts runs the TypeScript sources instead (compiled at start-up).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export DV_SERVICE_MODE="${DV_SERVICE_MODE:-dist}"
if [[ "$DV_SERVICE_MODE" == "ts" ]]; then
  exec node -r ./scripts/ts-register.js tools/local-run/src/main.ts
fi
echo "[start] nx build of the services, the web console, the local run and the platform publisher (cached)" >&2
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build -p audit,authz,sharing,volume,workload-admission,gateway,local-run,platform-publisher,console --outputStyle=static >&2
exec node --enable-source-maps dist/tools/local-run/main.js
