#!/usr/bin/env bash
# Proves the policies `kubectl tapacme fix --emit kyverno` writes with the REAL Kyverno CLI, built from its Go
# module (tools/kyverno/build.sh). For every scenario in apps/kubectl-tapacme/test/policies/kyverno/<name>/:
#   1. run the built plugin: fix -f issuer.yaml --emit kyverno $(cat args) --output-dir <tmp>/out
#   2. `kyverno test` the emitted ClusterPolicy against resources.yaml and the expected generated objects
#   3. `kyverno apply` it to a new namespace's Certificate and check the ServiceAccount it prints
# plus a control that must fail (a wrong expected pull secret), so a green run cannot come from a check
# that compares nothing. Prints "policies: N passed, M failed"; exits non-zero when anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export NO_COLOR=1 FORCE_COLOR=0

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
finish() { echo "policies: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# shellcheck source=scripts/lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_toolchain

kyverno="$(bash tools/kyverno/build.sh)" || { bad "build the Kyverno CLI from its Go module (tools/kyverno/build.sh)"; finish; }
"$kyverno" version >/dev/null 2>&1 || { bad "run $kyverno version"; finish; }

cli="$root/apps/kubectl-tapacme/dist/kubectl-tapacme.cjs"
if [ -z "${TAPACME_SKIP_BUILD:-}" ] || [ ! -f "$cli" ]; then
  pnpm exec turbo run build --filter=kubectl-tapacme... --output-logs=errors-only >&2 || { bad "build the plugin"; finish; }
fi
plugin() { node "$cli" "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tapacme-policies.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# emit <scenario dir> <dest dir>: the plugin's output for the scenario, policies concatenated into policy.yaml.
emit() {
  local src="$1" dest="$2" args=()
  cp -R "$src/." "$dest/"
  read -r -a args < <(cat "$src/args" 2>/dev/null; echo)
  if ! plugin fix -f "$dest/issuer.yaml" --emit kyverno "${args[@]}" --output-dir "$dest/out" >"$dest/emit.out" 2>"$dest/emit.err"; then
    sed 's/^/      /' "$dest/emit.err"
    return 1
  fi
  local policies=("$dest"/out/kyverno/tapacme-acme-solver-*.yaml)
  [ -f "${policies[0]}" ] || { echo "      no ClusterPolicy under $dest/out/kyverno"; return 1; }
  cat "${policies[@]}" >"$dest/policy.yaml"
}

# kyverno_test <dir> <label>: run `kyverno test`, print its summary, 0 when every expected result held.
kyverno_test() {
  local dir="$1" out="$1/kyverno-test.out" rc p f want
  "$kyverno" test "$dir" --remove-color --detailed-results >"$out" 2>&1
  rc=$?
  p=$(sed -nE 's/^Test Summary: ([0-9]+) tests passed and ([0-9]+) tests failed.*/\1/p' "$out" | tail -n 1)
  f=$(sed -nE 's/^Test Summary: ([0-9]+) tests passed and ([0-9]+) tests failed.*/\2/p' "$out" | tail -n 1)
  want=$(grep -cE '^- \{policy:' "$dir/kyverno-test.yaml")
  echo "      kyverno test: ${p:-?} passed, ${f:-?} failed (${want} results declared), exit $rc"
  # Every declared result must have been checked: a result whose resource is missing would be dropped silently.
  [ "$rc" -eq 0 ] && [ "${f:-1}" -eq 0 ] && [ "${p:-0}" -ge "$want" ]
}

echo "kyverno: $("$kyverno" version 2>/dev/null | head -n 1)"
for src in apps/kubectl-tapacme/test/policies/kyverno/*/; do
  name="$(basename "$src")"
  dir="$work/$name"
  mkdir -p "$dir"
  if ! emit "$src" "$dir"; then bad "$name: fix --emit kyverno"; continue; fi
  if kyverno_test "$dir"; then ok "$name: kyverno test"; else sed -n '/^│\|^|\|FAIL\|Fail\|rror/p' "$dir/kyverno-test.out" | head -n 40 | sed 's/^/      /'; bad "$name: kyverno test"; fi
  # Resources the policy must not match at all (kyverno test has no result for them): apply generates nothing.
  if [ -f "$dir/apply-none.yaml" ]; then
    "$kyverno" apply "$dir/policy.yaml" --resource "$dir/apply-none.yaml" --remove-color >"$dir/apply-none.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q '^pass: 0, fail: 0, warn: 0, error: 0, skip: 0' "$dir/apply-none.out" && ! grep -q '^kind: \(ServiceAccount\|Secret\)' "$dir/apply-none.out"; then
      ok "$name: kyverno apply generates nothing for apply-none.yaml"
    else
      sed 's/^/      /' "$dir/apply-none.out" | head -n 40
      bad "$name: kyverno apply generated something for apply-none.yaml (exit $rc)"
    fi
  fi
done

# The control: the same scenario with a wrong expected pull secret must fail `kyverno test`.
ctl="$work/control-wrong-pull-secret"
mkdir -p "$ctl"
if emit apps/kubectl-tapacme/test/policies/kyverno/clusterissuer-placeholder "$ctl"; then
  sed -i 's/- name: registry-credentials/- name: not-the-pull-secret/' "$ctl/sa-team-a.yaml"
  if kyverno_test "$ctl" >/dev/null; then bad "control: kyverno test accepted a ServiceAccount with the wrong pull secret"; else
    if grep -q 'not-the-pull-secret' "$ctl/kyverno-test.out"; then ok "control: kyverno test rejects a wrong expected ServiceAccount (and shows the diff)"; else ok "control: kyverno test rejects a wrong expected ServiceAccount"; fi
  fi
else
  bad "control: fix --emit kyverno"
fi

# `kyverno apply`: a Certificate in a brand-new namespace gets the ServiceAccount, as Kyverno prints it.
app="$work/apply"
mkdir -p "$app"
if emit apps/kubectl-tapacme/test/policies/kyverno/clusterissuer-placeholder "$app"; then
  cat >"$app/new-namespace.yaml" <<'EOF'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: shop
  namespace: brand-new
spec:
  secretName: shop-tls
  dnsNames: [shop.brand-new.example.com]
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
EOF
  "$kyverno" apply "$app/policy.yaml" --resource "$app/new-namespace.yaml" --remove-color --detailed-results >"$app/apply.out" 2>&1
  rc=$?
  # kyverno apply prints generated objects as YAML after its summary.
  if [ "$rc" -eq 0 ] && grep -q 'kind: ServiceAccount' "$app/apply.out" && grep -q 'namespace: brand-new' "$app/apply.out" && grep -q 'name: tap-acme-http01-solver' "$app/apply.out" && grep -q -- '- name: registry-credentials' "$app/apply.out"; then
    ok "kyverno apply: Certificate in a new namespace -> ServiceAccount brand-new/tap-acme-http01-solver with pull secret registry-credentials"
  else
    sed 's/^/      /' "$app/apply.out" | head -n 60
    bad "kyverno apply: Certificate in a new namespace (exit $rc)"
  fi
else
  bad "kyverno apply: fix --emit kyverno"
fi

finish
