#!/usr/bin/env bash
# Build the fuzz targets and run each for a while. Usage: fuzz/run.sh [SECONDS] [TARGET...]
# (default: 20 s per target, every target; FUZZ_MAX_LEN caps input size, default 64 KB).
# CI runs it short (scripts/test.sh); run it long by
# hand: `fuzz/run.sh 3600`. Corpora are seeded from the fixtures the first time (fuzz/corpus,
# not committed); a crash is saved under fuzz/artifacts/TARGET/ and fails the run: turn it
# into a regression test under tests/ before fixing it.
#
# Stable Rust: cargo-fuzz runs without a sanitizer (`-s none`) and needs RUSTC_BOOTSTRAP=1
# for the `-Z` flags it passes; the libFuzzer engine itself is compiled from source by
# libfuzzer-sys.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(extract registry config snapshot provider)
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

seed() {
  local dir=corpus/$1
  [ -d "$dir" ] && return
  mkdir -p "$dir"
  local n=0
  case $1 in
    extract)
      # One language byte (see fuzz_targets/extract.rs: its index in LANGS), then the source.
      while IFS= read -r f; do
        case $f in
          *.py) b=0 ;; *.go) b=1 ;; *.js|*.jsx|*.mjs) b=2 ;; *.ts) b=3 ;; *.tsx) b=4 ;;
          *.java) b=5 ;; *.rb) b=6 ;; *.rs) b=7 ;; *.cs) b=8 ;; *.kt|*.kts) b=9 ;;
          *.php) b=10 ;; *.swift) b=11 ;; *) continue ;;
        esac
        n=$((n + 1))
        { printf "\\x$(printf %02x "$b")"; head -c 65536 "$f"; } >"$dir/seed-$n"
      done < <(find ../fixtures -type f)
      ;;
    registry)
      while IFS= read -r f; do
        case $f in
          *.json) b=2 ;; *) b=0 ;;
        esac
        n=$((n + 1))
        { printf "\\x0$b"; head -c 65536 "$f"; } >"$dir/seed-$n"
      done < <(find ../fixtures -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.json' \) -size -64k)
      ;;
    config)
      find ../fixtures -type f \( -name '.flagdebt.yml' -o -name 'flagdebt.yml' \) | while read -r f; do
        n=$((n + 1)); cp "$f" "$dir/seed-$n"
      done
      ;;
    snapshot)
      find ../fixtures -type f -name '*.json' -size -64k | while read -r f; do
        n=$((n + 1)); cp "$f" "$dir/seed-$n"
      done
      ;;
    provider)
      # A provider byte (0 Flagsmith, 1 Unleash, 2 LaunchDarkly), then its recorded
      # responses in file order, separated by 0x1E (see fuzz_targets/provider.rs).
      local i=0
      for p in flagsmith unleash launchdarkly; do
        { printf "\\x0$i"
          first=1
          for f in $(find ../fixtures/provider-recordings -path "*/$p/*.json" | sort); do
            [ $first = 1 ] || printf '\036'
            first=0
            cat "$f"
          done
        } >"$dir/seed-$p"
        i=$((i + 1))
      done
      ;;
  esac
}

cargo fuzz build -s none -O
for t in "${targets[@]}"; do
  seed "$t"
  echo "[fuzz] $t: ${secs}s" >&2
  cargo fuzz run -s none -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len="${FUZZ_MAX_LEN:-65536}" \
    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E 'stat::number_of_executed_units|Done|SUMMARY|panicked|ERROR' >&2
done
