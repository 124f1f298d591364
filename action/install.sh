#!/usr/bin/env bash
# Install flagdebt into ~/.cache/flagdebt-action (cached by the previous step) and put it on
# the PATH of the next steps. A cache hit skips the build.
set -euo pipefail
root="$HOME/.cache/flagdebt-action"
bin="$root/bin/flagdebt"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "flagdebt: cached $("$bin" --version)"
else
  if ! command -v cargo >/dev/null; then
    echo "::error title=flagdebt::cargo is needed to build flagdebt (use dtolnay/rust-toolchain or a runner with Rust)"
    exit 2
  fi
  if [ -n "${INPUT_VERSION:-}" ]; then
    cargo install --locked --root "$root" flagdebt --version "$INPUT_VERSION"
  else
    cargo install --locked --root "$root" --path "$GITHUB_ACTION_PATH"
  fi
fi
echo "$root/bin" >> "$GITHUB_PATH"
