#!/usr/bin/env bash
# test.sh - the playground's end-to-end tests in headless Chromium.
#
#   bash web/test.sh [node --test options, e.g. --test-name-pattern=gallery]
#
# 1. puts the wasm engine in web/pkg/ (web/build.sh: copies crates/corsim-wasm/pkg,
#    building it first when it is missing or older than the Rust sources);
# 2. installs what is missing, skipping what is present: Debian's chromium
#    (apt-get; it is never downloaded any other way) and playwright-core (npm ci in
#    web/tests);
# 3. serves web/ on a loopback port and drives /usr/bin/chromium through the tests
#    in web/tests/*.test.mjs. Screenshots and figures go to web/test-artifacts/.
# Before the browser tests, web/check-engine-only.sh checks that web/ states no
# CORS rule, reason text or fix logic of its own (counted as one test).
#
# Ends with `web: N passed, M failed` and a cargo-style `test result:` line (which
# .ci/run adds to its totals). Exit status 0 only when every test passed.
set -uo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
start=$(date +%s.%N)

log() { printf '[web/test] %s\n' "$*" >&2; }

finish() {   # finish PASSED FAILED
  local pass="$1" fail="$2" status=ok secs
  [ "$fail" = 0 ] || status=FAILED
  secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
  echo "web: $pass passed, $fail failed"
  echo "test result: $status. $pass passed; $fail failed; 0 ignored; 0 measured; 0 filtered out; finished in ${secs}s"
  [ "$fail" = 0 ]
  exit
}

# 1. The engine.
if ! bash "$WEB/build.sh"; then
  log "error: the wasm engine could not be built or copied (see above)"
  finish 0 1
fi

# 2. web/ states no CORS rule of its own (every decision, reason and fix is the
#    engine's): one more test, counted in the totals.
rules_pass=1; rules_fail=0
if ! bash "$WEB/check-engine-only.sh"; then rules_pass=0; rules_fail=1; fi

# 3. Chromium (Debian's package) and playwright-core.
if [ ! -x "$CHROMIUM" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  log "installing Debian's chromium"
  if ! { $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq &&
         DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; }; then
    log "error: could not install chromium"
    finish 0 1
  fi
fi
want=$(sed -n 's/.*"playwright-core": "\([^"]*\)".*/\1/p' "$WEB/tests/package.json")
have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$WEB/tests/node_modules/playwright-core/package.json" 2>/dev/null)
if [ "$have" != "$want" ]; then
  log "npm ci (playwright-core $want) in web/tests"
  if ! (cd "$WEB/tests" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    log "error: npm ci failed"
    finish 0 1
  fi
fi

# 4. The tests.
tap=$(mktemp)
cd "$WEB/tests"
CHROMIUM_PATH="$CHROMIUM" node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "$@" ./*.test.mjs
status=$?
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
rm -f "$tap"
pass=$(( ${pass:-0} + rules_pass ))
fail=$(( ${fail:-0} + ${cancelled:-0} + rules_fail ))
if [ "$status" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
[ -f "$WEB/test-artifacts/figures.json" ] && log "screenshots and figures: web/test-artifacts/"
finish "$pass" "$fail"
