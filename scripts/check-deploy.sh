#!/usr/bin/env bash
# Checks of the production files (issue 8), run by ./scripts/test.sh after the build (or alone):
#   1. static checks of Dockerfile/.dockerignore, deploy/, .env.example, CHANGELOG.md, docs/DEPLOY.md
#      (scripts/lib/deploy-checks.fsx, YAML through YamlDotNet);
#   2. promtool check rules/config and promtool test rules on deploy/prometheus (installs Debian's prometheus
#      package when promtool is missing; a failed install fails the check);
#   3. the Dockerfile's own `dotnet publish` commands, run here with a temporary output directory, then the
#      published API started as the image starts it, its HEALTHCHECK command, readiness and `tpflash migrate`;
#   4. backup and restore against PostgreSQL: real migrations and store writes (scripts/lib/backup-fixture.fsx),
#      scripts/backup.sh, scripts/restore.sh into a fresh and into a populated database, every table compared
#      row by row, retention, and restore's refusal without a target.
# Uses TEST_POSTGRES_URL (an Npgsql connection string) when set, else starts a throwaway PostgreSQL.
# Ends with "N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$root/artifacts/deploy-check"
lib="$work/lib"
mkdir -p "$lib"
tmp=$(mktemp -d)
own_pg_port=""
cleanup() {
  rm -rf "$tmp"
  [ -n "$own_pg_port" ] && "$root/scripts/stop-postgres.sh" "$own_pg_port"
  return 0
}
trap cleanup EXIT

passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1" >&2; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | tail -30 >&2; return 0; }
# run NAME CMD...: one check from a command's exit status (output kept in a log shown on failure).
run() {
  local name="$1"; shift
  local log="$tmp/log.$((passed + failed))"
  if "$@" >"$log" 2>&1; then ok "$name"; else bad "$name" "$log"; return 1; fi
}

# ---- 1. static checks -------------------------------------------------------------------------------------------
yaml_version=$(sed -nE 's/^ *YamlDotNet \(([0-9.]+)\).*/\1/p' paket.lock | head -1)
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
yaml_dll=$(ls "$packages/yamldotnet/$yaml_version"*/lib/net8.0/YamlDotNet.dll 2>/dev/null | head -1)
if [ -n "$yaml_dll" ] && cp "$yaml_dll" "$lib/"; then
  out="$tmp/static.log"
  dotnet fsi scripts/lib/deploy-checks.fsx >"$out" 2>&1
  rc=$?
  grep -E '^(ok  |FAIL)' "$out"
  p=$(grep -c '^ok  ' "$out"); f=$(grep -c '^FAIL' "$out")
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then bad "deploy-checks.fsx exited with $rc" "$out"; fi
else
  bad "YamlDotNet $yaml_version not found in $packages (run dotnet paket restore)"
fi

# ---- 2. Prometheus rules ----------------------------------------------------------------------------------------
if ! command -v promtool >/dev/null 2>&1; then
  echo "installing promtool (Debian package prometheus)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; } \
    >"$tmp/apt.log" 2>&1 || true
fi
if command -v promtool >/dev/null 2>&1; then
  run "promtool check rules deploy/prometheus/alerts.yml" promtool check rules deploy/prometheus/alerts.yml
  run "promtool check config deploy/prometheus/prometheus.yml" promtool check config deploy/prometheus/prometheus.yml
  run "promtool test rules deploy/prometheus/alerts.test.yml" promtool test rules deploy/prometheus/alerts.test.yml
else
  bad "promtool is missing and could not be installed" "$tmp/apt.log"
fi

# shellcheck source=scripts/lib/pg-conn.sh
source scripts/lib/pg-conn.sh
pg_url="${TEST_POSTGRES_URL:-}"
if [ -z "$pg_url" ]; then
  pg_url=$(scripts/start-postgres.sh) && own_pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$pg_url")
fi
npgsql() { sed -E "s/Database=[^;]*/Database=$1/" <<<"$pg_url"; }
pg_field() { sed -E "s/.*(^|;)$1=([^;]*).*/\\2/" <<<"$pg_url"; }
postgres_url() { echo "postgres://$(pg_field Username):$(pg_field Password)@$(pg_field Host):$(pg_field Port)/$1"; }
admin_sql() { pg_conninfo "$pg_url" && "$(pg_tool psql)" -X -q -v ON_ERROR_STOP=1 "$PG_CONN" "$@"; }

# ---- 3. the image's publish step --------------------------------------------------------------------------------
# The Dockerfile's publish commands, verbatim but for the output directory.
# shellcheck source=scripts/lib/image-publish.sh
source "$root/scripts/lib/image-publish.sh"
out_dir="$tmp/publish"
mapfile -t publishes < <(image_publish_commands "$out_dir")
if [ "${#publishes[@]}" -lt 2 ]; then
  bad "Dockerfile has fewer than two dotnet publish commands"
