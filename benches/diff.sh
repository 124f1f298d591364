#!/usr/bin/env bash
# Time `flagdebt scan --diff main` on a generated 1M-line tree with a 5,000-commit history
# (benches/gen_tree.py + benches/diff_history.py), against a whole scan of the same tree.
# A report: exits 0 whatever the numbers are. Usage: benches/diff.sh (FLAGDEBT, RUNS, LINES,
# COMMITS, BENCH_DIR as for bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BENCH_DIR:-.bench}"
lines="${LINES:-1000000}"
commits="${COMMITS:-5000}"
runs="${RUNS:-5}"
if [ -z "${FLAGDEBT:-}" ]; then
  cargo build --release --quiet
  FLAGDEBT="$PWD/target/release/flagdebt"
fi
mkdir -p "$dir"
[ -d "$dir/tree-diff" ] || python3 benches/gen_tree.py --lines "$lines" --out "$dir/tree-diff" > "$dir/tree-diff.json"
[ -d "$dir/history/.git" ] || python3 benches/diff_history.py --tree "$dir/tree-diff" --out "$dir/history" --commits "$commits"
cd "$dir/history"
best() {
  local b=999999
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" > /dev/null 2>&1 || true
    t1=$(date +%s%N)
    b=$(( (t1 - t0) / 1000000 < b ? (t1 - t0) / 1000000 : b ))
  done
  echo "$b"
}
"$FLAGDEBT" scan --offline . > /dev/null 2>&1 || true   # warm the cache
whole=$(best "$FLAGDEBT" scan --offline --format json .)
diff=$(best "$FLAGDEBT" scan --offline --format json --diff main .)
echo "tree: $(git ls-files | wc -l) files, $(git rev-list --count main) commits on main"
echo "whole scan        ${whole} ms (best of $runs)"
echo "scan --diff main  ${diff} ms (best of $runs)"
"$FLAGDEBT" scan --offline --diff main . | tail -n 8 || true
