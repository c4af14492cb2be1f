#!/usr/bin/env bash
# Builds everything `server serve` needs, with plain cargo (no cargo-leptos): the server (release),
# the app's WASM (researchers' and administrators' pages), the survey module (coordinators' survey
# pages) and the stylesheet, into target/site/pkg. The README's run command and the test command
# both run it, so a newcomer who runs both builds the release once.
#   .ci/build.sh            everything
#   TIMINGS=1 .ci/build.sh  also writes cargo's build timings (target/cargo-timings/)
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-bindgen where .ci/setup.sh installed it, wasm-opt from npm's binaryen.
export PATH="$PWD/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
pkg=target/site/pkg
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/frontend.wasm"
timings=()
if [ -n "${TIMINGS:-}" ]; then timings=(--timings); fi
mkdir -p "$pkg"

# One WASM build of `frontend` with `features`, bound and optimised as pkg/<name>.js and
# pkg/<name>_bg.wasm. Both modules use one profile, so their dependencies are compiled once (cargo
# then relinks `frontend` each time its features change: the binding and optimising are skipped
# when the linked module is the one they were last run on).
module() {
  local name=$1 features=$2 input="$target_dir/wasm-inputs/$1.wasm"
  cargo build "${timings[@]}" -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features "$features"
  if cmp -s "$wasm" "$input" && [ -f "$pkg/$name.js" ]; then return; fi
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name "$name" "$wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/${name}_bg.wasm" -o "$pkg/${name}_bg.wasm"
  mkdir -p "$(dirname "$input")"
  cp "$wasm" "$input"
}

# The server and the WASM build side by side: each keeps a core busy through the other's
# single-threaded stretches (linking, LTO).
say "Building the server (release) and the WASM modules"
cargo build "${timings[@]}" --release -p server --bin server &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
module survey survey
module miv app-entry
# The hydration script asks for pkg/miv.wasm (the server is built with LEPTOS_OUTPUT_NAME=miv).
if [ -f "$pkg/miv_bg.wasm" ]; then mv "$pkg/miv_bg.wasm" "$pkg/miv.wasm"; fi
cp -p style/main.css "$pkg/miv.css"   # its time too: compressed copies of an unchanged file stay
wait "$server"
trap - EXIT
say "Built $target_dir/release/server and $pkg"
