#!/usr/bin/env bash
# Dumps the PostgreSQL database of DATABASE_URL in pg_dump's custom format (-Fc) to
# $BACKUP_DIR/tpflash-<UTC yyyymmddThhmmssfffZ>.dump, keeps the newest $BACKUP_KEEP dumps there (default 7) and prints the
# new file's path. DATABASE_URL: postgres:// URL, libpq conninfo or Npgsql connection string (never printed).
#   DATABASE_URL=postgres://u:p@host:5432/db BACKUP_DIR=/var/backups/tpflash ./scripts/backup.sh
#   ./scripts/backup.sh [DIR]            (DIR overrides BACKUP_DIR; default ./backups)
# Restore with scripts/restore.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/pg-conn.sh
source "$here/lib/pg-conn.sh"

[ -n "${DATABASE_URL:-}" ] || { echo "backup: DATABASE_URL is not set" >&2; exit 2; }
dir="${1:-${BACKUP_DIR:-./backups}}"
keep="${BACKUP_KEEP:-7}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "backup: BACKUP_KEEP must be a whole number ≥ 1, got '$keep'" >&2; exit 2; }

pg_conninfo "$DATABASE_URL" || exit 2
pg_dump=$(pg_tool pg_dump) || exit 2
mkdir -p "$dir"

# UTC with milliseconds: names sort chronologically as plain strings.
name() { echo "$dir/tpflash-$(date -u +%Y%m%dT%H%M%S%3NZ).dump"; }
file=$(name)
while [ -e "$file" ]; do sleep 0.01; file=$(name); done
partial="$file.partial"
err=$(mktemp)
trap 'rm -f "$partial" "$err"' EXIT

# Written to a temporary name first: a failed dump never replaces or rotates out a good one.
if ! "$pg_dump" --format=custom --compress=6 --file="$partial" --dbname="$PG_CONN" 2>"$err"; then
  pg_redact <"$err" >&2
  echo "backup: pg_dump failed" >&2
  exit 1
fi
mv "$partial" "$file"

# Retention: timestamped names sort chronologically; delete all but the newest $keep.
mapfile -t dumps < <(find "$dir" -maxdepth 1 -type f -name 'tpflash-*.dump' -printf '%f\n' | LC_ALL=C sort)
excess=$(( ${#dumps[@]} - keep ))
for ((i = 0; i < excess; i++)); do rm -f -- "$dir/${dumps[$i]}"; done

echo "$file"
