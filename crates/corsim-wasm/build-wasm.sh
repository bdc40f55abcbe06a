#!/usr/bin/env bash
# build-wasm.sh - build, package and test corsim's WebAssembly/JavaScript package.
#
#   bash crates/corsim-wasm/build-wasm.sh [setup|build|test|bench|all]   (default: all)
#
#   setup  install what a wasm32 build needs, each piece skipped when present:
#          Debian's rustc-web/cargo-web/rust-web-src (Rust 1.96, std sources for
#          -Zbuild-std), lld-<LLVM major> (wasm-ld), chromium + chromium-driver (browser
#          tests), wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version
#          (`cargo install`), wasm-opt from npm's binaryen (Debian's 108 breaks the output),
#          TypeScript from npm (the tests type-check the generated .d.ts).
#   build  two modules, each cargo build (wasm32, release) -> wasm-bindgen (web + nodejs)
#          -> wasm-opt -Os -> crates/corsim-wasm/pkg/ (package.json, README.md, web/, node/):
#          corsim_wasm (the package's core entry `corsim`: no default features) and
#          corsim_explain (`corsim/explain`: the `explain` feature, everything).
#   test   wasm-bindgen-test tests under node and in headless Chromium, then the Node
#          tests in js-tests/ against pkg/node (corpus identical to `corsim run`, bad input,
#          the PreflightCache class). Each suite ends with a `test result:` line.
#   bench  the Node micro-benchmark: per-scenario cost through wasm vs native `corsim run`.
#   all    setup + build + test.
#
# Knobs (environment): WASM_TOOLCHAIN (rustup name for Debian's toolchain, default
# debian-web), WASM_TOOLS_ROOT (cargo install root, default ${CARGO_HOME:-~/.cargo}),
# WASM_NPM_PREFIX (npm prefix for binaryen, default ~/.local/share/wasm-tools),
# BINARYEN_VERSION (default 132.0.0), WASM_TARGET_DIR (default <workspace>/target/wasm),
# WASM_BROWSER_TESTS (1 = also run the wasm-bindgen tests in headless Chromium; default 1),
# WASM_JOBS (cargo -j for the wasm builds, default 2), WASM_CORE_OPT_LEVEL (default 2:
# 2.6x as fast as z on the corpus for 21% more gzipped bytes) and WASM_EXPLAIN_OPT_LEVEL
# (default z: the playground's module, where size counts), WASM_CORE_STD_FEATURES (std's
# build features for the core module, default optimize_for_size) and WASM_CORE_RUSTFLAGS
# (default none): without optimize_for_size, or with +simd128, the core was 15 KB larger
# gzipped and no faster beyond noise (benches/README.md).
#
# The wasm-only environment (RUSTC_BOOTSTRAP, CARGO_UNSTABLE_BUILD_STD, the wasm32 linker
# and runner, the release profile: opt-level per module (above), LTO, one codegen unit, std
# built with optimize_for_size; panics
# abort at once, without formatting a message nobody would see: wasm32-unknown-unknown
# has no stderr) is passed to the wasm32 cargo commands only
# (`wasm_cargo` below) and never exported, so native builds keep rustup's stable toolchain.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CRATE=corsim-wasm
LIB=corsim_wasm
EXPLAIN=corsim_explain
PKG="$HERE/pkg"
WASM_TOOLCHAIN="${WASM_TOOLCHAIN:-debian-web}"
WASM_TOOLS_ROOT="${WASM_TOOLS_ROOT:-${CARGO_HOME:-$HOME/.cargo}}"
WASM_NPM_PREFIX="${WASM_NPM_PREFIX:-$HOME/.local/share/wasm-tools}"
BINARYEN_VERSION="${BINARYEN_VERSION:-132.0.0}"
TYPESCRIPT_VERSION="${TYPESCRIPT_VERSION:-5.9.3}"
WASM_TARGET_DIR="${WASM_TARGET_DIR:-$ROOT/target/wasm}"
WASM_BROWSER_TESTS="${WASM_BROWSER_TESTS:-1}"
WASM_JOBS="${WASM_JOBS:-2}"
WASM_CORE_OPT_LEVEL="${WASM_CORE_OPT_LEVEL:-2}"
WASM_EXPLAIN_OPT_LEVEL="${WASM_EXPLAIN_OPT_LEVEL:-z}"
WASM_CORE_STD_FEATURES="${WASM_CORE_STD_FEATURES-optimize_for_size}"
WASM_CORE_RUSTFLAGS="${WASM_CORE_RUSTFLAGS-}"
NATIVE_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

