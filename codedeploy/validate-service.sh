#!/usr/bin/env bash
# ValidateService: the instance joins the replacement target group only if this exits 0, so it
# asks the same question as the ALB health check (/readyz: Postgres, Redis and ClickHouse answer).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

load_app_env
base="http://$MYLOG_PROBE_HOST:$PORT"
deadline=$((SECONDS + MYLOG_READY_TIMEOUT_S))
# Several consecutive 200s, like the ALB's healthy threshold, so one lucky answer during a crash
# loop does not pass.
need="${MYLOG_READY_STREAK:-3}"
streak=0
status=000

while ((SECONDS < deadline)); do
  status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)"
  if [[ "$status" == 200 ]]; then
    streak=$((streak + 1))
    if ((streak >= need)); then
      curl -sf --max-time 2 -o /dev/null "$base/healthz" || die "/healthz failed after /readyz passed"
      log "ready: $base/readyz answered 200 $need times"
      exit 0
    fi
  else
    streak=0
  fi
  sleep "${MYLOG_READY_INTERVAL_S:-1}"
done

if [[ "$MYLOG_SUPERVISOR" == systemd ]]; then
  journalctl -u mylog.service -n 50 --no-pager >&2 || true
elif [[ -f "$RUN_DIR/mylog.out" ]]; then
  tail -n 50 "$RUN_DIR/mylog.out" >&2 || true
fi
die "$base/readyz not ready after ${MYLOG_READY_TIMEOUT_S}s (last status $status)"
