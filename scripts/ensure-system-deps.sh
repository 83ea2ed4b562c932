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
echo "Installing ${missing[*]} with apt-get…" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
