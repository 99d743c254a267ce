#!/usr/bin/env bash
# A real Kubernetes API server (etcd + kube-apiserver, no controllers, no nodes) on loopback
# for tapacme's live tests, built from pinned Go modules. See tools/cluster/README.md.
#
#   cluster.sh up [--lease ID]    build what is missing, start, install cert-manager CRDs
#   cluster.sh down [--lease ID]  stop what up started (safe to call twice); with --lease,
#                                 only drop that lease and stop when no lease is left
#   cluster.sh status             exit 0 when up and ready
#   cluster.sh env [--json]       print export lines (KUBECONFIG, TAPACME_KUBECTL, ...)
#   cluster.sh build              only build the binaries into the cache
#   cluster.sh kubectl ARGS...    run the built kubectl against the test cluster
#   cluster.sh restart-apiserver  stop and start only kube-apiserver (same flags, ports and etcd data)
#   cluster.sh crds               print the folder of the prepared cert-manager CRDs (fetched once)
#
# Environment:
#   TAPACME_CACHE                  binary cache root (default ${XDG_CACHE_HOME:-~/.cache}/tapacme)
#   TAPACME_CLUSTER_DIR            state dir (default <repo>/.test-cluster)
#   TAPACME_CERT_MANAGER_VERSION   cert-manager CRDs to install (default v1.21.1)
#   TAPACME_CLUSTER_API_PORT       the API server's port (default: a random free one)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=../lib/gobuild.sh
. "$root/tools/lib/gobuild.sh"
# shellcheck source=../lib/ports.sh
. "$root/tools/lib/ports.sh"
# shellcheck source=../lib/procs.sh
. "$root/tools/lib/procs.sh"
# shellcheck source=../lib/apt.sh
. "$root/tools/lib/apt.sh"

k8s_version="$(modver "$here/k8s/go.mod" k8s.io/kubernetes)"
etcd_version="$(modver "$here/etcd/go.mod" go.etcd.io/etcd/server/v3)"
cm_version="${TAPACME_CERT_MANAGER_VERSION:-v1.21.1}"

cache="$tapacme_cache"
k8s_bin="$cache/bin/k8s-$k8s_version"
etcd_bin="$cache/bin/etcd-$etcd_version"
kubectl="$k8s_bin/kubectl"

state="${TAPACME_CLUSTER_DIR:-$root/.test-cluster}"
pki="$state/pki"
logs="$state/logs"
leases="$state/leases"
kubeconfig="$state/kubeconfig"
kubeconfig_limited="$state/kubeconfig-limited"

# ---------------------------------------------------------------- prerequisites

ensure_openssl() { ensure_apt openssl openssl; }

# ---------------------------------------------------------------- build

build_binaries() {
  if [ ! -x "$k8s_bin/kube-apiserver" ] || [ ! -x "$k8s_bin/kubectl" ]; then
    go_build "$here/k8s" "$k8s_bin" "$(k8s_ldflags "$here/k8s")" \
      k8s.io/kubernetes/cmd/kube-apiserver=kube-apiserver k8s.io/kubernetes/cmd/kubectl=kubectl
  fi
  if [ ! -x "$etcd_bin/etcd" ]; then
    go_build "$here/etcd" "$etcd_bin" "-s -w" go.etcd.io/etcd/server/v3=etcd
  fi
}

# One build at a time per cache, whichever checkout asks; nothing to wait for when all are built.
build() {
  [ -x "$k8s_bin/kube-apiserver" ] && [ -x "$k8s_bin/kubectl" ] && [ -x "$etcd_bin/etcd" ] && return 0
  with_build_lock .build.lock build_binaries
}

# ---------------------------------------------------------------- cert-manager CRDs

# Prepared CRDs are cached per version; they come from the cert-manager Go module itself.
crd_dir() {
  local out="$cache/crds/cert-manager-$cm_version"
  # Tiers and the schema generator ask at the same time: one preparation per version.
  [ -f "$out/.done" ] || with_build_lock ".crds-$cm_version.lock" prepare_crds "$out" || return 1
  echo "$out"
}

