#!/usr/bin/env bash
# ApplicationStart: start (or restart, when a hook is retried) the service on the new release.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[[ -e "$CURRENT_LINK/dist/src/server.js" ]] || die "$CURRENT_LINK has no build output"

case "$MYLOG_SUPERVISOR" in
  systemd)
    systemctl enable mylog.service
    # restart, not start: a retried deployment must run the new code even if the unit is up.
    systemctl restart mylog.service
    log "mylog.service (re)started on $(readlink -f "$CURRENT_LINK")"
    ;;
  process)
    process_stop
    process_start
    ;;
  *) die "unknown MYLOG_SUPERVISOR=$MYLOG_SUPERVISOR" ;;
esac
