#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on a free loopback port and prints its Npgsql connection string.
# The server's files live in /tmp/tpflash-pg.<port>; stop it with scripts/stop-postgres.sh <port>.
set -euo pipefail

bindir=""
for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$d/initdb" ]; then bindir="$d"; break; fi
done
if [ -z "$bindir" ]; then
  echo "start-postgres: PostgreSQL server binaries not found (./scripts/test.sh installs them; or apt-get install -y postgresql)" >&2
  exit 1
fi

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

cd /  # runuser keeps the working directory, which the postgres user may not be allowed to enter
port=$(free_port)
dir="/tmp/tpflash-pg.$port"
rm -rf "$dir"
mkdir -p "$dir"
runas=()
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$dir"
  runas=(runuser -u postgres --)
fi

"${runas[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "$bindir" > "$dir/bindir"

echo "Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=postgres"
