// Deterministic 20,000-document streams for bench/offline.

// Mixed: 10% issuers, certificates, ingresses, service accounts and unrelated kinds, in block style
// with one-line flow collections as hand-kept manifests have them.
export function generateStream(documents = 20_000) {
  const docs = [];
  for (let i = 0; i < documents; i++) {
    const ns = `team-${i % 400}`;
    switch (i % 10) {
      case 0:
        docs.push(`apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: issuer-${i}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: issuer-${i}-key
    solvers:
    - http01:
        ingress:
          class: contour # the shared ingress
    - selector:
        dnsZones: [zone-${i}.example.com]
      dns01:
        route53:
          region: eu-west-1`);
        break;
      case 1:
      case 2:
      case 3:
        docs.push(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web-${i}
  namespace: ${ns}
spec:
  secretName: web-${i}-tls
  dnsNames:
  - web-${i}.example.com
  issuerRef:
    name: issuer-${i - (i % 10)}
    kind: ClusterIssuer`);
        break;
      case 4:
        docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-${i}
  namespace: ${ns}
  annotations:
    cert-manager.io/cluster-issuer: issuer-${i - (i % 10)}
spec:
  rules:
  - host: app-${i}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: app-${i}, port: {number: 80}}}`);
        break;
      case 5:
        docs.push(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: tap-acme-http01-solver
  namespace: ${ns}
imagePullSecrets:
- name: registry-credentials`);
        break;
      default:
        docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: ${ns}
  labels: {app: app-${i}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      containers:
      - name: app
        image: registry.example.com/apps/app-${i}:1.0.${i}
        ports:
        - containerPort: 8080
        env:
        - {name: MODE, value: "production"}`);
    }
  }
  return `${docs.join('\n---\n')}\n`;
}

// Flow-heavy: the same kinds with most collections in flow style, one-line and over several lines.
export function generateFlowStream(documents = 20_000) {
  const docs = [];
  for (let i = 0; i < documents; i++) {
    const ns = `team-${i % 400}`;
    const issuer = `issuer-${i - (i % 10)}`;
    switch (i % 10) {
      case 0:
        docs.push(`apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: issuer-${i}, labels: {team: "${ns}"}}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: issuer-${i}-key}
    solvers: [
      {http01: {ingress: {class: contour}}},  # the shared ingress
      {selector: {dnsZones: ['zone-${i}.example.com']}, dns01: {route53: {region: eu-west-1}}}
    ]`);
        break;
      case 1:
      case 2:
      case 3:
        docs.push(`{"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "web-${i}", "namespace": "${ns}"},
 "spec": {"secretName": "web-${i}-tls", "dnsNames": ["web-${i}.example.com"], "issuerRef": {"name": "${issuer}", "kind": "ClusterIssuer"}}}`);
        break;
      case 4:
        docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app-${i}, namespace: ${ns}, annotations: {cert-manager.io/cluster-issuer: ${issuer}}}
spec:
  rules: [{host: app-${i}.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app-${i}, port: {number: 80}}}}]}}]`);
        break;
      case 5:
        docs.push(`apiVersion: v1
kind: ServiceAccount
metadata: {name: tap-acme-http01-solver, namespace: ${ns}}
imagePullSecrets: [{name: registry-credentials}]`);
        break;
      default:
        docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}, labels: {app: app-${i}}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers: [{
        name: app,
        image: "registry.example.com/apps/app-${i}:1.0.${i}",
        ports: [{containerPort: 8080}, {containerPort: 8443, name: https}],
        env: [{name: MODE, value: production}, {name: ID, value: "${i}"}],
        args: [--listen, ":8080", --verbose]
        }]`);
    }
  }
  return `${docs.join('\n---\n')}\n`;
}

// All issuers: the stream where every document is converted and checked.
export function generateIssuerStream(documents = 20_000) {
  const docs = [];
  for (let i = 0; i < documents; i++) {
    docs.push(`apiVersion: cert-manager.io/v1
kind: ${i % 2 ? 'Issuer' : 'ClusterIssuer'}
metadata:
  name: issuer-${i}
${i % 2 ? `  namespace: team-${i % 400}\n` : ''}spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: issuer-${i}-key}
    solvers:
    - http01:
        ingress:
          class: contour${i % 3 ? '' : `
          podTemplate:
            spec: {serviceAccountName: tap-acme-http01-solver}`}
    - selector: {dnsZones: [zone-${i}.example.com]}
      dns01:
        route53: {region: eu-west-1}`);
  }
  return `${docs.join('\n---\n')}\n`;
}
