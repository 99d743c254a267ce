// --strategy dns01 on a live issuer: the webhook-equivalent checks, the secret check in cert-manager's
// cluster resource namespace, and a solver list the real CRD schema accepts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './helpers.js';
import { apply, controllerDeployment, getJson, id, kubectl, resourceVersion, stats, tapacme } from './helpers.js';

const run = id();
const CI = `dns-${run}`;
const SECRET = `cloudflare-${run}`;
const args = ['fix', CI, '--strategy', 'dns01', '--dns01-provider', 'cloudflare', '--cloudflare-api-token-secret-ref', `${SECRET}:api-token`, '--yes'];

beforeAll(async () => {
  await apply(`${controllerDeployment()}---
apiVersion: v1
kind: Namespace
metadata: {name: d${run}}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: ${CI}}
spec:
  acme:
    server: https://acme.example/dir
    privateKeySecretRef: {name: k}
    solvers:
    - selector: {dnsZones: [example.org]}
      http01: {ingress: {class: nginx}}
    - dns01: {route53: {region: eu-west-1}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c, namespace: d${run}}
spec: {secretName: c-tls, dnsNames: [c.example.org], issuerRef: {name: ${CI}, kind: ClusterIssuer}}
`);
});

describe('fix --strategy dns01', () => {
  it('refuses while the referenced secret is missing from the cluster resource namespace, changing nothing', async () => {
    const rv = await resourceVersion('clusterissuer', CI);
    const r = await tapacme(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`blocked ClusterIssuer ${CI}: the dns01 solver of ClusterIssuer/${CI} reads from namespace "cert-manager": Secret cert-manager/${SECRET} (cloudflare.apiTokenSecretRef) does not exist`);
    expect(stats(r.stderr).writes).toBe(0);
    expect(await resourceVersion('clusterissuer', CI)).toBe(rv);
  });

  it('replaces the http01 solver, keeping its selector and the other solvers, once the secret is there', async () => {
    await kubectl(['create', 'secret', 'generic', SECRET, '-n', 'cert-manager', '--from-literal=api-token=t0k3n']);
    const r = await tapacme(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`updated ClusterIssuer ${CI}: solver 1: replace http01 with dns01`);
    const solvers = (((await getJson('clusterissuer', CI))?.['spec'] as Obj)['acme'] as Obj)['solvers'];
    expect(solvers).toEqual([
      { selector: { dnsZones: ['example.org'] }, dns01: { cloudflare: { apiTokenSecretRef: { name: SECRET, key: 'api-token' } } } },
      { dns01: { route53: { region: 'eu-west-1' } } },
    ]);
    const again = await tapacme(args);
    expect(again.code).toBe(0);
    expect(stats(again.stderr).writes).toBe(0);
  });

  it('rejects a block cert-manager\'s webhook would reject, before reading the cluster', async () => {
    const r = await tapacme(['fix', CI, '--strategy', 'dns01', '--dns01-provider', 'cloudflare']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apiKeySecretRef or apiTokenSecretRef is required/);
  });
});
