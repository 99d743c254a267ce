/** A ClusterIssuer whose HTTP01 solver Pod has no ServiceAccount: the finding everything starts from. */
export const BROKEN = `apiVersion: cert-manager.io/v1
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

/** BROKEN with the podTemplate ServiceAccount the preferred quick fix inserts. */
export const withServiceAccount = (name: string): string => `${BROKEN}          podTemplate:\n            spec:\n              serviceAccountName: ${name}\n`;
export const FIXED = withServiceAccount('tap-acme-http01-solver');

export const CERT_IN = (ns: string): string => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: ${ns}
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
`;

export const SA_IN = (ns: string): string => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: tap-acme-http01-solver
  namespace: ${ns}
imagePullSecrets:
- name: registry-credentials
`;

/** A solver ServiceAccount written as TAP's documentation shows it: the pull secret as a plain string, which the API server rejects. */
export const TAP_DOCS_SERVICE_ACCOUNT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: tap-acme-http01-solver
  namespace: dev
imagePullSecrets:
- registry-credentials
`;

/** TAP_DOCS_SERVICE_ACCOUNT as the quick fix leaves it. */
export const TAP_DOCS_SERVICE_ACCOUNT_FIXED = TAP_DOCS_SERVICE_ACCOUNT.replace('- registry-credentials', '- name: registry-credentials');

/** Apply offset edits (as the host would map them) to a text. */
export function applyAll(text: string, edits: readonly { offset: number; length: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}
