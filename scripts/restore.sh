#!/usr/bin/env bash
# Restores a dump made by scripts/backup.sh into an explicitly named target database, in one transaction:
# existing objects of the dump are dropped first (--clean --if-exists); any error rolls the whole restore back.
#   ./scripts/restore.sh backups/tpflash-20260101T000000Z.dump postgres://u:p@host:5432/target_db
# The target (postgres:// URL, libpq conninfo or Npgsql connection string) must be given on the command line:
# DATABASE_URL is deliberately not used, so a restore never lands on a database by accident. Stop the app (or
# scale it to zero) while restoring; it re-checks migrations when it starts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/pg-conn.sh
source "$here/lib/pg-conn.sh"

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  echo "usage: restore.sh DUMP_FILE TARGET_DATABASE_URL   (refusing to restore without an explicit target)" >&2
  exit 2
fi
dump="$1"
[ -f "$dump" ] || { echo "restore: no such dump file: $dump" >&2; exit 2; }

pg_conninfo "$2" || exit 2
pg_restore=$(pg_tool pg_restore) || exit 2

err=$(mktemp)
trap 'rm -f "$err"' EXIT
if ! "$pg_restore" --clean --if-exists --single-transaction --exit-on-error --no-owner --no-acl \
  --dbname="$PG_CONN" "$dump" 2>"$err"; then
  pg_redact <"$err" >&2
  echo "restore: pg_restore failed; nothing was changed (single transaction)" >&2
  exit 1
fi
echo "restored $dump"
