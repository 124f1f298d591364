#!/usr/bin/env bash
# Stop the Unleash server and PostgreSQL cluster started by up.sh and delete
# their throwaway data (the run dir in $TMPDIR) and the env file.
#
#   scripts/unleash/down.sh [ENVFILE]    (default: .cache/unleash/env)
#
# Idempotent: a missing env file or already-dead processes are not errors.
# The install cache (.cache/unleash/npm) is kept for the next up.sh.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ENVFILE=${1:-$DEFAULT_ENVFILE}
found=
for f in "$ENVFILE" "$ENVFILE.partial"; do
    if [[ -f $f ]]; then
        found=1
        stop_stack "$f"
    fi
done
if [[ -n $found ]]; then
    log "stopped and removed the stack of $ENVFILE"
else
    log "nothing to stop: no $ENVFILE"
fi
