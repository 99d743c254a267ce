#!/usr/bin/env bash
# krew tier: builds the release (pnpm release:krew) and krew itself (pinned Go module), then proves
# the distribution with the real krew, kubectl and executables: install from the manifest, run the
# plugin with no Node.js on PATH, completion through kubectl, krew's manifest validator for every
# platform (archives served on loopback), and the CLI's own test suite against the Linux executables.
# Prints "krew: N passed, M failed" last; exits non-zero when anything failed.
#
#   TAPACME_KREW_SKIP_BUILD=1  reuse dist/krew from an earlier `pnpm release:krew`
#   TAPACME_KREW_QEMU=0|full   skip the linux/arm64 runs under qemu-user, or run the whole suite there
#                              (default: the CLI, check, SARIF and plugin test files)
#   TAPACME_KREW_MACOS=1|0     build and check the two macOS archives even when their signer
#                              (rcodesign: its first cargo build takes ~13 min of CPU) is not cached yet, or never;
#                              default: only when it is cached, else the tier skips them and says so
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_toolchain
export KREW_NO_UPGRADE_CHECK=1 NO_COLOR=1 FORCE_COLOR=0

passed=0 failed=0 skipped=0 step=0
work="$(mktemp -d "${TMPDIR:-/tmp}/tapacme-krew.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { # name [log]
  failed=$((failed + 1)); echo "not ok - $1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then tail -n 40 "$2" | sed 's/^/    /'; fi
}
skip() { skipped=$((skipped + 1)); echo "skip - $1"; }
# check NAME CMD...: passes when CMD exits 0; its output is shown only on failure.
check() {
  local name=$1 log="$work/step-$((step += 1)).log"
  shift
  if "$@" >"$log" 2>&1; then pass "$name"; else fail "$name" "$log"; fi
}
finish() {
  echo "krew: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}
version="v$(node -p 'require("./apps/kubectl-tapacme/package.json").version')"
manifest="$root/dist/krew/plugins/tapacme.yaml"
archive_amd64="$root/dist/krew/kubectl-tapacme-linux-amd64.tar.gz"

# ---------------------------------------------------------------- build
# The macOS archives need rcodesign, whose first build costs more than this tier may add to a cold
# run: they are built when it is cached or asked for (tools/krew/README.md, "Tests").
macos="${TAPACME_KREW_MACOS:-auto}"
if [ "$macos" = auto ]; then
  if tools/krew/build-rcodesign.sh --cached >/dev/null; then macos=1; else macos=0; fi
fi
nplatforms=5
if [ "$macos" != 1 ]; then
  nplatforms=3
  skip "darwin/amd64 and darwin/arm64: rcodesign is not built yet; TAPACME_KREW_MACOS=1 builds it (once, into \$TAPACME_CACHE) and checks both"
fi
if [ "${TAPACME_KREW_SKIP_BUILD:-}" != 1 ] || [ ! -f "$manifest" ]; then
  if [ "$macos" = 1 ]; then
    check "pnpm release:krew builds every platform and the manifest" pnpm --silent release:krew
  else
    check "pnpm release:krew builds the linux and windows platforms and their manifest" \
      env TAPACME_KREW_TARGETS=linux-amd64,linux-arm64,windows-amd64 pnpm --silent release:krew
  fi
fi
[ -f "$manifest" ] && [ -f "$archive_amd64" ] || { fail "dist/krew has a manifest and the linux/amd64 archive"; finish; }

if krew_dir="$(tools/krew/build-krew.sh 2>"$work/build-krew.log")"; then
  pass "krew and validate-krew-manifest built from sigs.k8s.io/krew (tools/krew/go/go.mod)"
else
  fail "krew and validate-krew-manifest built from sigs.k8s.io/krew" "$work/build-krew.log"; finish
fi

# kubectl: the pinned build from tools/cluster when present (completion needs 1.26+), else PATH's.
kubectl="$(ls -d "$TAPACME_CACHE"/bin/k8s-v*/kubectl 2>/dev/null | sort -V | tail -n 1)"
[ -n "$kubectl" ] || kubectl="$(command -v kubectl || true)"
[ -x "$kubectl" ] || { fail "a kubectl to run the plugin through (\$TAPACME_CACHE/bin/k8s-*/kubectl or PATH)"; finish; }
echo "# kubectl: $kubectl ($("$kubectl" version --client 2>/dev/null | head -n 1))"
echo "# krew: $krew_dir"

# A PATH with kubectl, krew and what the completion shim needs, and no Node.js.
tools="$work/tools"
mkdir -p "$tools"
ln -s "$kubectl" "$tools/kubectl"
ln -s "$krew_dir/kubectl-krew" "$tools/kubectl-krew"
for t in sh dirname; do ln -s "$(command -v "$t")" "$tools/$t"; done
export KREW_ROOT="$work/krew-root"
nonode_path="$KREW_ROOT/bin:$tools"
in_clean_env() { env -i HOME="$work/home" KREW_ROOT="$KREW_ROOT" KREW_NO_UPGRADE_CHECK=1 PATH="$nonode_path" "$@"; }
mkdir -p "$work/home"
if in_clean_env sh -c 'command -v node' >/dev/null 2>&1; then
  fail "the test PATH holds no node"; finish
fi
pass "the test PATH holds no node ($nonode_path)"

# ---------------------------------------------------------------- install with krew
check "validate-krew-manifest accepts the manifest's structure (selectors, sha256, no overlaps)" \
  "$krew_dir/validate-krew-manifest" -manifest "$manifest" -skip-install
check "kubectl krew install --manifest=dist/krew/plugins/tapacme.yaml --archive=<linux/amd64 archive>" \
  in_clean_env kubectl krew install --manifest="$manifest" --archive="$archive_amd64"

plugin_list() { local out; out="$(in_clean_env kubectl plugin list 2>&1)"; echo "$out"; grep -qx "$KREW_ROOT/bin/kubectl-tapacme" <<<"$out"; }
check "kubectl plugin list shows \$KREW_ROOT/bin/kubectl-tapacme" plugin_list

version_ok() { local v; v="$(in_clean_env kubectl tapacme --version)" && echo "$v" && [ "v$v" = "$version" ]; }
check "kubectl tapacme --version prints $version without node on PATH" version_ok

help_ok() { local out; out="$(in_clean_env kubectl tapacme --help 2>&1)" || return 1; echo "$out"; grep -q 'kubectl tapacme' <<<"$out"; }
check "kubectl tapacme --help names the command 'kubectl tapacme'" help_ok

# check exits 1 with findings; the executable must print exactly what the bundle run by node prints.
check_examples() {
  local rc=0 ref_rc=0
  (cd "$root" && in_clean_env kubectl tapacme check examples/) >"$work/check.out" 2>&1 || rc=$?
  node apps/kubectl-tapacme/bin/kubectl-tapacme check examples/ >"$work/check.ref" 2>&1 || ref_rc=$?
  cat "$work/check.out"
  echo "exit $rc (bundle under node: exit $ref_rc)"
  [ "$rc" -eq 1 ] && grep -q 'http01-solver-missing-service-account' "$work/check.out" &&
    [ "$ref_rc" -eq 1 ] && diff -u "$work/check.ref" "$work/check.out"
}
check "kubectl tapacme check examples/ exits 1 with the same findings as the bundle" check_examples

# Completion: without the shim kubectl cannot complete the plugin's arguments (krew links only the
# plugin); copy it as the manifest's caveats tell users, then let kubectl ask for completions.
no_shim() { local out; out="$(in_clean_env kubectl __complete tapacme "" 2>&1)"; echo "$out"; ! grep -q '^check' <<<"$out"; }
check "before the caveats' step, kubectl __complete tapacme '' offers no commands" no_shim
caveat_copy() {
  grep -q "cp \"\$dir/store/tapacme/$version/kubectl_complete-tapacme\" \"\$dir/bin/\"" "$manifest" &&
    dir="$KREW_ROOT" && cp "$dir/store/tapacme/$version/kubectl_complete-tapacme" "$dir/bin/"
}
check "the caveats' copy command puts kubectl_complete-tapacme next to the plugin" caveat_copy
complete_ok() { # expected-words (space-separated) -- words after `kubectl tapacme`
  local want=$1 out w
  shift
  out="$(in_clean_env kubectl __complete tapacme "$@")" || return 1
  echo "$out"
  grep -qE '^:[0-9]+$' <<<"$out" || return 1
  for w in $want; do grep -qE "^$w(\s|$)" <<<"$out" || { echo "missing: $w"; return 1; }; done
}
check "kubectl __complete tapacme '' offers the commands (through kubectl_complete-tapacme)" \
  complete_ok "check fix completion version" ""
check "kubectl __complete tapacme check --fail-on '' offers the severities" complete_ok "error warning" check --fail-on ""
check "kubectl __complete tapacme completion '' offers the shells" complete_ok "bash zsh fish powershell" completion ""

# ---------------------------------------------------------------- every platform, with krew's validator
# krew downloads `uri`, so the archives are served on loopback and a copy of the manifest points
# there; everything but the uri lines must stay identical to the released manifest.
node -e '
const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
const dir = process.argv[1];
const server = http.createServer((req, res) => {
  const file = path.join(dir, path.basename(decodeURIComponent(req.url.split("?")[0])));
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { "content-length": st.size });
    fs.createReadStream(file).pipe(res);
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
setTimeout(() => process.exit(0), 30 * 60 * 1000).unref(); // never outlives a test run
' "$root/dist/krew" >"$work/port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.2; done
port="$(cat "$work/port" 2>/dev/null)"
loopback="$work/loopback/tapacme.yaml" # validate-krew-manifest takes the plugin name from the file name
mkdir -p "$work/loopback"
sed -E "s#^(    uri: ).*/(kubectl-tapacme-[^/]+)\$#\1http://127.0.0.1:$port/\2#" "$manifest" >"$loopback"
same_but_uri() {
  [ -n "$port" ] && grep -q "uri: http://127.0.0.1:$port/" "$loopback" &&
    diff <(grep -v '^    uri: ' "$manifest") <(grep -v '^    uri: ' "$loopback")
}
check "the loopback copy of the manifest differs only in its uri lines (port ${port:-none})" same_but_uri

validate_all() {
  local out
  out="$(env -i PATH="$tools" TMPDIR="$work" "$krew_dir/validate-krew-manifest" -manifest "$loopback" 2>&1)" || { echo "$out"; return 1; }
  echo "$out"
  grep -q "all $nplatforms spec.platforms installed fine" <<<"$out"
}
check "validate-krew-manifest installs all $nplatforms platforms (KREW_OS/KREW_ARCH each) and finds LICENSE" validate_all

# Every platform's archive is the one whose sha256 the manifest (and SHA256SUMS) gives.
sha_matches() {
  local n=0 uri sum file
  while read -r uri sum; do
    file="$root/dist/krew/${uri##*/}"
    echo "$sum  ${uri##*/}"
    [ -f "$file" ] && [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sum" ] &&
      grep -qx "$sum  ${uri##*/}" "$root/dist/krew/SHA256SUMS" || { echo "mismatch: $file"; return 1; }
    n=$((n + 1))
  done < <(awk '$1 == "uri:" { u = $2 } $1 == "sha256:" { print u, $2 }' "$manifest")
  [ "$n" -eq "$nplatforms" ]
}
check "the sha256 of each of the $nplatforms archives is the manifest's and SHA256SUMS's" sha_matches

# Each platform gets its own native binary: format, CPU, injected blob; on macOS an ad-hoc
# signature that matches the file (checked by rcodesign and, independently, by recomputing the
# page hashes), elsewhere no signature left over from Node's build.
platforms=(linux/amd64 linux/arm64 windows/amd64)
if [ "$macos" = 1 ]; then
  platforms+=(darwin/amd64 darwin/arm64)
  rcodesign="$(tools/krew/build-rcodesign.sh 2>"$work/build-rcodesign.log")" ||
    { fail "rcodesign built from the crate apple-codesign (tools/krew/build-rcodesign.sh)" "$work/build-rcodesign.log"; finish; }
fi
for p in "${platforms[@]}"; do
  os="${p%/*}" arch="${p#*/}" bin=kubectl-tapacme shim=kubectl_complete-tapacme expect_arch="$arch"
  [ "$os" = windows ] && bin=kubectl-tapacme.exe shim=kubectl_complete-tapacme.cmd
  platform_ok() {
    local r="$work/root-$os-$arch" store
    env -i HOME="$work/home" PATH="$tools" KREW_ROOT="$r" KREW_OS="$os" KREW_ARCH="$arch" KREW_NO_UPGRADE_CHECK=1 \
      kubectl krew install --manifest="$loopback" || return 1
    store="$r/store/tapacme/$version"
    ls -l "$store"
    [ -f "$store/LICENSE" ] && [ -f "$store/LICENSE-node" ] && [ -f "$store/$shim" ] || return 1
    node tools/krew/test/inspect-executable.ts "$store/$bin" "$os" "$expect_arch" || return 1
    if [ "$os" = darwin ]; then node tools/krew/test/verify-adhoc.ts "$rcodesign" "$store/$bin" || return 1; fi
  }
  what="with the blob injected"
  [ "$os" = darwin ] && what="$what and a valid ad-hoc signature (rcodesign verify, page hashes recomputed)"
  check "krew install for $os/$arch yields $bin for $os/$expect_arch $what, plus LICENSE and $shim" platform_ok
done

# The signature checks can fail: one byte changed inside the signed code of the arm64 executable
# (in a copy) must be caught by both.
tampered_rejected() {
  local exe="$work/root-darwin-arm64/store/tapacme/$version/kubectl-tapacme" copy="$work/tampered"
  [ -f "$exe" ] || return 1
  cp "$exe" "$copy"
  # The 4097th byte: inside __TEXT, covered by the second page hash.
  printf '\xff' | dd of="$copy" bs=1 seek=4096 conv=notrunc status=none
  cmp -s "$exe" "$copy" && printf '\x00' | dd of="$copy" bs=1 seek=4096 conv=notrunc status=none
  if node tools/krew/test/inspect-executable.ts "$copy" darwin arm64; then echo "inspect-executable accepted it"; return 1; fi
  if node tools/krew/test/verify-adhoc.ts "$rcodesign" "$copy"; then echo "rcodesign verify accepted it"; return 1; fi
}
[ "$macos" = 1 ] &&
  check "a darwin/arm64 executable changed by one byte after signing is rejected by both signature checks" tampered_rejected

# ---------------------------------------------------------------- the CLI's own suite against the executables
suite() { # label TAPACME_CLI [vitest args...]
  local rc=0 log="$work/suite-$1.log" cli=$2
  shift 2
  TAPACME_CLI="$cli" pnpm --filter kubectl-tapacme exec vitest run "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { grep -aE '(✗|×|FAIL)' "$log" | head -n 40; tail -n 30 "$log"; return 1; }
}
suite_summary() { grep -aE '^ *(Test Files|Tests) ' "$work/suite-$1.log" 2>/dev/null | sed -E "s/^ +/# $1: /"; }
check "apps/kubectl-tapacme test suite passes against the krew-installed linux/amd64 executable" \
  suite linux-amd64 "$KREW_ROOT/bin/kubectl-tapacme"
suite_summary linux-amd64

# linux/arm64 under qemu-user, with Debian's arm64 cross runtime as the sysroot.
qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
sysroot=/usr/aarch64-linux-gnu
if [ "${TAPACME_KREW_QEMU:-1}" != 0 ] && { [ -z "$qemu" ] || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; } &&
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "# installing qemu-user-static and the arm64 C/C++ runtime (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static \
    libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross; } >"$work/apt.log" 2>&1 || tail -n 5 "$work/apt.log"
  qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
fi
if [ "${TAPACME_KREW_QEMU:-1}" = 0 ]; then
  skip "linux/arm64 under qemu-user (TAPACME_KREW_QEMU=0)"
elif [ -z "$qemu" ] || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  skip "linux/arm64 under qemu-user: qemu-aarch64 or $sysroot is missing and could not be installed"
else
  arm="$work/arm64/kubectl-tapacme"
  mkdir -p "$work/arm64"
  tar -xzf "$root/dist/krew/kubectl-tapacme-linux-arm64.tar.gz" -C "$work/arm64"
  arm_version() { local v; v="$("$qemu" -L "$sysroot" "$arm" --version)" && echo "$v" && [ "v$v" = "$version" ]; }
  check "linux/arm64 executable prints $version under $(basename "$qemu")" arm_version
  # Under qemu every start costs ~1.2 s of CPU (0.1 s native), and the whole suite starts the CLI
  # hundreds of times: on 2 cores that is past an hour, so by default the files that run the
  # executable on every command path once (CLI, check, SARIF, kubectl plugin); "full" runs them all.
  if [ "${TAPACME_KREW_QEMU:-1}" = full ]; then
    arm_files=() arm_label="test suite"
  else
    arm_files=(test/cli.test.ts test/check.test.ts test/sarif.test.ts test/kubectl-plugin.test.ts) arm_label="CLI, check, SARIF and plugin tests"
  fi
  # The executable rightly reports linux/arm64; the suite expects the host's platform unless told.
  TAPACME_CLI_PLATFORM=linux/arm64 check "apps/kubectl-tapacme $arm_label pass against the linux/arm64 executable under qemu-user" \
    suite linux-arm64 "$qemu -L $sysroot $arm" --testTimeout=600000 --hookTimeout=600000 "${arm_files[@]}"
  suite_summary linux-arm64
fi

# Not tested: `kubectl krew uninstall`/`upgrade`, which refuse to run without a clone of the krew
# index (`kubectl krew update` clones it from GitHub, out of reach here).

finish
