#!/usr/bin/env bash
# Record admin-API responses of a seeded server into a fixtures directory
# (pretty-printed JSON, key order as served), for writing exact assertions.
#
#   scripts/unleash/record.sh [ENVFILE] [OUTDIR]
#       defaults: .cache/unleash/env  fixtures/unleash-live
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ENVFILE=${1:-$DEFAULT_ENVFILE}
OUT=${2:-$REPO_ROOT/fixtures/unleash-live}
[[ -f $ENVFILE ]] || die "no env file $ENVFILE: run scripts/unleash/up.sh first"
# shellcheck disable=SC1090
source "$ENVFILE"
mkdir -p "$OUT"

S="/api/admin/search/features?project=IS:default&limit=100"
while read -r name path; do
    [[ -n $name ]] || continue
    tmp=$(mktemp)
    code=$(curl -sS -o "$tmp" -w '%{http_code}' -H "Authorization: $UNLEASH_ADMIN_TOKEN" "$UNLEASH_URL$path") ||
        die "GET $path failed"
    [[ $code == 200 ]] || { head -c 300 "$tmp" >&2; rm -f "$tmp"; die "GET $path -> HTTP $code"; }
    python3 -m json.tool --indent 2 "$tmp" >"$OUT/$name.json" || die "GET $path: not JSON"
    rm -f "$tmp"
    log "recorded $name.json  <- GET $path"
done <<EOT
project-features              /api/admin/projects/default/features
search                        $S
search-potentially-stale      $S&state=IS:potentially-stale
search-archived               $S&lifecycle=IS:archived
search-stale                  $S&state=IS:stale
search-tag-team-checkout      $S&tag=INCLUDE:team:checkout
feature-types                 /api/admin/feature-types
feature-new-checkout          /api/admin/projects/default/features/new-checkout
feature-legacy-search         /api/admin/projects/default/features/legacy-search
feature-old-banner-lifecycle  /api/admin/projects/default/features/old-banner/lifecycle
feature-new-checkout-lifecycle /api/admin/projects/default/features/new-checkout/lifecycle
health-report                 /api/admin/projects/default/health-report
environments                  /api/admin/environments
EOT
if grep -rqF -- "${UNLEASH_ADMIN_TOKEN#*.}" "$OUT"; then
    die "a recording contains the admin token secret; not keeping it"
fi
