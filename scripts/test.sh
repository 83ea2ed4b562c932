#!/usr/bin/env bash
# npm test: installs what the suite needs when missing, then runs it on real services.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || bash scripts/install-deps.sh
bash scripts/ensure-system-deps.sh redis chromium shellcheck curl poppler rsyslog-es syslog-ng-http
exec node --import tsx scripts/run-tests.ts "$@"
