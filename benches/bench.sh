#!/usr/bin/env bash
# flagdebt vs ripgrep on generated polyglot trees of 1M and 2M lines. A report, not a test:
# exits 0 whatever the numbers are; exits 2 only when a tool is missing or the build fails.
#
#   benches/bench.sh
#
# Environment:
#   FLAGDEBT=path   use this binary instead of `cargo build --release` + target/release/flagdebt
#   RUNS=5          timed runs per command (best and median are kept; one warmup run first)
#   SIZES="1000000 2000000"   tree sizes in lines; the linearity ratio is last/first
#   BENCH_DIR=.bench          where trees, literals and results go (gitignored)
#   BENCH_HYPERFINE=0         time with a plain loop even when hyperfine is installed
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZES="${SIZES:-1000000 2000000}"

need_tools
build_flagdebt
probe_flagdebt
literals

label_of() { # 1000000 -> 1M, 2500000 -> 2.5M, 300000 -> 300k
    python3 -c 'import sys; n=int(sys.argv[1]); print(("%gM" % (n/1e6)) if n >= 1e6 else ("%gk" % (n/1e3)))' "$1"
}

# Generate each tree once; regenerate when the generator or the size changed.
gen_sha="$(sha256sum "$BENCH_ROOT/benches/gen_tree.py" | cut -c1-16)"
for n in $SIZES; do
    label="$(label_of "$n")"
    tree="$BENCH_DIR/tree-$label"
    stamp="$tree.stamp"
    want="lines=$n seed=42 gen=$gen_sha"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$tree" ]; then
        log "tree-$label is up to date"
    else
        log "generating tree-$label ($n lines)"
        python3 "$BENCH_ROOT/benches/gen_tree.py" --lines "$n" --seed 42 --out "$tree" >"$tree.gen.json" ||
            die "gen_tree.py failed"
        echo "$want" >"$stamp"
    fi
done

RESULTS="$BENCH_DIR/results-generated.jsonl"
: >"$RESULTS"
log "machine before: load $(machine_load) (load1 load5 cores); hyperfine=$HAVE_HYPERFINE runs=$RUNS"
for n in $SIZES; do
    label="$(label_of "$n")"
    measure "$label" "$BENCH_DIR/tree-$label"
done

{
    echo "flagdebt: $FLAGDEBT ($("$FLAGDEBT" --version 2>/dev/null || echo 'no --version'))"
    echo "rg: $(rg --version | head -1); literals: $(wc -l <"$LITERALS") from $LITERALS_FROM"
    echo
    report --linearity
    # Recall on the generated trees: the generator knows every flag read it wrote.
    for n in $SIZES; do
        label="$(label_of "$n")"
        [ -s "$BENCH_DIR/refs-$label.json" ] || continue
        python3 - "$label" "$BENCH_DIR/tree-$label.gen.json" "$BENCH_DIR/refs-$label.json" <<'EOF'
import collections, json, sys
label, gen, refs = sys.argv[1:]
g = json.load(open(gen))["by_language"]
try:
    found = collections.Counter(r.get("language") for r in json.load(open(refs))["references"])
except Exception:
    sys.exit()
cells = ["%s %d/%d" % (l, found.get(l, 0), v.get("flag_reads", 0)) for l, v in sorted(g.items())]
print("%s flag reads found/written by the generator: %s" % (label, ", ".join(cells)))
EOF
    done
} | tee "$BENCH_DIR/report-generated.txt"
exit 0
