#!/usr/bin/env bash
# Installs what building and testing MIV-mbo needs, only where it is missing. Safe to run again.
#   .ci/setup.sh          build tools (wasm target, wasm-bindgen, npm's binaryen for wasm-opt)
#   .ci/setup.sh --test   also Chromium (Debian), a running PostgreSQL and the SMTP test server
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"   # where cargo install puts wasm-bindgen

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# The build (.ci/build.sh) needs wasm-bindgen and wasm-opt; cargo-leptos is not needed (it is only
# the optional development loop, see README "Build times"). wasm-bindgen is compiled at opt-level 1:
# half the compile time of the default (2 min 10 s against 4 min 19 s on 2 cores), and it still
# binds the app's module in about a second.
wbg=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  say "Installing wasm-bindgen-cli $wbg (matches Cargo.lock; a few minutes once)"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "$wbg"
fi
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ]; then
  say "Installing npm packages (binaryen's wasm-opt; Playwright and axe-core for the journeys)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [ "${1:-}" = "--test" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Chromium from Debian"
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  fi
  # The PDF tests read the copies back (pdftotext) and check them (qpdf --check).
  if [ ! -x /usr/bin/pdftotext ] || [ ! -x /usr/bin/qpdf ]; then
    say "Installing poppler-utils and qpdf from Debian"
    apt-get update -qq && apt-get install -y -qq poppler-utils qpdf >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # The SMTP server the mail tests and the mail benchmark start (aiosmtpd), and schemathesis,
  # which the API tests run against the OpenAPI document: one venv.
  venv="${MIV_VENV:-/var/tmp/miv-venv}"
  if ! "$venv/bin/python3" -c 'import aiosmtpd, schemathesis, jsonschema' 2>/dev/null; then
    say "Installing the SMTP test server (aiosmtpd), schemathesis and jsonschema in $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r server/tests/smtp/requirements.txt -r server/tests/api/requirements.txt
  fi
fi
