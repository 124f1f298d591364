#!/usr/bin/env bash
# flagdebt vs ripgrep and ast-grep on real flag-heavy repositories at pinned commits: per tree
# and for all trees together, wall time (median of $RUNS, hyperfine) as a ratio to
# `rg -c -f benches/rg-flags.regex` and to `ast-grep scan` with benches/peers/ast-grep (the
# same job as regex and as syntax rules), peak RSS, and flagdebt with 1 and 2 threads.
# vendor/, node_modules/ and third_party/ are left out for every tool. A report, not a test.
#
#   benches/repos.sh             clone what is missing (needs github.com), then measure
#   benches/repos.sh --no-fetch  measure what is in $REPOS_DIR
#
# Trees go to $REPOS_DIR (default .bench/repos/NAME; never committed), each with its
# benches/repo-configs/NAME.yml as .flagdebt.yml. Where github.com is not
# reachable, put each repository there yourself at the commit below.
# Environment: FLAGDEBT (binary; default: cargo build --release), RUNS (default 5),
#   REPOS="kops cluster-api ..." to measure a subset.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPOS_DIR="${REPOS_DIR:-$BENCH_DIR/repos}"
declare -A URL=(
    [kops]=https://github.com/kubernetes/kops
    [cluster-api]=https://github.com/kubernetes-sigs/cluster-api
    [gitaly]=https://github.com/xuxiaowei-io/gitaly
    [temporal]=https://github.com/temporalio/temporal
    [otel-demo]=https://github.com/open-telemetry/opentelemetry-demo
    [redash]=https://github.com/getredash/redash
)
declare -A COMMIT=(
    [kops]=268927e26409f861634e18f3632c9dd483c350cf
    [cluster-api]=ae7ff047db499ac3858ade268ba38db8c9f128bb
    [gitaly]=7977654d7112e2a28ecc1ead38f182f3a0e9e510
    [temporal]=6805caea59e35d0611ed96be69641b8d86bff11c
    [otel-demo]=054282e318317f2be09f67dd9b0d7d1278566cfa
    [redash]=ca79fe988d81cdac9675b412f3dfcab107bc1fbc
)
read -r -a NAMES <<<"${REPOS:-kops cluster-api gitaly temporal otel-demo redash}"

need_tools
command -v ast-grep >/dev/null 2>&1 || die "ast-grep is missing (pip install ast-grep-cli)"
build_flagdebt
literals

fetch() {
    local n="$1" d="$REPOS_DIR/$1"
    [ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ] && return 0
    [ "${NO_FETCH:-0}" = 1 ] && { log "$n: missing in $d (--no-fetch)"; return 1; }
    log "$n: git clone ${URL[$n]} at ${COMMIT[$n]}"
    mkdir -p "$d" && git -C "$d" init -q && git -C "$d" fetch -q --depth 1 "${URL[$n]}" "${COMMIT[$n]}" &&
        git -C "$d" checkout -q FETCH_HEAD || { log "$n: could not clone (put it in $d by hand)"; rm -rf "$d"; return 1; }
}
[ "${1:-}" = "--no-fetch" ] && NO_FETCH=1
TREES=()
# The config each tree is measured (and judged) with: benches/repo-configs/NAME.yml, at most
# ten lines in terms the README documents; a tree without one runs with no config.
configure() {
    local c="$BENCH_ROOT/benches/repo-configs/$1.yml"
    [ -f "$c" ] && cp "$c" "$REPOS_DIR/$1/.flagdebt.yml"
    return 0
}
for n in "${NAMES[@]}"; do fetch "$n" && configure "$n" && TREES+=("$REPOS_DIR/$n"); done
[ "${#TREES[@]}" -gt 0 ] || die "no tree to measure in $REPOS_DIR"

RGX="$BENCH_ROOT/benches/rg-flags.regex"
SG="$BENCH_ROOT/benches/peers/ast-grep/sgconfig.yml"
SG_SKIP=(--globs '!**/vendor/**' --globs '!**/node_modules/**' --globs '!**/third_party/**')
q() { printf '%q ' "$@"; }

row() {
    local label="$1"; shift
    local t; for t in "$@"; do warm "$t"; done
    local fd rg sg fd1 rss
    fd=$(time_cmd fd "$(q "$FLAGDEBT" refs --format json "$@")")
    fd1="nan nan"
    if "$FLAGDEBT" --threads 1 --version >/dev/null 2>&1; then
        fd1=$(time_cmd fd1 "$(q "$FLAGDEBT" --threads 1 refs --format json "$@")")
    fi
    rg=$(time_cmd rg "$(q rg -c -f "$RGX" "${RG_PEER_TYPES[@]}" "${RG_SKIP[@]}" "$@")")
    sg=$(time_cmd sg "$(q ast-grep scan -c "$SG" "${SG_SKIP[@]}" --json=stream "$@")")
    rss=$(rss_cmd "$FLAGDEBT" refs --format json "$@")
    python3 - "$label" "$fd" "$fd1" "$rg" "$sg" "$rss" "$(machine_load)" <<'PY'
import sys
label, fd, fd1, rg, sg, rss, load = sys.argv[1:8]
med = lambda s: float(s.split()[1])
f, f1, r, a = med(fd), med(fd1), med(rg), med(sg)
t = f"{f1/f:.2f}x" if f1 == f1 else "n/a"
print(f"| {label} | {f:.3f} s | {r:.3f} s | {f/r:.2f}x | {a:.3f} s | {a/f:.1f}x | {t} | {float(rss.split()[0]):.0f} MB | {load.split()[0]} |")
PY
}

echo "| tree | flagdebt | rg (regex) | flagdebt/rg | ast-grep | ast-grep/flagdebt | 1 thread/2 threads | flagdebt peak RSS | load |"
echo "|---|---|---|---|---|---|---|---|---|"
for t in "${TREES[@]}"; do row "$(basename "$t")" "$t"; done
[ "${#TREES[@]}" -gt 1 ] && row "all together" "${TREES[@]}"
