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
  targets=(scenario header_lists fetch http_head)
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

mkdir -p corpus/http_head
if [ -z "$(ls -A corpus/http_head)" ] && command -v python3 >/dev/null 2>&1; then
  python3 - ../tests/corpus/*.jsonl ../tests/cases/*.jsonl <<'PY'
import json, os, sys
# The first byte of an input picks how the target splits the rest into reads.
seen = set()
for path in sys.argv[1:]:
    base = os.path.basename(path).rsplit(".", 1)[0]
    for n, line in enumerate(open(path, encoding="utf-8")):
        try:
            scenario = json.loads(line)
        except ValueError:
            continue
        for answers in (scenario.get("server") or {}).values():
            for kind, r in answers.items():
                head = "HTTP/1.1 %d X\r\n" % r["status"]
                head += "".join("%s: %s\r\n" % (k, v) for k, v in r.get("headers") or [])
                data = head.encode("latin-1", "replace") + b"Content-Length: 0\r\n\r\n"
                if data in seen or len(seen) >= 600:
                    continue
                seen.add(data)
                with open("corpus/http_head/%s-%d-%s" % (base, n, kind), "wb") as f:
                    f.write(bytes([len(seen) % 64]) + data)
PY
fi
if [ -z "$(ls -A corpus/http_head)" ]; then
  printf '\007HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nVary: Origin\r\n\r\n' > corpus/http_head/seed-200
  printf '\003HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n' > corpus/http_head/seed-103
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
