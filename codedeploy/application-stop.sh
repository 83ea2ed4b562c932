#!/usr/bin/env bash
# ApplicationStop: runs from the PREVIOUS revision on this instance (nothing on a fresh green
# instance). Stopping sends SIGTERM; the app turns /readyz to 503, drains and exits.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "$MYLOG_SUPERVISOR" in
  systemd)
    if unit_installed && systemctl is-active --quiet mylog.service; then
      log "stopping mylog.service"
      systemctl stop mylog.service
    else
      log "mylog.service not running; nothing to stop"
    fi
    ;;
  process) process_stop ;;
  *) die "unknown MYLOG_SUPERVISOR=$MYLOG_SUPERVISOR" ;;
esac
