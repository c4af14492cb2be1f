#!/usr/bin/env bash
# The README's run command: installs what is missing, builds a release (.ci/build.sh), migrates the
# embedded SQLite database (data/miv.sqlite), loads demo data on first start and serves
# http://127.0.0.1:3000, printing the URL and the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup.sh
.ci/build.sh
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export LEPTOS_ENV=PROD
exec "$target_dir/release/server" serve --demo