log() { printf '[build-wasm %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

llvm_major() { /usr/bin/rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p'; }

bindgen_version() {   # the wasm-bindgen version Cargo.lock pins
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

# ---------------------------------------------------------------------------------- setup
APT_UPDATED=0
apt_install() {   # apt_install [--with-recommends] PKG... : installs the ones not yet installed
  local recs="--no-install-recommends" missing=() p
  if [ "${1:-}" = "--with-recommends" ]; then recs=""; shift; fi
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    $recs "${missing[@]}" >/dev/null
}

setup() {
  # 1. Debian's Rust 1.96 with std sources, and the wasm-ld of the same LLVM major.
  apt_install rustc-web cargo-web rust-web-src
  local major; major="$(llvm_major)"
  [ -n "$major" ] || die "cannot read the LLVM version of /usr/bin/rustc"
  apt_install "lld-$major"
  [ -d /usr/lib/rustlib/src/rust/library/std ] || die "rust-web-src: /usr/lib/rustlib/src/rust/library missing"
  command -v "wasm-ld-$major" >/dev/null || die "wasm-ld-$major not found"
  # 2. Headless Chromium for the browser run of the wasm-bindgen tests.
  if [ "$WASM_BROWSER_TESTS" = 1 ]; then apt_install --with-recommends chromium chromium-driver; fi
  # 3. `cargo +debian-web` = Debian's cargo, rustc and rustdoc together (idempotent).
  rustup toolchain link "$WASM_TOOLCHAIN" /usr
  log "toolchain $WASM_TOOLCHAIN: $(rustc +"$WASM_TOOLCHAIN" --version)"
  # 4. wasm-bindgen-cli at exactly Cargo.lock's version (the CLI refuses any other).
  local want have
  want="${WASM_BINDGEN_VERSION:-$(bindgen_version)}"
  [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
  have="$("$WASM_TOOLS_ROOT/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ] || [ ! -x "$WASM_TOOLS_ROOT/bin/wasm-bindgen-test-runner" ]; then
    log "cargo install wasm-bindgen-cli $want (from source, ~3 min on 2 cores)"
    # --locked first; the crates.io index served here can lack a version the CLI's own
    # lockfile names (webpki-roots 1.0.11 for 0.2.130), then a fresh resolution.
    env -u RUSTC -u RUSTFLAGS -u CARGO_TARGET_DIR cargo install -j "$WASM_JOBS" --root "$WASM_TOOLS_ROOT" \
        --locked wasm-bindgen-cli --version "=$want" \
      || env -u RUSTC -u RUSTFLAGS -u CARGO_TARGET_DIR cargo install -j "$WASM_JOBS" --root "$WASM_TOOLS_ROOT" \
        wasm-bindgen-cli --version "=$want"
  fi
  log "$("$WASM_TOOLS_ROOT/bin/wasm-bindgen" --version)"
  # 5. wasm-opt from npm's binaryen (a JS/wasm build: nothing downloaded from elsewhere).
  if ! "$WASM_NPM_PREFIX/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    log "npm install binaryen@$BINARYEN_VERSION"
    mkdir -p "$WASM_NPM_PREFIX"
    npm install --prefix "$WASM_NPM_PREFIX" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  log "$("$WASM_NPM_PREFIX/node_modules/.bin/wasm-opt" --version)"
  # 6. TypeScript, to type-check uses of the generated .d.ts in the tests.
  if ! "$WASM_NPM_PREFIX/node_modules/.bin/tsc" --version 2>/dev/null | grep -q "Version $TYPESCRIPT_VERSION\$"; then
    log "npm install typescript@$TYPESCRIPT_VERSION"
    npm install --prefix "$WASM_NPM_PREFIX" --no-audit --no-fund --loglevel=error "typescript@$TYPESCRIPT_VERSION" >/dev/null
  fi
  log "tsc $("$WASM_NPM_PREFIX/node_modules/.bin/tsc" --version)"
}

# ---------------------------------------------------------------------------------- build
wasm_cargo() {   # cargo for wasm32 only, with the wasm-only environment
  local major; major="$(llvm_major)"
  env -u RUSTC -u RUSTDOC -u RUSTFLAGS -u CARGO_BUILD_TARGET \
    PATH="$WASM_TOOLS_ROOT/bin:$WASM_NPM_PREFIX/node_modules/.bin:$PATH" \
    RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_UNSTABLE_BUILD_STD_FEATURES="${WASM_STD_FEATURES-optimize_for_size}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${WASM_RUSTFLAGS-}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="wasm-ld-$major" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-z}" \
    CARGO_PROFILE_RELEASE_LTO=true \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT=true \
    CARGO_PROFILE_RELEASE_PANIC=immediate-abort \
    CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo +"$WASM_TOOLCHAIN" "$@"
}

build_module() {   # build_module NAME OPT_LEVEL CARGO_ARGS...: one module, web + node, into $PKG
  local name="$1" level="$2"; shift 2
  log "cargo build --release --target wasm32-unknown-unknown -p $CRATE $* (opt-level $level) -> $name"
  CARGO_PROFILE_RELEASE_OPT_LEVEL="$level" \
    wasm_cargo build -j "$WASM_JOBS" -p "$CRATE" --release --target wasm32-unknown-unknown "$@"
  local raw="$WASM_TARGET_DIR/wasm32-unknown-unknown/release/$LIB.wasm"
  local bindgen="$WASM_TOOLS_ROOT/bin/wasm-bindgen" opt="$WASM_NPM_PREFIX/node_modules/.bin/wasm-opt"
  "$bindgen" --target web --out-dir "$PKG/web" --out-name "$name" "$raw"
  "$bindgen" --target nodejs --out-dir "$PKG/node" --out-name "$name" "$raw"
  for d in web node; do
    # -Os: -Oz saves 0.2% raw but gzips 0.1% larger (benches/README.md).
    "$opt" -Os "$PKG/$d/${name}_bg.wasm" -o "$PKG/$d/${name}_bg.wasm"
  done
  local size gz
  size=$(stat -c %s "$PKG/web/${name}_bg.wasm")
  gz=$(gzip -9 -c "$PKG/web/${name}_bg.wasm" | wc -c)
  log "pkg/web/${name}_bg.wasm: $size bytes raw, $gz bytes gzip -9"
  echo "wasm size ($name): $size bytes raw, $gz bytes gzipped"
}

build() {
  cd "$ROOT"
  rm -rf "$PKG"
  mkdir -p "$PKG"
  # Two modules (benches/README.md): the core (`corsim`: simulate, simulateLine,
  # Page, the single decisions), small and the one most callers load; and
  # `corsim/explain`, the same with explain, classify, the server models and
  # reading console messages back.
  WASM_STD_FEATURES="$WASM_CORE_STD_FEATURES" WASM_RUSTFLAGS="$WASM_CORE_RUSTFLAGS" \
    build_module "$LIB" "$WASM_CORE_OPT_LEVEL" --no-default-features
  build_module "$EXPLAIN" "$WASM_EXPLAIN_OPT_LEVEL" --features explain
  # The web build is ES modules, the node build CommonJS: each folder says which.
  printf '{ "type": "module" }\n' > "$PKG/web/package.json"
  printf '{ "type": "commonjs" }\n' > "$PKG/node/package.json"
  local version
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
  sed "s/@VERSION@/$version/" "$HERE/npm/package.json" > "$PKG/package.json"
  cp "$HERE/npm/README.md" "$PKG/README.md"
}

# ----------------------------------------------------------------------------------- test
RESULTS=()
suite_line() {   # print one cargo-style summary line for a suite run outside cargo
  local name="$1" pass="$2" fail="$3" status="ok"
  [ "$fail" = 0 ] || status="FAILED"
  echo "test result: $status. $pass passed; $fail failed; 0 ignored; 0 measured; 0 filtered out ($name)"
}

run_node_suite() {   # node --test FILE...: TAP out, then a `test result:` line
  local name="$1"; shift
  local out; out="$(mktemp)"
  local status=0
  node --test --test-reporter=tap "$@" > "$out" 2>&1 || status=$?
  cat "$out"
  local pass fail
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
  rm -f "$out"
  pass=${pass:-0}; fail=${fail:-0}
  if [ "$status" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
  suite_line "$name" "$pass" "$fail"
  return "$status"
}

native_corsim() {   # the native `corsim` the corpus is compared with (a no-op when fresh)
  (cd "$ROOT" && env -u RUSTC_BOOTSTRAP -u CARGO_UNSTABLE_BUILD_STD cargo build --quiet -p corsim-cli) >&2
  echo "$NATIVE_TARGET_DIR/debug/corsim"
}

run_cargo_suite() {   # a wasm32 `cargo test`; a failure with no `test result:` line (a build
                      # error, a runner that did not start) still counts as one failed suite
  local name="$1"; shift
  local out; out="$(mktemp)"
  local status=0
  "$@" 2>&1 | tee "$out" || status=$?
  if [ "$status" != 0 ] && ! grep -q '^test result: FAILED' "$out"; then suite_line "$name" 0 1; fi
  rm -f "$out"
  return "$status"
}

test_all() {
  cd "$ROOT"
  local failed=0
  log "wasm-bindgen tests under node"
  run_cargo_suite "corsim-wasm wasm-bindgen tests (node)" \
    wasm_cargo test -j "$WASM_JOBS" -p "$CRATE" --target wasm32-unknown-unknown --tests || failed=1
  if [ "$WASM_BROWSER_TESTS" = 1 ]; then
    log "wasm-bindgen tests in headless Chromium"
    WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
      WASM_BINDGEN_TEST_WEBDRIVER_JSON="$HERE/webdriver.json" \
      run_cargo_suite "corsim-wasm wasm-bindgen tests (headless Chromium)" \
      wasm_cargo test -j "$WASM_JOBS" -p "$CRATE" --target wasm32-unknown-unknown --tests || failed=1
  fi
  [ -f "$PKG/node/$LIB.js" ] || die "no $PKG/node: run '$0 build' first"
  log "Node tests against pkg/"
  CORSIM_BIN="$(native_corsim)" CORSIM_CORPUS_DIR="$ROOT/tests/corpus" CORSIM_PKG="$PKG" \
    CORSIM_TSC="$WASM_NPM_PREFIX/node_modules/.bin/tsc" \
    run_node_suite "corsim-wasm js-tests" "$HERE"/js-tests/*.test.mjs || failed=1
  return "$failed"
}

bench() {
  cd "$ROOT"
  [ -f "$PKG/node/$LIB.js" ] || die "no $PKG/node: run '$0 build' first"
  local bin; bin="$(cd "$ROOT" && cargo build --quiet --release -p corsim-cli >&2 && echo "$NATIVE_TARGET_DIR/release/corsim")"
  CORSIM_BIN="$bin" CORSIM_PKG="$PKG" node "$HERE/js-tests/bench.mjs" "${@:-$ROOT/tests/corpus/chromium-156-public.jsonl}"
}

cmd="${1:-all}"
[ $# -gt 0 ] && shift
case "$cmd" in
  setup) setup ;;
  build) build ;;
  test) test_all ;;
  bench) bench "$@" ;;
  all)
    # A failed setup or build is counted as a failed suite in the CI summary.
    # (Separate processes: `set -e` does not apply inside a function called from `||`.)
    bash "$HERE/build-wasm.sh" setup || { suite_line "corsim-wasm setup" 0 1; exit 1; }
    bash "$HERE/build-wasm.sh" build || { suite_line "corsim-wasm build" 0 1; exit 1; }
    test_all ;;
  *) echo "usage: $0 [setup|build|test|bench|all]" >&2; exit 2 ;;
esac
