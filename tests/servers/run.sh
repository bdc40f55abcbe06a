#!/usr/bin/env bash
# The server models against the real libraries: install the libraries a fresh
# machine lacks (npm: express, cors, next, react; PyPI: starlette, uvicorn, flask,
# flask-cors, django, django-cors-headers; at the versions below, into
# target/servers/; Debian: nginx-light, apache2, golang-go and
# golang-github-rs-cors-dev; cargo: tests/servers/actix_app),
# start each on a loopback port once per option set of options.json, send it the
# requests of requests.json, and compare corsim's model of it with what it
# answered, header for header (tests/servers/models.rs, which also runs
# tower-http's CorsLayer in-process); then paste every configuration `corsim
# explain` prints for explain-cases.json into the real library and require the
# fetch to pass. Closes with `N passed, M failed` lines.
#
#   bash tests/servers/run.sh            # record afresh and compare
#   bash tests/servers/run.sh --update   # and keep the recordings in tests/servers/recorded/
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/servers
work=target/servers
mkdir -p "$work"

# The versions the models were checked against (Library::tested names them).
npm_packages=(express@5.3.0 cors@2.8.6)
next_packages=(next@16.5.0 react@19.3.1 react-dom@19.3.1)
pip_packages=(starlette==1.10.0 uvicorn==0.55.0 flask==3.1.3 flask-cors==6.0.5 django==5.2.19 django-cors-headers==4.9.0)

started=$(date +%s)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing node and npm from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "installing python3 from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi

if [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi

if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/github.com/rs/cors ]; then
  echo "installing Go and rs/cors from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-github-rs-cors-dev >/dev/null
fi

if [ ! -x /usr/sbin/apache2 ]; then
  echo "installing Apache httpd from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2 >/dev/null
fi

node_dir="$work/node"
if [ "$(cat "$node_dir/.installed" 2>/dev/null)" != "${npm_packages[*]}" ]; then
  echo "installing ${npm_packages[*]}"
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --silent --no-audit --no-fund --prefix . "${npm_packages[@]}" >/dev/null)
  echo "${npm_packages[*]}" > "$node_dir/.installed"
fi

# Next.js in a directory of its own: the app is copied beside its node_modules.
next_dir="$work/next"
if [ "$(cat "$next_dir/.installed" 2>/dev/null)" != "${next_packages[*]}" ]; then
  echo "installing ${next_packages[*]}"
  mkdir -p "$next_dir"
  [ -f "$next_dir/package.json" ] || echo '{"private": true}' > "$next_dir/package.json"
  (cd "$next_dir" && npm install --silent --no-audit --no-fund "${next_packages[@]}" >/dev/null)
  echo "${next_packages[*]}" > "$next_dir/.installed"
fi

venv="$work/venv"
if [ "$(cat "$venv/.installed" 2>/dev/null)" != "${pip_packages[*]}" ]; then
  echo "installing ${pip_packages[*]}"
  python3 -m venv "$venv" 2>/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  }
  "$venv/bin/pip" install -q --disable-pip-version-check "${pip_packages[@]}"
  echo "${pip_packages[*]}" > "$venv/.installed"
fi

# actix-cors: its own small cargo project (not in the workspace). Building
# actix-web takes minutes on a fresh machine, so it is built when asked
# (CORSIM_SERVERS_ACTIX=1) or already there; otherwise its committed recording
# is what `cargo test` checks the model against.
actix_target="$PWD/$work/actix"
actix_bin="$actix_target/release/corsim-actix-app"
libraries=(express-cors starlette flask-cors django-cors-headers nginx go-rs-cors apache nextjs)
if [ "${CORSIM_SERVERS_ACTIX:-}" = 1 ] || [ -x "$actix_bin" ]; then
  echo "building tests/servers/actix_app (actix-web and actix-cors)"
  (cd "$here/actix_app" && CARGO_TARGET_DIR="$actix_target" cargo build -q --release --locked)
  libraries+=(actix-cors)
else
  echo "actix-cors: not recorded afresh (CORSIM_SERVERS_ACTIX=1 builds it); cargo test checks its committed recording"
fi

fresh="$work/recorded"
rm -rf "$fresh"
"$venv/bin/python" "$here/record.py" "$fresh" "${libraries[@]}" \
  --node-path "$PWD/$node_dir/node_modules" --python "$venv/bin/python" \
  --actix-bin "$actix_bin" --next-dir "$PWD/$next_dir"
# Every configuration `corsim explain` prints (explained.json, generated from
# explain-cases.json by models.rs), pasted into the real library as its options
# and sent the requests the browser then sends.
"$venv/bin/python" "$here/record.py" "$fresh/explained" "${libraries[@]}" \
  --options "$here/explained.json" \
  --node-path "$PWD/$node_dir/node_modules" --python "$venv/bin/python" \
  --actix-bin "$actix_bin" --next-dir "$PWD/$next_dir"

if [ "${1:-}" = "--update" ]; then
  cp "$fresh"/*.json "$here/recorded/"
  mkdir -p "$here/recorded/explained"
  cp "$fresh"/explained/*.json "$here/recorded/explained/"
  echo "recordings kept in $here/recorded/"
fi

set +e
CORSIM_SERVER_RECORDINGS="$PWD/$fresh" cargo test -q -p corsim-tests --test servers -- --nocapture 2>&1 | tee "$work/last.log"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -Eo '^server models: [0-9]+ passed, [0-9]+ failed' "$work/last.log" | tail -n 1)
explained=$(grep -Eo '^explained configurations: [0-9]+ passed, [0-9]+ failed' "$work/last.log" | tail -n 1)
echo "recorded and compared in $(( $(date +%s) - started ))s"
echo "servers: ${summary#server models: }"
echo "explain's configurations on the real libraries: ${explained#explained configurations: }"
exit "$status"
