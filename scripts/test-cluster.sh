#!/usr/bin/env bash
# Live-cluster tier: the built kubectl-tapacme against real kube-apiservers (tools/cluster), once with
# cert-manager v1.21.1 CRDs and once with v1.11.0 (TAP 1.5). Each suite starts its own API server in
# its own state dir, so a cluster someone started with `pnpm cluster:up` is never touched.
# Prints "cluster: N passed, M failed" and exits non-zero when any test failed or could not run.
set -uo pipefail
# shellcheck source=scripts/lib/vitest-counts.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/vitest-counts.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_toolchain
mkdir -p .test-output

if ! pnpm exec turbo run build --filter=kubectl-tapacme... --output-logs=errors-only >&2; then
  echo "cluster: 0 passed, 1 failed (the CLI did not build)"
  exit 1
fi

# Debian's Chromium opens `scan -o html` in html-report.live.ts (the editor's tier installs the same package).
die() { log "$*"; echo "cluster: 0 passed, 1 failed ($*)"; exit 1; }
# shellcheck source=tools/lib/apt.sh
source tools/lib/apt.sh
ensure_apt chromium chromium
export TAPACME_CHROMIUM="${TAPACME_CHROMIUM:-/usr/bin/chromium}"

passed=0
failed=0
status=0

# Fault injection (tools/faults): Toxiproxy and our two proxies, built into the cache, their own go tests first.
echo "== fault injection tools (tools/faults)" >&2
if faults_env="$(bash tools/faults/faults.sh build)"; then
  eval "$faults_env"
  export TAPACME_TOXIPROXY TAPACME_FAULTPROXY TAPACME_CONNECTPROXY
else
  echo "cluster: 0 passed, 1 failed (tools/faults did not build)"
  exit 1
fi
faults_line="$(bash tools/faults/faults.sh test | tail -n 1)"
rc=$?
read -r p f <<<"$(sed -E 's/^faults: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$faults_line")"
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
[ "$rc" -eq 0 ] || status=1

for suite in current:v1.21.1 v1.11:v1.11.0; do
  name="${suite%%:*}"
  version="${suite#*:}"
  report=".test-output/cluster-$name.json"
  rm -f "$report"
  echo "== live suite $name (cert-manager $version CRDs)" >&2
  (
    cd apps/kubectl-tapacme &&
      TAPACME_LIVE_SUITE="$name" TAPACME_CERT_MANAGER_VERSION="$version" TAPACME_CLUSTER_DIR="$root/.test-cluster/live-$name" \
        pnpm exec vitest run --config test/live/vitest.config.ts --reporter=default --reporter=json --outputFile="$root/$report"
  ) >&2
  rc=$?
  read -r p f <<<"$(vitest_counts "$report" "$rc")"
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$rc" -eq 0 ] || status=1
done

echo "cluster: $passed passed, $failed failed"
exit "$status"
