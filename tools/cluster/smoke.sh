#!/usr/bin/env bash
# Proves the running test cluster is a real API server that behaves as tapacme assumes.
# Needs the variables of `cluster.sh env` (KUBECONFIG, TAPACME_KUBECTL, ...). Leaves only a
# uniquely named namespace behind (no namespace controller runs to delete one).
set -uo pipefail

: "${KUBECONFIG:?run under eval \"\$(tools/cluster/cluster.sh env)\"}"
: "${TAPACME_KUBECTL:?}" "${TAPACME_KUBECONFIG_LIMITED:?}"
cm_version="${TAPACME_CERT_MANAGER_VERSION:-v1.21.1}"
k() { "$TAPACME_KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }
klimited() { "$TAPACME_KUBECTL" --kubeconfig "$TAPACME_KUBECONFIG_LIMITED" "$@"; }

passed=0 failed=0
out=""
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
not_ok() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; printf '%s\n' "$out" | sed 's/^/     | /'; }
# check <name> <command...>: passes when the command succeeds; its output is kept in $out
check() { local name="$1"; shift; if out="$("$@" 2>&1)"; then ok "$name"; else not_ok "$name"; fi; }
# check_fails <name> <expected text> <command...>: passes when the command fails saying that
check_fails() {
  local name="$1" want="$2"; shift 2
  if out="$("$@" 2>&1)"; then not_ok "$name (unexpectedly succeeded)"
  elif grep -qF -- "$want" <<<"$out"; then ok "$name"
  else not_ok "$name (no \"$want\" in the error)"; fi
}
has() { grep -qF -- "$2" <<<"$1"; }
# equals/contains <expected> <command...>: the command's output is, or contains, the expected text
equals() { local want="$1" got; shift; got="$("$@")" || return 1; [ "$got" = "$want" ] || { echo "got: $got"; return 1; }; }
contains() { local want="$1" got; shift; got="$("$@")" || return 1; has "$got" "$want" || { echo "got: $got"; return 1; }; }

ns="smoke-$(date +%s)-$$"

check "/readyz answers ok" k get --raw /readyz
k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$(dirname "$0")/k8s/go.mod")"
check "server reports the pinned version $k8s_version" contains "\"gitVersion\": \"$k8s_version\"" k get --raw /version
check "admin is tapacme-admin" equals tapacme-admin k auth whoami -o jsonpath='{.status.userInfo.username}'
check "admin is in system:masters" contains '"system:masters"' k auth whoami -o jsonpath='{.status.userInfo.groups}'

for crd in clusterissuers issuers certificates certificaterequests; do
  check "CRD $crd.cert-manager.io Established" k wait --for=condition=Established --timeout=5s "crd/$crd.cert-manager.io"
done
for crd in challenges orders; do
  check "CRD $crd.acme.cert-manager.io Established" k wait --for=condition=Established --timeout=5s "crd/$crd.acme.cert-manager.io"
done
check "clusterissuers.cert-manager.io served" k get clusterissuers.cert-manager.io
check "namespace cert-manager exists" k get namespace cert-manager

check "create namespace $ns" k create namespace "$ns"

# The failure tapacme exists for: a solver Pod naming a ServiceAccount that is not there.
pod() { # <name> <serviceAccountName or ""> <imagePullSecret or "">
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n' "$1" "$ns"
  [ -z "$2" ] || printf '  serviceAccountName: %s\n' "$2"
  [ -z "$3" ] || printf '  imagePullSecrets: [{name: %s}]\n' "$3"
  printf '  containers: [{name: acmesolver, image: registry.example.test/cert-manager-acmesolver:v1}]\n'
}
check_fails "Pod naming a missing ServiceAccount is rejected" \
  "error looking up service account $ns/tap-acme-http01-solver" \
  k create -f - <<<"$(pod solver-1 tap-acme-http01-solver "")"
check_fails "Pod with no serviceAccountName is rejected (no default SA without controllers)" \
  "error looking up service account $ns/default" \
  k create -f - <<<"$(pod solver-0 "" "")"

check "create registry-credentials placeholder secret" k apply -f - <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: registry-credentials
  namespace: $ns
  annotations: {secretgen.carvel.dev/image-pull-secret: ""}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: e30K}
EOF
check "create ServiceAccount with imagePullSecrets" k apply -f - <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: tap-acme-http01-solver, namespace: $ns}
imagePullSecrets: [{name: registry-credentials}]
EOF
check "Pod without its own imagePullSecrets is admitted" k create -f - <<<"$(pod solver-2 tap-acme-http01-solver "")"
check "admission copied the ServiceAccount's imagePullSecrets" equals registry-credentials \
  k -n "$ns" get pod solver-2 -o jsonpath='{.spec.imagePullSecrets[*].name}'
check "Pod with its own imagePullSecrets is admitted" k create -f - <<<"$(pod solver-3 tap-acme-http01-solver other-secret)"
check "its own imagePullSecrets are kept, the ServiceAccount's not added" equals other-secret \
  k -n "$ns" get pod solver-3 -o jsonpath='{.spec.imagePullSecrets[*].name}'

check_fails "limited identity gets 403 listing secrets" "Forbidden" \
  klimited -n "$ns" get secrets
if has "$out" 'User "tapacme-limited" cannot list resource "secrets"'; then ok "403 names user tapacme-limited"; else not_ok "403 names user tapacme-limited"; fi
check "limited identity can still ask who it is" equals tapacme-limited \
  klimited auth whoami -o jsonpath='{.status.userInfo.username}'

check "a cert-manager Deployment object can be stored" k apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager, namespace: cert-manager}
spec:
  selector: {matchLabels: {app: cert-manager}}
  template:
    metadata: {labels: {app: cert-manager}}
    spec:
      containers:
      - name: cert-manager-controller
        image: registry.example.test/cert-manager-controller:$cm_version
        args: [--cluster-resource-namespace=cert-manager, --acme-http01-solver-image=registry.example.test/cert-manager-acmesolver:$cm_version]
EOF
check "its args read back" contains "--acme-http01-solver-image=registry.example.test/" \
  k -n cert-manager get deploy cert-manager -o jsonpath='{.spec.template.spec.containers[0].args}'
k -n cert-manager delete deploy cert-manager --wait=false >/dev/null 2>&1 || true

# The served schema is the pinned release's: podTemplate.spec.imagePullSecrets exists from 1.12.
issuer() {
  cat <<EOF
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: smoke-$$}
spec:
  acme:
    server: https://acme.example.test/directory
    privateKeySecretRef: {name: acme-account}
    solvers:
    - http01:
        ingress:
          podTemplate:
            spec:
              serviceAccountName: tap-acme-http01-solver
              $1
EOF
}
check "ClusterIssuer with a podTemplate serviceAccountName passes strict validation" \
  k create --dry-run=server --validate=strict -f - <<<"$(issuer "")"
case "$cm_version" in
  v1.11.*)
    check_fails "v1.11 schema: podTemplate imagePullSecrets is an unknown field" 'unknown field' \
      k create --dry-run=server --validate=strict -f - <<<"$(issuer "imagePullSecrets: [{name: registry-credentials}]")" ;;
  *)
    check "$cm_version schema: podTemplate imagePullSecrets is accepted" \
      k create --dry-run=server --validate=strict -f - <<<"$(issuer "imagePullSecrets: [{name: registry-credentials}]")" ;;
esac

k delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
echo "cluster smoke against cert-manager $cm_version CRDs"
echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
