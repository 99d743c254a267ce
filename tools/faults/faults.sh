#!/usr/bin/env bash
# Fault injection for the live tier, built from pinned Go modules into the binary cache.
#
#   faults.sh build   build what is missing; prints export lines (TAPACME_TOXIPROXY, ...)
#   faults.sh env     print the export lines only (after build)
#   faults.sh test    go vet + go test of the fault proxy and the CONNECT proxy;
#                     prints "faults: N passed, M failed"
#
# Environment: TAPACME_CACHE (binary cache root, as tools/cluster/cluster.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${TAPACME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapacme}"
log() { printf 'faults: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  [ -x /usr/local/go/bin/go ] && { echo /usr/local/go/bin/go; return; }
  die "Go is needed to build the fault injection tools (go.mod asks for go 1.26); install it at /usr/local/go"
}

toxiproxy_version="$(awk '$1 == "github.com/Shopify/toxiproxy/v2" { print $2; exit }' "$here/go.mod")"
toxiproxy_dir="$cache/bin/toxiproxy-$toxiproxy_version"
# Our own programs are keyed by their sources, so an edit rebuilds them.
own_key="$(cd "$here" && cat go.mod go.sum faultproxy/*.go connectproxy/*.go | sha256sum | cut -c1-12)"
own_dir="$cache/bin/faults-$own_key"

go_build() { # <dest file> <package>
  local go tmp
  go="$(find_go)"
  mkdir -p "$(dirname "$1")"
  tmp="$(mktemp "$1.XXXXXX")"
  (cd "$here" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" "$go" build -trimpath -ldflags="-s -w" -o "$tmp" "$2") ||
    { rm -f "$tmp"; die "go build $2 failed"; }
  mv -f "$tmp" "$1"
}

cmd_env() {
  printf 'export TAPACME_TOXIPROXY=%q\n' "$toxiproxy_dir/toxiproxy-server"
  printf 'export TAPACME_FAULTPROXY=%q\n' "$own_dir/faultproxy"
  printf 'export TAPACME_CONNECTPROXY=%q\n' "$own_dir/connectproxy"
}

cmd_build() {
  mkdir -p "$cache/bin"
  # Its own lock: never waits behind a Kubernetes build of tools/cluster.
  exec 8>"$cache/bin/.faults-build.lock"
  flock 8
  local start=$SECONDS
  if [ ! -x "$toxiproxy_dir/toxiproxy-server" ]; then
    log "building toxiproxy-server $toxiproxy_version"
    go_build "$toxiproxy_dir/toxiproxy-server" github.com/Shopify/toxiproxy/v2/cmd/server
  fi
  if [ ! -x "$own_dir/faultproxy" ] || [ ! -x "$own_dir/connectproxy" ]; then
    log "building faultproxy and connectproxy"
    go_build "$own_dir/faultproxy" ./faultproxy
    go_build "$own_dir/connectproxy" ./connectproxy
  fi
  [ $((SECONDS - start)) -lt 1 ] || log "built in $((SECONDS - start))s"
  exec 8>&-
  cmd_env
}

cmd_test() {
  local go out rc p f
  go="$(find_go)"
  out="$(cd "$here" && GOFLAGS="${GOFLAGS:-} -mod=mod" "$go" vet ./faultproxy ./connectproxy 2>&1 &&
    GOFLAGS="${GOFLAGS:-} -mod=mod" "$go" test -count=1 -v ./faultproxy ./connectproxy 2>&1)"
  rc=$?
  printf '%s\n' "$out" | grep -E '^(--- |FAIL|ok|#)|\.go:[0-9]+' >&2 || true
  p="$(grep -c '^--- PASS' <<<"$out" || true)"
  f="$(grep -c '^--- FAIL' <<<"$out" || true)"
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  echo "faults: $p passed, $f failed"
  return "$rc"
}

case "${1:-}" in
  build) cmd_build ;;
  env) cmd_env ;;
  test) cmd_test ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
