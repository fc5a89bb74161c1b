#!/usr/bin/env bash
# Services the test run needs: a throwaway PostgreSQL 15 (TEST_POSTGRES_URL). Sourced by scripts/test.sh.

start_test_services() {
  TEST_POSTGRES_URL=$("$root/scripts/start-postgres.sh") || return 1
  export TEST_POSTGRES_URL
  TEST_POSTGRES_PORT=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$TEST_POSTGRES_URL")
  export TEST_POSTGRES_PORT
  echo "PostgreSQL on 127.0.0.1:$TEST_POSTGRES_PORT"
}

stop_test_services() {
  [ -n "${TEST_POSTGRES_PORT:-}" ] && "$root/scripts/stop-postgres.sh" "$TEST_POSTGRES_PORT"
  return 0
}
