#!/usr/bin/env bash
# `make test`: builds, starts a throwaway PostgreSQL on a free port, runs every test target
# (integration tests start their own edm-broker processes and executables), and cleans up.
#
# Test targets run one after another (tests inside a target run in parallel): on two cores,
# every target's brokers, databases and child processes at once starve each other into timeouts.
# Arguments are passed to each `swift test` run (e.g. `scripts/test.sh --filter Relay`
# runs the matching tests of every target).
set -euo pipefail
cd "$(dirname "$0")/.."

pg_dir=$(mktemp -d /tmp/edm-test-pg.XXXXXX)
log=$(mktemp /tmp/edm-test-log.XXXXXX)
failures=$(mktemp /tmp/edm-test-failures.XXXXXX)
cleanup() {
  scripts/test-postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -f "$log" "$failures"
}
trap cleanup EXIT INT TERM

port=$(scripts/free-port.sh)
export EDM_TEST_DATABASE_URL
EDM_TEST_DATABASE_URL=$(scripts/test-postgres.sh start "$pg_dir" "$port")
echo "test PostgreSQL at $EDM_TEST_DATABASE_URL" >&2

swift build --build-tests

targets=$(cd Tests && ls -d *Tests | sort)
passed=0
failed=()
for target in $targets; do
  echo "=== $target ===" >&2
  if swift test --skip-build --filter "^$target\." "$@" 2>&1 | tee "$log"; then
    count=$(grep -Eo 'Test run with [0-9]+ tests?' "$log" | grep -Eo '[0-9]+' | tail -1 || true)
    if { [ -z "$count" ] || [ "$count" = 0 ]; } && [ $# -eq 0 ]; then
      echo "$target ran no test" >&2
      failed+=("$target (no tests ran)")
    else
      passed=$((passed + ${count:-0}))
    fi
  else
    failed+=("$target")
    # CI shows only the end of the output: repeat what failed (test, expectation, error) there.
    { echo "--- $target:"; grep -E '✘|error:|Fatal error|Expectation failed|recorded an issue' "$log" | head -40; } >>"$failures" || true
  fi
done

# The live relay and stats against their own /openapi.json (schemathesis); skipped for filtered runs.
if [ $# -eq 0 ] && ! scripts/openapi-fuzz.sh; then failed+=("openapi-fuzz"); fi

if [ ${#failed[@]} -gt 0 ]; then
  cat "$failures" >&2
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all test targets passed"
echo "$passed passed, 0 failed"
