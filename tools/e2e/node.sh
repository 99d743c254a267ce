# shellcheck shell=bash
# The rig's private registry and its node (sourced by e2e.sh, which defines the paths, names
# and helpers used here): distribution's registry with htpasswd auth and TLS from the rig's
# CA, cert-manager's acmesolver pushed to it as an OCI image under the TAP-like relocated
# path, a dockerconfigjson pull Secret, and the virtual-kubelet node that pulls and runs Pods.

registry_user="tap"
pull_secret_ref="tap-install/tap-registry" # where TAP keeps its registry credentials
node_name="tapacme-e2e-node"
node_state() { printf '%s\n' "$state/node"; }

# The registry's serving certificate, from the rig's CA (added beside gen_pki's certificates).
registry_cert() {
  [ -s "$pki/registry.crt" ] && return
  (
    cd "$pki"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout registry.key -out registry.csr \
      -subj "/CN=$registry_host" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,IP:%s\n' \
      "$registry_host" "$registry_ip" > registry.ext
    openssl x509 -req -in registry.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile registry.ext -out registry.crt 2>/dev/null
    rm -f registry.csr registry.ext
    chmod 600 registry.key
  ) || die "could not make the registry's certificate"
}

# A fresh password at each start; only files hold it (never a command line or a log).
start_registry() {
  local d="$state/registry"
  rm -rf "$d"; mkdir -p "$d/data"
  registry_cert
  openssl rand -hex 16 > "$d/password"
  chmod 600 "$d/password"
  "$node_bin/e2e-registry" htpasswd "$registry_user" < "$d/password" > "$d/htpasswd" || die "could not write the registry's htpasswd"
  cat > "$d/config.yml" <<CFG
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $d/data
  delete:
    enabled: true
http:
  addr: $registry_ip:443
  secret: $(openssl rand -hex 16)
  tls:
    certificate: $pki/registry.crt
    key: $pki/registry.key
auth:
  htpasswd:
    realm: $registry_host
    path: $d/htpasswd
CFG
  chmod 600 "$d/config.yml"
  write_docker_config
  start_in_ns registry "$node_bin/e2e-registry" serve "$d/config.yml"
}

registry_says_401() { # an anonymous request is refused: the registry is up and private
  [ "$(in_ns curl -s -o /dev/null -w '%{http_code}' --cacert "$pki/ca.crt" "https://$registry_host/v2/")" = 401 ]
}

# cert-manager's acmesolver (built with CGO_ENABLED=0) as a single-layer OCI image at the path
# the controller's --acme-http01-solver-image names, with the user and entrypoint of
# cert-manager's own image.
push_solver_image() {
  in_ns "$node_bin/e2e-image" -binary "$cm_bin/acmesolver" -entrypoint /app/cmd/acmesolver/acmesolver -user 1000 \
    -ref "$solver_image" -registry-ca "$pki/ca.crt" -username "$registry_user" -password-file "$state/registry/password" \
    -label "org.opencontainers.image.source=https://github.com/cert-manager/cert-manager" \
    -label "org.opencontainers.image.version=$cm_version" -label "org.opencontainers.image.licenses=Apache-2.0" \
    > "$state/registry/solver-image" 2>> "$logs/setup.log" || { tail -n 5 "$logs/setup.log" >&2; return 1; }
}

# The registry's credentials as a docker config.json (mode 600): the pull Secret's content, and
# the node's own credentials when they are switched on.
write_docker_config() {
  local d="$state/registry" auth
  auth="$(printf '%s:%s' "$registry_user" "$(cat "$d/password")" | base64 -w0)"
  (umask 077 && printf '{"auths":{"%s":{"username":"%s","password":"%s","auth":"%s"}}}' \
    "$registry_host" "$registry_user" "$(cat "$d/password")" "$auth" > "$d/dockerconfig.json")
}

# The pull Secret TAP users have (tap-install/tap-registry), as kubernetes.io/dockerconfigjson.
apply_pull_secret() {
  local d="$state/registry" ns="${pull_secret_ref%%/*}" name="${pull_secret_ref#*/}"
  { k create namespace "$ns" --dry-run=client -o yaml | k apply --server-side --field-manager=tapacme-e2e -f - &&
    k -n "$ns" create secret generic "$name" --type=kubernetes.io/dockerconfigjson \
      --from-file=.dockerconfigjson="$d/dockerconfig.json" --dry-run=client -o yaml |
    k apply --server-side --force-conflicts --field-manager=tapacme-e2e -f -; } >> "$logs/setup.log" 2>&1 ||
    { tail -n 5 "$logs/setup.log" >&2; return 1; }
}

# Integrated nodes (GKE, AKS, EKS) pull from their cloud's registry with credentials of their
# own; "on" gives the node the registry's docker config.json, tried after the Pod's pull secrets.
node_credentials() { cat "$state/node-credentials" 2>/dev/null || echo off; }

start_node() {
  local d creds=()
  d="$(node_state)"
  mkdir -p "$d"
  client_cert node "/O=system:masters/CN=system:node:$node_name"
  component_kubeconfig node "system:node:$node_name"
  [ "$(node_credentials)" = on ] && creds=(-node-credentials "$state/registry/dockerconfig.json")
  start_in_ns node "$node_bin/e2e-node" -kubeconfig "$state/node.kubeconfig" -name "$node_name" -dir "$d" \
    -registry-ca "$pki/ca.crt" -ingress-addr "$ingress_ip:80" -kubelet-version "$k8s_version" "${creds[@]}"
}

# Restart only the node process, with or without its own credentials. Its Pods are stopped and
# started again (virtual-kubelet hands the Pods bound to the node to the new process).
switch_node_credentials() { # on|off
  case "$1" in on | off) ;; *) die "node-credentials: on or off, not ${1:-nothing}" ;; esac
  printf '%s\n' "$1" > "$state/node-credentials"
  pidfile_stop "$state/node.pid" e2e-node
  start_node
  wait_for "the node" 60 node grep -q "node $node_name ready" "$logs/node.log" || return 1
  write_env
  log "node credentials $1"
}

node_ready() {
  [ "$(k get node "$node_name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

stop_node_state() { # unpacked images are rebuilt at each start
  rm -rf "$(node_state)" "$state/registry"
}
