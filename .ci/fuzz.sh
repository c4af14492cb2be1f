#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of outside input (not part of the test command):
#   .ci/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     default 600 s each, every target
# Needs the nightly toolchain (installed beside stable) and cargo-fuzz (installed here when
# missing, from crates.io). Seeds come from the repository's own files and ../shared/xlsforms.
# A crash or a hang (10 s for one input) stops that target and leaves the input in
# app/fuzz/artifacts/<target>/; make it a regression test. Prints executions and findings.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(expression definition_json workbook source_csv register)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> Installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

fuzz=app/fuzz
seed() {
  local target=$1; shift
  mkdir -p "$fuzz/corpus/$target"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$fuzz/corpus/$target/" || true; done
}
seed expression "$fuzz/seeds/expression/"*
seed definition_json server/questionnaires/*.json
seed workbook ../shared/xlsforms/*.xlsx ../shared/xlsforms/*.xls app/src/backend/spreadsheet/testdata/*.xls
seed source_csv server/demo/*-demo.csv
seed register server/demo/institutions.csv

summary=()
for target in "${targets[@]}"; do
  log="$fuzz/artifacts/$target.log"
  mkdir -p "$fuzz/artifacts/$target"
  echo "==> $target: $seconds s"
  status=0
  cargo +nightly fuzz run --fuzz-dir "$fuzz" "$target" "$fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=1048576 \
    -artifact_prefix="$fuzz/artifacts/$target/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  found=$(find "$fuzz/artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  summary+=("$target: ${execs:-?} executions, $found findings (exit $status)")
done
printf '%s\n' "${summary[@]}"
