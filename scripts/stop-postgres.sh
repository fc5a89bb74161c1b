#!/usr/bin/env bash
# Stops a server started by scripts/start-postgres.sh and removes its files. Argument: the port.
set -euo pipefail
port="${1:?usage: stop-postgres.sh PORT}"
cd /
dir="/tmp/tpflash-pg.$port"
[ -d "$dir" ] || exit 0
bindir=$(cat "$dir/bindir" 2>/dev/null || echo /usr/lib/postgresql/15/bin)
runas=()
[ "$(id -u)" = "0" ] && runas=(runuser -u postgres --)
"${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
rm -rf "$dir"