prepare_crds() { # <out>
  local out="$1" go src tmp f
  [ -f "$out/.done" ] && return 0
  go="$(find_go)"
  log "fetching cert-manager $cm_version CRDs from its Go module"
  # Outside any module (cd /), -mod=mod would be an error there.
  src="$(cd / && GOFLAGS='' "$go" mod download -json "github.com/cert-manager/cert-manager@$cm_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -d "$src/deploy/crds" ] || die "no deploy/crds in github.com/cert-manager/cert-manager@$cm_version"
  rm -rf "$out"; mkdir -p "$(dirname "$out")"
  tmp="$(mktemp -d "$out.XXXXXX")"
  for f in "$src"/deploy/crds/*.yaml; do
    # Releases before 1.19 ship Helm templates here: their label values become plain labels, and
    # the template actions they hide in YAML comments (crd-check, START/END blocks) are dropped.
    sed -e "s/'{{ template \"cert-manager.name\" . }}'/cert-manager/" \
        -e "s/['\"]{{ \.Release\.Name }}['\"]/cert-manager/" \
        -e '/^[[:space:]]*#.*{{/d' "$f" > "$tmp/${f##*/}"
    if grep -q '{{' "$tmp/${f##*/}"; then rm -rf "$tmp"; die "unhandled Helm template in ${f##*/}"; fi
  done
  touch "$tmp/.done"
  mv "$tmp" "$out"
}

# ---------------------------------------------------------------- processes

pid_of() { pidfile_pid "$state/$1.pid" "$1"; } # <name>: the pid, if that process is still ours
stop_proc() { pidfile_stop "$state/$1.pid" "$1"; } # <name>

show_logs() {
  local f
  for f in "$logs"/etcd.log "$logs"/kube-apiserver.log; do
    [ -f "$f" ] || continue
    log "---- last lines of $f"
    tail -n 40 "$f" >&2
  done
}

fail() { log "error: $*"; show_logs; stop_all; exit 1; }

stop_all() { stop_proc kube-apiserver; stop_proc etcd; }

is_ready() {
  pid_of etcd >/dev/null && pid_of kube-apiserver >/dev/null && [ -f "$kubeconfig" ] &&
    "$kubectl" --kubeconfig "$kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1
}

# ---------------------------------------------------------------- certificates and kubeconfigs

gen_pki() {
  [ -f "$pki/.done" ] && return
  ensure_openssl
  log "generating CA, client certificates and service-account key"
  rm -rf "$pki"; mkdir -p "$pki/serving"
  (
    cd "$pki"
    # ECDSA P-256 keys: fast to make, accepted by the API server for all these uses.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -keyout ca.key -out ca.crt -subj "/CN=tapacme-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
    client() { # <file stem> <subject>
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile client.ext -out "$1.crt" 2>/dev/null
      rm -f "$1.csr"
    }
    client admin "/O=system:masters/CN=tapacme-admin"
    client limited "/CN=tapacme-limited" # no groups: only what system:authenticated gets
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
    openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
    touch .done
  ) || die "certificate generation with openssl failed"
}

# A serving certificate for a host name, signed by the test CA and served by SNI (--tls-sni-cert-key)
# beside the API server's own self-signed one: tests that need a name which is not localhost or a
# loopback literal (HTTPS_PROXY is never used for those) map it to 127.0.0.1 in their own /etc/hosts.
named_host="apiserver.tapacme.test"
gen_named_cert() {
  [ -f "$pki/apiserver-named.crt" ] && return
  (
    cd "$pki"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout apiserver-named.key -out apiserver-named.csr -subj "/CN=$named_host" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' "$named_host" > named.ext
    openssl x509 -req -in apiserver-named.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile named.ext -out apiserver-named.crt.tmp 2>/dev/null
    rm -f apiserver-named.csr named.ext
    chmod 600 apiserver-named.key
    mv apiserver-named.crt.tmp apiserver-named.crt
  ) || die "generating the named serving certificate with openssl failed"
}

b64() { base64 -w0 < "$1"; }

write_kubeconfig() { # <file> <server> <ca file> <user> <cert stem>
  local tmp="$1.tmp"
  cat > "$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tapacme-test
  cluster:
    server: $2
    certificate-authority-data: $(b64 "$3")
users:
- name: $4
  user:
    client-certificate-data: $(b64 "$pki/$5.crt")
    client-key-data: $(b64 "$pki/$5.key")
contexts:
- name: $4
  context:
    cluster: tapacme-test
    user: $4
current-context: $4
EOF
  chmod 600 "$tmp"
  mv -f "$tmp" "$1"
}

# ---------------------------------------------------------------- up / down

