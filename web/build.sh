#!/usr/bin/env bash
# build.sh - put the corsim WebAssembly engine where the playground loads it (web/pkg/).
#
#   bash web/build.sh
#
# The engine is crates/corsim-wasm's npm package (its web/ ES module build).
# If crates/corsim-wasm/pkg/web is missing, or older than the Rust sources it
# is built from, it is (re)built with crates/corsim-wasm/build-wasm.sh
# (setup + build: Debian's rustc-web toolchain, wasm-bindgen, wasm-opt; many
# minutes on a fresh machine). Then the two files of its explain module are
# copied to web/pkg/: the playground shows an explanation, a preset's server
# model and a pasted message read back, which the core module leaves out.
#
# Knobs: CORSIM_WASM_PKG (a built package to copy from instead),
#        WEB_WASM_REBUILD=auto|never|always (default auto).
set -euo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$WEB/.." && pwd)"
SRC="${CORSIM_WASM_PKG:-$ROOT/crates/corsim-wasm/pkg}"
MODE="${WEB_WASM_REBUILD:-auto}"
MODULE=corsim_explain
FILES=("$MODULE.js" "${MODULE}_bg.wasm")

log() { printf '[web/build] %s\n' "$*" >&2; }

stale() {   # the package is missing, or a Rust source it is built from is newer
  [ -f "$SRC/web/${MODULE}_bg.wasm" ] || return 0
  [ -n "${CORSIM_WASM_PKG:-}" ] && return 1   # an explicitly given package is taken as is
  [ -n "$(find "$ROOT/crates/corsim/src" "$ROOT/crates/corsim-wasm/src" "$ROOT/crates/corsim-wasm/Cargo.toml" \
      -newer "$SRC/web/${MODULE}_bg.wasm" -print -quit 2>/dev/null)" ]
}

if [ "$MODE" = always ] || { [ "$MODE" = auto ] && stale; }; then
  [ -f "$ROOT/crates/corsim-wasm/build-wasm.sh" ] || { log "error: no crates/corsim-wasm/build-wasm.sh to build the engine with"; exit 1; }
  log "building the wasm package (crates/corsim-wasm/build-wasm.sh setup + build)"
  bash "$ROOT/crates/corsim-wasm/build-wasm.sh" setup >&2
  bash "$ROOT/crates/corsim-wasm/build-wasm.sh" build >&2
fi
[ -f "$SRC/web/${MODULE}_bg.wasm" ] || { log "error: no wasm package at $SRC/web"; exit 1; }

mkdir -p "$WEB/pkg"
for f in "${FILES[@]}"; do
  if ! cmp -s "$SRC/web/$f" "$WEB/pkg/$f"; then cp "$SRC/web/$f" "$WEB/pkg/$f"; fi
done
log "web/pkg: $(stat -c %s "$WEB/pkg/${MODULE}_bg.wasm") bytes of wasm, from $SRC/web"
