#!/usr/bin/env bash
# Brings the whole system up locally on the embedded default (no Docker): installs what it needs,
# builds the real servers once (cached), starts them and every service, publishes the example org.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node -r ./scripts/ts-register.js tools/local-run/src/main.ts
