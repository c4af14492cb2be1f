#!/usr/bin/env bash
# Measures what the foundation promises, on the release build (`bash .ci/serve.sh` builds it):
# cold start to the first /health answer on a new SQLite file, idle memory, and the compressed
# size of everything a first page load transfers. Prints one line per number.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/server"
port=3300
dir=$(mktemp -d)
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$dir"' EXIT
# Starts the server in this shell (so $pid is known) and sets $ms to the time until /health answers.
start_server() {
  local t0; t0=$(date +%s%N)
  DATABASE_URL="sqlite://$dir/miv.sqlite" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD RUST_LOG=warn "$bin" serve > "$dir/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do sleep 0.005; done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
# serve writes the brotli copies of /pkg in the background (README, "Using the server binary"):
# the sizes are those of the copies.
wait_for_copies() {
  for _ in $(seq 1 600); do
    [ -f target/site/pkg/survey_bg.wasm.br ] && [ -f target/site/pkg/miv.wasm.br ] && return
    sleep 0.1
  done
}
start_server
echo "cold start to /health (new SQLite file, migrations, first admin): $ms ms"
kill "$pid"; wait "$pid" 2>/dev/null || true
start_server
echo "start to /health (existing database): $ms ms"
wait_for_copies
sleep 2
echo "idle memory: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status) RSS"
total=0
for path in /inloggen /pkg/miv.css /pkg/miv.js /pkg/miv.wasm; do
  raw=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  br=$(curl -s -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  total=$((total + br))
  echo "first load $path: $raw bytes raw, $br bytes brotli"
done
echo "first page load, compressed total: $total bytes"

# The coordinator's survey page (issue 4): a demo database, logged in as the demo coordinator.
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -rf "$dir"/*
DATABASE_URL="sqlite://$dir/miv.sqlite" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD RUST_LOG=warn "$bin" serve --demo > "$dir/log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do sleep 0.05; done
wait_for_copies
password=$(awk '/coordinator@miv.local/ {print $3}' "$dir/demo-logins.txt")
curl -s -c "$dir/cookies" -o /dev/null -H 'Accept: application/json' \
  --data-urlencode 'email=coordinator@miv.local' --data-urlencode "password=$password" \
  "http://127.0.0.1:$port/api/login"
id=$(curl -s -b "$dir/cookies" -X POST -H 'Accept: application/json' "http://127.0.0.1:$port/api/my_responses" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
page="/vragenlijst/$id/deel/beleid"
total=0
for path in "$page" /pkg/miv.css /pkg/survey.js /pkg/survey_bg.wasm; do
  raw=$(curl -s -b "$dir/cookies" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  br=$(curl -s -b "$dir/cookies" -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  total=$((total + br))
  echo "survey page $path: $raw bytes raw, $br bytes brotli"
done
echo "survey page first load, compressed total: $total bytes (goal ≤ 225280)"
cookie=$(awk '/miv_session/ {print $7}' "$dir/cookies")
(cd end2end && node measure/interactive.mjs "http://127.0.0.1:$port$page" "$cookie")