fi
for cmd in "${publishes[@]}"; do
  run "image build step: $cmd" bash -c "$cmd"
done
if [ -f "$out_dir/TimepointFlash.Api.dll" ] && [ -f "$out_dir/TimepointFlash.Api.runtimeconfig.json" ] \
  && [ -f "$out_dir/tpflash.dll" ] && [ -f "$out_dir/tpflash.runtimeconfig.json" ]; then
  ok "published directory holds the ENTRYPOINT (TimepointFlash.Api.dll) and the HEALTHCHECK (tpflash.dll)"
else
  bad "published directory lacks TimepointFlash.Api.dll / tpflash.dll with their runtimeconfig"
fi

# The published output as the image runs it: the API on HOST/PORT from the environment with a postgres:// URL
# (migrations at start-up), the HEALTHCHECK command, readiness, and `tpflash migrate` as the cloud manifests run it.
smoke() {
  local port db api_pid i up=1 migrate_db
  [ -f "$out_dir/TimepointFlash.Api.dll" ] && [ -n "$pg_url" ] || return 1
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  db="tpflash_smoke_$$"; migrate_db="tpflash_migrate_$$"
  admin_sql -c "CREATE DATABASE $db" -c "CREATE DATABASE $migrate_db" || return 1
  (cd "$tmp" && exec env -u GOOGLE_API_KEY -u OPENROUTER_API_KEY -u OPENAI_API_KEY -u OPENAI_BASE_URL \
    DATABASE_URL="$(postgres_url "$db")" HOST=127.0.0.1 PORT="$port" ENVIRONMENT=production \
    dotnet "$out_dir/TimepointFlash.Api.dll" >"$tmp/api.log" 2>&1) &
  api_pid=$!
  for i in $(seq 1 60); do
    if PORT="$port" dotnet "$out_dir/tpflash.dll" healthcheck >/dev/null 2>&1; then up=0; break; fi
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ "$up" -eq 0 ]; then
    ok "published API listens on HOST/PORT from the environment; the HEALTHCHECK command exits 0"
  else
    bad "published API did not answer /health on port $port" "$tmp/api.log"
  fi
  run "readiness: tpflash healthcheck --url …/api/v1/health exits 0 with PostgreSQL migrated at start-up" \
    env PORT="$port" dotnet "$out_dir/tpflash.dll" healthcheck --url "http://127.0.0.1:$port/api/v1/health"
  run "the published API serves the web UI (/) from any working directory" \
    env PORT="$port" dotnet "$out_dir/tpflash.dll" healthcheck --url "http://127.0.0.1:$port/"
  kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null
  if PORT="$port" dotnet "$out_dir/tpflash.dll" healthcheck >/dev/null 2>&1; then
    bad "the HEALTHCHECK command exits 0 with no server"
  else
    ok "the HEALTHCHECK command fails when the server is gone"
  fi
  run "tpflash migrate (the cloud start command) applies the migrations to a postgres:// URL" \
    env DATABASE_URL="$(postgres_url "$migrate_db")" dotnet "$out_dir/tpflash.dll" migrate
  pg_conninfo "$(npgsql "$migrate_db")"
  if [ "$("$(pg_tool psql)" -X -At "$PG_CONN" -c "SELECT count(*) FROM schema_migrations" 2>/dev/null)" -ge 1 ] 2>/dev/null; then
    ok "schema_migrations is filled after tpflash migrate"
  else
    bad "schema_migrations is empty after tpflash migrate"
  fi
  admin_sql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $migrate_db WITH (FORCE)" >/dev/null 2>&1
  return 0
}
smoke || bad "smoke test of the published output could not run"

