#!/usr/bin/env bash
# The wire contract against a real server: starts the built API (offline engine, throwaway SQLite, random loopback
# port), lints its OpenAPI document with @redocly/cli (installed from the npm registry on first use), checks that the
# C# client's snapshot (tests/TimepointFlash.Client.Tests/openapi.v1.json) is that document (UPDATE_OPENAPI=1
# rewrites it), then runs the reference-compatible shell client (scripts/lib/reference-client.sh) against it.
# Needs the Release build.
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
redocly_version=2.77.0
tools="$root/artifacts/tools/redocly"
tmp=$(mktemp -d)
passed=0; failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -40; failed=$((failed + 1)); }
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# ---- @redocly/cli, pinned, from the npm registry
if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  mkdir -p "$tools"
  if ! npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" \
    >"$tmp/npm.log" 2>&1; then
    fail "install @redocly/cli@$redocly_version" "$tmp/npm.log"
    echo "$passed passed, $failed failed"; exit 1
  fi
fi

# ---- the server
dll="$root/src/TimepointFlash.Api/bin/Release/net10.0/TimepointFlash.Api.dll"
[ -f "$dll" ] || { fail "built API at $dll"; echo "$passed passed, $failed failed"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
env -u GOOGLE_API_KEY -u OPENROUTER_API_KEY -u OPENAI_API_KEY -u OPENAI_BASE_URL -u API_KEYS \
  DATABASE_URL="sqlite:///$tmp/contract.db" HOST=127.0.0.1 PORT="$port" RATE_LIMIT=0 READ_RATE_LIMIT=0 \
  dotnet "$dll" >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  sleep 0.5
done
if ! curl -fsS "$base/health" >/dev/null 2>&1; then
  fail "server answers /health on $base" "$tmp/server.log"
  echo "$passed passed, $failed failed"; exit 1
fi

# ---- the OpenAPI document, linted with the recommended rules (errors and warnings both fail)
if curl -fsS "$base/openapi.json" -o "$tmp/openapi.json"; then
  ok "GET /openapi.json"
  if (cd "$tmp" && "$tools/node_modules/.bin/redocly" lint openapi.json --config "$root/scripts/lib/redocly.yaml" \
    --format=stylish --max-problems=50 >"$tmp/lint.log" 2>&1) && grep -q "Your API description is valid" "$tmp/lint.log" &&
    ! grep -qE "You have [0-9]+ warning" "$tmp/lint.log"; then
    ok "redocly lint (recommended rules): no errors, no warnings"
  else
    fail "redocly lint" "$tmp/lint.log"
  fi
else
  fail "GET /openapi.json" "$tmp/server.log"
fi

# ---- the snapshot the C# client is generated from (tests/TimepointFlash.Client.Tests) is the served document
snapshot="$root/tests/TimepointFlash.Client.Tests/openapi.v1.json"
if [ -s "$tmp/openapi.json" ]; then
  if [ "${UPDATE_OPENAPI:-}" = 1 ]; then
    cp "$tmp/openapi.json" "$snapshot" && ok "openapi.v1.json snapshot updated"
  elif cmp -s "$tmp/openapi.json" "$snapshot"; then
    ok "the C# client's openapi.v1.json is the served document"
  else
    diff <(python3 -m json.tool "$snapshot") <(python3 -m json.tool "$tmp/openapi.json") | head -30 >"$tmp/snapshot.diff"
    echo "(update it with: UPDATE_OPENAPI=1 bash scripts/check-contract.sh)" >>"$tmp/snapshot.diff"
    fail "the C# client's openapi.v1.json differs from the served document" "$tmp/snapshot.diff"
  fi
fi

# ---- the reference's client, written against REFERENCE-LATEST
if [ -f "$root/scripts/lib/reference-client.sh" ]; then
  bash "$root/scripts/lib/reference-client.sh" "$base" >"$tmp/client.log" 2>&1
  rc=$?
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$tmp/client.log" | tail -1)
  if [ -n "$line" ] && [ "$rc" -eq 0 ]; then
    echo "ok   reference client: $line"; passed=$((passed + ${line%% *}))
  else
    fail "reference client ($line, exit $rc)" <(grep -E "^FAIL" "$tmp/client.log")
    [ -n "$line" ] && passed=$((passed + ${line%% *}))
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
