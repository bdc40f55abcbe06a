#!/usr/bin/env bash
# Run corsim's fuzz targets on a stable toolchain.
#
#   fuzz/run.sh [SECONDS] [TARGET...]   (default: 60 s each, every target)
#
# cargo-fuzz needs nightly-only flags (-Zsanitizer); RUSTC_BOOTSTRAP=1 lets
# the stable compiler accept them. Seeds for `scenario` are the recorded
# scenario lines of tests/corpus and tests/cases.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(scenario header_lists fetch)
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
mkdir -p target

mkdir -p corpus/scenario
if [ -z "$(ls -A corpus/scenario)" ]; then
  for f in ../tests/corpus/*.jsonl ../tests/cases/*.jsonl; do
    [ -f "$f" ] || continue
    awk -v base="corpus/scenario/$(basename "$f" .jsonl)" 'NR <= 200 { print > (base "-" NR) }' "$f"
  done
fi

status=0
crashed=0
start=$(date +%s)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: ${secs}s"
  if ! cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 2>&1 \
      | tee "target/fuzz-$t.log" | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|thread .* panicked)'; then
    :
  fi
  if grep -qE 'SUMMARY|panicked|deadly signal|Test unit written' "target/fuzz-$t.log"; then
    echo "== $t: FOUND A CRASH, see fuzz/artifacts/$t and fuzz/target/fuzz-$t.log"
    status=1
    crashed=$((crashed + 1))
  fi
done
# One line per run in cargo's form, so CI counts each target as a test.
result=ok; [ "$status" = 0 ] || result=FAILED
echo "fuzz: $(( ${#targets[@]} - crashed )) passed, $crashed failed"
echo "test result: $result. $(( ${#targets[@]} - crashed )) passed; $crashed failed; 0 ignored; 0 measured; 0 filtered out; finished in $(( $(date +%s) - start )).00s"
exit $status
