// Live failure evidence read back from the real API server: a solver Pod owned by its Challenge and
// stuck in ImagePullBackOff, a Challenge whose Pod was refused, their Warning events, and Gateway
// annotations. Statuses are written through the status subresource, as the kubelet and cert-manager do.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './helpers.js';
import { SOLVER_IMAGE, apply, controllerDeployment, id, kubectl, tapacme } from './helpers.js';

const run = id();
const CI = `fail-${run}`;
const NS = `f${run}`;
const GW_NS = `g${run}`;

const GATEWAY_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.gateway.networking.k8s.io, annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes-sigs/gateway-api/pull/2466"}}
spec:
  group: gateway.networking.k8s.io
  names: {kind: Gateway, listKind: GatewayList, plural: gateways, singular: gateway}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}`;

beforeAll(async () => {
  await apply([controllerDeployment(), GATEWAY_CRD, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}`, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${GW_NS}}`,
    `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ${CI}}\nspec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: ${NS}}`,
  ].join('\n---\n'));
  await kubectl(['wait', '--for=condition=Established', 'crd/gateways.gateway.networking.k8s.io', '--timeout=60s']);
  await apply(`apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: ${GW_NS}, annotations: {cert-manager.io/cluster-issuer: ${CI}}}\nspec: {gatewayClassName: x, listeners: []}`);

  // cert-manager's objects for one order: two Challenges, a solver Pod owned by the first.
  const challenge = (name: string): string => `apiVersion: acme.cert-manager.io/v1
kind: Challenge
metadata: {name: ${name}, namespace: ${NS}}
spec:
  url: https://acme.example/chall/${name}
  authorizationURL: https://acme.example/authz/${name}
  dnsName: web.example.com
  type: HTTP-01
  token: t
  key: k
  solver: {http01: {ingress: {}}}
  issuerRef: {name: ${CI}, kind: ClusterIssuer, group: cert-manager.io}`;
  await kubectl(['create', '-f', '-'], { input: `${challenge('web-1')}\n---\n${challenge('web-2')}` });
  const uid = (await kubectl(['get', 'challenge', 'web-1', '-n', NS, '-o', 'jsonpath={.metadata.uid}'])).trim();
  await kubectl(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'cm-acme-http-solver-abcde', namespace: NS, labels: { 'acme.cert-manager.io/http01-solver': 'true' }, ownerReferences: [{ apiVersion: 'acme.cert-manager.io/v1', kind: 'Challenge', name: 'web-1', uid, controller: true }] },
      spec: { containers: [{ name: 'acmesolver', image: SOLVER_IMAGE }] },
    }),
  });
  await kubectl(['patch', 'pod', 'cm-acme-http-solver-abcde', '-n', NS, '--subresource=status', '--type=merge', '-p', JSON.stringify({
    status: { phase: 'Pending', containerStatuses: [{ name: 'acmesolver', image: SOLVER_IMAGE, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${SOLVER_IMAGE}"` } } }] },
  })]);
  await kubectl(['patch', 'challenge', 'web-2', '-n', NS, '--subresource=status', '--type=merge', '-p', JSON.stringify({
    status: { processing: true, presented: false, state: 'pending', reason: `pods "cm-acme-http-solver-" is forbidden: error looking up service account ${NS}/tap-acme-http01-solver: serviceaccount "tap-acme-http01-solver" not found` },
  })]);
  await kubectl(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Event', metadata: { name: `pull-${run}`, namespace: NS }, type: 'Warning', reason: 'Failed',
      message: `Failed to pull image "${SOLVER_IMAGE}": 401 Unauthorized`, involvedObject: { kind: 'Pod', name: 'cm-acme-http-solver-abcde', namespace: NS },
    }),
  });
});

describe('scan shows what failed, where', () => {
  it('attributes the Pod, Challenge and Event to the issuer and namespace', async () => {
    const r = await tapacme(['scan', '-o', 'json']);
    const json = JSON.parse(r.stdout) as { issuers: { name: string; namespaces: { name: string; evidence: Obj[]; failures: Obj[]; problems: { rule: string }[] }[] }[] };
    const issuer = json.issuers.find((i) => i.name === CI);
    expect(issuer?.namespaces.map((n) => [n.name, n.evidence])).toEqual([
      [NS, [{ via: 'issuerRef', kind: 'Challenge', name: 'web-1' }, { via: 'issuerRef', kind: 'Challenge', name: 'web-2' }]],
      [GW_NS, [{ via: 'annotation', kind: 'Gateway', name: 'web' }]],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    const ns = issuer?.namespaces.find((n) => n.name === NS);
    expect(ns?.failures).toEqual([
      { kind: 'Pod', name: 'cm-acme-http-solver-abcde', reason: 'ImagePullBackOff', message: `Back-off pulling image "${SOLVER_IMAGE}"`, serviceAccountName: 'default', imagePullSecrets: [] },
      { kind: 'Challenge', name: 'web-1', reason: 'pending', message: '' },
      { kind: 'Challenge', name: 'web-2', reason: 'pending', message: expect.stringContaining('error looking up service account') as unknown },
      { kind: 'Event', name: 'Pod/cm-acme-http-solver-abcde', reason: 'Failed', message: `Failed to pull image "${SOLVER_IMAGE}": 401 Unauthorized` },
    ]);
    expect(ns?.problems.map((p) => p.rule)).toEqual(['solver-no-pull-secrets', 'solver-image-pull-failed', 'challenge-pending', 'solver-pod-forbidden']);
    const text = await tapacme(['scan']);
    expect(text.stdout).toContain(`solver-image-pull-failed: namespace "${NS}": solver Pod cm-acme-http-solver-abcde cannot pull ${SOLVER_IMAGE} (ImagePullBackOff)`);
  });
});
