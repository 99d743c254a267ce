#!/usr/bin/env bash
# Builds krew (as kubectl-krew) and validate-krew-manifest from the Go module pinned in
# tools/krew/go/go.mod into $TAPACME_CACHE/bin/krew-<version>/ and prints that directory.
# Cached: a second run only prints the path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mod="$here/go"

# The version comes from go.mod, so the cache key cannot drift from what is built.
version="$(awk '$1 == "sigs.k8s.io/krew" && $2 ~ /^v[0-9]/ { print $2; exit }' "$mod/go.mod")"
[ -n "$version" ] || { echo "build-krew: no sigs.k8s.io/krew version in $mod/go.mod" >&2; exit 1; }
cache="${TAPACME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapacme}" # as scripts/lib/toolchain.sh
dest="$cache/bin/krew-$version"

if [ ! -x "$dest/kubectl-krew" ] || [ ! -x "$dest/validate-krew-manifest" ]; then
  go="$(command -v go || true)"
  [ -n "$go" ] || go=/usr/local/go/bin/go
  [ -x "$go" ] || { echo "build-krew: Go is needed (go.mod asks for go 1.26); install it at /usr/local/go" >&2; exit 1; }
  echo "build-krew: building krew $version into $dest" >&2
  tmp="$dest.tmp-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  # go.mod/go.sum pin every module (read-only: a build never rewrites them).
  (cd "$mod" && CGO_ENABLED=0 "$go" build -trimpath -ldflags="-s -w" \
    -o "$tmp/" sigs.k8s.io/krew/cmd/krew sigs.k8s.io/krew/cmd/validate-krew-manifest) >&2
  mv "$tmp/krew" "$tmp/kubectl-krew"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  trap - EXIT
fi
echo "$dest"
