#!/usr/bin/env bash
# Fuzzes the live relay and stats against their own /openapi.json with schemathesis (PyPI):
# every response must match the documented status codes, content types and schemas, data the
# document forbids must be refused, and a warning (such as "schema validation mismatch": the
# document and the validator disagree) fails the run like a failure does.
#
#   scripts/openapi-fuzz.sh            # uses the debug build (.build/debug); `make test` calls it
#   FUZZ_EXAMPLES=200 FUZZ_SEED=7 scripts/openapi-fuzz.sh   # more cases, another seed
#
# Starts edm-broker, a throwaway PostgreSQL, relay (without API_KEYS, then with a key) and stats
# (without STATS_TOKENS, then with a token) on free ports, and stops every one of them on exit. Prints one line on success; on failure,
# schemathesis' report. schemathesis is installed once into .build/schemathesis-venv.
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version=4.32.5
examples=${FUZZ_EXAMPLES:-40}
seed=${FUZZ_SEED:-1} # fixed, so a run repeats exactly; vary it to explore
bin=${FUZZ_BIN:-.build/debug}
venv=$PWD/.build/schemathesis-venv

if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$schemathesis_version"; then
  echo "installing schemathesis $schemathesis_version into $venv" >&2
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv" # Debian's python3 and python3-venv (scripts/install-deps.sh)
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" >&2
fi

work=$(mktemp -d /tmp/edm-fuzz.XXXXXX)
pg_dir=$(mktemp -d /tmp/edm-fuzz-pg.XXXXXX) # its own directory: test-postgres.sh hands it to postgres
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/test-postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Waits until http://127.0.0.1:$1/health answers (the process may take a moment to bind).
wait_healthy() {
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "openapi fuzz: $2 did not become healthy; its log:" >&2
  cat "$work/$2.log" >&2
  return 1
}

"$bin/edm-broker" --bootstrap-file "$work/bootstrap" >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
export KAFKA_URL
KAFKA_URL=$(cat "$work/bootstrap")
database_url=$(scripts/test-postgres.sh start "$pg_dir" "$(scripts/free-port.sh)" 2>"$work/postgres.log")

start() { # name port command [env...]
  local name=$1 port=$2 command=$3
  shift 3
  env PORT="$port" LOG_LEVEL=error "$@" "$bin/$command" >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_healthy "$port" "$name"
}
relay_port=$(scripts/free-port.sh)
start relay "$relay_port" relay ADMIN_API_KEYS=fuzz-admin
keyed_port=$(scripts/free-port.sh)
start relay-keyed "$keyed_port" relay API_KEYS=fuzz-key ADMIN_API_KEYS=fuzz-admin
# A registered type for the schema registry's GET operations to find (the fuzzer holds no admin
# key, so it cannot register one itself).
for port in "$relay_port" "$keyed_port"; do
  curl -fsS -X POST "http://127.0.0.1:$port/v1/schemas/signup" -H "Authorization: Bearer fuzz-admin" \
    -H "Content-Type: application/json" \
    -d '{"schema": {"type": "object", "properties": {"plan": {"enum": ["free", "pro"]}}}, "owner": "fuzz", "description": "fuzz"}' \
    >/dev/null
done
stats_port=$(scripts/free-port.sh)
start stats "$stats_port" stats DATABASE_URL="$database_url"
keyed_stats_port=$(scripts/free-port.sh)
start stats-keyed "$keyed_stats_port" stats DATABASE_URL="$database_url" STATS_TOKENS=fuzz-token

cat >"$work/schemathesis.toml" <<TOML
[warnings]
fail-on = true
TOML
# The relay: the registry's paths name the type registered above. Registering needs an admin
# key the fuzzer does not hold, so POST /v1/schemas/{type} answers only 401/403 here (its
# other answers are checked by RelayTests); its warnings are off, its checks are not.
cat >"$work/relay.toml" <<TOML
[warnings]
fail-on = true

[parameters]
"path.type" = "signup"
"path.version" = 1

[[operations]]
include-name = "POST /v1/schemas/{type}"
warnings = false
TOML

# Runs schemathesis against one service; its report goes to the terminal only on failure.
fuzz() { # name port [st options...]
  local name=$1 port=$2
  shift 2
  # From $work, so schemathesis' own state directories never land in the repository.
  # One worker: with two threads, hypothesis' lambda descriptions call ast.parse concurrently and
  # CPython 3.11 (Debian's) fails with "AST constructor recursion depth mismatch", an error of
  # the fuzzer's own that fails the run (seen on the /v1/schemas routes).
  if ! (cd "$work" && "$venv/bin/st" --config-file "${FUZZ_CONFIG:-schemathesis.toml}" run "http://127.0.0.1:$port/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
    --mode all --max-examples "$examples" --workers 1 --seed "$seed" --generation-database none --no-color \
    "$@") >"$work/st-$name.txt" 2>&1; then
    cat "$work/st-$name.txt" >&2
    echo "openapi fuzz: $name FAILED (report above)" >&2
    return 1
  fi
}

status=0
FUZZ_CONFIG=relay.toml fuzz relay "$relay_port" || status=1
FUZZ_CONFIG=relay.toml fuzz relay-keyed "$keyed_port" -H "Authorization: Bearer fuzz-key" || status=1
# The events the relay accepted above reach stats through the broker, so stats answers with
# non-empty documents (buttons, URLs, buckets) while it is fuzzed.
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$stats_port/v1/stats/summary" 2>/dev/null | grep -q '"totalEvents":[1-9]' && break
  sleep 0.1
done
if ! curl -fsS "http://127.0.0.1:$stats_port/v1/stats/summary" 2>/dev/null | grep -q '"totalEvents":[1-9]'; then
  echo "openapi fuzz: stats counted none of the events the relay accepted; its log:" >&2
  cat "$work/stats.log" >&2
  status=1
fi
fuzz stats "$stats_port" || status=1
fuzz stats-keyed "$keyed_stats_port" -H "Authorization: Bearer fuzz-token" || status=1
[ $status -eq 0 ] && echo "openapi fuzz: relay and stats (each open and keyed) clean ($examples examples per operation)" >&2
exit $status
