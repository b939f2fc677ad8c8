#!/usr/bin/env bash
# `make test`: builds, starts a throwaway PostgreSQL on a free port, runs `swift test`
# (integration tests start their own edm-broker processes), and cleans up whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_dir=$(mktemp -d /tmp/edm-test-pg.XXXXXX)
cleanup() {
  scripts/test-postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

port=$(scripts/free-port.sh)
export EDM_TEST_DATABASE_URL
EDM_TEST_DATABASE_URL=$(scripts/test-postgres.sh start "$pg_dir" "$port")
echo "test PostgreSQL at $EDM_TEST_DATABASE_URL" >&2

swift build --build-tests
swift test --skip-build "$@"
