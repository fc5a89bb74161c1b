#!/usr/bin/env bash
# Benchmarks (not part of the test run; docs/BENCHMARKS.md records their numbers):
#   1. critical path (bench/pipeline.fsx) and offline engine persisted to SQLite (bench/offline.fsx), one core each;
#   2. start-up, read path with wrk against bare Kestrel, 500 concurrent streams (bench/TimepointFlash.Bench),
#      on SQLite and on a throwaway PostgreSQL 15;
#   3. shared model budget: generations a minute with 1 and 3 replicas on one PostgreSQL against a fake provider
#      answering 429 above 60 calls a minute, with PROVIDER_LIMITS=openai=60rpm and (3 replicas) without it.
#   4. scale: a library seeded to 1,000 and 10,000 scenes (BENCH_100K=1 adds 100,000; seeding takes a while), with
#      get/list/search latency, the read path for a random id vs bare Kestrel and the server's RSS, both databases;
#      replicas: two servers on one PostgreSQL, the delay of step events from one to the other.
# Usage: ./scripts/bench.sh [all|pipeline|offline|startup|read|concurrency|budget|scale|replicas]   (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
what=${1:-all}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package): the HTTP load generator the benchmarks drive" >&2
  { apt-get update && apt-get install -y --no-install-recommends wrk; } >/dev/null 2>&1 ||
    { echo "bench: could not install wrk" >&2; exit 1; }
fi

dotnet tool restore >/dev/null && dotnet paket restore >/dev/null
for p in src/TimepointFlash.Cli src/TimepointFlash.Api bench/TimepointFlash.Bench; do
  dotnet build "$p" -c Release -nologo -v quiet >/dev/null
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/{print $2}') RAM, $(dotnet --version) SDK, $(date -u +%F)"
echo

# shellcheck source=scripts/lib/image-publish.sh
source "$root/scripts/lib/image-publish.sh"
bench=(dotnet "$root/bench/TimepointFlash.Bench/bin/Release/net10.0/tpflash-bench.dll")
pg_port=""
cleanup() { [ -n "$pg_port" ] && "$root/scripts/stop-postgres.sh" "$pg_port" >/dev/null 2>&1; return 0; }
trap cleanup EXIT
with_postgres() {
  local url
  url=$("$root/scripts/start-postgres.sh")
  pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$url")
  "${bench[@]}" "$@" --database-url "$url"
  "$root/scripts/stop-postgres.sh" "$pg_port" >/dev/null 2>&1 || true
  pg_port=""
}

case "$what" in
  pipeline|all) taskset -c 0 dotnet fsi bench/pipeline.fsx; echo ;;&
  offline|all) taskset -c 0 dotnet fsi bench/offline.fsx; echo ;;&
  startup|all)
    # Published as the image publishes it (scripts/lib/image-publish.sh).
    published="$root/artifacts/bench/publish"
    rm -rf "$published"
    mapfile -t publishes < <(image_publish_commands "$published")
    for cmd in "${publishes[@]}"; do bash -c "$cmd -nologo -v quiet" >/dev/null; done
    "${bench[@]}" startup --runs 5 --published "$published" ;;&
  read|all) "${bench[@]}" read; with_postgres read ;;&
  concurrency|all) "${bench[@]}" concurrency; with_postgres concurrency ;;&
  budget|all)
    echo "## Shared model budget (fake provider: 429 above 60 calls a minute, 200 ms a call; 1 minute of warm-up, 2 measured minutes)"
    echo
    with_postgres budget --replicas 1
    with_postgres budget --replicas 3
    with_postgres budget --replicas 3 --limits none ;;&
  scale|all)
    tiers=1000,10000
    [ "${BENCH_100K:-0}" = 1 ] && tiers=1000,10000,100000
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "${bench[@]}" scale --tiers "$tiers"
    with_postgres scale --tiers "$tiers"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" ;;&
  replicas|all) with_postgres replicas --generations 20 ;;&
  pipeline|offline|startup|read|concurrency|budget|scale|replicas|all) ;;
  *) echo "usage: scripts/bench.sh [all|pipeline|offline|startup|read|concurrency|budget|scale|replicas]" >&2; exit 2 ;;
esac
