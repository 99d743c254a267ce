#!/usr/bin/env bash
# Pushes the image of `pnpm release:image` (dist/image/oci) into the running e2e rig's private
# registry as $TAPACME_E2E_REGISTRY/tap/kubectl-tapacme:<version>, with the rig's CA and registry
# credentials, and prints the pushed reference pinned by digest (REGISTRY/REPO@sha256:...), for
# `kubectl tapacme watch --print-deployment --image <that>`. Needs `pnpm e2e:up` first.
#
#   bash tools/image/push-e2e.sh [REPOSITORY]    (default tap/kubectl-tapacme)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
layout="$root/dist/image/oci"
[ -f "$layout/index.json" ] || { echo "push-e2e: $layout is missing: run pnpm release:image (TAPACME_IMAGE_PLATFORMS=linux/amd64 builds only what the rig runs)" >&2; exit 1; }
repo="${1:-tap/kubectl-tapacme}"
tag="$(node -p 'require(process.argv[1]).manifests[0].annotations["org.opencontainers.image.ref.name"]' "$layout/index.json")"
tool="$(bash "$root/tools/image/build.sh")"
# The registry's name resolves only inside the rig's network namespace: push from there.
INIT_CWD="$root" bash "$root/tools/e2e/e2e.sh" exec -- sh -c '
  d="$("$0" push -layout "$1" -sbom-layout "$1/../sbom/oci" -ref "$TAPACME_E2E_REGISTRY/$2:$3" -registry-ca "$TAPACME_E2E_REGISTRY_CA" \
    -username tap -password-file "$TAPACME_E2E_DIR/registry/password")" &&
  echo "$TAPACME_E2E_REGISTRY/$2@$d"' "$tool" "$layout" "$repo" "$tag"