start_servers() {
  local etcd_port peer_port api_port server i
  # A fresh store every start: tests get an empty cluster, and there are no controllers to
  # clean up after an earlier run anyway.
  rm -rf "$state/etcd"

  local t=$SECONDS
  read -r etcd_port peer_port api_port <<<"$(free_ports 3)"
  # A caller that forwards the API server's port from elsewhere (tools/e2e) fixes it.
  api_port="${TAPACME_CLUSTER_API_PORT:-$api_port}"
  server="https://127.0.0.1:$api_port"

  log "starting etcd $etcd_version on 127.0.0.1:$etcd_port"
  setsid "$etcd_bin/etcd" \
    --name tapacme --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "tapacme=http://127.0.0.1:$peer_port" \
    --unsafe-no-fsync --log-level warn \
    > "$logs/etcd.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$state/etcd.pid"
  disown

  log "starting kube-apiserver $k8s_version on $server"
  setsid "$k8s_bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --cert-dir "$pki/serving" \
    --tls-sni-cert-key "$pki/apiserver-named.crt,$pki/apiserver-named.key:$named_host" \
    --client-ca-file "$pki/ca.crt" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --profiling=false \
    > "$logs/kube-apiserver.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$state/kube-apiserver.pid"
  disown

  # The serving certificate (with its self-signed CA) appears in --cert-dir at startup.
  for i in $(seq 1 300); do
    [ -s "$pki/serving/apiserver.crt" ] && break
    alive || return 1
    sleep 0.1
  done
  [ -s "$pki/serving/apiserver.crt" ] || { log "kube-apiserver wrote no serving certificate"; return 1; }
  write_kubeconfig "$kubeconfig" "$server" "$pki/serving/apiserver.crt" tapacme-admin admin
  write_kubeconfig "$kubeconfig_limited" "$server" "$pki/serving/apiserver.crt" tapacme-limited limited

  for i in $(seq 1 600); do
    alive || return 1
    "$kubectl" --kubeconfig "$kubeconfig" --request-timeout=2s get --raw /readyz >/dev/null 2>&1 && break
    [ "$i" = 600 ] && { log "kube-apiserver not ready after 60s"; return 1; }
    sleep 0.1
  done
  log "kube-apiserver ready after $((SECONDS - t))s"
  printf 'server=%s\netcd=http://127.0.0.1:%s\n' "$server" "$etcd_port" > "$state/endpoints"
}

running() { pidfile_running "$state/$1.pid"; } # <name>, during startup

alive() {
  running etcd || { log "etcd exited during startup"; return 1; }
  running kube-apiserver || { log "kube-apiserver exited during startup"; return 1; }
}

# A port can still be taken between our pick and the bind: then try again with new ones.
start() {
  local attempt
  mkdir -p "$logs"
  gen_pki
  gen_named_cert
  for attempt in 1 2 3; do
    start_servers && break
    if [ "$attempt" -lt 3 ] && grep -qs 'address already in use' "$logs/etcd.log" "$logs/kube-apiserver.log"; then
      log "a port was taken meanwhile: retrying with others"
      stop_all
      continue
    fi
    fail "the cluster did not start"
  done

  local crds
  crds="$(crd_dir)" || fail "could not prepare cert-manager CRDs"
  log "installing cert-manager $cm_version CRDs"
  local setup_log="$logs/setup.log"
  : > "$setup_log"
  k apply --server-side --field-manager=tapacme-test-cluster -f "$crds" >> "$setup_log" 2>&1 ||
    { cat "$setup_log" >&2; fail "applying cert-manager CRDs failed"; }
  k wait --for=condition=Established --timeout=60s -f "$crds" >> "$setup_log" 2>&1 ||
    { cat "$setup_log" >&2; fail "cert-manager CRDs not Established"; }
  k create namespace cert-manager >> "$setup_log" 2>&1 ||
    { cat "$setup_log" >&2; fail "creating namespace cert-manager failed"; }
  # Without a controller-manager, RBAC bootstrap roles exist but "default" ServiceAccounts do
  # not: that is deliberate (see README).
  printf '%s\n' "$cm_version" > "$state/cert-manager-version"
}

k() { "$kubectl" --kubeconfig "$kubeconfig" "$@"; }

live_leases() { # prints lease ids whose owner process still runs
  local f pid
  [ -d "$leases" ] || return 0
  for f in "$leases"/*; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then echo "${f##*/}"; else rm -f "$f"; fi
  done
}

# Serialise up/down: turbo may run several test packages that each call up at once. The
# servers are started with fd 9 closed so that they do not hold the lock.
with_lock() {
  mkdir -p "$state"
  exec 9>"$state/.lock"
  flock 9
}

