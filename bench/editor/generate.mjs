// A deterministic 2,000-document file as someone authoring issuers keeps it: ClusterIssuers and
// Issuers in every solver shape (some broken), the Certificates that use them, ServiceAccounts.
export function generateFile(documents = 2_000) {
  const docs = [];
  for (let i = 0; i < documents; i++) {
    const ns = `team-${i % 40}`;
    switch (i % 10) {
      case 0:
      case 1:
        docs.push(`apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: issuer-${i}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: platform@example.com
    privateKeySecretRef:
      name: issuer-${i}-key
    solvers:
    - http01:
        ingress:
          class: contour # missing ServiceAccount: one finding
`);
        break;
      case 2:
      case 3:
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
    - selector:
        dnsZones: [zone-${i}.example.com]
      http01:
        ingress:
          ingressClassName: contour
          podTemplate:
            spec:
              serviceAccountName: tap-acme-http01-solver
              nodeSelector:
                kubernetes.io/os: linux
`);
        break;
      case 4:
        docs.push(`apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: issuer-${i}
  namespace: ${ns}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: issuer-${i}-key
    solvers:
    - dns01:
        cloudflare:
          apiTokenSecretRef:
            name: cloudflare-api-token
            key: api-token
`);
        break;
      case 5:
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
        gatewayHTTPRoute:
          parentRefs:
          - name: shared-gateway
            namespace: gateways
            kind: Gateway
          podTemplate:
            spec:
              imagePullSecrets:
              - name: registry-credentials
`);
        break;
      case 6:
      case 7:
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
    name: issuer-${i - (i % 10) + 2}
    kind: ClusterIssuer
`);
        break;
      case 8:
        docs.push(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: tap-acme-http01-solver
  namespace: ${ns}
imagePullSecrets:
- name: registry-credentials
`);
        break;
      default:
        docs.push(`apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: issuer-${i}
spec:
  selfSigned: {}
`);
    }
  }
  return docs.join('---\n');
}
