#!/usr/bin/env bash
# `make run`: the whole system on this machine. Builds, starts a durable PostgreSQL (data kept in
# .dev/postgres across runs), the embedded broker, relay, stats, stream, alerts and the traffic
# simulator (with its anomaly cycle, so alerts fire and resolve),
# prints where everything listens, then opens dashboard-tui in the foreground. Quitting the
# dashboard (q or Ctrl-C), or SIGTERM/SIGINT to this script, stops every process it started.
#
# Settings (environment):
#   RELAY_PORT=5001 STATS_PORT=5002 STREAM_PORT=5003 ALERTS_PORT=5004 PG_PORT=55432
#   TRAFFIC_RATE=20 (events/s; the other TRAFFIC_* variables of `traffic-sim --help` pass through)
#   TRAFFIC_ANOMALIES=true (bursts, a bot wave and a silent minute for the alert rules)
#   TRAFFIC_SIGNUP_SHARE=0.3 (visitors reaching the cart who sign up: `signup`, a type the
#                             simulator registers at runtime with this run's admin key)
#   RUN_BUILD=debug|release   build configuration (default debug)
#   RUN_SKIP_BUILD=1          use the executables already built
#   RUN_SECONDS=N             no interactive dashboard: run N seconds, print one dashboard
#                             snapshot, stop everything (for scripts and tests)
#   EDM_DEV_DIR=.dev          where the database, logs and broker address live
# stats runs with STATS_ON_POSITION_RESET=reset: the broker is new each run, the database is not.
set -euo pipefail
cd "$(dirname "$0")/.."

RELAY_PORT=${RELAY_PORT:-5001}
STATS_PORT=${STATS_PORT:-5002}
STREAM_PORT=${STREAM_PORT:-5003}
ALERTS_PORT=${ALERTS_PORT:-5004}
PG_PORT=${PG_PORT:-55432}
RUN_BUILD=${RUN_BUILD:-debug}
EDM_DEV_DIR=${EDM_DEV_DIR:-.dev}
export TRAFFIC_RATE=${TRAFFIC_RATE:-20}
export TRAFFIC_ANOMALIES=${TRAFFIC_ANOMALIES:-true}
export TRAFFIC_SIGNUP_SHARE=${TRAFFIC_SIGNUP_SHARE:-0.3}
# The relay's admin key for this run only: traffic-sim registers the signup type with it.
RELAY_ADMIN_KEY=local-admin-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
export RELAY_ADMIN_KEY

fail() {
  echo "make run: $*" >&2
  exit 1
}

for variable in RELAY_PORT STATS_PORT STREAM_PORT ALERTS_PORT PG_PORT; do
  value=${!variable}
  case $value in '' | *[!0-9]*) fail "$variable must be a port number, got '$value'" ;; esac
  [ "$value" -ge 1 ] && [ "$value" -le 65535 ] || fail "$variable must be in 1...65535, got $value"
done
case $RUN_BUILD in debug | release) ;; *) fail "RUN_BUILD must be debug or release, got '$RUN_BUILD'" ;; esac
case ${RUN_SECONDS:-1} in '' | *[!0-9]*) fail "RUN_SECONDS must be a whole number of seconds, got '$RUN_SECONDS'" ;; esac

mkdir -p "$EDM_DEV_DIR/logs"
dev=$(cd "$EDM_DEV_DIR" && pwd)
logs=$dev/logs
bin=.build/$RUN_BUILD

listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for variable in RELAY_PORT STATS_PORT STREAM_PORT ALERTS_PORT; do
  if listening "${!variable}"; then
    fail "port ${!variable} is already in use; set $variable to a free port (e.g. $variable=$((${!variable} + 100)) make run)"
  fi
done

if [ -z "${RUN_SKIP_BUILD:-}" ]; then
  echo "building ($RUN_BUILD) ..." >&2
  swift build -c "$RUN_BUILD" >"$logs/build.log" 2>&1 || {
    tail -n 40 "$logs/build.log" >&2
    fail "the build failed (full log: $logs/build.log)"
  }
fi
for executable in edm-broker relay stats stream alerts traffic-sim dashboard-tui; do
  [ -x "$bin/$executable" ] || fail "$bin/$executable is missing; build first or unset RUN_SKIP_BUILD"
done

