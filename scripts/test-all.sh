#!/usr/bin/env bash
# Every test tier, in order of cost. Each tier prints "<tier>: N passed, M failed"; the last line sums them.
# Runs every tier even when one fails, then exits non-zero if any did.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export FORCE_COLOR=0 NO_COLOR=1
mkdir -p .test-output
passed=0
failed=0
status=0

count_tier() { # tier-name log-file exit-code
  local line p f
  line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -n 1)
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.*, ([0-9]+) failed.*/\1/' <<<"$line")
  if [ -z "$line" ]; then
    echo "$1: no result line; counting the tier as one failure" >&2
    p=0 f=1
  fi
  if [ "$3" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$3" -eq 0 ] || status=1
}

run_tier() { # name command...
  local name=$1 log=".test-output/$1.log" rc
  shift
  echo "== $name" >&2
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  count_tier "$name" "$log" "$rc"
}

unit() {
  # Build, typecheck, lint, then every package's vitest suite against sources and against the built output.
  local rc
  pnpm exec turbo run build typecheck lint test test:dist --output-logs=full --log-order=grouped 2>&1 | tee .test-output/unit-raw.log
  rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -aoE 'Tests +[0-9]+ passed' .test-output/unit-raw.log | awk '{s+=$2} END {print s+0}')
  f=$(grep -aoE 'Tests +[0-9]+ failed' .test-output/unit-raw.log | awk '{s+=$2} END {print s+0}')
  echo "unit: $p passed, $f failed"
  return "$rc"
}

harness() {
  # The real API server itself: up, smoke checks, down, for each pinned cert-manager CRD version.
  local rc
  bash tools/cluster/test.sh 2>&1 | tee .test-output/harness-raw.log
  rc=${PIPESTATUS[0]}
  awk '/^smoke: [0-9]+ passed, [0-9]+ failed/ {p += $2; f += $4} END {printf "harness: %d passed, %d failed\n", p, f}' .test-output/harness-raw.log
  return "$rc"
}

# The e2e rig's cold Go builds (cert-manager, kube-controller-manager, kube-scheduler, Pebble) take
# many minutes: start them now, niced, so they overlap the tiers before it (the build locks make the
# e2e tier wait for them; a failed build is retried there and reported).
nice -n 10 bash tools/e2e/e2e.sh build > .test-output/e2e-build.log 2>&1 &

run_tier unit unit
run_tier harness harness
for tier in cluster krew image policies watch vscode e2e; do
  script="scripts/test-$tier.sh"
  if [ -x "$script" ]; then
    run_tier "$tier" "$script"
  else
    echo "$tier: $script is missing" >&2
    echo "$tier: 0 passed, 1 failed" > ".test-output/$tier.log"
    count_tier "$tier" ".test-output/$tier.log" 1
  fi
done

echo "tests: $passed passed, $failed failed"
exit "$status"