# ---- 4. backup and restore --------------------------------------------------------------------------------------
backup_checks() {
  local psql admin suffix src fresh busy dir
  psql=$(pg_tool psql) || return 1
  pg_conninfo "$pg_url" || return 1
  admin="$PG_CONN"
  suffix="$$_$RANDOM"
  src="tpflash_bk_src_$suffix"; fresh="tpflash_bk_fresh_$suffix"; busy="tpflash_bk_busy_$suffix"
  sql() { "$psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
  for db in "$src" "$fresh" "$busy"; do sql "$admin" -c "CREATE DATABASE $db" || return 1; done
  dropall() { for db in "$src" "$fresh" "$busy"; do sql "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1; done; }

  # Every table (and the schema) of a database, rows ordered, as text.
  snapshot() {
    local conninfo="$1" t
    pg_conninfo "$(npgsql "$conninfo")"
    sql "$PG_CONN" -At -c "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
    sql "$PG_CONN" -At -c "SELECT sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
    for t in $(sql "$PG_CONN" -At -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
      echo "== $t"
      sql "$PG_CONN" -At -c "SELECT x::text FROM \"$t\" AS x ORDER BY 1"
    done
  }
  rows() { pg_conninfo "$(npgsql "$1")"; sql "$PG_CONN" -At -c "SELECT count(*) FROM $2"; }

  run "fixture: real migrations and store writes into a PostgreSQL database" \
    env DATABASE_URL="$(npgsql "$src")" dotnet fsi scripts/lib/backup-fixture.fsx
  local counts
  counts="$(rows "$src" timepoints) $(rows "$src" generation_logs) $(rows "$src" timepoint_images) $(rows "$src" generation_jobs) $(rows "$src" schema_migrations)"
  if [[ "$counts" =~ ^[5-9]\ [1-9][0-9]*\ 2\ 2\ [1-9] ]]; then
    ok "fixture rows present (timepoints, logs, images, jobs, migrations: $counts)"
  else
    bad "fixture rows missing (timepoints, logs, images, jobs, migrations: $counts)"
  fi

  # Retention: nine older dumps and an unrelated file; BACKUP_KEEP=3 keeps the two newest old ones and the new one.
  dir="$tmp/backups"; mkdir -p "$dir"
  for d in 01 02 03 04 05 06 07 08 09; do echo old >"$dir/tpflash-202001${d}T000000000Z.dump"; done
  echo keep-me >"$dir/notes.txt"
  local file
  file=$(DATABASE_URL="$(npgsql "$src")" BACKUP_KEEP=3 scripts/backup.sh "$dir" 2>"$tmp/backup.err")
  if [ $? -eq 0 ] && [ -s "$file" ] && [[ "$file" == "$dir"/tpflash-*.dump ]]; then
    ok "backup.sh writes a timestamped custom-format dump and prints its path"
  else
    bad "backup.sh failed" "$tmp/backup.err"; return 1
  fi
  local left
  left=$(cd "$dir" && ls | LC_ALL=C sort | tr '\n' ' ')
  if [ "$left" = "notes.txt tpflash-20200108T000000000Z.dump tpflash-20200109T000000000Z.dump $(basename "$file") " ]; then
    ok "backup.sh retention keeps the newest BACKUP_KEEP dumps and nothing else is touched"
  else
    bad "backup.sh retention left: $left"
  fi
  if head -c 5 "$file" | grep -q PGDMP; then ok "the dump is pg_dump's custom format"; else bad "the dump is not custom format"; fi
  # A failing dump (nothing listens on port 1) leaves no file behind and never prints the password.
  local secret="s3cret-$RANDOM-pw" failing
  failing=$(DATABASE_URL="postgres://tp:$secret@127.0.0.1:1/db" scripts/backup.sh "$tmp/failing" 2>&1)
  if [ $? -ne 0 ] && ! grep -q "$secret" <<<"$failing" && [ -z "$(ls -A "$tmp/failing" 2>/dev/null)" ]; then
    ok "a failed backup exits non-zero, leaves no file and prints no password"
  else
    echo "$failing" | sed "s/$secret/<secret>/g" >"$tmp/failing.log"
    bad "a failed backup leaked a password, left a file or exited 0" "$tmp/failing.log"
  fi

  if scripts/restore.sh "$file" >"$tmp/refuse.log" 2>&1 || ! grep -q "explicit target" "$tmp/refuse.log"; then
    bad "restore.sh without a target did not refuse" "$tmp/refuse.log"
  else
    ok "restore.sh refuses without an explicit target"
  fi

  snapshot "$src" >"$tmp/src.snap"
  run "restore.sh into a fresh database" scripts/restore.sh "$file" "$(npgsql "$fresh")"
  snapshot "$fresh" >"$tmp/fresh.snap"
  if diff -u "$tmp/src.snap" "$tmp/fresh.snap" >"$tmp/fresh.diff"; then
    ok "restored database equals the source, every table row by row ($(grep -c '^== ' "$tmp/src.snap") tables)"
  else
    bad "restored database differs from the source" "$tmp/fresh.diff"
  fi

  # Over a database that is migrated and holds other rows: --clean replaces everything, in one transaction.
  run "fixture in the database to restore over" env DATABASE_URL="$(npgsql "$busy")" dotnet fsi scripts/lib/backup-fixture.fsx
  run "restore.sh over a populated database (--clean --if-exists, one transaction)" \
    scripts/restore.sh "$file" "$(postgres_url "$busy")"
  snapshot "$busy" >"$tmp/busy.snap"
  if diff -u "$tmp/src.snap" "$tmp/busy.snap" >"$tmp/busy.diff"; then
    ok "database restored over equals the source (postgres:// URL target)"
  else
    bad "database restored over differs from the source" "$tmp/busy.diff"
  fi
  dropall
}
if [ -z "$pg_url" ]; then
  bad "no PostgreSQL for the backup checks"
elif ! run "publish Persistence for the fixture script" dotnet publish src/TimepointFlash.Persistence -c Release -o "$lib" \
  || [ ! -f "$lib/TimepointFlash.Persistence.dll" ]; then
  :
else
  backup_checks || bad "backup checks could not run"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
