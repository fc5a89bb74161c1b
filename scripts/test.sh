#!/usr/bin/env bash
# The one command that runs every test: restore, build (warnings are errors), format check, throwaway
# PostgreSQL, every suite, then one line "N passed, N failed, N skipped". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
logs="$root/artifacts/test"
rm -rf "$logs"; mkdir -p "$logs"

passed=0; failed=0; skipped=0
fail_step() { echo "FAILED: $1" >&2; failed=$((failed + 1)); }
finish() {
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit $?
}

echo "== restore"
if ! { dotnet tool restore >"$logs/restore.log" 2>&1 && dotnet paket restore >>"$logs/restore.log" 2>&1; }; then
  cat "$logs/restore.log" >&2; fail_step "restore"; finish
fi

# Debian packages the tests need, installed only when missing: one line each says what and why.
apt_updated=""
install_debian() { # package, why
  echo "== installing $1 (Debian package): $2"
  { [ -n "$apt_updated" ] || apt-get update; } >"$logs/apt-$1.log" 2>&1 && apt_updated=1 &&
    apt-get install -y --no-install-recommends "$1" >>"$logs/apt-$1.log" 2>&1 ||
    { tail -20 "$logs/apt-$1.log" >&2; fail_step "install $1"; finish; }
}
if ! command -v chromium >/dev/null 2>&1; then
  install_debian chromium "headless browser for the UI tests"
fi
if ! command -v tmux >/dev/null 2>&1; then
  install_debian tmux "a real terminal for the tpflash live-display and Ctrl-C tests"
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  install_debian postgresql "PostgreSQL server for the database tests (a throwaway one per run)"
fi

echo "== build (warnings are errors)"
if ! dotnet build TimepointFlash.sln -c Release >"$logs/build.log" 2>&1; then
  grep -E "error|warning" "$logs/build.log" | sort -u | head -50 >&2; fail_step "build"; finish
fi

echo "== fantomas --check"
if dotnet fantomas --check src tests >"$logs/fantomas.log" 2>&1 &&
  dotnet fantomas --check bench/TimepointFlash.Bench >>"$logs/fantomas.log" 2>&1; then
  passed=$((passed + 1))
else
  cat "$logs/fantomas.log" >&2; fail_step "fantomas --check src tests bench/TimepointFlash.Bench"
fi

# shellcheck source=scripts/lib/test-services.sh
source "$root/scripts/lib/test-services.sh"
start_test_services || { fail_step "start test services"; finish; }
trap stop_test_services EXIT

