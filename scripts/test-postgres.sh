#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests (never for real data: fsync is off).
#
#   scripts/test-postgres.sh start DIR PORT   # prints DATABASE_URL on stdout
#   scripts/test-postgres.sh stop DIR         # stops the cluster and removes DIR
#
# initdb/pg_ctl refuse to run as root, so they run as `postgres` via runuser. DIR's parent must be
# traversable by `postgres` (e.g. a path directly under /tmp). The server listens on 127.0.0.1
# only and puts its unix socket in DIR, so it never collides with a system cluster on 5432.
set -euo pipefail

# shellcheck source=postgres-common.sh
source "$(dirname "$0")/postgres-common.sh"

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

start() {
    local dir=$1 port=$2
    case $port in '' | *[!0-9]*) echo "PORT must be a number, got '$port'" >&2; exit 2 ;; esac
    if [ -e "$dir/data/PG_VERSION" ]; then
        echo "$dir already holds a cluster; stop it first" >&2
        exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
    fi
    if ! as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
        --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        exit 1
    fi
    if ! (
        close_inherited_fds
        exec </dev/null >/dev/null 2>&1
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
            start
    ); then
        echo "pg_ctl start failed; server log:" >&2
        cat "$dir/log" >&2 || true
        exit 1
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
    local dir=$1
    [ -e "$dir" ] || return 0
    # Only ever delete what `start` created.
    if [ ! -e "$dir/data/PG_VERSION" ] && [ ! -e "$dir/initdb.log" ] && [ -n "$(ls -A "$dir")" ]; then
        echo "$dir does not look like a test cluster; not removing it" >&2
        exit 1
    fi
    if [ -e "$dir/data/PG_VERSION" ]; then
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf -- "$dir"
}

case ${1:-} in
    start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
    stop) [ $# -eq 2 ] || usage; stop "$2" ;;
    *) usage ;;
esac
