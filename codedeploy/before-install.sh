#!/usr/bin/env bash
# BeforeInstall: make the directory layout and check the instance was bootstrapped, before the
# agent copies the revision into $MYLOG_ROOT/incoming.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

mkdir -p "$RELEASES_DIR" "$RUN_DIR" "$MYLOG_ROOT/shared"
# A half-copied revision from a failed earlier attempt must not leak into this one.
rm -rf "$INCOMING_DIR"
mkdir -p "$INCOMING_DIR"

if [[ "$MYLOG_SUPERVISOR" == systemd ]]; then
  id -u "$MYLOG_USER" >/dev/null 2>&1 || die "user $MYLOG_USER missing: the AMI creates it"
  # Without the env file the service would start on embedded dev services: refuse instead.
  [[ -s "$MYLOG_ENV_FILE" ]] || die "$MYLOG_ENV_FILE missing or empty: bootstrap did not render it"
  grep -q '^DATABASE_URL=' "$MYLOG_ENV_FILE" || die "$MYLOG_ENV_FILE has no DATABASE_URL"
fi
log "layout ready under $MYLOG_ROOT"
