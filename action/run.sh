#!/usr/bin/env bash
# Run flagdebt the way the action promises: annotations (errors first, a notice naming how
# many are not shown), a Markdown job summary (findings, the flags the change adds and
# removes, owners), optional SARIF, outputs, and the step's verdict from `fail-on`.
set -uo pipefail
cd "${GITHUB_WORKSPACE:-.}"

opts=()
[ -n "${INPUT_CONFIG:-}" ] && opts+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && opts+=(--baseline "$INPUT_BASELINE")
base="${INPUT_DIFF_BASE:-}"
if [ -n "$base" ] && [ "$base" != "none" ]; then
  # A pull request's base is a branch name: use the remote's copy when there is no local one.
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    if git rev-parse --verify --quiet "origin/$base^{commit}" >/dev/null; then
      base="origin/$base"
    else
      git fetch --quiet --no-tags origin "$base" && base=FETCH_HEAD
    fi
  fi
  opts+=(--diff "$base")
fi
# shellcheck disable=SC2206 # space-separated lists, as documented
extra=(${INPUT_ARGS:-})
# shellcheck disable=SC2206
paths=(${INPUT_PATH:-.})

out="${RUNNER_TEMP:-/tmp}/flagdebt-$$"
mkdir -p "$out"
scan() { flagdebt scan "${opts[@]}" "${extra[@]}" --exit-zero "$@" "${paths[@]}"; }

# The first run fetches provider state once; the others reuse it.
state=()
if scan --quiet --format json --output-file "$out/report.json" --write-state "$out/state.json" 2>"$out/stderr"; then
  [ -f "$out/state.json" ] && state=(--state "$out/state.json")
elif grep -q -- "--write-state" "$out/stderr" && scan --quiet --format json --output-file "$out/report.json" 2>"$out/stderr"; then
  : # --state/--offline among the args: no state to write
else
  cat "$out/stderr" >&2
  echo "::error title=flagdebt::$(tail -n 1 "$out/stderr")"
  exit 2
fi
cat "$out/stderr" >&2
opts+=("${state[@]}")

# Annotations: errors first, at most 10 per level, then how many were not shown.
scan --quiet --format github
# The job summary.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  scan --quiet --format markdown >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${INPUT_SARIF:-}" ]; then
  scan --quiet --format sarif --output-file "$INPUT_SARIF"
fi

python3 - "$out/report.json" "${INPUT_FAIL_ON:-error}" "${INPUT_SARIF:-}" <<'PY' || exit $?
import json, os, sys
report, fail_on, sarif = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(report))
counts = doc["summary"]["findings"]
change = doc.get("change") or {}
outputs = {
    "errors": counts["error"],
    "warnings": counts["warning"],
    "findings": counts["error"] + counts["warning"] + counts["info"],
    "flags-added": len(change.get("declared", [])),
    "flags-removed": len(change.get("unread", [])),
    "sarif": sarif,
}
with open(os.environ.get("GITHUB_OUTPUT", os.devnull), "a") as f:
    for k, v in outputs.items():
        f.write(f"{k}={v}\n")
levels = {"error": ["error"], "warning": ["error", "warning"], "info": ["error", "warning", "info"], "never": []}
if fail_on not in levels:
    print(f"::error title=flagdebt::fail-on must be error, warning, info or never, not `{fail_on}`")
    sys.exit(2)
n = sum(counts[l] for l in levels[fail_on])
if n:
    print(f"flagdebt: {n} finding(s) at {fail_on} level or above")
    sys.exit(1)
PY
