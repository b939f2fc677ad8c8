#!/usr/bin/env bash
# Durable local PostgreSQL 15 cluster for `make run`: data survives restarts (unlike
# scripts/test-postgres.sh, which is throwaway and runs with fsync off).
#
#   scripts/dev-postgres.sh start DIR PORT DBNAME   # creates the cluster on first use; prints DATABASE_URL
#   scripts/dev-postgres.sh stop DIR                # stops the server, keeps the data
#   scripts/dev-postgres.sh status DIR              # exit 0 when the server in DIR is running
#
# initdb/pg_ctl refuse to run as root, so they run as `postgres` via runuser. The server listens
# on 127.0.0.1 only and keeps its unix socket in DIR.
set -euo pipefail

# shellcheck source=postgres-common.sh
source "$(dirname "$0")/postgres-common.sh"

usage() {
    echo "usage: $0 start DIR PORT DBNAME | stop DIR | status DIR" >&2
    exit 2
}

start() {
    local dir=$1 port=$2 db=$3
    case $port in '' | *[!0-9]*) echo "PG_PORT must be a number, got '$port'" >&2; exit 2 ;; esac
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
    fi
    if [ ! -e "$dir/data/PG_VERSION" ]; then
        echo "creating a PostgreSQL cluster in $dir/data (kept across runs)" >&2
        if ! as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
            >"$dir/initdb.log" 2>&1; then
            cat "$dir/initdb.log" >&2
            exit 1
        fi
    fi
    if as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        # Left running by an earlier run: use it where it listens.
        port=$(sed -n 4p "$dir/data/postmaster.pid")
        echo "PostgreSQL in $dir/data is already running on port $port; using it" >&2
    elif ! (
        close_inherited_fds
        exec </dev/null >/dev/null 2>&1
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=100" start
    ); then
        echo "PostgreSQL did not start; the end of its log ($dir/server.log):" >&2
        tail -n 20 "$dir/server.log" >&2 || true
        exit 1
    fi
    local admin="postgres://postgres@127.0.0.1:$port/postgres"
    if [ "$(psql "$admin" -X -q -A -t -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
        psql "$admin" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >&2
    fi
    echo "postgres://postgres@127.0.0.1:$port/$db"
}

stop() {
    local dir=$1
    [ -e "$dir/data/PG_VERSION" ] || return 0
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

status() {
    local dir=$1
    [ -e "$dir/data/PG_VERSION" ] && as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case ${1:-} in
    start) [ $# -eq 4 ] || usage; start "$2" "$3" "$4" ;;
    stop) [ $# -eq 2 ] || usage; stop "$2" ;;
    status) [ $# -eq 2 ] || usage; status "$2" ;;
    *) usage ;;
esac
