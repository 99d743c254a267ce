#!/usr/bin/env bash
# E2E tier: the built kubectl-tapacme against cert-manager v1.11.5 itself (controller and webhook),
# Pebble and BIND, on a control plane with kube-controller-manager and kube-scheduler (tools/e2e).
# The rig runs in its own state dir (.test-e2e/tier), so a rig someone started with `pnpm e2e:up`
# is never touched. Prints "e2e: N passed, M failed" and exits non-zero when any test failed or
# could not run.
set -uo pipefail
# shellcheck source=scripts/lib/vitest-counts.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/vitest-counts.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_toolchain
mkdir -p .test-output

if [ -z "${TAPACME_SKIP_BUILD:-}" ] || [ ! -f apps/kubectl-tapacme/dist/kubectl-tapacme.cjs ]; then
  if ! pnpm exec turbo run build --filter=kubectl-tapacme... --output-logs=errors-only >&2; then
    echo "e2e: 0 passed, 1 failed (the CLI did not build)"
    exit 1
  fi
fi

export TAPACME_E2E_DIR="$root/.test-e2e/tier"
passed=0
failed=0
t0=$SECONDS
# Builds what is missing (test-all.sh started the cold builds in the background; the build
# locks make this wait for them), then starts the rig.
if ! bash tools/e2e/e2e.sh up >&2; then
  echo "e2e: $passed passed, $((failed + 1)) failed (the rig did not start; logs in $TAPACME_E2E_DIR/logs)"
  bash tools/e2e/e2e.sh down >&2
  exit 1
fi
echo "e2e: rig up after $((SECONDS - t0))s" >&2

# The rig's node, registry and image programs have Go tests of their own (pull credentials as
# kubelet resolves them, pulls against a private registry, backoff and events, chrooted
# containers in their own network namespace, volumes, probes, tokens from the rig's API server).
# They run inside the rig (e2e.sh exec) with its environment; a skipped test counts as failed,
# since here every one can run. Same flags as their build, so the compile is shared.
go_log="$root/.test-output/e2e-go.log"
t1=$SECONDS
INIT_CWD="$root/tools/e2e/node" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" \
  nice -n 15 bash tools/e2e/e2e.sh exec -- go test -trimpath -count=1 -v ./... > "$go_log" 2>&1
go_rc=$?
gp=$(grep -c '^--- PASS' "$go_log")
gf=$(( $(grep -c '^--- FAIL' "$go_log") + $(grep -c '^--- SKIP' "$go_log") ))
if [ "$go_rc" -ne 0 ] && [ "$gf" -eq 0 ]; then gf=1; fi
echo "e2e: Go tests of tools/e2e/node: $gp passed, $gf failed or skipped in $((SECONDS - t1))s (log: $go_log)" >&2
[ "$gf" -eq 0 ] || tail -n 40 "$go_log" >&2
passed=$((passed + gp))
failed=$((failed + gf))

report="$root/.test-output/e2e.json"
rm -f "$report"
t1=$SECONDS
(
  cd apps/kubectl-tapacme &&
    pnpm exec vitest run --config test/e2e/vitest.config.ts --reporter=default --reporter=json --outputFile="$report"
) >&2
rc=$?
read -r p f <<<"$(vitest_counts "$report" "$rc")"
passed=$((passed + p))
failed=$((failed + f))
echo "e2e: scenarios took $((SECONDS - t1))s" >&2

# down stops everything, and a second down finds nothing left to stop.
if bash tools/e2e/e2e.sh down >&2 && bash tools/e2e/e2e.sh down >&2 && ! bash tools/e2e/e2e.sh status 2>/dev/null; then
  passed=$((passed + 1))
else
  echo "e2e: down failed or left something running" >&2
  failed=$((failed + 1))
fi

echo "e2e: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
