# Shared by benches/bench.sh and benches/real.sh. Source it; do not run it.
# shellcheck shell=bash

# Repository root (benches/..), the bench work dir, and defaults every script shares.
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$BENCH_ROOT/.bench}"
RUNS="${RUNS:-5}"
export RUNS
mkdir -p "$BENCH_DIR"

# What flagdebt scans: its languages' extensions (src/lang.rs) minus the folders it skips.
RG_FD_TYPES=(--type-add 'fd:*.{py,pyi,go,js,jsx,mjs,cjs,ts,mts,cts,tsx,java,rb,rake,rs}'
             --type-add 'fd:{Rakefile,Gemfile}' -t fd)
# The peers README's type filter for the regex (no Rust: the peer rules do not cover it).
RG_PEER_TYPES=(--type-add 'flag:*.{py,go,js,jsx,mjs,cjs,ts,tsx,mts,cts,java,rb}' -t flag)
# flagdebt skips these by default; make rg do the same work. `!dir/` prunes the whole folder.
RG_SKIP=(-g '!vendor/' -g '!node_modules/' -g '!third_party/')

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 2; }

# need_tools: rg and GNU time from apt (update only if the plain install fails); hyperfine is
# optional (used when present; BENCH_HYPERFINE=0 to never use it).
need_tools() {
    local missing=()
    command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
    [ -x /usr/bin/time ] || missing+=(time)
    if [ "${#missing[@]}" -gt 0 ]; then
        command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get"
        log "installing ${missing[*]} from apt"
        apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y "${missing[@]}" >/dev/null 2>&1; } ||
            die "could not install ${missing[*]}"
    fi
    command -v rg >/dev/null 2>&1 || die "ripgrep (rg) is missing"
    [ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is missing"
    command -v python3 >/dev/null 2>&1 || die "python3 is missing"
    HAVE_HYPERFINE=0
    if [ "${BENCH_HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
        HAVE_HYPERFINE=1
    fi
}

# build_flagdebt: FLAGDEBT overrides (no build); otherwise `cargo build --release` here.
build_flagdebt() {
    if [ -n "${FLAGDEBT:-}" ]; then
        [ -x "$FLAGDEBT" ] || die "FLAGDEBT=$FLAGDEBT is not an executable"
        log "using FLAGDEBT=$FLAGDEBT (no build)"
        return
    fi
    command -v cargo >/dev/null 2>&1 || die "cargo is missing"
    log "cargo build --release"
    (cd "$BENCH_ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
    FLAGDEBT="${CARGO_TARGET_DIR:-$BENCH_ROOT/target}/release/flagdebt"
    [ -x "$FLAGDEBT" ] || die "no binary at $FLAGDEBT"
}

# probe_flagdebt: FD_OK=1 if `flagdebt refs --format json` works (valid JSON on a tiny tree).
probe_flagdebt() {
    local probe="$BENCH_DIR/probe" out rc
    mkdir -p "$probe"
    printf 'import os\nif flags.is_on("probe_flag"):\n    pass\nx = os.environ.get("FLAG_PROBE")\n' >"$probe/probe.py"
    out="$("$FLAGDEBT" refs --format json "$probe" 2>"$BENCH_DIR/probe.err")"
    rc=$?
    FD_OK=0
    if [ "$rc" -le 1 ] && printf '%s' "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
        FD_OK=1
        if ! printf '%s' "$out" | grep -q probe_flag; then
            log "warning: flagdebt refs ran but did not report probe_flag on a one-file tree"
        fi
    else
        log "flagdebt refs --format json does not work yet (exit $rc, output not JSON):"
        log "  $(head -c 300 "$BENCH_DIR/probe.err" | tr '\n' ' ')"
        log "flagdebt columns will be n/a; the rg side and the tree stats still run"
    fi
}

# literals: the prefilter's literal set, one per line, into $LITERALS.
# `flagdebt rules --literals` when the binary has it, else derived from rules/*.yml.
literals() {
    LITERALS="$BENCH_DIR/literals.txt"
    if "$FLAGDEBT" rules --literals >"$LITERALS.tmp" 2>/dev/null && [ -s "$LITERALS.tmp" ] &&
        ! grep -q '[[:space:]]$' "$LITERALS.tmp"; then
        mv "$LITERALS.tmp" "$LITERALS"
        LITERALS_FROM="flagdebt rules --literals"
    else
        rm -f "$LITERALS.tmp"
        python3 "$BENCH_ROOT/benches/derive_literals.py" "$BENCH_ROOT"/rules/*.yml >"$LITERALS" ||
            die "could not derive literals from rules/*.yml"
        LITERALS_FROM="benches/derive_literals.py rules/*.yml (no \`flagdebt rules --literals\` yet)"
        if ! cmp -s "$LITERALS" "$BENCH_ROOT/benches/literals.txt"; then
            log "note: benches/literals.txt is stale against rules/*.yml; using the fresh derivation"
        fi
    fi
    log "literals: $(wc -l <"$LITERALS") from $LITERALS_FROM"
    # Per-language sets (what the prefilter uses on one file), for the candidate statistics.
    local l
    for l in "${!LANG_GLOBS[@]}"; do
        python3 "$BENCH_ROOT/benches/derive_literals.py" --lang "$l" "$BENCH_ROOT"/rules/*.yml \
            >"$BENCH_DIR/literals-$l.txt" || die "could not derive literals for $l"
    done
}

# flagdebt's languages and their files (src/lang.rs).
declare -A LANG_GLOBS=(
    [python]='*.{py,pyi}' [go]='*.go' [javascript]='*.{js,jsx,mjs,cjs}' [typescript]='*.{ts,mts,cts}'
    [tsx]='*.tsx' [java]='*.java' [ruby]='{*.rb,*.rake,Rakefile,Gemfile}' [rust]='*.rs'
)

# tree_stats TREE -> JSON of what both tools scan (flagdebt's extensions, vendor/node_modules/
# third_party skipped): files, lines, bytes; cand_files/cand_bytes = files holding a literal of
# their own language's set (what flagdebt's prefilter passes on to the parser);
# union_cand_files = files holding any literal of the union (what `rg -F` matches);
# regex_files = files the peers regex matches.
tree_stats() {
    local tree="$1"
    {
        rg --files "${RG_FD_TYPES[@]}" "${RG_SKIP[@]}" "$tree" | sed 's/^/A\t/'
        rg -l -F -f "$LITERALS" "${RG_FD_TYPES[@]}" "${RG_SKIP[@]}" "$tree" | sed 's/^/U\t/'
        local l
        for l in "${!LANG_GLOBS[@]}"; do
            [ -s "$BENCH_DIR/literals-$l.txt" ] || continue
            rg -l -F -f "$BENCH_DIR/literals-$l.txt" --type-add "x:${LANG_GLOBS[$l]}" -t x "${RG_SKIP[@]}" "$tree" | sed 's/^/C\t/'
        done
        rg -l -f "$BENCH_ROOT/benches/rg-flags.regex" "${RG_PEER_TYPES[@]}" "${RG_SKIP[@]}" "$tree" | sed 's/^/R\t/'
    } | python3 -c '
import json, os, sys
s = dict(files=0, lines=0, bytes=0, cand_files=0, cand_bytes=0, union_cand_files=0, regex_files=0)
for row in sys.stdin:
    kind, path = row.rstrip("\n").split("\t", 1)
    if kind == "A":
        with open(path, "rb") as f:
            data = f.read()
        s["files"] += 1; s["bytes"] += len(data); s["lines"] += data.count(b"\n")
    elif kind == "C":
        s["cand_files"] += 1; s["cand_bytes"] += os.path.getsize(path)
    elif kind == "U":
        s["union_cand_files"] += 1
    else:
        s["regex_files"] += 1
print(json.dumps(s))'
}

# warm TREE: read every file once so every timed run sees a warm page cache.
warm() {
    find "$1" -type f -print0 | xargs -0 cat >/dev/null 2>&1
    rg -c -F -f "$LITERALS" "$1" >/dev/null 2>&1 || true
}

# time_cmd NAME CMD -> prints "best median" seconds over $RUNS runs (after one warmup).
# CMD is a shell command line; its stdout goes to /dev/null; exit codes 0/1 are both fine
# (rg exits 1 when nothing matches); a command that fails (exit 2 or more) is not timed: its
# time would be the time to an error. It prints "nan nan" and the error goes to the log.
time_cmd() {
    local name="$1" cmd="$2" json="$BENCH_DIR/hf-$1.json" rc=0
    bash -c "$cmd" >/dev/null 2>"$BENCH_DIR/err-$1.txt" || rc=$?
    if [ "$rc" -gt 1 ]; then
        log "$name: exit $rc, not timed: $(head -c 300 "$BENCH_DIR/err-$1.txt")"
        echo "nan nan"
        return
    fi
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        hyperfine --style none --warmup 1 --runs "$RUNS" -i --export-json "$json" "$cmd" >/dev/null 2>&1 ||
            { echo "nan nan"; return; }
        python3 -c 'import json,sys,statistics as st; t=json.load(open(sys.argv[1]))["results"][0]["times"]; print("%.4f %.4f" % (min(t), st.median(t)))' "$json"
    else
        local i t0 t1 times=()
        bash -c "$cmd" >/dev/null 2>&1 || true  # warmup
        for ((i = 0; i < RUNS; i++)); do
            t0=$(date +%s.%N)
            bash -c "$cmd" >/dev/null 2>&1 || true
            t1=$(date +%s.%N)
            times+=("$(python3 -c "print($t1 - $t0)")")
        done
        python3 -c 'import sys,statistics as st; t=[float(x) for x in sys.argv[1:]]; print("%.4f %.4f" % (min(t), st.median(t)))' "${times[@]}"
    fi
}

# rss_cmd CMD... -> prints "peak_rss_mb cpu_seconds exit_code" from one run under GNU time -v.
rss_cmd() {
    local err="$BENCH_DIR/time-v.txt" rc
    /usr/bin/time -v "$@" >/dev/null 2>"$err"
    rc=$?
    python3 - "$err" "$rc" <<'EOF'
import re, sys
t = open(sys.argv[1], errors="replace").read()
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
u = re.search(r"User time \(seconds\): ([\d.]+)", t)
s = re.search(r"System time \(seconds\): ([\d.]+)", t)
code = re.search(r"Exit status: (\d+)", t)
print("%.1f %.2f %s" % (int(rss.group(1)) / 1024 if rss else float("nan"),
                        float(u.group(1)) + float(s.group(1)) if u and s else float("nan"),
                        code.group(1) if code else sys.argv[2]))
EOF
}

# machine_load -> "load1 load5 nproc" and a busy verdict on stderr.
machine_load() {
    local l1 l5
    read -r l1 l5 _ </proc/loadavg
    echo "$l1 $l5 $(nproc)"
}

# measure LABEL TREE -> appends one JSON row to $RESULTS (and logs progress).
measure() {
    local label="$1" tree="$2" st fd rgf rgr rss rssrg refs load0 load1
    load0="$(machine_load)"
    log "[$label] stats of $tree"
    st="$(tree_stats "$tree")"
    log "[$label] $st"
    log "[$label] warming the page cache"
    warm "$tree"
    local q_tree q_lits q_re
    q_tree="$(printf '%q' "$tree")"
    q_lits="$(printf '%q' "$LITERALS")"
    q_re="$(printf '%q' "$BENCH_ROOT/benches/rg-flags.regex")"
    local rg_lit_cmd="rg -c -F -f $q_lits --type-add 'fd:*.{py,pyi,go,js,jsx,mjs,cjs,ts,mts,cts,tsx,java,rb,rake,rs}' --type-add 'fd:{Rakefile,Gemfile}' -t fd -g '!vendor/' -g '!node_modules/' -g '!third_party/' $q_tree"
    local rg_re_cmd="rg -c -f $q_re --type-add 'flag:*.{py,go,js,jsx,mjs,cjs,ts,tsx,mts,cts,java,rb}' -t flag -g '!vendor/' -g '!node_modules/' -g '!third_party/' $q_tree"
    local fd_cmd
    fd_cmd="$(printf '%q' "$FLAGDEBT") refs --format json $q_tree"
    fd="nan nan"; rss="nan nan nan"; refs='{"refs": null, "files": null, "parsed": null}'
    if [ "$FD_OK" = 1 ]; then
        log "[$label] timing flagdebt ($RUNS runs)"
        fd="$(time_cmd "$label-flagdebt" "$fd_cmd")"
        rss="$(rss_cmd "$FLAGDEBT" refs --format json "$tree")"
        "$FLAGDEBT" refs --format json "$tree" >"$BENCH_DIR/refs-$label.json" 2>/dev/null
        refs="$(python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    print("null"); sys.exit()
out = {"refs": None, "files": None, "parsed": None}
if isinstance(d, dict):
    summ = d.get("summary") if isinstance(d.get("summary"), dict) else {}
    out["files"], out["parsed"] = summ.get("files"), summ.get("parsed")
    for k in ("references", "refs", "items", "results"):
        if isinstance(d.get(k), list):
            d = d[k]; break
if isinstance(d, list):
    out["refs"] = len(d)
print(json.dumps(out))' <"$BENCH_DIR/refs-$label.json")"
    fi
    log "[$label] timing rg -F literals ($RUNS runs)"
    rgf="$(time_cmd "$label-rg-literals" "$rg_lit_cmd")"
    log "[$label] timing rg regex ($RUNS runs)"
    rgr="$(time_cmd "$label-rg-regex" "$rg_re_cmd")"
    rssrg="$(rss_cmd bash -c "$rg_re_cmd")"
    load1="$(machine_load)"
    python3 - "$label" "$tree" "$st" "$fd" "$rgf" "$rgr" "$rss" "$rssrg" "$refs" "$load0" "$load1" >>"$RESULTS" <<'EOF'
import json, sys
label, tree, st, fd, rgf, rgr, rss, rssrg, refs, l0, l1 = sys.argv[1:]
f = lambda s: [float(x) for x in s.split()]
row = json.loads(st)
row.update(label=label, tree=tree,
           flagdebt_best=f(fd)[0], flagdebt_median=f(fd)[1],
           rg_literals_best=f(rgf)[0], rg_literals_median=f(rgf)[1],
           rg_regex_best=f(rgr)[0], rg_regex_median=f(rgr)[1],
           flagdebt_rss_mb=f(rss)[0], flagdebt_cpu_s=f(rss)[1],
           flagdebt_exit=rss.split()[2], rg_regex_rss_mb=f(rssrg)[0], rg_regex_cpu_s=f(rssrg)[1],
           flagdebt_refs=json.loads(refs)["refs"], flagdebt_files=json.loads(refs)["files"],
           flagdebt_parsed=json.loads(refs)["parsed"],
           load_before=l0.split()[:2], load_after=l1.split()[:2], nproc=int(l0.split()[2]))
print(json.dumps(row))
EOF
}

# report [--linearity] -> prints the table of $RESULTS (one JSON row per line).
report() {
    python3 - "$RESULTS" "$@" <<'EOF'
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
lin = "--linearity" in sys.argv[2:]
nan = float("nan")
def fmt(x, p=3):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else ("%.*f" % (p, x))
def ratio(a, b):
    return a / b if b and not math.isnan(a) and not math.isnan(b) else nan
hdr = ["tree", "files", "lines", "MB", "cand files", "cand MB", "flagdebt s", "rg -F s", "rg regex s",
       "fd/rg-F", "fd/rg-re", "fd RSS MB", "fd CPU s", "rg-re CPU s", "fd parsed", "refs"]
out = []
for r in rows:
    out.append([r["label"], str(r["files"]), "{:,}".format(r["lines"]), fmt(r["bytes"] / 1e6, 1),
                str(r["cand_files"]), fmt(r["cand_bytes"] / 1e6, 1),
                fmt(r["flagdebt_best"]), fmt(r["rg_literals_best"]), fmt(r["rg_regex_best"]),
                fmt(ratio(r["flagdebt_best"], r["rg_literals_best"]), 2),
                fmt(ratio(r["flagdebt_best"], r["rg_regex_best"]), 2),
                fmt(r["flagdebt_rss_mb"], 1), fmt(r["flagdebt_cpu_s"], 2), fmt(r.get("rg_regex_cpu_s", nan), 2),
                "n/a" if r.get("flagdebt_parsed") is None else str(r["flagdebt_parsed"]),
                "n/a" if r["flagdebt_refs"] is None else str(r["flagdebt_refs"])])
w = [max(len(h), *(len(o[i]) for o in out)) for i, h in enumerate(hdr)]
line = lambda cells: "| " + " | ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(cells)) + " |"
print(line(hdr))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for o in out:
    print(line(o))
print()
import os
print("rg regex uses the peers' type filter, which has no Rust: it does not search .rs files (compare Rust-heavy trees on rg -F)")
print("times: best of %s wall-clock seconds, warm cache; cand = files holding a literal of their language's prefilter set" % os.environ.get("RUNS", "?"))
for r in rows:
    print("load average before/after %s: %s / %s on %d cores" % (r["label"], " ".join(r["load_before"]), " ".join(r["load_after"]), r["nproc"]))
busy = [r for r in rows if float(r["load_before"][0]) > 0.5 * r["nproc"] or float(r["load_after"][0]) > 1.5 * r["nproc"]]
if busy:
    print("WARNING: the machine was busy during %s; treat the times as noisy (CPU s is steadier)" % ", ".join(r["label"] for r in busy))
print()
def verdict(v, target):
    return "n/a" if math.isnan(v) else ("%.2f (target <= %.1f: %s)" % (v, target, "PASS" if v <= target else "FAIL"))
for r in rows:
    print("%s: flagdebt/rg-regex = %s; flagdebt/rg-F = %s; CPU-time ratio flagdebt/rg-regex = %s" % (
        r["label"], verdict(ratio(r["flagdebt_best"], r["rg_regex_best"]), 1.5),
        verdict(ratio(r["flagdebt_best"], r["rg_literals_best"]), 1.5),
        fmt(ratio(r["flagdebt_cpu_s"], r.get("rg_regex_cpu_s", nan)), 2)))
if lin and len(rows) >= 2:
    a, b = rows[0], rows[-1]
    scale = b["lines"] / a["lines"]
    print("linearity %s/%s (%.2fx the lines): flagdebt %s; rg -F %s; rg regex %s" % (
        b["label"], a["label"], scale,
        verdict(ratio(b["flagdebt_best"], a["flagdebt_best"]), 2.1),
        fmt(ratio(b["rg_literals_best"], a["rg_literals_best"]), 2),
        fmt(ratio(b["rg_regex_best"], a["rg_regex_best"]), 2)))
EOF
}
