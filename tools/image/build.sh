#!/usr/bin/env bash
# Builds tools/image/go (tapacme-image: the image builder) into tapacme's cache, keyed by a hash
# of its sources, and prints the binary's path. A cold build (go-containerregistry, spdx
# tools-golang, xz) takes about a minute on 2 cores; afterwards it is reused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log() { printf 'image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=../lib/gobuild.sh
. "$root/tools/lib/gobuild.sh"

bin_dir="$tapacme_cache/bin/tapacme-image-$(node_key "$here/go")"
build() {
  [ -x "$bin_dir/tapacme-image" ] && return 0
  go_build "$here/go" "$bin_dir" "-s -w" tapacme/tools/image/cmd/tapacme-image=tapacme-image
}
[ -x "$bin_dir/tapacme-image" ] || with_build_lock ".build-tapacme-image.lock" build >&2
echo "$bin_dir/tapacme-image"
