// Small manifests written for the tests (not taken from the corpus).

export const issuerMissingSa = `apiVersion: cert-manager.io/v1
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
            ingressClassName: contour
`;

export const issuerFixed = `apiVersion: cert-manager.io/v1
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
            ingressClassName: contour
            podTemplate:
              spec:
                serviceAccountName: tap-acme-http01-solver
`;

export const legacyIssuerWithSa = `apiVersion: cert-manager.io/v1alpha2
kind: ClusterIssuer
metadata:
  name: old
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: old-key
    solvers:
      - http01:
          ingress:
            class: nginx
            podTemplate:
              spec:
                serviceAccountName: solver
`;

export const brokenYaml = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: broken
spec:
  acme: [unclosed
    server: x
`;

export const helmTemplate = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: {{ .Values.issuer.name }}
spec:
  acme:
    server: {{ .Values.acme.server }}
    solvers:
      - http01:
          ingress:
            class: nginx
`;

export const certificateIn = (ns: string, issuer = 'letsencrypt'): string => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: ${ns}
spec:
  secretName: web-tls
  dnsNames: [web.${ns}.example.com]
  issuerRef:
    kind: ClusterIssuer
    name: ${issuer}
`;

export const serviceAccountIn = (ns: string, name = 'tap-acme-http01-solver', secret = 'harbor-pull'): string => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
imagePullSecrets:
  - name: ${secret}
`;
