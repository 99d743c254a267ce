#!/usr/bin/env bash
# The demo that `./dev demo` runs after building the CLI: check the bundled examples/, show the fix as
# a diff, then apply it to a scratch copy and check again. Exits 0 when every step behaved as expected
# (the first check exits 1 because the examples have findings; that is the point of the demo).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cli=apps/kubectl-tapacme/bin/kubectl-tapacme
if [ ! -x "$cli" ]; then
  echo "demo: $cli is missing; build it first (./dev demo does)" >&2
  exit 2
fi

if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' off=$'\033[0m'; else bold='' off=''; fi
step() { printf '\n%s$ kubectl tapacme %s%s\n' "$bold" "$*" "$off" >&2; }
fail() { echo "demo: $*" >&2; exit 1; }

step check examples/
"$cli" check examples/
rc=$?
[ "$rc" -eq 1 ] || fail "expected check to report findings (exit 1), got exit $rc"

step fix --diff --emit-service-account examples/
"$cli" fix --diff --emit-service-account examples/ || fail "fix --diff failed (exit $?)"

step fix --diff --strategy dns01 --dns01-solver examples/dns01/route53-solver.yaml examples/clusterissuer-letsencrypt-prod.yaml
"$cli" fix --diff --strategy dns01 --dns01-solver examples/dns01/route53-solver.yaml examples/clusterissuer-letsencrypt-prod.yaml ||
  fail "fix --strategy dns01 --diff failed (exit $?)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp examples/*.yaml "$scratch/"
step "fix --write --emit-service-account <a copy of examples/>"
"$cli" fix --write --emit-service-account "$scratch" || fail "fix --write failed (exit $?)"
step "check <the fixed copy>"
"$cli" check "$scratch" || fail "the fixed copy still has findings (exit $?)"
echo >&2
echo "demo: done; examples/ itself was not changed" >&2
