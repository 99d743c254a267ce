#!/usr/bin/env bash
# Builds the e2e rig's binaries into tapacme's cache (once per pinned version):
# kube-controller-manager and kube-scheduler from the cluster's Kubernetes module, cert-manager's
# controller, webhook, acmesolver and cmctl, Pebble with its challenge test server, and the rig's
# own registry, image and node programs (tools/e2e/node, keyed by a hash of their source).
# etcd, kube-apiserver and kubectl come from tools/cluster/cluster.sh build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log() { printf 'e2e: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=../lib/gobuild.sh
. "$root/tools/lib/gobuild.sh"

k8s_mod="$root/tools/cluster/k8s"
k8s_version="$(modver "$k8s_mod/go.mod" k8s.io/kubernetes)"
cm_version="$(modver "$here/cert-manager/go.mod" github.com/cert-manager/cert-manager)"
pebble_version="$(modver "$here/pebble/go.mod" github.com/letsencrypt/pebble/v2)"
k8s_bin="$tapacme_cache/bin/k8s-$k8s_version"
cm_bin="$tapacme_cache/bin/cert-manager-$cm_version"
pebble_bin="$tapacme_cache/bin/pebble-$pebble_version"
node_bin="$tapacme_cache/bin/e2e-node-$(node_key "$here/node")"

missing() { # <dir> <name>...: true when one of the binaries is not built yet
  local d="$1"; shift
  local n
  for n in "$@"; do [ -x "$d/$n" ] || return 0; done
  return 1
}

build_control_plane() {
  # Same lock as tools/cluster/cluster.sh: both write into bin/k8s-<version>.
  missing "$k8s_bin" kube-controller-manager kube-scheduler || return 0
  go_build "$k8s_mod" "$k8s_bin" "$(k8s_ldflags "$k8s_mod")" \
    k8s.io/kubernetes/cmd/kube-controller-manager=kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler=kube-scheduler
}

build_cert_manager() {
  missing "$cm_bin" controller webhook acmesolver cmctl || return 0
  # The version as cert-manager's release build stamps it: the controller derives its default
  # solver image tag from it, and cmctl version reports it.
  local p=github.com/cert-manager/cert-manager
  go_build "$here/cert-manager" "$cm_bin" "-s -w -X $p/pkg/util.AppVersion=$cm_version -X $p/pkg/util.AppGitState=clean" \
    "$p/cmd/controller=controller" "$p/cmd/webhook=webhook" "$p/cmd/acmesolver=acmesolver" "$p/cmd/ctl=cmctl"
}

build_pebble() {
  missing "$pebble_bin" pebble pebble-challtestsrv || return 0
  local p=github.com/letsencrypt/pebble/v2
  go_build "$here/pebble" "$pebble_bin" "-s -w -X main.version=$pebble_version" \
    "$p/cmd/pebble=pebble" "$p/cmd/pebble-challtestsrv=pebble-challtestsrv"
}

build_node() {
  missing "$node_bin" e2e-registry e2e-image e2e-node || return 0
  local m=tapacme/tools/e2e/node/cmd
  go_build "$here/node" "$node_bin" "-s -w" "$m/e2e-registry=e2e-registry" "$m/e2e-image=e2e-image" "$m/e2e-node=e2e-node"
}

# What: all (default), or one of control-plane, cert-manager, pebble. The Kubernetes build
# shares the cluster's lock; the others have their own, so they can run beside it.
what="${1:-all}"
# Nothing to wait for (no lock) when everything is built.
if [ "$what" = all ] && ! missing "$pebble_bin" pebble pebble-challtestsrv && ! missing "$cm_bin" controller webhook acmesolver cmctl &&
   ! missing "$k8s_bin" kube-controller-manager kube-scheduler && ! missing "$node_bin" e2e-registry e2e-image e2e-node; then
  exit 0
fi
case "$what" in
  all)
    with_build_lock ".build-pebble.lock" build_pebble
    with_build_lock ".build-cert-manager.lock" build_cert_manager
    with_build_lock ".build-e2e-node.lock" build_node
    with_build_lock ".build.lock" build_control_plane
    ;;
  control-plane) with_build_lock ".build.lock" build_control_plane ;;
  cert-manager) with_build_lock ".build-cert-manager.lock" build_cert_manager ;;
  pebble) with_build_lock ".build-pebble.lock" build_pebble ;;
  node) with_build_lock ".build-e2e-node.lock" build_node ;;
  paths) printf 'k8s_bin=%s\ncm_bin=%s\npebble_bin=%s\nnode_bin=%s\ncm_version=%s\n' "$k8s_bin" "$cm_bin" "$pebble_bin" "$node_bin" "$cm_version" ;;
  *) die "unknown build target: $what (all, control-plane, cert-manager, pebble, node)" ;;
esac
