#!/usr/bin/env bash
# Image tier: builds the container image for `watch` (pnpm release:image: OCI layout, SBOMs, pinned
# manifests) and proves it without Docker: the index has linux/amd64 and linux/arm64 with their
# labels (read by tools/image/test/layout.ts, not by the code that wrote them); each platform's
# root filesystem, unpacked from the layout, starts the executable chrooted into it, as user 65532
# on a read-only bind mount, with an empty environment (linux/arm64 under qemu-aarch64-static
# copied into its own root); the SBOMs list what the root filesystems hold; the pinned Deployment
# names the index's digest and runs as the image's user on a read-only root filesystem; and
# `scan` run from the linux/amd64 root filesystem reads a real API server (tools/cluster).
# Prints "image: N passed, M failed" last; exits non-zero when anything failed.
#
#   TAPACME_IMAGE_SKIP_BUILD=1  reuse dist/image from an earlier `pnpm release:image`
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_toolchain
export NO_COLOR=1 FORCE_COLOR=0

passed=0 failed=0 skipped=0 step=0
work="$(mktemp -d "${TMPDIR:-/tmp}/tapacme-image.XXXXXX")"
cluster_dir=""
cleanup() {
  [ -z "$cluster_dir" ] || TAPACME_CLUSTER_DIR="$cluster_dir" bash tools/cluster/cluster.sh down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; if [ -n "${2:-}" ] && [ -s "$2" ]; then tail -n 40 "$2" | sed 's/^/    /'; fi; }
