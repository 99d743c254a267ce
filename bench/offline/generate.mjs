// A deterministic 20,000-document stream: issuers, certificates, ingresses, service accounts and unrelated kinds.
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
