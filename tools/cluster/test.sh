#!/usr/bin/env bash
# up -> smoke test -> down, once per cert-manager CRD version (default: v1.21.1 and v1.11.0).
#   bash tools/cluster/test.sh [VERSION...]
# Runs in its own state dir (.test-cluster/smoke) so it never touches a cluster a developer
# started with `pnpm cluster:up`. Exits non-zero when any check fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export TAPACME_CLUSTER_DIR="${TAPACME_CLUSTER_DIR:-$root/.test-cluster/smoke}"
[ $# -gt 0 ] || set -- v1.21.1 v1.11.0

trap 'bash "$here/cluster.sh" down >/dev/null 2>&1 || true' EXIT
status=0
for version in "$@"; do
  export TAPACME_CERT_MANAGER_VERSION="$version"
  start=$SECONDS
  bash "$here/cluster.sh" down 2>/dev/null # a leftover smoke cluster would carry old objects
  exports="$(bash "$here/cluster.sh" up)" # a failed up must stop the script here
  eval "$exports"
  echo "cluster up with cert-manager $version CRDs in $((SECONDS - start))s" >&2
  bash "$here/smoke.sh" || status=1
  bash "$here/cluster.sh" down
done
exit "$status"
