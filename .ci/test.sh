#!/usr/bin/env bash
# The README's test command: every test. Unit and integration tests (each integration test on a
# fresh SQLite file and a fresh PostgreSQL database), then Playwright journeys in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup.sh --test
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Databases left by earlier runs.
psql -h 127.0.0.1 -U postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'miv_test_%'" postgres \
  | while read -r db; do psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$db\"" postgres; done
rm -f "${TMPDIR:-/tmp}"/miv_test_*.sqlite*

say "Formatting and lints"
cargo fmt --all -- --check
cargo clippy -p app -p server -p migrations --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --no-default-features --features survey -- -D warnings

# The README's run command builds a release. Release builds are not type-erased, so a view that
# compiles in debug can still fail there: build it first (the debug build after it
# puts the debug WASM back in target/site for the journeys).
say "Release build (the README's run command)"
PATH="$PWD/end2end/node_modules/.bin:$PATH" cargo leptos build --release

# One debug build serves all steps: cargo-leptos builds with `--cfg erase_components`, and the
# tests use the same flags so nothing is compiled twice.
say "Building (server and WASM)"
cargo leptos build
.ci/survey.sh
say "Unit and integration tests (SQLite and PostgreSQL; mail against a real SMTP server)"
export MIV_TEST_PYTHON="${MIV_VENV:-/var/tmp/miv-venv}/bin/python3"
RUSTFLAGS="--cfg erase_components" cargo test -p app -p server -p migrations --lib --bins --tests

say "End-to-end journeys (Playwright, Chromium)"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export SERVER_BIN="$target_dir/debug/server"
(cd end2end && npx playwright test)
