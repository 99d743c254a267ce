#!/usr/bin/env bash
# Watch tier: the built `kubectl-tapacme watch` against a real kube-apiserver (tools/cluster) in its own
# state dir (.test-cluster/watch): one test restarts the API server (cluster.sh restart-apiserver), which
# must never disturb a cluster another suite or a person is using.
# Prints "watch: N passed, M failed" and exits non-zero when any test failed or could not run.
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
    echo "watch: 0 passed, 1 failed (the CLI did not build)"
    exit 1
  fi
fi

report="$root/.test-output/watch.json"
rm -f "$report"
(
  cd apps/kubectl-tapacme &&
    TAPACME_CLUSTER_DIR="$root/.test-cluster/watch" TAPACME_CLUSTER_KEEP="" \
      pnpm exec vitest run --config test/watch/vitest.config.ts --reporter=default --reporter=json --outputFile="$report"
) >&2
rc=$?
read -r p f <<<"$(vitest_counts "$report" "$rc")"
echo "watch: $p passed, $f failed"
[ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
