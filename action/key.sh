#!/usr/bin/env bash
# The cache key of the flagdebt binary: the runner, and the version asked for or the action's
# own Cargo.lock and sources (hashFiles cannot read outside the workspace, so hash here).
set -euo pipefail
if [ -n "${INPUT_VERSION:-}" ]; then
  what="crates-${INPUT_VERSION}"
else
  what="src-$(cd "$GITHUB_ACTION_PATH" && cat Cargo.lock Cargo.toml $(find src rules -type f | sort) | sha256sum | cut -c1-20)"
fi
echo "key=flagdebt-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-${what}" >> "$GITHUB_OUTPUT"
