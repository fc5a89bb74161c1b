#!/usr/bin/env bash
# Server CPU per request: a measure that holds up on a loaded machine, where requests/s does not.
# Starts the Release server on a fresh SQLite file (or DATABASE_URL), generates one scene with the offline engine,
# then for each target runs `wrk -t1 -c16 -d<seconds>s` and divides the server's user+system CPU time
# (/proc/<pid>/stat) by the requests served. Usage: bench/cpu-per-request.sh [seconds] (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
dll=src/TimepointFlash.Api/bin/Release/net10.0/TimepointFlash.Api.dll
[ -f "$dll" ] || { echo "build first: dotnet build src/TimepointFlash.Api -c Release" >&2; exit 1; }
port=$(( 20000 + RANDOM % 30000 ))
db=$(mktemp -u /tmp/tpflash-cpu-XXXXXX.db)
ticks=$(getconf CLK_TCK)

measure() { # name, extra env, paths...
  local name=$1 extra=$2; shift 2
  env DATABASE_URL="${DATABASE_URL:-sqlite:///$db}" ENVIRONMENT=production RATE_LIMIT=0 READ_RATE_LIMIT=0 $extra \
    dotnet "$dll" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  if [ -z "${id:-}" ]; then
    id=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/timepoints/generate/sync" -H 'content-type: application/json' \
      -d '{"query":"signing of the declaration of independence"}' | sed -E 's/^\{"id":"([^"]+)".*/\1/')
    for i in $(seq 1 20); do
      curl -sf -X POST "http://127.0.0.1:$port/api/v1/timepoints/generate/sync" -H 'content-type: application/json' \
        -d "{\"query\":\"moon landing 1969 take $i\"}" >/dev/null
    done
  fi
  for path in "$@"; do
    path=${path//\{id\}/$id}
    wrk -t1 -c16 -d2s "http://127.0.0.1:$port$path" >/dev/null
    local before after out reqs
    before=$(awk '{print $14+$15}' "/proc/$pid/stat")
    out=$(wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:$port$path")
    after=$(awk '{print $14+$15}' "/proc/$pid/stat")
    reqs=$(awk '/requests in/{print $1}' <<<"$out")
    awk -v n="$name" -v p="$path" -v c=$((after - before)) -v r="$reqs" -v t="$ticks" \
      'BEGIN { printf "| %s | %s | %d | %.3f |\n", n, p, r, c * 1000 / t / r }'
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo
echo "| server | path | requests | CPU ms / request |"
echo "| --- | --- | --- | --- |"
measure "READ_CACHE_SECONDS=0" "READ_CACHE_SECONDS=0" "/api/v1/timepoints/{id}" "/api/v1/timepoints/{id}?full=false" \
  "/api/v1/timepoints?page_size=20"
measure "production defaults" "" "/api/v1/timepoints/{id}" "/health"
rm -f "$db" "$db-wal" "$db-shm"
