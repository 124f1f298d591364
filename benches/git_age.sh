#!/usr/bin/env bash
# Flag age from git on a generated history: time `flagdebt report` (one `git log -p` pass for
# every key) against the same scan without git, and check the first appearance and "added by"
# of a sample of keys against `git log -S` run per key (what flagdebt does not do).
#   benches/git_age.sh [COMMITS=10000] [FLAGS=400]
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
flags=${2:-400}
bin=${FLAGDEBT:-target/release/flagdebt}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 benches/gen_history.py "$dir/repo" --commits "$commits" --flags "$flags"
echo "history: $(git -C "$dir/repo" rev-list --count HEAD) commits, $flags flags"
cp -r "$dir/repo" "$dir/nogit" && rm -rf "$dir/nogit/.git"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
for i in 1 2 3; do
  echo "report with git:    $(cd "$dir/repo" && t "$OLDPWD/$bin" report --today 2026-01-01 --format json -o "$dir/r.json") s"
  echo "report without git: $(cd "$dir/nogit" && t "$OLDPWD/$bin" report --today 2026-01-01 --format json -o "$dir/n.json") s"
done
# The sample: 20 keys read at HEAD; flagdebt's sheet vs git log -S per key.
ok=0; n=0; s0=$(date +%s.%N)
keys=$(grep -rhoE 'flag_[0-9]{4}' "$dir/repo" --include='*.py' --include='*.go' --include='*.ts' | sort -u | head -20 || true)
for k in $keys; do
  want=$(git -C "$dir/repo" log --reverse --format='%ad %an' --date=short -S"\"$k\"" -- '*.py' '*.go' '*.ts' | head -1 || true)
  got=$(cd "$dir/repo" && "$OLDPWD/$bin" sheet "$k" --today 2026-01-01 --format json |
        python3 -c 'import json,sys; h=json.load(sys.stdin)["history"]; print(h["first_seen"], h["added_by"])')
  n=$((n + 1)); [ "$want" = "$got" ] && ok=$((ok + 1)) || echo "differs: $k git-S=[$want] flagdebt=[$got]"
done
e0=$(date +%s.%N)
echo "first appearance and added-by agree with git log -S on $ok of $n sampled keys"
# What one git log -S per key would cost, for comparison.
s1=$(date +%s.%N)
for k in $keys; do git -C "$dir/repo" log --format=%H -S"\"$k\"" -- '*.py' '*.go' '*.ts' >/dev/null; done
e1=$(date +%s.%N)
echo "git log -S, one per key, $n keys: $(echo "$e1 - $s1" | bc) s (x$flags/$n for every key)"
