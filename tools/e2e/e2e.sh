#!/usr/bin/env bash
# The e2e rig: a control plane like a real one (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler), cert-manager v1.11.5 (controller and webhook), Pebble as the ACME server and
# BIND9 as the authoritative DNS server, all inside a network and mount namespace of its own,
# on loopback only. See docs/e2e.md.
#
#   e2e.sh up [--crds VERSION]   build what is missing, start everything, wait until ready; a
#                                running rig is reused (its CRDs are switched in place if asked)
#   e2e.sh down                  stop everything up started (safe to call twice)
#   e2e.sh exec [--] CMD ARGS... run CMD inside the rig's namespaces with its environment, in
#                                $INIT_CWD (pnpm's caller directory) or the current directory
#   e2e.sh env [--json]          print the rig's environment as export lines (or JSON)
#   e2e.sh status                exit 0 when every part is up
#   e2e.sh build                 only build the binaries into the cache
#   e2e.sh node-credentials on|off  restart the node with (or without) registry credentials of
#                                its own, as integrated GKE/AKS/EKS nodes have
#
# Environment:
#   TAPACME_E2E_DIR        state folder (default <repo>/.test-e2e)
#   TAPACME_E2E_CRDS       cert-manager CRDs to serve: v1.11.0 (default, as TAP 1.5) or v1.21.1
#   TAPACME_E2E_NODE_CREDENTIALS  on: start the node with its own registry credentials (default off)
#   TAPACME_CACHE          binary cache root (default ${XDG_CACHE_HOME:-~/.cache}/tapacme)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

