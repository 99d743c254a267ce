// Builds a LiveSnapshot from YAML the way the cluster client does from list responses.
import { parseAllDocuments } from 'yaml';
import { findCertManagerController, keepIssuer, keepIssuerRefAndStatus, keepMetadata, keepServiceAccount, summarizeEvent, summarizePod, summarizeSecret, toManifestObject } from '../src/live/index.js';
import type { CrdFacts, LiveSnapshot } from '../src/live/index.js';

export const FIELDS_1_21 = ['affinity', 'imagePullSecrets', 'nodeSelector', 'priorityClassName', 'resources', 'securityContext', 'serviceAccountName', 'tolerations'];
export const FIELDS_1_11 = ['affinity', 'nodeSelector', 'priorityClassName', 'serviceAccountName', 'tolerations'];

export const REGISTRY = 'registry.example.com';
export const SOLVER_IMAGE = `${REGISTRY}/tap/cert-manager-acmesolver:v1.21.1`;

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export function dockerConfig(...registries: string[]): string {
  return b64(JSON.stringify({ auths: Object.fromEntries(registries.map((r) => [r, { username: 'robot', password: 'hunter2-secret', auth: b64('robot:hunter2-secret') }])) }));
}

export const controllerYaml = (args: string[] = [`--acme-http01-solver-image=${SOLVER_IMAGE}`, '--cluster-resource-namespace=$(POD_NAMESPACE)']): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager, namespace: cert-manager}
spec:
  template:
    spec:
      containers:
      - name: cert-manager-controller
        image: quay.io/jetstack/cert-manager-controller:v1.21.1
        args: ${JSON.stringify(args)}
`;

export function snapshot(text: string, crds: Partial<CrdFacts> = {}): LiveSnapshot {
  const s: LiveSnapshot = {
    issuers: [], certificates: [], ingresses: [], gateways: [], challenges: [], serviceAccounts: [], secrets: [], pods: [], events: [],
    crds: { certManagerInstalled: true, podTemplateSpecFields: FIELDS_1_21, secretExport: false, gateway: true, ...crds },
  };
  const deployments: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as Record<string, unknown> | null;
    if (!o) continue;
    const kind = String(o['kind']);
    const apiVersion = String(o['apiVersion']);
    switch (kind) {
      case 'ClusterIssuer':
      case 'Issuer':
        s.issuers.push(toManifestObject(o, kind, apiVersion, keepIssuer));
        break;
      case 'Certificate':
        s.certificates.push(toManifestObject(o, kind, apiVersion, keepIssuerRefAndStatus));
        break;
      case 'Challenge':
        s.challenges.push(toManifestObject(o, kind, apiVersion, keepIssuerRefAndStatus));
        break;
      case 'CertificateRequest':
        (s.certificateRequests ??= []).push(toManifestObject(o, kind, apiVersion, keepIssuerRefAndStatus));
        break;
      case 'Order':
        (s.orders ??= []).push(toManifestObject(o, kind, apiVersion, keepIssuerRefAndStatus));
        break;
      case 'Ingress':
        s.ingresses.push(toManifestObject(o, kind, apiVersion, keepMetadata));
        break;
      case 'Gateway':
        s.gateways.push(toManifestObject(o, kind, apiVersion, keepMetadata));
        break;
      case 'ServiceAccount':
        s.serviceAccounts.push(toManifestObject(o, kind, apiVersion, keepServiceAccount));
        break;
      case 'Secret':
        s.secrets.push(summarizeSecret(o));
        break;
      case 'Pod':
        s.pods.push(summarizePod(o));
        break;
      case 'Event':
        s.events.push(summarizeEvent(o));
        break;
      case 'Deployment':
        deployments.push(o);
        break;
      default:
        throw new Error(`fixture kind ${kind} not handled`);
    }
  }
  const controller = findCertManagerController(deployments);
  if (controller) s.controller = controller;
  return s;
}

export const clusterIssuer = (name = 'letsencrypt', podTemplate = ''): string => `
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: ${name}, resourceVersion: "100", uid: ci-${name}}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: ${name}-key}
    solvers:
    - http01:
        ingress:
          ingressClassName: contour${podTemplate ? `\n          podTemplate: ${podTemplate}` : ''}
`;

export const certificate = (ns: string, name: string, issuer = 'letsencrypt', kind = 'ClusterIssuer'): string => `
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: ${ns}}
spec:
  secretName: ${name}-tls
  dnsNames: [${name}.example.com]
  issuerRef: {name: ${issuer}, kind: ${kind}}
`;

export const serviceAccount = (ns: string, name: string, pullSecrets: string[] = [], rv = '7'): string => `
apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: ${ns}, resourceVersion: "${rv}"}
${pullSecrets.length > 0 ? `imagePullSecrets: ${JSON.stringify(pullSecrets.map((n) => ({ name: n })))}` : ''}
`;

export const pullSecret = (ns: string, name: string, ...registries: string[]): string => `
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${ns}, resourceVersion: "9"}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: ${dockerConfig(...registries)}}
`;

export const docs = (...parts: string[]): string => parts.map((p) => `---\n${p.trim()}\n`).join('');
