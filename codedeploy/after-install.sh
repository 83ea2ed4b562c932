#!/usr/bin/env bash
# AfterInstall: turn the copied revision into releases/<deployment id>, point `current` at it,
# install the unit, and run the expand-only migrations once for the whole deployment.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

id="$(release_id)"
release="$RELEASES_DIR/$id"

if [[ -d "$release" ]]; then
  # A retried hook: the release was already moved into place.
  log "release $id already present"
else
  [[ -f "$INCOMING_DIR/dist/src/server.js" ]] || die "revision has no dist/src/server.js"
  mv "$INCOMING_DIR" "$release"
  mkdir -p "$INCOMING_DIR"
fi

# Atomic switch: rename(2) of a fresh symlink over the old one, never a moment without `current`.
ln -sfn "$release" "$CURRENT_LINK.new"
mv -Tf "$CURRENT_LINK.new" "$CURRENT_LINK"
log "current -> $release"

if [[ "$MYLOG_SUPERVISOR" == systemd ]]; then
  install -m 0644 "$release/codedeploy/mylog.service" "$MYLOG_UNIT_DIR/mylog.service"
  systemctl daemon-reload
  chown -R root:root "$release"
  install -d -o "$MYLOG_USER" -g "$MYLOG_USER" -m 0750 /var/lib/mylog
fi

# The marker makes a retried hook skip work this instance already did; migrate-once.mjs makes
# the other instances of the same deployment skip it too.
marker="$MYLOG_ROOT/shared/migrated-$id"
if [[ -f "$marker" ]]; then
  log "migrations already applied by this instance for $id"
else
  load_app_env
  NODE_ENV="${NODE_ENV:-production}" "$MYLOG_NODE" "$release/codedeploy/lib/migrate-once.mjs" "$release" "$id" ||
    die "migrations failed; green never starts, blue keeps serving"
  touch "$marker"
fi

# Old releases stay for a manual roll back on this instance; the rest only fill the disk.
mapfile -t old < <(find "$RELEASES_DIR" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
  sort -rn | tail -n +"$((MYLOG_KEEP_RELEASES + 1))" | cut -d' ' -f2-)
for dir in "${old[@]}"; do
  [[ "$dir" == "$release" ]] && continue
  rm -rf "$dir"
  log "pruned $dir"
done
