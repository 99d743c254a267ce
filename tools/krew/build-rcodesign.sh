#!/usr/bin/env bash
# Builds rcodesign, the ad-hoc Mach-O signer of the Rust crate apple-codesign, into
# $TAPACME_CACHE/bin/apple-codesign-<version>/bin/ and prints the executable's path.
# Cached: a second run only prints the path. Everything cargo fetches stays in $TAPACME_CACHE/cargo.
#   --cached  print the path if rcodesign is already built, else exit 1 without building
#
# Without default features: they add notarization (App Store Connect) and an AWS SDK, which ad-hoc
# signing does not use. --locked builds exactly the dependency versions the crate was released with.
set -euo pipefail
version=0.29.0

cache="${TAPACME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapacme}" # as scripts/lib/toolchain.sh
dest="$cache/bin/apple-codesign-$version"
exe="$dest/bin/rcodesign"
[ -x "$exe" ] && { echo "$exe"; exit 0; }
[ "${1:-}" = --cached ] && exit 1

cargo="$(command -v cargo || true)"
[ -n "$cargo" ] || cargo="$HOME/.cargo/bin/cargo"
[ -x "$cargo" ] || { echo "build-rcodesign: cargo is needed (Rust 1.81 or later, from rustup)" >&2; exit 1; }
# ring compiles C and assembly: a C compiler is the only system dependency without default features.
if ! command -v cc >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-rcodesign: installing a C compiler (apt-get install gcc libc6-dev)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev; } >&2
  else
    echo "build-rcodesign: a C compiler is needed (apt-get install gcc libc6-dev)" >&2; exit 1
  fi
fi

mkdir -p "$cache/bin"
# Engineers and tiers share the cache: one build at a time, the others wait and reuse it.
exec 9>"$cache/bin/.apple-codesign-$version.lock"
flock 9
if [ ! -x "$exe" ]; then
  echo "build-rcodesign: building apple-codesign $version (cargo install, a few minutes of CPU) into $dest" >&2
  tmp="$dest.tmp-$$"
  rm -rf "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  start=$SECONDS
  CARGO_HOME="$cache/cargo" CARGO_TARGET_DIR="$tmp/target" nice -n 10 "$cargo" install --quiet \
    apple-codesign --version "=$version" --no-default-features --locked --root "$tmp" >&2
  rm -rf "$tmp/target"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  trap - EXIT
  echo "build-rcodesign: built in $((SECONDS - start)) s" >&2
fi
echo "$exe"
