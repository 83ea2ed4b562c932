#!/usr/bin/env bash
# Shared by every CodeDeploy hook. Sourced, never executed.
#
# Every path and port comes from the environment with the production value as default, so the
# blue/green rehearsal (test/deploy/) can run these same scripts unprivileged under a temp dir.
#   MYLOG_ROOT          install root (releases/, current, incoming/, shared/)   /opt/mylog
#   MYLOG_ENV_FILE      app environment written at boot from Secrets Manager    /etc/mylog/env
#   MYLOG_SUPERVISOR    systemd | process (process = rehearsal only)           systemd
#   MYLOG_UNIT_DIR      where mylog.service is installed                       /etc/systemd/system
#   MYLOG_USER          service account that owns the data dir                 mylog
#   MYLOG_KEEP_RELEASES releases kept on disk for a manual roll back             5
#   MYLOG_READY_TIMEOUT_S  how long ValidateService waits for /readyz           120

MYLOG_ROOT="${MYLOG_ROOT:-/opt/mylog}"
MYLOG_ENV_FILE="${MYLOG_ENV_FILE:-/etc/mylog/env}"
MYLOG_SUPERVISOR="${MYLOG_SUPERVISOR:-systemd}"
MYLOG_UNIT_DIR="${MYLOG_UNIT_DIR:-/etc/systemd/system}"
MYLOG_USER="${MYLOG_USER:-mylog}"
MYLOG_KEEP_RELEASES="${MYLOG_KEEP_RELEASES:-5}"
MYLOG_READY_TIMEOUT_S="${MYLOG_READY_TIMEOUT_S:-120}"
MYLOG_NODE="${MYLOG_NODE:-node}"

# Used by the hooks that source this file.
# shellcheck disable=SC2034
RELEASES_DIR="$MYLOG_ROOT/releases"
# shellcheck disable=SC2034
INCOMING_DIR="$MYLOG_ROOT/incoming"
CURRENT_LINK="$MYLOG_ROOT/current"
RUN_DIR="$MYLOG_ROOT/run"
PID_FILE="$RUN_DIR/mylog.pid"
HOOK_NAME="${LIFECYCLE_EVENT:-$(basename "$0" .sh)}"

# CodeDeploy keeps the hook's stdout in its own deployment log; the journal copy is what the
# CloudWatch agent ships, so an operator sees deploys and app logs side by side.
log() {
  local msg="[$HOOK_NAME] deployment=${DEPLOYMENT_ID:-none} $*"
  printf '%s\n' "$msg" >&2
  if [[ "${MYLOG_LOG_TO_JOURNAL:-1}" == 1 ]] && command -v logger >/dev/null 2>&1; then
    logger -t mylog-deploy -- "$msg" 2>/dev/null || true
  fi
}

die() {
  log "FAILED: $*"
  exit 1
}

# The env file is the contract between the instance bootstrap and the app; reading it here keeps
# PORT and the data service URLs identical for the hooks and for the service itself.
load_app_env() {
  if [[ -r "$MYLOG_ENV_FILE" ]]; then
    set -a
    # shellcheck source=/dev/null
    source "$MYLOG_ENV_FILE"
    set +a
  fi
  PORT="${PORT:-3000}"
  MYLOG_PROBE_HOST="${MYLOG_PROBE_HOST:-127.0.0.1}"
}

release_id() {
  [[ -n "${DEPLOYMENT_ID:-}" ]] || die "DEPLOYMENT_ID is not set (CodeDeploy sets it for every hook)"
  printf '%s' "$DEPLOYMENT_ID"
}

# process mode: the rehearsal's stand-in for systemd. Same start command and env file as the unit.
process_running() {
  [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

process_start() {
  mkdir -p "$RUN_DIR"
  if process_running; then
    log "already running as pid $(cat "$PID_FILE")"
    return 0
  fi
  (
    cd "$CURRENT_LINK/" || exit 1
    load_app_env
    NODE_ENV="${NODE_ENV:-production}" nohup "$MYLOG_NODE" --enable-source-maps --initial-old-space-size=96 dist/src/server.js >>"$RUN_DIR/mylog.out" 2>&1 &
    echo $! >"$PID_FILE"
  )
  log "started pid $(cat "$PID_FILE")"
}

process_stop() {
  process_running || { rm -f "$PID_FILE"; return 0; }
  local pid deadline
  pid="$(cat "$PID_FILE")"
  # Same budget as the unit's TimeoutStopSec: the drain deadline plus a margin.
  deadline=$((SECONDS + ${MYLOG_STOP_TIMEOUT_S:-40}))
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "pid $pid did not drain in time; killing"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  log "stopped pid $pid"
}

unit_installed() {
  [[ -f "$MYLOG_UNIT_DIR/mylog.service" ]]
}
