#!/usr/bin/env bash
# Builds the real Kyverno CLI from the Go module pinned in tools/kyverno/go.mod into
#   ${TAPACME_CACHE:-${XDG_CACHE_HOME:-~/.cache}/tapacme}/bin/kyverno-<version>/kyverno
# and prints that path on stdout. Idempotent: a cached binary is reused, an interrupted build
# never leaves a half binary (it builds into a temp dir and renames).
#
#   tools/kyverno/build.sh          build when missing, print the binary's path
#   tools/kyverno/build.sh --path   print the path only (exit 1 when not built yet)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf 'kyverno: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The version comes from go.mod, so the cache key cannot drift from what is built.
version="$(awk '$1 == "github.com/kyverno/kyverno" && $2 ~ /^v[0-9]/ { print $2; exit }
               $1 == "require" && $2 == "github.com/kyverno/kyverno" { print $3; exit }' "$here/go.mod")"
[ -n "$version" ] || die "github.com/kyverno/kyverno is not pinned in $here/go.mod"

cache="${TAPACME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapacme}"
dest="$cache/bin/kyverno-$version"
bin="$dest/kyverno"

if [ "${1:-}" = "--path" ]; then
  [ -x "$bin" ] || exit 1
  echo "$bin"; exit 0
fi

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  [ -x /usr/local/go/bin/go ] && { echo /usr/local/go/bin/go; return; }
  die "Go is needed to build the Kyverno CLI (go.mod asks for go 1.26); install it at /usr/local/go"
}

if [ ! -x "$bin" ]; then
  mkdir -p "$cache/bin"
  # Our own lock: the cluster harness holds .build.lock for its (longer) builds.
  exec 9>"$cache/bin/.kyverno-build.lock"
  flock 9
  if [ ! -x "$bin" ]; then
    go="$(find_go)"
    mkdir -p "$dest"
    tmp="$(mktemp -d "$dest/.build.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    log "building the Kyverno CLI $version - the first build takes ~10 minutes on 2 cores"
    start=$SECONDS
    # -mod=mod: go.sum is committed, so this only verifies; BuildVersion as kyverno's Makefile sets it.
    (cd "$here" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" "$go" build -trimpath \
      -ldflags="-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=$version" \
      -o "$tmp/kyverno" github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno) ||
      die "go build github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno@$version failed"
    mv -f "$tmp/kyverno" "$bin"
    log "built $bin in $((SECONDS - start))s"
  fi
  exec 9>&-
fi
echo "$bin"
