# Shared by test-postgres.sh and dev-postgres.sh (sourced, not run).
#
# initdb/pg_ctl refuse to run as root, so they run as `postgres` via runuser. A cluster's folder's
# parents must be traversable by `postgres`.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The server must not inherit our caller's descriptors: Foundation's Process (used by the Swift
# tests) detects the child's exit through an inherited descriptor, and a daemon holding a copy
# (or a pipe a script reads) makes the caller wait forever. Runs in the subshell that execs pg_ctl.
close_inherited_fds() {
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ] && [ "$fd" != 255 ]; then
            eval "exec $fd>&-"
        fi
    done
}
