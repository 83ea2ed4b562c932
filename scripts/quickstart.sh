#!/usr/bin/env bash
# npm run quickstart: from a fresh clone to a running MyLog on the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
node -e 'const [major] = process.versions.node.split("."); if (Number(major) < 20) { console.error(`MyLog needs Node 20 or newer (found ${process.version})`); process.exit(1); }'
bash scripts/install-deps.sh
bash scripts/ensure-system-deps.sh redis
exec npm start