skip() { skipped=$((skipped + 1)); echo "skip - $1"; }
check() { # NAME CMD...: passes when CMD exits 0; its output is shown (indented) either way
  local name=$1 log="$work/step-$((step += 1)).log"
  shift
  if "$@" >"$log" 2>&1; then pass "$name"; sed 's/^/# /' "$log" | tail -n 8; else fail "$name" "$log"; fi
}
finish() { echo "image: $passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit; }

version="$(node -p 'require("./apps/kubectl-tapacme/package.json").version')"
layout="$root/dist/image/oci"
inspect() { node tools/image/test/layout.ts "$@"; }

# What a fresh machine may lack: gpgv and Debian's keyring check the package index, qemu-user runs arm64.
missing=()
command -v gpgv >/dev/null || missing+=(gpgv)
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
command -v dpkg-deb >/dev/null || missing+=(dpkg)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "# installing ${missing[*]} (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$work/apt.log" 2>&1 || tail -n 5 "$work/apt.log"
fi

# ---------------------------------------------------------------- build
if [ "${TAPACME_IMAGE_SKIP_BUILD:-}" != 1 ] || [ ! -f "$layout/index.json" ]; then
  start=$SECONDS
  check "pnpm release:image builds the OCI layout, SBOMs and pinned manifests" pnpm --silent release:image
  echo "# release:image took $((SECONDS - start)) s"
fi
[ -f "$layout/index.json" ] || { fail "dist/image/oci holds an OCI layout"; finish; }
# After the build, and with its flags (-trimpath, no cgo), the tests reuse its compiled packages:
# seconds instead of a second cold build; vet is left to development.
check "the image builder's Go tests (tools/image/go: layout, TLS push, reproducible layers)" \
  bash -c 'cd tools/image/go && GOFLAGS="${GOFLAGS:-} -mod=mod" CGO_ENABLED=0 "$(command -v go || echo /usr/local/go/bin/go)" test -trimpath -vet=off ./...'

check "the index has linux/amd64 and linux/arm64 images, user 65532, labels source/version/licenses/created, every blob matches its digest" \
  inspect index "$layout" "$version"

# ---------------------------------------------------------------- run each platform in its own root filesystem
# chroot: nothing of the host is visible; env -i: nothing of its environment; a read-only bind mount
# of the root and user 65532, as the printed Deployment runs it (readOnlyRootFilesystem, runAsUser).
# In a private mount namespace: the root bind-mounted read-only, then chroot as 65532.
ro_chroot() { # ROOT CMD...
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare --mount sh -c \
    'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" &&
     { ! touch "$0/tmp/.probe" 2>/dev/null || { echo "the root is writable"; exit 1; }; } &&
     exec chroot --userspec=65532:65532 "$0" "$@"' "$@"
}
run_in_root() { # ROOT [QEMU] : version, then print-deployment, both as user 65532 on a read-only root
  local r=$1 q=${2:-} out
  [ ! -e "$r/bin/sh" ] && [ ! -e "$r/usr/bin/env" ] || { echo "the root filesystem has a shell or env: not minimal"; return 1; }
  out="$(ro_chroot "$r" $q /usr/local/bin/kubectl-tapacme version 2>&1)" || { echo "$out"; return 1; }
  echo "version: $out"
  [ "$out" = "$version" ] || return 1
  out="$(ro_chroot "$r" $q /usr/local/bin/kubectl-tapacme watch --print-deployment --pull-secret-source placeholder 2>&1)" || { echo "$out" | tail -n 5; return 1; }
  grep -q 'kind: Deployment' <<<"$out" || { echo "$out" | tail -n 5; return 1; }
  echo "watch --print-deployment: $(grep -c '^kind:' <<<"$out") objects"
}
for p in linux/amd64 linux/arm64; do
  arch="${p#*/}" r="$work/root-${p#*/}"
  mkdir -p "$r"
  check "$p: the root filesystem unpacks from the layout" inspect unpack "$layout" "$p" "$r" || continue
  modes_ok() { [ "$(stat -c %a "$r/tmp")" = 1777 ] && [ "$(stat -c %u:%a "$r/home/nonroot")" = 65532:700 ] &&
    grep -q '^nonroot:x:65532:65532:' "$r/etc/passwd" && grep -q '^nonroot:x:65532:' "$r/etc/group" &&
    [ -s "$r/etc/ssl/certs/ca-certificates.crt" ] && ! find "$r/usr/share" -path '*/man/*' -o -name 'changelog*' | grep -q . &&
    echo "$(du -sh --exclude=usr/local "$r" | cut -f1) besides the executable; $(grep -c 'BEGIN CERTIFICATE' "$r/etc/ssl/certs/ca-certificates.crt") CA certificates"; }
  check "$p: /tmp 1777, nonroot 65532 in passwd/group with its own home, a CA bundle, no manuals or changelogs" modes_ok
  if [ "$arch" = amd64 ]; then
    check "$p: kubectl-tapacme starts chrooted in its own root filesystem, as 65532, read-only, with only PATH in its environment" run_in_root "$r"
  elif ! command -v qemu-aarch64-static >/dev/null; then
    skip "$p: qemu-aarch64-static is missing (apt-get install qemu-user-static)"
  else
    cp /usr/bin/qemu-aarch64-static "$r/qemu-aarch64-static" 2>/dev/null || cp "$(command -v qemu-aarch64-static)" "$r/qemu-aarch64-static"
    check "$p: kubectl-tapacme starts under qemu-aarch64-static copied into its own root filesystem, as 65532, read-only" \
      run_in_root "$r" /qemu-aarch64-static
  fi
  check "$p: the SBOM (SPDX 2.3) lists the root filesystem's Debian packages at their versions, Node.js and the bundled npm packages, and is attached as an OCI artifact naming the image as subject" \
    inspect sbom "$layout" "$p" "$root/dist/image/sbom/kubectl-tapacme-linux-$arch.spdx.json" "$r"
done

# The image talks to a real API server (tools/cluster: etcd + kube-apiserver on loopback, its own
# state dir): TLS, the kubeconfig's client certificate, nothing but the image's root filesystem,
# as 65532 on a read-only root with a tmpfs /tmp for the kubeconfig (as a mounted Secret would be).
scan_in_root() {
  cluster_dir="$root/.test-cluster/image"
  local r="$work/root-amd64" kc
  TAPACME_CLUSTER_DIR="$cluster_dir" bash tools/cluster/cluster.sh up >"$work/cluster-up.log" 2>&1 || { tail -n 20 "$work/cluster-up.log"; return 1; }
  kc="$(TAPACME_CLUSTER_DIR="$cluster_dir" bash tools/cluster/cluster.sh env | sed -n "s/^export KUBECONFIG=//p" | tr -d "'\"")"
  [ -f "$kc" ] || { echo "no kubeconfig from tools/cluster"; return 1; }
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare --mount sh -c \
    'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && mount -t tmpfs -o mode=1777 tmpfs "$0/tmp" &&
     install -m 0644 "$1" "$0/tmp/kubeconfig" &&
     exec chroot --userspec=65532:65532 "$0" /usr/local/bin/kubectl-tapacme scan --kubeconfig /tmp/kubeconfig' "$r" "$kc" >"$work/scan.out" 2>&1
  local rc=$?
  cat "$work/scan.out"
  [ "$rc" -eq 0 ] && grep -q 'ACME issuers' "$work/scan.out"
}
if [ -d "$work/root-amd64/usr" ]; then
  check "linux/amd64: kubectl-tapacme scan from the image's root filesystem reads a real API server over TLS (tools/cluster)" scan_in_root
fi

repository="$(node -p 'require("./dist/image/image.json").repository')"
check "dist/image/deployment.yaml runs the index by digest, as the image's user 65532, non-root, on a read-only root filesystem" \
  inspect deployment "$layout" "$root/dist/image/deployment.yaml" "$repository"

finish
