#!/usr/bin/env bash
# Installs the system packages MyLog needs on a fresh Debian/Ubuntu machine when they are missing.
# Usage: ensure-system-deps.sh [redis] [chromium] [shellcheck] [curl] [poppler] [rsyslog-es]
#                              [syslog-ng-http]
# rsyslog-es and syslog-ng-http are the syslog daemons the shipper tests run: their Debian packages
# conflict with each other and with the machine's own syslog daemon, so they are unpacked under
# SYSLOG_DAEMONS_DIR (default node_modules/.cache/syslog-daemons) instead of installed, and only the
# libraries they link against are installed.
set -euo pipefail
daemons_dir="${SYSLOG_DAEMONS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/node_modules/.cache/syslog-daemons}"
missing=()
unpack=()
for want in "$@"; do
  case "$want" in
    redis) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    shellcheck) command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck) ;;
    curl) command -v curl >/dev/null 2>&1 || missing+=(curl) ;;
    # pdftoppm: the report tests render a generated PDF page to check it is not blank.
    poppler) command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils) ;;
    rsyslog-es) [ -x "$daemons_dir/rsyslog/usr/sbin/rsyslogd" ] || unpack+=(rsyslog:rsyslog rsyslog:rsyslog-elasticsearch) ;;
    syslog-ng-http) [ -x "$daemons_dir/syslog-ng/usr/sbin/syslog-ng" ] ||
      unpack+=(syslog-ng:syslog-ng-core syslog-ng:syslog-ng-mod-http syslog-ng:syslog-ng-scl) ;;
    *) echo "ensure-system-deps: unknown dependency $want" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && [ ${#unpack[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]} ${unpack[*]}. Install them with your package manager (macOS: brew install redis)." >&2
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
retrying apt update -qq
if [ ${#unpack[@]} -gt 0 ]; then
  debs="$(mktemp -d)"
  names=("${unpack[@]#*:}")
  echo "Unpacking ${names[*]} under $daemons_dir…" >&2
  (cd "$debs" && chmod 777 . && retrying apt download "${names[@]}" >/dev/null)
  for spec in "${unpack[@]}"; do
    mkdir -p "$daemons_dir/${spec%%:*}"
    dpkg-deb -x "$debs/${spec#*:}"_*.deb "$daemons_dir/${spec%%:*}"
  done
  # Their dependencies but themselves (first of alternatives, versions dropped).
  for deb in "$debs"/*.deb; do dpkg-deb -f "$deb" Depends; done | tr ',' '\n' |
    sed 's/|.*//; s/(.*//; s/ //g' | sort -u >"$debs/depends"
  while read -r dep; do
    case " ${names[*]} " in *" $dep "*) ;; *) missing+=("$dep") ;; esac
  done <"$debs/depends"
  rm -rf "$debs"
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing ${missing[*]} with apt-get…" >&2
retrying apt install -y -qq "${missing[@]}" >/dev/null
