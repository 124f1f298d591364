#!/usr/bin/env bash
# flagdebt vs ripgrep on real code fetched from package registries into .bench/real/ (never
# committed; ~90 MB of downloads, ~450 MB unpacked). Same measurements as benches/bench.sh.
# A report, not a test: exits 0 whatever the numbers are; 2 when a tool is missing.
#
#   benches/real.sh            fetch what is missing, then measure
#   benches/real.sh --no-fetch measure what is already in .bench/real/
#
# Trees (one row each):
#   pypi    sdists (pip download --no-binary :all: --no-deps): django, sympy, sqlalchemy,
#           sentry-sdk and the flag SDKs launchdarkly-server-sdk, UnleashClient, flagsmith,
#           openfeature-sdk
#   npm     tarballs (npm pack): typescript@5 (7 is native; 5 has ~9 MB single .js files), @angular/core, rxjs, three,
#           and the flag SDKs @launchdarkly/node-server-sdk, unleash-client, flagsmith,
#           @openfeature/server-sdk
#   go      Debian golang-1.19-src (the Go standard library and toolchain, apt-get download)
#   ruby    Debian ruby-activesupport, -activerecord, -actionpack, -actionview, -rack
#   crates  ~/.cargo/registry/src as it is on this machine (Rust; measured in place)
#
# Environment: FLAGDEBT, RUNS, BENCH_DIR, BENCH_HYPERFINE as for bench.sh;
#   REAL_TREES="pypi npm go ruby crates" to measure a subset.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FETCH=1
[ "${1:-}" = "--no-fetch" ] && FETCH=0
REAL="$BENCH_DIR/real"
DL="$REAL/downloads"
mkdir -p "$DL/pypi" "$DL/npm" "$DL/apt"

PYPI_PKGS=(django sympy sqlalchemy sentry-sdk launchdarkly-server-sdk UnleashClient flagsmith openfeature-sdk)
NPM_PKGS=(typescript@5 @angular/core rxjs three @launchdarkly/node-server-sdk unleash-client flagsmith @openfeature/server-sdk)
APT_GO=(golang-1.19-src)
APT_RUBY=(ruby-activesupport ruby-activerecord ruby-actionpack ruby-actionview ruby-rack)
CRATES_SRC="${CRATES_SRC:-$HOME/.cargo/registry/src}"

need_tools
build_flagdebt
probe_flagdebt
literals

# unpack ARCHIVE DEST: extract a .tar.gz/.tgz/.zip once (a .done stamp marks success).
unpack() {
    local a="$1" d="$2"
    [ -f "$d/.done" ] && return 0
    rm -rf "$d" && mkdir -p "$d"
    case "$a" in
        *.zip) python3 -m zipfile -e "$a" "$d" ;;
        *.deb) dpkg-deb -x "$a" "$d" ;;
        *) tar -xzf "$a" -C "$d" ;;
    esac && touch "$d/.done"
}

fetch_pypi() {
    local p have
    for p in "${PYPI_PKGS[@]}"; do
        have="$(find "$DL/pypi" -maxdepth 1 \( -iname "$(echo "$p" | tr '-' '_')-[0-9]*" -o -iname "$p-[0-9]*" \) | head -1)"
        [ -n "$have" ] && continue
        log "pip download $p (sdist)"
        # pip prepares an sdist's metadata even for `download`. `--no-binary :all:` would also
        # build the backend's own requirements (Cython, ...) from source: minutes of CPU on a
        # shared machine. So: the installed setuptools first (--no-build-isolation), then an
        # isolated build whose requirements may be wheels (--no-binary for the package only).
        pip download --quiet --no-binary :all: --no-deps --no-build-isolation -d "$DL/pypi" "$p" >/dev/null 2>&1 ||
            pip download --quiet --no-binary "$p" --no-deps -d "$DL/pypi" "$p" >/dev/null 2>&1 ||
            log "warning: could not download $p from PyPI; skipped"
    done
    for a in "$DL"/pypi/*; do
        [ -f "$a" ] || continue
        unpack "$a" "$REAL/pypi/$(basename "$a" | sed -E 's/\.(tar\.gz|tgz|zip)$//')" || log "warning: could not unpack $a"
    done
}

fetch_npm() {
    local p base
    for p in "${NPM_PKGS[@]}"; do
        base="$(echo "$p" | sed 's/^@//; s/@.*$//; s#/#-#')"
        ls "$DL/npm/$base"-[0-9]*.tgz >/dev/null 2>&1 && continue
        log "npm pack $p"
        (cd "$DL/npm" && npm pack --silent "$p" >/dev/null 2>&1) || log "warning: could not fetch $p from npm; skipped"
    done
    for a in "$DL"/npm/*.tgz; do
        [ -f "$a" ] || continue
        unpack "$a" "$REAL/npm/$(basename "$a" .tgz)" || log "warning: could not unpack $a"
    done
}

fetch_apt() { # fetch_apt TREE PKG...: .deb files unpacked (not installed) into $REAL/TREE
    local tree="$1" p
    shift
    for p in "$@"; do
        ls "$DL/apt/${p}_"*.deb >/dev/null 2>&1 && continue
        log "apt-get download $p"
        (cd "$DL/apt" && { apt-get download "$p" >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get download "$p" >/dev/null 2>&1; }; }) ||
            log "warning: could not download $p with apt; skipped"
        for a in "$DL/apt/${p}_"*.deb; do
            [ -f "$a" ] && unpack "$a" "$REAL/$tree/$p"
        done
    done
}

TREES="${REAL_TREES:-pypi npm go ruby crates}"
if [ "$FETCH" = 1 ]; then
    for t in $TREES; do
        case "$t" in
            pypi) fetch_pypi ;;
            npm) fetch_npm ;;
            go) fetch_apt go "${APT_GO[@]}" ;;
            ruby) fetch_apt ruby "${APT_RUBY[@]}" ;;
        esac
    done
    log "downloads: $(du -sh "$DL" | cut -f1); unpacked: $(du -sh --exclude=downloads "$REAL" | cut -f1)"
fi

RESULTS="$BENCH_DIR/results-real.jsonl"
: >"$RESULTS"
log "machine before: load $(machine_load) (load1 load5 cores); hyperfine=$HAVE_HYPERFINE runs=$RUNS"
for t in $TREES; do
    case "$t" in
        crates) dir="$CRATES_SRC" ;;
        *) dir="$REAL/$t" ;;
    esac
    if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
        log "no $t tree at $dir; skipped"
        continue
    fi
    measure "$t" "$dir"
done

{
    echo "flagdebt: $FLAGDEBT ($("$FLAGDEBT" --version 2>/dev/null || echo 'no --version'))"
    echo "rg: $(rg --version | head -1); literals: $(wc -l <"$LITERALS") from $LITERALS_FROM"
    echo "pypi: $(ls "$DL/pypi" 2>/dev/null | tr '\n' ' ')"
    echo "npm: $(ls "$DL/npm" 2>/dev/null | tr '\n' ' ')"
    echo "apt: $(ls "$DL/apt" 2>/dev/null | tr '\n' ' ')"
    echo "crates: $CRATES_SRC"
    echo
    [ -s "$RESULTS" ] && report
} | tee "$BENCH_DIR/report-real.txt"
exit 0