log() { printf 'e2e: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=../lib/gobuild.sh
. "$root/tools/lib/gobuild.sh"
# shellcheck source=../lib/ports.sh
. "$root/tools/lib/ports.sh"
# shellcheck source=../lib/procs.sh
. "$root/tools/lib/procs.sh"
# shellcheck source=../lib/apt.sh
. "$root/tools/lib/apt.sh"
# shellcheck source=node.sh
. "$here/node.sh"

cluster_sh="$root/tools/cluster/cluster.sh"
k8s_version="$(modver "$root/tools/cluster/k8s/go.mod" k8s.io/kubernetes)"
cm_version="$(modver "$here/cert-manager/go.mod" github.com/cert-manager/cert-manager)"
pebble_version="$(modver "$here/pebble/go.mod" github.com/letsencrypt/pebble/v2)"
k8s_bin="$tapacme_cache/bin/k8s-$k8s_version"
cm_bin="$tapacme_cache/bin/cert-manager-$cm_version"
pebble_bin="$tapacme_cache/bin/pebble-$pebble_version"
node_bin="$tapacme_cache/bin/e2e-node-$(node_key "$here/node")"
kubectl="$k8s_bin/kubectl"

state="${TAPACME_E2E_DIR:-$root/.test-e2e}"
logs="$state/logs"
pki="$state/pki"
cluster_dir="$state/cluster"
kubeconfig="$cluster_dir/kubeconfig"

# Names and addresses inside the rig's network namespace (only its loopback interface exists
# there, so these ports are the rig's own; only the API server is reachable from the host).
zone="tapacme-e2e.test" # .test is reserved (RFC 6761): it never resolves anywhere else
http01_domain="http01.$zone"
dns01_domain="dns01.$zone"
ingress_ip="127.0.0.80" # where every name under $http01_domain points (port 80)
dns_addr="127.0.0.53"
acme_host="acme.$zone"
acme_port=14000
acme_mgmt_port=15000
webhook_port=10260
webhook_healthz_port=6080
controller_metrics_port=9402
kcm_port=10257
scheduler_port=10259
tsig_key_name="tapacme-e2e-rfc2136"
tsig_secret_ref="cert-manager/tapacme-e2e-tsig:secret"
cluster_resource_namespace="cert-manager"
registry_host="registry.$zone"
registry_ip="127.0.0.5"
solver_image="$registry_host/tap/cert-manager-acmesolver:$cm_version"

crds_wanted="${TAPACME_E2E_CRDS:-v1.11.0}"

# ---------------------------------------------------------------- namespaces

holder_pid() { pidfile_pid "$state/netns.pid" sleep; }

in_ns() { # [--wd DIR] CMD...: run inside the rig's network and mount namespaces
  local wd="$root" pid
  if [ "${1:-}" = --wd ]; then wd="$2"; shift 2; fi
  pid="$(holder_pid)" || die "the rig is not up (pnpm e2e:up)"
  nsenter --target "$pid" --net --mount --wd="$wd" -- "$@"
}

# A process that only holds the namespaces: loopback up, the rig's resolv.conf and hosts bound
# over the host's (the mount namespace is private, so the host never sees them).
start_namespaces() {
  local sleep_bin
  sleep_bin="$(command -v sleep)"
  printf 'nameserver %s\noptions ndots:1 timeout:2 attempts:2\n' "$dns_addr" > "$state/resolv.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' > "$state/hosts"
  setsid unshare --net --mount --propagation private -- bash -c '
    set -e
    ip link set lo up
    for a in $3; do ip addr add "$a/32" dev lo; done
    mount --bind "$1/resolv.conf" /etc/resolv.conf
    mount --bind "$1/hosts" /etc/hosts
    exec "$2" infinity' tapacme-e2e-netns "$state" "$sleep_bin" "$dns_addr $ingress_ip $registry_ip" \
    > "$logs/netns.log" 2>&1 < /dev/null 7>&- &
  echo $! > "$state/netns.pid"
  disown
  local i
  for i in $(seq 1 100); do
    holder_pid >/dev/null && break
    pidfile_running "$state/netns.pid" || { cat "$logs/netns.log" >&2; die "could not create the rig's namespaces (unshare needs root or CAP_SYS_ADMIN)"; }
    sleep 0.05
  done
  holder_pid >/dev/null || die "the namespace holder did not start"
}

# ---------------------------------------------------------------- processes

start_in_ns() { # <name> <binary> <args...>: a server inside the namespaces, logging to logs/<name>.log
  local name="$1"
  shift
  setsid nsenter --target "$(holder_pid)" --net --mount --wd="$state" -- "$@" \
    > "$logs/$name.log" 2>&1 < /dev/null 7>&- &
  echo $! > "$state/$name.pid"
  disown
}

# name:binary of every server the rig starts besides etcd and kube-apiserver, in stop order.
servers="node:e2e-node registry:e2e-registry controller:controller webhook:webhook pebble:pebble named:named scheduler:kube-scheduler controller-manager:kube-controller-manager bridge-host:socat bridge-ns:socat"

server_ok() { # <name:binary>
  pidfile_pid "$state/${1%%:*}.pid" "${1#*:}" >/dev/null
}

stop_servers() {
  local s
  for s in $servers; do pidfile_stop "$state/${s%%:*}.pid" "${s#*:}"; done
}

wait_for() { # <what> <seconds> <name whose process must stay alive> <command...>
  local what="$1" secs="$2" name="$3" i
  shift 3
  for i in $(seq 1 $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    if [ -n "$name" ] && ! pidfile_running "$state/$name.pid"; then
      log "$name exited; last lines of $logs/$name.log:"
      tail -n 30 "$logs/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  log "$what not ready after ${secs}s"
  [ -z "$name" ] || tail -n 30 "$logs/$name.log" >&2
  return 1
}

k() { in_ns "$kubectl" --kubeconfig "$kubeconfig" "$@"; }

# ---------------------------------------------------------------- certificates

# A CA of the rig for the servers it runs (webhook, Pebble), and client certificates of the
# cluster's CA for the components (as kubeadm gives them: their own users, bootstrap RBAC).
gen_pki() {
  [ -f "$pki/.done" ] && return
  log "generating the rig's CA and certificates"
  rm -rf "$pki"; mkdir -p "$pki"
  (
    cd "$pki"
    ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    # shellcheck disable=SC2086
    openssl req -x509 $ec -days 3650 -keyout ca.key -out ca.crt -subj "/CN=tapacme-e2e-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    serving() { # <stem> <subjectAltName>
      # shellcheck disable=SC2086
      openssl req -new $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
      printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$2" > "$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    serving webhook "IP:127.0.0.1,DNS:cert-manager-webhook.cert-manager.svc,DNS:cert-manager-webhook.cert-manager.svc.cluster.local"
    serving pebble "IP:127.0.0.1,DNS:$acme_host,DNS:localhost"
    chmod 600 ./*.key
    touch .done
  ) || die "certificate generation with openssl failed"
}

client_cert() { # <stem> <subject>: signed by the cluster's CA (the API server's --client-ca-file)
  local cpki="$cluster_dir/pki"
  [ -s "$pki/$1.crt" ] && openssl verify -CAfile "$cpki/ca.crt" "$pki/$1.crt" >/dev/null 2>&1 && return
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$pki/$1.ext"
  openssl x509 -req -in "$pki/$1.csr" -CA "$cpki/ca.crt" -CAkey "$cpki/ca.key" -CAcreateserial -days 3650 \
    -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null || die "could not sign the $1 client certificate"
  rm -f "$pki/$1.csr" "$pki/$1.ext"
  chmod 600 "$pki/$1.key"
}

component_kubeconfig() { # <stem> <user>: a kubeconfig like the admin one, for another identity
  local server ca
  server="$(sed -n 's/^server=//p' "$cluster_dir/endpoints")"
  ca="$(base64 -w0 < "$cluster_dir/pki/serving/apiserver.crt")"
  cat > "$state/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tapacme-e2e
  cluster:
    server: $server
    certificate-authority-data: $ca
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$1.crt")
    client-key-data: $(base64 -w0 < "$pki/$1.key")
contexts:
- name: $2
  context:
    cluster: tapacme-e2e
    user: $2
current-context: $2
EOF
  chmod 600 "$state/$1.kubeconfig"
}

# ---------------------------------------------------------------- BIND

# BIND is authoritative for the rig's zones: static names (the ACME server, the registry, a
# wildcard for HTTP01 names) and a dynamic zone that cert-manager's rfc2136 provider updates
# with a TSIG key.
write_bind_config() {
  local d="$state/bind" secret
  rm -rf "$d"; mkdir -p "$d"
  tsig-keygen -a hmac-sha256 "$tsig_key_name" > "$d/tsig.key"
  secret="$(sed -n 's/^[[:space:]]*secret "\(.*\)";/\1/p' "$d/tsig.key")"
  [ -n "$secret" ] || die "tsig-keygen gave no secret"
  printf '%s\n' "$secret" > "$state/tsig-secret"
  chmod 600 "$state/tsig-secret" "$d/tsig.key"
  cat > "$d/named.conf" <<EOF
options {
  directory "$d";
  pid-file "$d/named.pid";
  session-keyfile "$d/session.key";
  managed-keys-directory "$d";
  listen-on port 53 { $dns_addr; };
  listen-on-v6 { none; };
  recursion no;
  allow-query { any; };
  dnssec-validation no;
  notify no;
};
controls { };
include "$d/tsig.key";
zone "$zone" { type primary; file "$d/static.zone"; };
zone "$dns01_domain" {
  type primary;
  file "$d/dns01.zone";
  update-policy { grant $tsig_key_name zonesub TXT; };
};
EOF
  cat > "$d/static.zone" <<EOF
\$TTL 5
@ IN SOA ns.$zone. hostmaster.$zone. 1 60 60 600 5
@ IN NS ns.$zone.
ns IN A $dns_addr
acme IN A 127.0.0.1
registry IN A $registry_ip
*.http01 IN A $ingress_ip
EOF
  cat > "$d/dns01.zone" <<EOF
\$TTL 5
@ IN SOA ns.$zone. hostmaster.$zone. 1 60 60 600 5
@ IN NS ns.$zone.
EOF
}

# ---------------------------------------------------------------- Pebble

write_pebble_config() {
  mkdir -p "$state/pebble"
  cat > "$state/pebble/config.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$acme_port",
    "managementListenAddress": "127.0.0.1:$acme_mgmt_port",
    "certificate": "$pki/pebble.crt",
    "privateKey": "$pki/pebble.key",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false,
    "retryAfter": { "authz": 1, "order": 1 },
    "keyAlgorithm": "ecdsa",
    "profiles": { "default": { "description": "the rig's only profile", "validityPeriod": 7776000 } }
  }
}
EOF
}

# ---------------------------------------------------------------- cert-manager

# The controller's flags as cert-manager's Helm chart writes them (TAP's package uses the chart);
# the Deployment below carries exactly these, the host process these plus out-of-cluster ones.
controller_args() {
  printf '%s\n' --v=2 '--cluster-resource-namespace=$(POD_NAMESPACE)' --leader-election-namespace=kube-system \
    "--acme-http01-solver-image=$solver_image" --max-concurrent-challenges=60
}

# What a real installation has in the cluster besides the CRDs: the namespace, ServiceAccounts,
# Deployments with the released images, labels and flags (scaled to 0: the processes run on
# the host), the TSIG secret, and the webhook registrations pointing at the webhook process.
install_objects() {
  local ca args="" a
  ca="$(base64 -w0 < "$pki/ca.crt")"
  while IFS= read -r a; do args+="            - \"$a\""$'\n'; done < <(controller_args)
  webhook_common() { # the chart's webhook fields, the same for both registrations
    printf '    rules:\n      - apiGroups: ["cert-manager.io", "acme.cert-manager.io"]\n        apiVersions: ["v1"]\n'
    printf '        operations: [CREATE, UPDATE]\n        resources: ["*/*"]\n    admissionReviewVersions: ["v1"]\n'
    printf '    matchPolicy: Equivalent\n    timeoutSeconds: 10\n    failurePolicy: Fail\n    sideEffects: None\n    clientConfig:'
  }
  labels() { # <name> <component>
    printf '    app: %s\n    app.kubernetes.io/name: %s\n    app.kubernetes.io/instance: cert-manager\n    app.kubernetes.io/component: "%s"\n    app.kubernetes.io/version: "%s"\n' "$1" "$1" "$2" "$cm_version"
  }
  {
    cat <<EOF
apiVersion: v1
kind: ServiceAccount
metadata:
  name: cert-manager
  namespace: cert-manager
  labels:
$(labels cert-manager controller)
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: cert-manager-webhook
  namespace: cert-manager
  labels:
$(labels webhook webhook)
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cert-manager
  namespace: cert-manager
  labels:
$(labels cert-manager controller)
  annotations:
    tapacme.dev/e2e: "runs on the host as a process; see docs/e2e.md"
spec:
  replicas: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: cert-manager
      app.kubernetes.io/instance: cert-manager
      app.kubernetes.io/component: "controller"
  template:
    metadata:
      labels:
$(labels cert-manager controller | sed 's/^/    /')
    spec:
      serviceAccountName: cert-manager
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: cert-manager-controller
          image: "quay.io/jetstack/cert-manager-controller:$cm_version"
          imagePullPolicy: IfNotPresent
          args:
$args          ports:
          - containerPort: 9402
            name: http-metrics
            protocol: TCP
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
              - ALL
          env:
          - name: POD_NAMESPACE
            valueFrom:
              fieldRef:
                fieldPath: metadata.namespace
      nodeSelector:
        kubernetes.io/os: linux
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cert-manager-webhook
  namespace: cert-manager
  labels:
$(labels webhook webhook)
  annotations:
    tapacme.dev/e2e: "runs on the host as a process; see docs/e2e.md"
spec:
  replicas: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: webhook
      app.kubernetes.io/instance: cert-manager
      app.kubernetes.io/component: "webhook"
  template:
    metadata:
      labels:
$(labels webhook webhook | sed 's/^/    /')
    spec:
      serviceAccountName: cert-manager-webhook
      containers:
        - name: cert-manager-webhook
          image: "quay.io/jetstack/cert-manager-webhook:$cm_version"
          imagePullPolicy: IfNotPresent
          args:
          - --v=2
          - --secure-port=10250
          - --dynamic-serving-ca-secret-namespace=\$(POD_NAMESPACE)
          - --dynamic-serving-ca-secret-name=cert-manager-webhook-ca
          - --dynamic-serving-dns-names=cert-manager-webhook,cert-manager-webhook.cert-manager,cert-manager-webhook.cert-manager.svc
          env:
          - name: POD_NAMESPACE
            valueFrom:
              fieldRef:
                fieldPath: metadata.namespace
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
  labels:
$(labels webhook webhook)
webhooks:
  - name: webhook.cert-manager.io
    namespaceSelector:
      matchExpressions:
      - key: "cert-manager.io/disable-validation"
        operator: "NotIn"
        values: ["true"]
      - key: "name"
        operator: "NotIn"
        values: ["cert-manager"]
$(webhook_common)
      url: https://127.0.0.1:$webhook_port/validate
      caBundle: $ca
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
  labels:
$(labels webhook webhook)
webhooks:
  - name: webhook.cert-manager.io
$(webhook_common)
      url: https://127.0.0.1:$webhook_port/mutate
      caBundle: $ca
EOF
  } > "$state/install.yaml"
  k apply --server-side --field-manager=tapacme-e2e -f "$state/install.yaml" >> "$logs/setup.log" 2>&1 ||
    { tail -n 20 "$logs/setup.log" >&2; return 1; }
  # The TSIG secret, created from a file so its value never appears on a command line.
  printf '%s' "$(cat "$state/tsig-secret")" > "$state/tsig-secret.raw"
  k -n cert-manager create secret generic tapacme-e2e-tsig --from-file=secret="$state/tsig-secret.raw" \
    --dry-run=client -o yaml 2>>"$logs/setup.log" | k apply --server-side --field-manager=tapacme-e2e -f - >> "$logs/setup.log" 2>&1 ||
    { rm -f "$state/tsig-secret.raw"; tail -n 20 "$logs/setup.log" >&2; return 1; }
  rm -f "$state/tsig-secret.raw"
}

# ---------------------------------------------------------------- up

apply_crds() { # <version>: serve that release's CRDs (in place on a running cluster, as an upgrade would)
  local dir
  dir="$(TAPACME_CERT_MANAGER_VERSION="$1" bash "$cluster_sh" crds)" || die "could not prepare cert-manager $1 CRDs"
  k apply --server-side --force-conflicts --field-manager=tapacme-test-cluster -f "$dir" >> "$logs/setup.log" 2>&1 ||
    { tail -n 20 "$logs/setup.log" >&2; die "applying cert-manager $1 CRDs failed"; }
  k wait --for=condition=Established --timeout=60s -f "$dir" >> "$logs/setup.log" 2>&1 || die "cert-manager $1 CRDs not Established"
  printf '%s\n' "$1" > "$state/crds"
}

write_env() {
  local server tmp="$state/env.tmp"
  server="$(sed -n 's/^server=//p' "$cluster_dir/endpoints")"
  {
    printf 'export KUBECONFIG=%q\n' "$kubeconfig"
    printf 'export TAPACME_KUBECTL=%q\n' "$kubectl"
    printf 'export TAPACME_CMCTL=%q\n' "$cm_bin/cmctl"
    printf 'export TAPACME_E2E_DIR=%q\n' "$state"
    printf 'export TAPACME_E2E_API_SERVER=%q\n' "$server"
    printf 'export TAPACME_E2E_CRD_VERSION=%q\n' "$(cat "$state/crds")"
    printf 'export TAPACME_E2E_CERT_MANAGER_VERSION=%q\n' "$cm_version"
    printf 'export TAPACME_E2E_CLUSTER_RESOURCE_NAMESPACE=%q\n' "$cluster_resource_namespace"
    printf 'export TAPACME_E2E_SOLVER_IMAGE=%q\n' "$solver_image"
    printf 'export TAPACME_E2E_ACME_SERVER=%q\n' "https://$acme_host:$acme_port/dir"
    printf 'export TAPACME_E2E_ACME_CA=%q\n' "$state/pebble/roots.pem"
    printf 'export TAPACME_E2E_ACME_TLS_CA=%q\n' "$pki/ca.crt"
    printf 'export TAPACME_E2E_DOMAIN=%q\n' "$http01_domain"
    printf 'export TAPACME_E2E_INGRESS_IP=%q\n' "$ingress_ip"
    printf 'export TAPACME_E2E_DNS_SERVER=%q\n' "$dns_addr:53"
    printf 'export TAPACME_E2E_DNS01_DOMAIN=%q\n' "$dns01_domain"
    printf 'export TAPACME_E2E_RFC2136_NAMESERVER=%q\n' "$dns_addr:53"
    printf 'export TAPACME_E2E_TSIG_KEY_NAME=%q\n' "$tsig_key_name"
    printf 'export TAPACME_E2E_TSIG_ALGORITHM=%q\n' HMACSHA256
    printf 'export TAPACME_E2E_TSIG_SECRET=%q\n' "$tsig_secret_ref"
    printf 'export TAPACME_E2E_REGISTRY_HOST=%q\n' "$registry_host"
    printf 'export TAPACME_E2E_REGISTRY=%q\n' "$registry_host"
    printf 'export TAPACME_E2E_REGISTRY_CA=%q\n' "$pki/ca.crt"
    printf 'export TAPACME_E2E_PULL_SECRET=%q\n' "$pull_secret_ref"
    printf 'export TAPACME_E2E_NODE=%q\n' "$node_name"
    printf 'export TAPACME_E2E_NODE_CREDENTIALS=%q\n' "$(node_credentials)"
  } > "$tmp"
  mv -f "$tmp" "$state/env"
}

ready() { # every part runs and answers
  holder_pid >/dev/null || return 1
  local s
  for s in $servers; do server_ok "$s" || return 1; done
  TAPACME_CLUSTER_DIR="$cluster_dir" bash "$cluster_sh" status >/dev/null 2>&1 || return 1
  [ -f "$state/env" ] && k --request-timeout=5s get --raw /readyz >/dev/null 2>&1 &&
    in_ns curl -fsS -o /dev/null "http://127.0.0.1:$webhook_healthz_port/healthz" 2>/dev/null
}

prerequisites() {
  ensure_apt openssl openssl
  ensure_apt curl curl
  ensure_apt socat socat
  ensure_apt ip iproute2
  ensure_apt named bind9
  ensure_apt tsig-keygen bind9-utils
  ensure_apt dig bind9-dnsutils
  command -v unshare >/dev/null && command -v nsenter >/dev/null || ensure_apt nsenter util-linux
}

build_all() {
  bash "$cluster_sh" build
  bash "$here/build.sh" all
}

start_all() {
  local t0=$SECONDS api_port
  rm -rf "$logs"; mkdir -p "$logs"
  start_namespaces
  gen_pki

  # etcd and kube-apiserver, by tools/cluster inside the namespaces. The API server's port is
  # picked free on the host too, so one kubeconfig serves both sides of the bridge.
  read -r api_port <<<"$(free_ports 1)"
  TAPACME_CLUSTER_DIR="$cluster_dir" TAPACME_CERT_MANAGER_VERSION="$crds_wanted" TAPACME_CLUSTER_API_PORT="$api_port" \
    in_ns bash "$cluster_sh" up > /dev/null 7>&- || return 1
  printf '%s\n' "$crds_wanted" > "$state/crds"

  # The bridge: host 127.0.0.1:<port> -> a Unix socket in the state folder -> the same port in
  # the namespace. Unix sockets are files, so they cross network namespaces.
  local socat_bin sock="$state/apiserver.sock"
  socat_bin="$(command -v socat)"
  rm -f "$sock"
  start_in_ns bridge-ns "$socat_bin" "UNIX-LISTEN:$sock,fork,unlink-early,mode=600" "TCP:127.0.0.1:$api_port"
  setsid "$socat_bin" "TCP-LISTEN:$api_port,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$sock" \
    > "$logs/bridge-host.log" 2>&1 < /dev/null 7>&- &
  echo $! > "$state/bridge-host.pid"
  disown

  client_cert controller-manager "/CN=system:kube-controller-manager"
  client_cert scheduler "/CN=system:kube-scheduler"
  # cert-manager's chart binds ClusterRoles to its ServiceAccount; the host process gets a
  # system:masters identity instead (docs/e2e.md lists this among the differences).
  client_cert cert-manager "/O=system:masters/CN=cert-manager"
  component_kubeconfig controller-manager system:kube-controller-manager
  component_kubeconfig scheduler system:kube-scheduler
  component_kubeconfig cert-manager cert-manager

  local cpki="$cluster_dir/pki"
  start_in_ns controller-manager "$k8s_bin/kube-controller-manager" \
    --kubeconfig "$state/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$state/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
    --controllers '*' --use-service-account-credentials \
    --service-account-private-key-file "$cpki/sa.key" \
    --root-ca-file "$cpki/serving/apiserver.crt" \
    --cluster-signing-cert-file "$cpki/ca.crt" --cluster-signing-key-file "$cpki/ca.key" \
    --service-cluster-ip-range 10.96.0.0/16 --cluster-name tapacme-e2e \
    --profiling=false
  start_in_ns scheduler "$k8s_bin/kube-scheduler" \
    --kubeconfig "$state/scheduler.kubeconfig" \
    --authentication-kubeconfig "$state/scheduler.kubeconfig" \
    --authorization-kubeconfig "$state/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$scheduler_port" --leader-elect=false --profiling=false

  write_bind_config
  start_in_ns named "$(command -v named)" -g -c "$state/bind/named.conf"

  start_registry
  printf '%s\n' "${TAPACME_E2E_NODE_CREDENTIALS:-off}" > "$state/node-credentials"
  start_node

  write_pebble_config
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
    start_in_ns pebble "$pebble_bin/pebble" -config "$state/pebble/config.json" -dnsserver "$dns_addr:53"

  start_in_ns webhook "$cm_bin/webhook" --v=2 --kubeconfig "$state/cert-manager.kubeconfig" \
    --secure-port "$webhook_port" --healthz-port "$webhook_healthz_port" \
    --tls-cert-file "$pki/webhook.crt" --tls-private-key-file "$pki/webhook.key"

  local args=()
  mapfile -t args < <(controller_args | sed "s/\$(POD_NAMESPACE)/$cluster_resource_namespace/")
  start_in_ns controller "$cm_bin/controller" "${args[@]}" \
    --kubeconfig "$state/cert-manager.kubeconfig" --leader-elect=false \
    --metrics-listen-address "127.0.0.1:$controller_metrics_port" \
    --dns01-recursive-nameservers "$dns_addr:53" --dns01-recursive-nameservers-only \
    --dns01-check-retry-period 2s

  wait_for "the bridge to the API server" 20 bridge-host \
    "$kubectl" --kubeconfig "$kubeconfig" --request-timeout=2s get --raw /readyz || return 1
  wait_for "BIND" 20 named in_ns dig +time=1 +tries=1 -p 53 "@$dns_addr" "acme.$zone" A +short || return 1
  wait_for "Pebble" 30 pebble in_ns curl -fsS --cacert "$pki/ca.crt" "https://$acme_host:$acme_port/dir" || return 1
  in_ns curl -fsS --cacert "$pki/ca.crt" "https://127.0.0.1:$acme_mgmt_port/roots/0" > "$state/pebble/roots.pem" ||
    { log "could not read Pebble's root"; return 1; }
  wait_for "cert-manager's webhook" 60 webhook in_ns curl -fsS "http://127.0.0.1:$webhook_healthz_port/healthz" || return 1
  install_objects || return 1
  wait_for "kube-controller-manager" 60 controller-manager in_ns curl -fsSk "https://127.0.0.1:$kcm_port/healthz" || return 1
  wait_for "kube-scheduler" 60 scheduler in_ns curl -fsSk "https://127.0.0.1:$scheduler_port/healthz" || return 1
  # The ServiceAccount controller has run once the default namespace has its "default".
  wait_for "the default ServiceAccount" 60 controller-manager k get serviceaccount default -n default || return 1
  wait_for "cert-manager's controller" 60 controller in_ns curl -fsS -o /dev/null "http://127.0.0.1:$controller_metrics_port/metrics" || return 1
  wait_for "the registry" 30 registry registry_says_401 || return 1
  push_solver_image || { log "could not push the solver image"; return 1; }
  apply_pull_secret || { log "could not create the pull secret $pull_secret_ref"; return 1; }
  wait_for "the node" 60 node node_ready || return 1
  write_env
  log "up in $((SECONDS - t0))s: API server $(sed -n 's/^server=//p' "$cluster_dir/endpoints"), cert-manager $cm_version, CRDs $crds_wanted"
}

stop_all() {
  stop_servers
  stop_node_state
  if [ -d "$cluster_dir" ]; then TAPACME_CLUSTER_DIR="$cluster_dir" bash "$cluster_sh" down 7>&- 2>&1 | sed 's/^/  /' >&2 || true; fi
  pidfile_stop "$state/netns.pid" sleep
  rm -f "$state/env" "$state/crds" "$state/apiserver.sock" "$state/node-credentials"
}

with_lock() {
  mkdir -p "$state"
  exec 7>"$state/.lock"
  flock 7
}

cmd_up() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --crds) crds_wanted="$2"; shift 2 ;;
      --crds=*) crds_wanted="${1#*=}"; shift ;;
      *) die "unknown option for up: $1" ;;
    esac
  done
  case "$crds_wanted" in v1.11.0 | v1.21.1) ;; *) die "--crds: v1.11.0 or v1.21.1, not $crds_wanted" ;; esac
  [ "$(id -u)" = 0 ] || die "the rig makes network and mount namespaces: run it as root"
  prerequisites
  build_all
  with_lock
  if ready; then
    local running
    running="$(cat "$state/crds")"
    if [ "$running" != "$crds_wanted" ]; then
      log "switching the served cert-manager CRDs from $running to $crds_wanted"
      apply_crds "$crds_wanted"
      write_env
    fi
    log "already up (API server $(sed -n 's/^server=//p' "$cluster_dir/endpoints"), CRDs $crds_wanted)"
    return
  fi
  stop_all
  if ! start_all; then
    log "the rig did not start; logs are in $logs"
    stop_all
    exit 1
  fi
}