cmd_up() {
  local lease="" owner
  while [ $# -gt 0 ]; do
    case "$1" in
      --lease) lease="$2"; shift 2 ;;
      *) die "unknown option for up: $1" ;;
    esac
  done
  build
  with_lock
  local t0=$SECONDS
  if is_ready; then
    local running
    running="$(cat "$state/cert-manager-version" 2>/dev/null || echo unknown)"
    if [ "$running" = "$cm_version" ]; then
      log "already up ($(sed -n 's/^server=//p' "$state/endpoints"), cert-manager $running CRDs)"
    elif [ -n "$(live_leases)" ] || [ -f "$state/manual" ]; then
      die "cluster is up with cert-manager $running CRDs and in use; $cm_version asked for (run down first, or use another TAPACME_CLUSTER_DIR)"
    else
      log "cluster is up with cert-manager $running CRDs, $cm_version asked for: restarting"
      stop_all
      start
    fi
  else
    # Leftovers of a crashed or half-started cluster: clear them and start clean.
    stop_all
    rm -f "$state/manual"
    start
    log "up in $((SECONDS - t0))s"
  fi
  if [ -n "$lease" ]; then
    mkdir -p "$leases"
    owner="${TAPACME_LEASE_PID:-$PPID}"
    echo "$owner" > "$leases/$lease"
  else
    touch "$state/manual" # started or claimed by a person: leases never stop it
  fi
  cmd_env
}

cmd_down() {
  local lease=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --lease) lease="$2"; shift 2 ;;
      *) die "unknown option for down: $1" ;;
    esac
  done
  with_lock
  if [ -n "$lease" ]; then
    rm -f "$leases/$lease"
    if [ -f "$state/manual" ]; then log "kept up (started by cluster.sh up)"; return; fi
    if [ -n "$(live_leases)" ]; then log "kept up (still leased: $(live_leases | paste -sd " "))"; return; fi
  fi
  stop_all
  rm -rf "$leases" "$state/manual" "$state/endpoints" "$state/cert-manager-version" "$state/etcd"
  log "down"
}

cmd_status() {
  if is_ready; then
    log "up: $(sed -n 's/^server=//p' "$state/endpoints" 2>/dev/null), etcd pid $(pid_of etcd), kube-apiserver pid $(pid_of kube-apiserver), cert-manager $(cat "$state/cert-manager-version" 2>/dev/null) CRDs"
    return 0
  fi
  log "down"
  return 1
}

cmd_env() {
  if [ "${1:-}" = --json ]; then
    json() { local v="${2//\\/\\\\}"; printf '"%s":"%s"' "$1" "${v//\"/\\\"}"; }
    printf '{%s,%s,%s,%s,%s}\n' "$(json KUBECONFIG "$kubeconfig")" "$(json TAPACME_KUBECONFIG "$kubeconfig")" \
      "$(json TAPACME_KUBECONFIG_LIMITED "$kubeconfig_limited")" "$(json TAPACME_KUBECTL "$kubectl")" \
      "$(json TAPACME_CERT_MANAGER_VERSION "$(cat "$state/cert-manager-version" 2>/dev/null || echo "$cm_version")")"
    return
  fi
  printf 'export KUBECONFIG=%q\n' "$kubeconfig"
  printf 'export TAPACME_KUBECONFIG=%q\n' "$kubeconfig"
  printf 'export TAPACME_KUBECONFIG_LIMITED=%q\n' "$kubeconfig_limited"
  printf 'export TAPACME_KUBECTL=%q\n' "$kubectl"
  printf 'export TAPACME_CERT_MANAGER_VERSION=%q\n' "$(cat "$state/cert-manager-version" 2>/dev/null || echo "$cm_version")"
}

# Only kube-apiserver, with the exact command line it runs with (read from /proc), so ports,
# certificates and etcd data stay: clients see the connection drop and must reconnect and relist.
cmd_restart_apiserver() {
  with_lock
  local pid args=() i t=$SECONDS
  pid="$(pid_of kube-apiserver)" || die "kube-apiserver is not running (cluster.sh up first)"
  mapfile -d '' -t args < "/proc/$pid/cmdline"
  stop_proc kube-apiserver
  log "starting kube-apiserver again"
  setsid "${args[@]}" >> "$logs/kube-apiserver.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$state/kube-apiserver.pid"
  disown
  for i in $(seq 1 600); do
    pid_of kube-apiserver >/dev/null || { show_logs; die "kube-apiserver exited after the restart"; }
    "$kubectl" --kubeconfig "$kubeconfig" --request-timeout=2s get --raw /readyz >/dev/null 2>&1 && break
    [ "$i" = 600 ] && die "kube-apiserver not ready 60s after the restart"
    sleep 0.1
  done
  log "kube-apiserver ready again after $((SECONDS - t))s"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status ;;
  env) cmd_env "$@" ;;
  build) build ;;
  restart-apiserver) cmd_restart_apiserver ;;
  crds) crd_dir ;;
  kubectl) build; exec "$kubectl" --kubeconfig "$kubeconfig" "$@" ;;
  *) sed -n '4,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
