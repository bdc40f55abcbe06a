#!/usr/bin/env bash
# Time `corsim run` over a large corpus (the recorded Chromium one repeated to
# about a million lines) against merely parsing the same file with serde_json,
# single-threaded and on every core, in one run. Prints the seconds and ratios.
#
#   bash benches/run-vs-parse.sh [LINES]   (default 1000000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINES="${1:-1000000}"
cd "$ROOT"
cargo build --release -q -p corsim-cli
cargo build --release -q -p corsim-benches --example parse_only
BIG="$ROOT/target/bench-corpus-$LINES.jsonl"
if [ ! -f "$BIG" ]; then
  src=tests/corpus/chromium-156-public.jsonl
  n=$(wc -l < "$src")
  reps=$(( (LINES + n - 1) / n ))
  # `head` stops reading early, so the loop ends on SIGPIPE: not a failure.
  { for _ in $(seq "$reps"); do cat "$src"; done || true; } | head -n "$LINES" > "$BIG" || true
  [ "$(wc -l < "$BIG")" = "$LINES" ] || { echo "could not write $BIG" >&2; rm -f "$BIG"; exit 1; }
fi
secs() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'; }
best() { local b=""; for _ in 1 2 3; do t=$(secs "$@"); if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi; done; echo "$b"; }
parse=$(best target/release/examples/parse_only "$BIG")
one=$(best target/release/corsim run --jobs 1 "$BIG")
all=$(best target/release/corsim run "$BIG")
cores=$(nproc)
echo "lines: $(wc -l < "$BIG") ($(du -h "$BIG" | cut -f1)), best of 3 runs each"
echo "serde_json parse only:        ${parse} s"
echo "corsim run, 1 thread:         ${one} s   ($(awk -v a="$one" -v b="$parse" 'BEGIN { printf "%.2f", a / b }')x the parse)"
echo "corsim run, $cores threads:        ${all} s   ($(awk -v a="$all" -v b="$parse" 'BEGIN { printf "%.2f", a / b }')x the parse, $(awk -v a="$one" -v b="$all" 'BEGIN { printf "%.2f", a / b }')x faster than 1 thread)"
