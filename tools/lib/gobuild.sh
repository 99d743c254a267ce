# shellcheck shell=bash
# Building pinned Go modules into tapacme's binary cache, shared by tools/cluster and tools/e2e.
# The caller defines log() and die() before sourcing this file.

# Versions come from the pinned go.mod files, so a cache key cannot drift from the build.
modver() { # <go.mod> <module path>
  awk -v m="$2" '{ for (i = 1; i < NF; i++) if ($i == m && $(i + 1) ~ /^v[0-9]/) { print $(i + 1); exit } }' "$1"
}

# A cache key for the project's own Go programs: a hash of the module's go.mod, go.sum and
# non-test sources, so an edit builds anew and an unchanged tree reuses the cache.
node_key() { # <module dir>
  (cd "$1" && find . -name '*.go' ! -name '*_test.go' -o -name go.mod -o -name go.sum | LC_ALL=C sort |
    xargs cat | sha256sum | cut -c1-12)
}

tapacme_cache="${TAPACME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapacme}" # as scripts/lib/toolchain.sh

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  [ -x /usr/local/go/bin/go ] && { echo /usr/local/go/bin/go; return; }
  die "Go is needed to build the test binaries (go.mod asks for go 1.26); install it at /usr/local/go"
}

# go_build <module dir> <dest dir> <ldflags> <pkg>=<binary name>...
# Builds into a temp dir and renames, so an interrupted build never leaves a half binary.
go_build() {
  local dir="$1" dest="$2" ldflags="$3" go tmp spec pkgs=() names=() i
  shift 3
  for spec in "$@"; do pkgs+=("${spec%%=*}"); names+=("${spec#*=}"); done
  go="$(find_go)"
  mkdir -p "$dest"
  tmp="$(mktemp -d "$dest/.build.XXXXXX")"
  log "building ${names[*]} (${dest##*/}) - the first build takes minutes on 2 cores"
  local start=$SECONDS
  for i in "${!pkgs[@]}"; do
    # One go build per binary: -o <file> names the output explicitly.
    (cd "$dir" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" \
      "$go" build -trimpath -ldflags="$ldflags" -o "$tmp/${names[$i]}" "${pkgs[$i]}") ||
      { rm -rf "$tmp"; die "go build ${pkgs[$i]} failed"; }
  done
  for i in "${!names[@]}"; do mv -f "$tmp/${names[$i]}" "$dest/${names[$i]}"; done
  rmdir "$tmp"
  log "built ${names[*]} in $((SECONDS - start))s"
}

# -X values as Kubernetes' own release build sets them, so /version and `kubectl version` tell
# the truth instead of v0.0.0-master.
k8s_ldflags() { # <k8s module dir>
  local v major minor flags="" key val pkg tagtime
  v="$(modver "$1/go.mod" k8s.io/kubernetes)"
  major="${v#v}"; major="${major%%.*}"
  minor="${v#v*.}"; minor="${minor%%.*}"
  # The release's tag time as build date keeps the binaries reproducible.
  tagtime="$(cd "$1" && GOFLAGS="${GOFLAGS:-} -mod=mod" "$(find_go)" list -m -json k8s.io/kubernetes |
    sed -n 's/^[[:space:]]*"Time": "\(.*\)",\{0,1\}$/\1/p')"
  for kv in "gitVersion=$v" "gitMajor=$major" "gitMinor=$minor" "gitTreeState=clean" \
            "buildDate=${tagtime:-unknown}"; do
    key="${kv%%=*}"; val="${kv#*=}"
    for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
      flags+=" -X $pkg.$key=$val"
    done
  done
  echo "-s -w$flags"
}

# with_build_lock <lock name> <command...>: one build per lock and cache, whichever checkout
# asks. The lock is released when the command returns.
with_build_lock() {
  local name="$1" fd rc=0
  shift
  mkdir -p "$tapacme_cache/bin"
  exec {fd}>"$tapacme_cache/bin/$name"
  flock "$fd"
  "$@" || rc=$?
  exec {fd}>&-
  return "$rc"
}