cmd_down() {
  with_lock
  stop_all
  log "down"
}

cmd_exec() {
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "usage: e2e.sh exec [--] CMD ARGS..."
  [ -f "$state/env" ] || die "the rig is not up (pnpm e2e:up)"
  local dir="${INIT_CWD:-$PWD}" path="$k8s_bin:$cm_bin:$PATH"
  [ -x "$root/apps/kubectl-tapacme/bin/kubectl-tapacme" ] && path="$root/apps/kubectl-tapacme/bin:$path"
  local pid
  pid="$(holder_pid)" || die "the rig is not up (pnpm e2e:up)"
  # shellcheck source=/dev/null
  . "$state/env"
  # PWD too: nsenter changes the directory but not the variable, and Go's os.Getwd fails on a PWD
  # that names another directory (the caller's) inside the mount namespace.
  export PATH="$path" PWD="$dir"
  exec nsenter --target "$pid" --net --mount --wd="$dir" -- "$@"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  exec) cmd_exec "$@" ;;
  env)
    [ -f "$state/env" ] || die "the rig is not up (pnpm e2e:up)"
    if [ "${1:-}" = --json ]; then
      # shellcheck source=/dev/null
      (. "$state/env"; node -e 'const o={};for(const k of process.argv.slice(1))o[k]=process.env[k];console.log(JSON.stringify(o))' \
        $(sed -n 's/^export \([A-Z0-9_]*\)=.*/\1/p' "$state/env"))
    else
      cat "$state/env"
    fi
    ;;
  status) if ready; then log "up"; else log "down"; exit 1; fi ;;
  build) build_all ;;
  node-credentials) with_lock; ready || die "the rig is not up (pnpm e2e:up)"; switch_node_credentials "${1:-}" ;;
  *) sed -n '7,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