echo "== Expecto suites (unit, property, wire, API, PostgreSQL, browser, scripts)"
dotnet run --project tests/TimepointFlash.Tests -c Release --no-build -- --colours 0 >"$logs/expecto.log" 2>&1
rc=$?
summary=$(sed -E 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$logs/expecto.log" | grep -E "EXPECTO!? .* tests? run" | tail -1)
if [ -n "$summary" ]; then
  counts=${summary//,/}   # Expecto groups thousands ("1,022 passed")
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$counts")
  i=$(sed -E 's/.* ([0-9]+) ignored.*/\1/' <<<"$counts")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$counts")
  e=$(sed -E 's/.* ([0-9]+) errored.*/\1/' <<<"$counts")
  passed=$((passed + p)); skipped=$((skipped + i)); failed=$((failed + f + e))
  echo "$summary"
  if [ "$rc" -ne 0 ] || [ "$((f + e))" -ne 0 ]; then
    grep -E "\[ERR\]|\[WRN\]|Failed|failed|Exception" "$logs/expecto.log" | head -80 >&2
    [ "$((f + e))" -eq 0 ] && fail_step "Expecto exited with $rc"
  fi
else
  tail -40 "$logs/expecto.log" >&2; fail_step "Expecto produced no summary (exit $rc)"
fi

echo "== C# facade tests (xunit)"
dotnet test tests/TimepointFlash.Interop.Tests -c Release --no-build >"$logs/xunit.log" 2>&1
rc=$?
line=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+" "$logs/xunit.log" | tail -1)
if [ -n "$line" ]; then
  echo "$line"
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail_step "xunit exited with $rc"
  [ "$f" -ne 0 ] && grep -E "Failed |Error Message|Assert" "$logs/xunit.log" | head -40 >&2
else
  tail -40 "$logs/xunit.log" >&2; fail_step "xunit produced no summary (exit $rc)"
fi

echo "== C# client generated from the OpenAPI document, against a live server (xunit)"
dotnet test tests/TimepointFlash.Client.Tests -c Release --no-build >"$logs/client.log" 2>&1
rc=$?
line=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+" "$logs/client.log" | tail -1)
if [ -n "$line" ]; then
  echo "$line"
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail_step "client xunit exited with $rc"
  [ "$f" -ne 0 ] && grep -E "Failed |Error Message|Assert" "$logs/client.log" | head -40 >&2
else
  tail -40 "$logs/client.log" >&2; fail_step "client xunit produced no summary (exit $rc)"
fi

echo "== FSI scripts"
for script in scripts/temporal.fsx scripts/anachronisms.fsx scripts/generate.fsx scripts/time-travel.fsx scripts/interview.fsx; do
  if [ -f "$script" ] && timeout 300 bash scripts/lib/check-fsx.sh "$script" >"$logs/$(basename "$script").log" 2>&1; then
    passed=$((passed + 1)); echo "ok  $script"
  else
    cat "$logs/$(basename "$script").log" >&2; fail_step "$script"
  fi
done

# The benchmark scripts are not compiled by the build: run them small so they cannot rot (numbers not checked).
for script in bench/pipeline.fsx bench/offline.fsx; do
  if BENCH_QUICK=1 timeout 300 bash scripts/lib/check-fsx.sh "$script" >"$logs/$(basename "$script").log" 2>&1; then
    passed=$((passed + 1)); echo "ok  $script (BENCH_QUICK=1)"
  else
    cat "$logs/$(basename "$script").log" >&2; fail_step "$script"
  fi
done

if timeout 300 bash scripts/lib/check-generate.sh >"$logs/check-generate.log" 2>&1; then
  passed=$((passed + 1)); echo "ok  generate.fsx behaviour"
else
  cat "$logs/check-generate.log" >&2; fail_step "generate.fsx behaviour"
fi

# A script check that prints its own "N passed, M failed" summary: run it, add its counts, show its failures.
script_check() { # name script
  local name=$1 script=$2 rc line p f
  bash "$script" >"$logs/$name.log" 2>&1
  rc=$?
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$logs/$name.log" | tail -1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
    echo "($name) $p passed, $f failed"
    [ "$f" -ne 0 ] && grep -E "^(FAIL|     )" "$logs/$name.log" | head -60 >&2
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail_step "$script exited with $rc"
  else
    tail -40 "$logs/$name.log" >&2; fail_step "$script produced no summary (exit $rc)"
  fi
  return 0
}

# ---- Deployment checks (issue 8): Dockerfile/.dockerignore, deploy/ manifests, .env.example, promtool rules,
# the image's publish commands, PostgreSQL backup/restore round trip.
echo "== deployment checks (scripts/check-deploy.sh)"
script_check deploy scripts/check-deploy.sh

# ---- The wire contract (issue 17): the OpenAPI document linted by @redocly/cli, and the reference-compatible
# shell client, both against the built server with the offline engine.
echo "== contract checks (scripts/check-contract.sh)"
script_check contract scripts/check-contract.sh

# ---- Packages (issue 21): the TimepointFlash package added by name to a fresh C# app outside the repository, and
# the tpflash tool installed from a temporary feed.
echo "== package checks (scripts/check-packages.sh)"
script_check packages scripts/check-packages.sh

finish
