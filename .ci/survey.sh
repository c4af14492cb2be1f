#!/usr/bin/env bash
# Builds the survey module (crate `frontend`, feature `survey`) into target/site/pkg/survey*.
# The coordinator's survey pages load it instead of the whole hydrated app: the same questionnaire
# rules in a fraction of the size. Run after `cargo leptos build` (which fills target/site).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile survey \
  --no-default-features --features survey
mkdir -p target/site/pkg
wasm-bindgen --target web --no-typescript --out-dir target/site/pkg --out-name survey \
  "$target_dir/wasm32-unknown-unknown/survey/frontend.wasm"
end2end/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  target/site/pkg/survey_bg.wasm -o target/site/pkg/survey_bg.wasm
