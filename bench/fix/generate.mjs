// Deterministic big inputs for bench/fix.

const ISSUER = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-key
    solvers:
    - http01:
        ingress:
          class: contour
`;

/** `configMaps` ConfigMaps of about 2 KB each, with the one issuer to fix in the middle. */
export function configMapStream(configMaps) {
  const data = Array.from({ length: 36 }, (_, k) => `  key-${k}: "value ${'x'.repeat(30)} ${k}"`).join('\n');
  const docs = [];
  for (let i = 0; i < configMaps; i++) {
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: team-${i % 100}\n  labels: {app: app-${i}}\ndata:\n${data}\n`);
  }
  docs.splice(Math.floor(configMaps / 2), 0, ISSUER);
  return docs.join('---\n');
}

/** One ClusterIssuer as a JSON object whose annotations hold `keys` keys. */
export function jsonIssuer(keys) {
  const annotations = {};
  for (let i = 0; i < keys; i++) annotations[`example.com/key-${i}`] = `value-${i}`;
  const issuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'letsencrypt', annotations },
    spec: { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: { class: 'contour' } } }] } },
  };
  return `${JSON.stringify(issuer, null, 2)}\n`;
}
