// Every REST resource the cluster commands touch, with the verbs they use. The RBAC rules that
// `kubectl tapacme rbac` prints are derived from this table, so they cannot drift from the code.

export interface Resource {
  group: string;
  version: string;
  /** REST plural. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Verbs scan needs. */
  scan: readonly string[];
  /** Verbs fix needs on top of scan's. */
  fix: readonly string[];
  /** Restricts the rule to these object names (CRD lookups). */
  resourceNames?: readonly string[];
  /** Why the tool touches it (a comment in the printed ClusterRole). */
  why: string;
}

const r = (group: string, version: string, resource: string, kind: string, namespaced: boolean, scan: string[], fix: string[], why: string, resourceNames?: string[]): Resource => ({
  group, version, resource, kind, namespaced, scan, fix, why, ...(resourceNames ? { resourceNames } : {}),
});

export const CRD_NAMES = {
  clusterIssuers: 'clusterissuers.cert-manager.io',
  secretExports: 'secretexports.secretgen.carvel.dev',
  gateways: 'gateways.gateway.networking.k8s.io',
} as const;

export const RESOURCES = {
  crds: r('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['get'], [], 'cert-manager version and served podTemplate fields; whether secretgen-controller and Gateway API are installed', Object.values(CRD_NAMES)),
  clusterIssuers: r('cert-manager.io', 'v1', 'clusterissuers', 'ClusterIssuer', false, ['list'], ['get', 'patch'], 'read solvers; fix sets serviceAccountName or dns01 (server-side apply)'),
  issuers: r('cert-manager.io', 'v1', 'issuers', 'Issuer', true, ['list'], ['get', 'patch'], 'read solvers; fix sets serviceAccountName or dns01 (server-side apply)'),
  certificates: r('cert-manager.io', 'v1', 'certificates', 'Certificate', true, ['list'], [], 'which namespaces obtain certificates from which issuer'),
  challenges: r('acme.cert-manager.io', 'v1', 'challenges', 'Challenge', true, ['list'], [], 'pending challenges and why'),
  certificateRequests: r('cert-manager.io', 'v1', 'certificaterequests', 'CertificateRequest', true, ['list'], [], 'the request behind a Certificate that is not Ready'),
  orders: r('acme.cert-manager.io', 'v1', 'orders', 'Order', true, ['list'], [], 'the ACME order behind a Certificate that is not Ready'),
  ingresses: r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['list'], [], 'cert-manager.io/cluster-issuer and cert-manager.io/issuer annotations'),
  gateways: r('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway', true, ['list'], [], 'cert-manager.io annotations on Gateways'),
  pods: r('', 'v1', 'pods', 'Pod', true, ['list'], [], 'solver Pods that cannot pull; Pods that pull from the solver registry without secrets'),
  events: r('', 'v1', 'events', 'Event', true, ['list'], [], 'Warning events about solver Pods and Challenges'),
  serviceAccounts: r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['list'], ['get', 'create', 'patch'], 'does the solver ServiceAccount exist, with which pull secrets; fix creates or merges it (server-side apply)'),
  secrets: r('', 'v1', 'secrets', 'Secret', true, ['list'], ['get', 'create', 'patch'], 'pull secret type and registries (data is read in memory only, never printed); fix creates placeholder or copied pull secrets'),
  deployments: r('apps', 'v1', 'deployments', 'Deployment', true, ['list'], [], 'the cert-manager controller\'s --acme-http01-solver-image and --cluster-resource-namespace flags'),
  kyvernoClusterPolicies: r('kyverno.io', 'v1', 'clusterpolicies', 'ClusterPolicy', false, ['list'], [], 'durable coverage: a Kyverno policy that creates the solver ServiceAccount in new namespaces'),
  leases: r('coordination.k8s.io', 'v1', 'leases', 'Lease', true, ['list'], [], 'durable coverage: whether `kubectl tapacme watch` runs (its Lease kubectl-tapacme-watch)'),
} as const satisfies Record<string, Resource>;

export type ResourceKey = keyof typeof RESOURCES;

/** The REST path of a collection or an object. */
export function resourcePath(res: Resource, namespace?: string, name?: string, version = res.version): string {
  const base = res.group === '' ? `/api/${version}` : `/apis/${res.group}/${version}`;
  const ns = res.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${res.resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** The resource of an apiVersion + kind the fix plan names. */
export function resourceOfKind(kind: string): Resource | undefined {
  return Object.values(RESOURCES).find((x) => x.kind === kind);
}
