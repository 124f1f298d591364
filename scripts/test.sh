#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need (the SARIF
# validator from npm, headless Chromium from Debian, PostgreSQL from Debian and Unleash from npm
# for the live provider tests, pre-commit from PyPI), starts the real Unleash server on 127.0.0.1,
# runs the checks and every test, and
# stops the server. Usage: scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log() { printf '[test.sh] %s\n' "$*" >&2; }

# 1. The SARIF validator (Microsoft's SARIF Multitool), used by tests/sarif.rs.
export SARIF_MULTITOOL="$root/.cache/sarif/node_modules/.bin/sarif-multitool"
if [ ! -x "$SARIF_MULTITOOL" ]; then
  log "installing @microsoft/sarif-multitool from npm"
  mkdir -p .cache/sarif
  npm install --silent --no-audit --no-fund --prefix .cache/sarif @microsoft/sarif-multitool >&2
fi

# 1b. Headless Chromium (Debian `chromium`), used by tests/report_html.rs to open the HTML
# weekly report.
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium from Debian"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi

# 1c. pre-commit from PyPI, for tests/precommit.rs (`pre-commit try-repo` on the hooks).
if ! command -v pre-commit >/dev/null; then
  log "installing pre-commit from PyPI"
  python3 -m pip install --quiet --user pre-commit >&2 || python3 -m pip install --quiet --user --break-system-packages pre-commit >&2
  export PATH="$(python3 -m site --user-base)/bin:$PATH"
fi

# 2. A real Unleash server for tests/provider_unleash_live.rs.
if [ -x scripts/unleash/up.sh ]; then
  envfile="$root/.cache/unleash/env"
  scripts/unleash/up.sh "$envfile"
  trap 'scripts/unleash/down.sh "$envfile" || true' EXIT
  scripts/unleash/seed.sh "$envfile"
  export FLAGDEBT_UNLEASH_ENV="$envfile"
fi

# 3. Style, lints and every test.
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
log "cargo test"
cargo test --all-targets --no-fail-fast "$@"

# 4. Fuzzing, briefly (each target a few seconds, so a regression shows; fuzz/run.sh 3600 by
# hand runs them long). Its own Cargo workspace: the build above never sees it.
# FLAGDEBT_FUZZ_SECS=0 leaves it out.
if [ "${FLAGDEBT_FUZZ_SECS:-10}" != 0 ]; then
  log "fuzz (${FLAGDEBT_FUZZ_SECS:-10}s per target)"
  fuzz/run.sh "${FLAGDEBT_FUZZ_SECS:-10}"
fi
