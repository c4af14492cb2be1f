#!/usr/bin/env bash
# Measures what the foundation promises, on the release build (`bash .ci/serve.sh` or
# `.ci/build.sh` builds it): cold start to the first /health answer on a new SQLite file, idle
# memory, and for every page a coordinator sees (and a few of the researcher's and administrator's)
# what a first visit transfers (brotli) and when it is interactive in Chromium. One line per number.
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
for path in /pkg/miv.css /pkg/miv.js /pkg/miv.wasm /pkg/survey.js /pkg/survey_bg.wasm; do
  raw=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  br=$(curl -s -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  echo "module file $path: $raw bytes raw, $br bytes brotli"
done

# Every page a coordinator sees, on a demo database (an open round 2026, the 2025 answers
# submitted), and some pages of the researcher and the administrator (who load the whole app).
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -rf "${dir:?}"/*
DATABASE_URL="sqlite://$dir/miv.sqlite" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD RUST_LOG=warn "$bin" serve --demo > "$dir/log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do sleep 0.05; done
wait_for_copies
# Logs in as the demo user `$1` and prints the session cookie.
session() {
  local password
  password=$(awk -v who="$1" '$2 == who {print $3}' "$dir/demo-logins.txt")
  curl -s -c "$dir/cookies-$1" -o /dev/null -H 'Accept: application/json' \
    --data-urlencode "email=$1" --data-urlencode "password=$password" "http://127.0.0.1:$port/api/login"
  awk '/miv_session/ {print $7}' "$dir/cookies-$1"
}
coordinator=$(session coordinator@miv.local)
researcher=$(session onderzoeker@miv.local)
admin=$(session admin@miv.local)
read -r open submitted < <(curl -s -b "miv_session=$coordinator" -X POST -H 'Accept: application/json' \
  "http://127.0.0.1:$port/api/my_responses" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(next(r["id"] for r in rows if r["open"]), next(r["id"] for r in rows if r["status"] == "submitted"))')
{
  printf 'coordinator: login\t/inloggen\t-\n'
  printf 'coordinator: home\t/\t%s\n' "$coordinator"
  printf 'coordinator: survey overview\t/vragenlijst/%s\t%s\n' "$open" "$coordinator"
  printf 'coordinator: survey section\t/vragenlijst/%s/deel/beleid\t%s\n' "$open" "$coordinator"
  printf 'coordinator: review\t/vragenlijst/%s/controle\t%s\n' "$open" "$coordinator"
  printf 'coordinator: read-only copy\t/vragenlijst/%s\t%s\n' "$submitted" "$coordinator"
  printf 'coordinator: comparison\t/vragenlijst/%s/vergelijking\t%s\n' "$submitted" "$coordinator"
  printf 'coordinator: institution\t/instellingen/25PX\t%s\n' "$coordinator"
  printf 'coordinator: fact sheet\t/instellingen/25PX/feitenblad\t%s\n' "$coordinator"
  printf 'coordinator: account\t/account\t%s\n' "$coordinator"
  printf 'researcher: analysis\t/analyse\t%s\n' "$researcher"
  printf 'admin: home\t/\t%s\n' "$admin"
  printf 'admin: rounds\t/beheer/rondes\t%s\n' "$admin"
} > "$dir/pages.tsv"
(cd end2end && node measure/pages.mjs "http://127.0.0.1:$port" "$dir/pages.tsv")
