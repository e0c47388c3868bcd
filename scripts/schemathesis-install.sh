#!/usr/bin/env bash
# Installs Schemathesis (PyPI), at the exact version below, into a virtual environment cached outside
# the repository beside the test bed's servers (${DV_TESTBED_CACHE:-${XDG_CACHE_HOME:-~/.cache}/dv-testbed}),
# once: a later run finds it and does nothing. Prints the path of its `st` command.
# Needs python3 (3.9+) with venv; pip's own cache keeps the downloads.
set -euo pipefail
version=4.32.5
cache="${DV_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dv-testbed}"
venv="$cache/schemathesis-$version"
if [[ -x "$venv/bin/st" && -f "$venv/.dv-installed" ]]; then
  echo "$venv/bin/st"
  exit 0
fi
mkdir -p "$cache"
# One installer at a time (parallel test runs share the cache): flock where there is one.
exec 9>"$cache/schemathesis-$version.lock"
if command -v flock >/dev/null; then flock 9; fi
if [[ ! ( -x "$venv/bin/st" && -f "$venv/.dv-installed" ) ]]; then
  echo "[schemathesis] installing schemathesis==$version into $venv" >&2
  # A half-made environment (an install that died) has no stamp: made again from nothing.
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$version" >&2
  "$venv/bin/st" --version >&2
  touch "$venv/.dv-installed"
fi
echo "$venv/bin/st"
