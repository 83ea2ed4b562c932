#!/usr/bin/env bash
# Installs the system packages MyLog needs on a fresh Debian/Ubuntu machine when they are missing.
# Usage: ensure-system-deps.sh [redis] [chromium] [shellcheck] [curl] [poppler]
set -euo pipefail
missing=()
for want in "$@"; do
  case "$want" in
    redis) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    shellcheck) command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck) ;;
    curl) command -v curl >/dev/null 2>&1 || missing+=(curl) ;;
    # pdftoppm: the report tests render a generated PDF page to check it is not blank.
    poppler) command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils) ;;
    *) echo "ensure-system-deps: unknown dependency $want" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}. Install them with your package manager (macOS: brew install redis)." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing: ${missing[*]}. Run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
# Another apt (unattended-upgrades on a fresh VM, a second terminal) may hold the dpkg or the lists
# lock. dpkg's lock is waited for by apt itself (DPkg::Lock::Timeout); `apt-get update` does not
# wait for the lists lock on older apt, so it is retried, both within APT_LOCK_TIMEOUT_S.
lock_timeout_s="${APT_LOCK_TIMEOUT_S:-600}"
retry_every_s="${APT_RETRY_INTERVAL_S:-5}"
apt() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$lock_timeout_s" "$@"; }
retrying() {
  local deadline=$((SECONDS + lock_timeout_s))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "ensure-system-deps: '$*' kept failing for ${lock_timeout_s}s (is another apt running?)" >&2
      return 1
    fi
    echo "ensure-system-deps: '$*' failed (another apt holds its lock?); retrying in ${retry_every_s}s" >&2
    sleep "$retry_every_s"
  done
}
echo "Installing ${missing[*]} with apt-get…" >&2
retrying apt update -qq
retrying apt install -y -qq "${missing[@]}" >/dev/null
