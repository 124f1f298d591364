# shellcheck shell=bash disable=SC2034
# (SC2034: variables here are used by the scripts that source this file.)
# Shared helpers for scripts/unleash/{up,down,seed}.sh. Sourced, not executed.

UNLEASH_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$UNLEASH_SCRIPTS_DIR/../.." && pwd)
# Everything installed lives here (git-ignored via /.cache).
UNLEASH_CACHE=${FLAGDEBT_UNLEASH_CACHE:-$REPO_ROOT/.cache/unleash}
UNLEASH_NPM_DIR=$UNLEASH_CACHE/npm
DEFAULT_ENVFILE=$UNLEASH_CACHE/env

_t0_us=${EPOCHREALTIME/./}
elapsed() { # seconds since the script started, one decimal
    local d=$(( ${EPOCHREALTIME/./} - _t0_us ))
    printf '%d.%d' $((d / 1000000)) $(((d / 100000) % 10))
}
log() {
    printf '[unleash %5ss] %s\n' "$(elapsed)" "$*" >&2
}
die() {
    printf '[unleash] ERROR: %s\n' "$*" >&2
    exit 1
}

# True when process $1 is alive and its command line contains $2.
# Guards against killing an unrelated process that reused an old pid.
pid_is() {
    local pid=$1 pattern=$2
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | grep -q -- "$pattern"
}

# Ask the kernel for a free 127.0.0.1 TCP port.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    die "could not find a free port on 127.0.0.1"
}

random_hex() { # $1 = bytes
    od -An -N"${1:-24}" -tx1 /dev/urandom | tr -d ' \n'
}

# Run a command as the postgres OS user (PostgreSQL refuses to run as root).
as_postgres() {
    if [[ $(id -u) -ne 0 ]]; then
        # Not root: we can only run PostgreSQL as ourselves.
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    else
        su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
    fi
}

# Newest /usr/lib/postgresql/<ver>/bin that has initdb, or $UNLEASH_PG_BIN.
find_pg_bin() {
    if [[ -n ${UNLEASH_PG_BIN:-} ]]; then
        [[ -x $UNLEASH_PG_BIN/initdb ]] || die "UNLEASH_PG_BIN=$UNLEASH_PG_BIN has no initdb"
        echo "$UNLEASH_PG_BIN"
        return
    fi
    local d
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4,4n); do
        if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/psql ]]; then echo "$d"; fi
    done | tail -n1
}

# Stop everything recorded in env file $1 and remove its throwaway data.
# Safe to call on a half-started or already-stopped stack.
stop_stack() {
    local envfile=$1
    [[ -f $envfile ]] || return 0
    local UNLEASH_PIDFILE='' UNLEASH_RUN_DIR='' UNLEASH_PGDATA='' UNLEASH_PG_BIN=''
    # shellcheck disable=SC1090
    source "$envfile"

    local pid=
    [[ -n $UNLEASH_PIDFILE && -f $UNLEASH_PIDFILE ]] && pid=$(cat "$UNLEASH_PIDFILE")
    if pid_is "$pid" unleash-server; then
        log "stopping Unleash (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do pid_is "$pid" unleash-server || break; sleep 0.1; done
        if pid_is "$pid" unleash-server; then
            log "Unleash did not stop in 10 s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi

    if [[ -n $UNLEASH_PGDATA && -f $UNLEASH_PGDATA/postmaster.pid ]]; then
        local pgpid
        pgpid=$(head -n1 "$UNLEASH_PGDATA/postmaster.pid")
        if pid_is "$pgpid" postgres; then
            log "stopping PostgreSQL (pid $pgpid)"
            as_postgres "$UNLEASH_PG_BIN/pg_ctl" -D "$UNLEASH_PGDATA" -m fast -w -t 20 stop >/dev/null 2>&1 || {
                log "pg_ctl stop failed, sending SIGQUIT to $pgpid"
                kill -QUIT "$pgpid" 2>/dev/null || true
                sleep 1
            }
        fi
    fi

    # Only ever delete a directory that up.sh created (mktemp prefix).
    if [[ -n $UNLEASH_RUN_DIR && -d $UNLEASH_RUN_DIR && $(basename "$UNLEASH_RUN_DIR") == flagdebt-unleash.* ]]; then
        rm -rf -- "$UNLEASH_RUN_DIR"
    fi
    rm -f -- "$envfile"
}
