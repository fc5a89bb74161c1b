#!/usr/bin/env bash
# Benchmarks (not part of the test run): builds Release, then runs bench/pipeline.fsx (critical path) and
# bench/offline.fsx (offline engine persisted to SQLite), each pinned to one core.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null && dotnet paket restore >/dev/null
dotnet build src/TimepointFlash.Cli -c Release -nologo -v quiet
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/{print $2}') RAM"
taskset -c 0 dotnet fsi bench/pipeline.fsx
echo
exec taskset -c 0 dotnet fsi bench/offline.fsx
