#!/usr/bin/env bash
# The extension in a real VS Code: installs Chromium and code-server (cached), builds the .vsix,
# then runs the UI scenarios and the extension-host integration tests (apps/vscode-tapacme/e2e).
# Screenshots and logs of failures land in .test-output/vscode/. Exits non-zero on any failure;
# the last line is "vscode e2e: N passed, M failed" (after the "vscode:" line scripts/test-all.sh sums).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_toolchain

fail() {
  echo "$1" >&2
  echo "vscode: 0 passed, 1 failed"
  echo "vscode e2e: 0 passed, 1 failed"
  exit 1
}

prefix="$(scripts/vscode-e2e-setup.sh)" || fail "setting up code-server and Chromium failed"
[ -d node_modules ] || pnpm_install
pnpm exec turbo run build --filter=tapacme... --output-logs=errors-only >&2 || fail "building the extension failed"

cd apps/vscode-tapacme
TAPACME_CODE_SERVER_PREFIX="$prefix" exec node e2e/run.ts "$@"
