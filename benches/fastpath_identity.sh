#!/usr/bin/env bash
# The fast path (src/scan/fastpath.rs) must not change the output: run `flagdebt refs --format
# json` on each tree with and without it (--whole-files: no fast path, no regions) and compare byte for byte,
# leaving out only `summary.parsed` (fast-path files are not parsed). Exit 1 on a difference.
#
#   benches/fastpath_identity.sh [TREE...]   (default: .bench/tree-1M, .bench/tree-2M,
#                                             every tree under .bench/real/ but downloads/)
# FLAGDEBT: the binary (default target/release/flagdebt, or $CARGO_TARGET_DIR's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH_DIR:-$here/../.bench}
bin=${FLAGDEBT:-${CARGO_TARGET_DIR:-$here/../target}/release/flagdebt}
if [ $# -eq 0 ]; then
    set --
    for t in "$bench/tree-1M" "$bench/tree-2M" "$bench"/real/*; do
        case $t in */downloads) continue ;; esac
        [ -d "$t" ] && set -- "$@" "$t"
    done
    [ -d "$HOME/.cargo/registry/src" ] && set -- "$@" "$HOME/.cargo/registry/src"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for t in "$@"; do
    "$bin" refs --format json "$t" > "$tmp/fast.json" || [ $? -le 1 ]
    "$bin" refs --whole-files --format json "$t" > "$tmp/parse.json" || [ $? -le 1 ]
    python3 - "$tmp/fast.json" "$tmp/parse.json" "$t" <<'PY' || status=1
import json, sys
fast, parse, tree = sys.argv[1:4]
def load(p):
    d = json.load(open(p))
    parsed = d["summary"].pop("parsed")
    return json.dumps(d, sort_keys=False, indent=1), parsed, len(d["references"]), d
a, pa, na, da = load(fast)
b, pb, nb, db = load(parse)
if a == b:
    print(f"IDENTICAL {tree}: {na} refs, parsed {pb} -> {pa} ({pb - pa} files on the fast path)")
    sys.exit(0)
print(f"DIFFERENT {tree}: refs {nb} (parse) vs {na} (fast)")
for k in da:
    if da[k] != db[k]:
        print(f"  field {k} differs")
ra = {json.dumps(r, sort_keys=True) for r in da["references"]}
rb = {json.dumps(r, sort_keys=True) for r in db["references"]}
for r in sorted(rb - ra)[:10]:
    print("  only parse:", r)
for r in sorted(ra - rb)[:10]:
    print("  only fast: ", r)
sys.exit(1)
PY
done
exit $status