# Everything started below is stopped by `stop_all`, newest first, whatever way the script ends.
pids=()
names=()
postgres_started=
stop_all() {
  local status=$?
  trap - EXIT INT TERM
  # One at a time, newest first: each service shuts down while what it depends on still runs
  # (stats and stream leave their consumer group while the broker is up).
  local index deadline
  for ((index = ${#pids[@]} - 1; index >= 0; index--)); do
    kill -TERM "${pids[index]}" 2>/dev/null || continue
    deadline=$((SECONDS + 10))
    while kill -0 "${pids[index]}" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if kill -0 "${pids[index]}" 2>/dev/null; then
      echo "${names[index]} (pid ${pids[index]}) did not stop within 10 s; killing it" >&2
      kill -KILL "${pids[index]}" 2>/dev/null || true
    fi
    wait "${pids[index]}" 2>/dev/null || true
  done
  if [ -n "$postgres_started" ]; then
    scripts/dev-postgres.sh stop "$dev/postgres"
  fi
  if [ -s "$logs/traffic-sim.out" ]; then
    echo "traffic-sim summary: $(tail -n 1 "$logs/traffic-sim.out")" >&2
  fi
  echo "stopped everything make run started (logs in $logs)" >&2
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME COMMAND...: runs COMMAND in the background, output to $logs/NAME.log.
start() {
  local name=$1
  shift
  "$@" </dev/null >>"$logs/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

# wait_ready NAME URL: polls URL until it answers 200, or gives up after 60 s with NAME's log.
wait_ready() {
  local name=$1 url=$2 deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "${pids[${#pids[@]} - 1]}" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "$name did not become ready at $url; the end of $logs/$name.log:" >&2
      tail -n 20 "$logs/$name.log" >&2
      fail "$name failed to start"
    fi
    sleep 0.2
  done
}

if ! scripts/dev-postgres.sh status "$dev/postgres" >/dev/null 2>&1 && listening "$PG_PORT"; then
  fail "port $PG_PORT is already in use; set PG_PORT to a free port"
fi
postgres_started=1
DATABASE_URL=$(scripts/dev-postgres.sh start "$dev/postgres" "$PG_PORT" edm)
export DATABASE_URL

rm -f "$dev/broker-bootstrap"
start edm-broker "$bin/edm-broker" --bootstrap-file "$dev/broker-bootstrap"
deadline=$((SECONDS + 30))
until [ -s "$dev/broker-bootstrap" ]; do
  kill -0 "${pids[0]}" 2>/dev/null || { tail -n 20 "$logs/edm-broker.log" >&2; fail "edm-broker exited"; }
  [ $SECONDS -lt $deadline ] || fail "edm-broker did not print its address within 30 s"
  sleep 0.1
done
KAFKA_URL=$(cat "$dev/broker-bootstrap")
export KAFKA_URL

start relay env PORT="$RELAY_PORT" ADMIN_API_KEYS="$RELAY_ADMIN_KEY" "$bin/relay"
wait_ready relay "http://127.0.0.1:$RELAY_PORT/ready"
# Registered before stats starts, so stats' consumer group subscribes to its topic at once
# (a type registered later costs one rebalance). The local run's admin key registers it.
if [ "$TRAFFIC_SIGNUP_SHARE" != "0" ]; then
  "$bin/traffic-sim" --relay-url "http://127.0.0.1:$RELAY_PORT" --register-only </dev/null \
    >>"$logs/traffic-sim.log" 2>&1 || fail "could not register the signup type; see $logs/traffic-sim.log"
fi
# The database outlives the in-memory broker, so the previous run's stored positions lie beyond
# the new broker's (empty) partitions. STATS_ON_POSITION_RESET=reset lets stats move them to the
# new logs' start itself, keeping the counts and recording each reset in stats_position_resets
# (and an error line in stats.log); production's default would hold them for an operator.
start stats env PORT="$STATS_PORT" STATS_ON_POSITION_RESET=reset "$bin/stats" serve
wait_ready stats "http://127.0.0.1:$STATS_PORT/ready"
start stream env PORT="$STREAM_PORT" "$bin/stream"
wait_ready stream "http://127.0.0.1:$STREAM_PORT/ready"
start alerts env PORT="$ALERTS_PORT" ALERT_FETCH_WAIT_MS=20 "$bin/alerts"
wait_ready alerts "http://127.0.0.1:$ALERTS_PORT/ready"
"$bin/traffic-sim" --relay-url "http://127.0.0.1:$RELAY_PORT" </dev/null \
  >"$logs/traffic-sim.out" 2>>"$logs/traffic-sim.log" &
pids+=($!)
names+=(traffic-sim)

cat >&2 <<EOF

  edm-swift is running (stop: q in the dashboard, or Ctrl-C)
    relay        http://127.0.0.1:$RELAY_PORT      POST /v1/events, /v1/events/batch, /produceClickMessage, /producePageLoad
    stats        http://127.0.0.1:$STATS_PORT      /v1/stats/summary, /openapi.json, /metrics
    stream       ws://127.0.0.1:$STREAM_PORT/v1/stream   (types=alert for alerts)
    alerts       http://127.0.0.1:$ALERTS_PORT      /health, /ready, /metrics; alerts on topic edm-alerts
    broker       $KAFKA_URL   (in memory, new each run)
    PostgreSQL   $DATABASE_URL   (data kept in $dev/postgres)
    traffic-sim  $TRAFFIC_RATE events/s to the relay (anomalies: $TRAFFIC_ANOMALIES, signup share: $TRAFFIC_SIGNUP_SHARE)
    admin key    $RELAY_ADMIN_KEY   (POST /v1/schemas/{type} on the relay, this run only)
    logs         $logs
    pids         $(for index in "${!pids[@]}"; do printf '%s=%s ' "${names[index]}" "${pids[index]}"; done)

EOF

dashboard=("$bin/dashboard-tui" --stats-url "http://127.0.0.1:$STATS_PORT" --stream-url "ws://127.0.0.1:$STREAM_PORT/v1/stream")
if [ -n "${RUN_SECONDS:-}" ]; then
  sleep "$RUN_SECONDS"
  "${dashboard[@]}" --snapshot --snapshot-stream-seconds 2 --width 100 --height 32
else
  DASHBOARD_LOG_FILE=$logs/dashboard.log "${dashboard[@]}" || true
fi
