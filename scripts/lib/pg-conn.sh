#!/usr/bin/env bash
# Helpers for the PostgreSQL backup scripts; sourced, not run.
#   pg_conninfo VALUE  sets PG_CONN to a libpq connection argument for VALUE, which may be a postgres:// or postgresql://
#                      URL (passed through), a libpq conninfo ("host=… dbname=…", passed through) or an Npgsql
#                      connection string ("Host=…;Port=…;Username=…;Password=…;Database=…", converted). A password
#                      from an Npgsql string is exported as PGPASSWORD (kept off command lines). Call it directly,
#                      not in $(…), so the variables reach the caller.
#   pg_tool NAME       prints the path of pg_dump / pg_restore / psql: $PG_BINDIR, then PATH, then the newest
#                      /usr/lib/postgresql/*/bin.
#   pg_redact          filter that masks passwords in tool error output.

pg_conninfo() {
  local value="$1"
  case "$value" in
    postgres://* | postgresql://*) PG_CONN="$value"; return 0 ;;
    postgresql+asyncpg://*) PG_CONN="postgresql://${value#postgresql+asyncpg://}"; return 0 ;;
    *://*) echo "unsupported database URL scheme '${value%%://*}' (use postgres://, postgresql:// or a conninfo)" >&2; return 1 ;;
  esac
  if [[ "$value" != *";"* && "$value" =~ ^[[:space:]]*[a-z_]+[[:space:]]*= ]]; then
    PG_CONN="$value"; return 0                # libpq conninfo
  fi
  local out="" part key val
  local IFS=';'
  for part in $value; do
    [ -z "${part// /}" ] && continue
    key=$(printf '%s' "${part%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')
    val="${part#*=}"
    val="${val//\\/\\\\}"; val="${val//\'/\\\'}"
    case "$key" in
      host | server) out+="host='$val' " ;;
      port) out+="port='$val' " ;;
      username | userid | user | uid) out+="user='$val' " ;;
      database | db) out+="dbname='$val' " ;;
      password | pwd) export PGPASSWORD="${part#*=}" ;;
      sslmode) out+="sslmode='$(printf '%s' "$val" | tr '[:upper:]' '[:lower:]')' " ;;
      *) ;;                                   # pool and timeout keys mean nothing to pg tools
    esac
  done
  [ -n "$out" ] || { echo "cannot read the database connection string" >&2; return 1; }
  PG_CONN="${out% }"
}

pg_tool() {
  local name="$1" d
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/$name" ]; then echo "$PG_BINDIR/$name"; return 0; fi
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/$name" ]; then echo "$d/$name"; return 0; fi
  done
  echo "$name not found (install postgresql-client, or set PG_BINDIR)" >&2
  return 1
}

# Copies stdin to stdout with passwords of URLs and conninfo strings masked.
pg_redact() {
  sed -E -e 's#(postgres(ql)?://[^:/@]*:)[^@]*@#\1***@#g' -e "s#(password=)('[^']*'|[^ ]*)#\1***#gI"
}
