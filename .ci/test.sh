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

# The release that the README's run command builds (after one command the other finds it built).
# The tests run on that release too: they reuse its compiled dependencies, app and server (the
# server turns on the features its tests' reqwest needs, see server/Cargo.toml), and they test
# the code as users run it.
.ci/build.sh
say "Unit and integration tests (SQLite and PostgreSQL; mail against a real SMTP server)"
export MIV_TEST_PYTHON="${MIV_VENV:-/var/tmp/miv-venv}/bin/python3"
cargo test --release -p app -p server -p migrations --lib --bins --tests

say "End-to-end journeys (Playwright, Chromium)"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# The journeys run what users get: the release server with the release WASM.
export SERVER_BIN="$target_dir/release/server"
(cd end2end && npx playwright test)
