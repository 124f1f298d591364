#!/usr/bin/env bash
# Seed flagdebt's Unleash scenario (see seed.py for the list of flags) into
# the server described by ENVFILE, then wait until the admin API shows it.
#
#   scripts/unleash/seed.sh [ENVFILE]    (default: .cache/unleash/env)
#
# UNLEASH_SEED_SHORTCUTS=0  wait for Unleash's own background jobs to mark
#                           potentially-stale / lastSeenAt (~up to 60 s)
#                           instead of writing those columns with SQL.
# UNLEASH_SEED_TIMEOUT      bound on each wait, seconds (default 150).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ENVFILE=${1:-$DEFAULT_ENVFILE}
[[ -f $ENVFILE ]] || die "no env file $ENVFILE: run scripts/unleash/up.sh first"
command -v python3 >/dev/null 2>&1 || die "seed.sh needs python3 (standard library only)"
set -a
# shellcheck disable=SC1090
source "$ENVFILE"
set +a
exec python3 "$UNLEASH_SCRIPTS_DIR/seed.py"
