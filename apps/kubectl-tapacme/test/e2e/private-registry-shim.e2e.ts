// The same TAP failure and fix, reached the other two ways certificates are asked for: an Ingress
// annotated for a ClusterIssuer (cert-manager's ingress-shim makes the Certificate), and a
// namespaced Issuer. Each first fails on the private registry's 401, then is issued after fix.
import { afterAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { apply, condition, env, getJson, http01ClusterIssuer, id, kubectl, kubectlTry, list, tapacme, waitFor, waitIssuerReady } from './rig.js';

const SOLVER = 'acme.cert-manager.io/http01-solver=true';
const cleanup: string[][] = [];

afterAll(async () => {
  for (const args of cleanup) await kubectlTry(['delete', ...args, '--wait=false']);
});

function ingress(ns: string, host: string, annotation: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: ${ns}
  annotations:
    ${annotation}
spec:
  ingressClassName: nginx
  tls:
  - hosts: [${host}]
    secretName: web-tls
  rules:
  - host: ${host}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
`;
}

/** Waits for the solver Pod's pull failure, runs fix, and waits for the Certificate to be Ready. */
async function failThenFix(ns: string, issuerArg: string, certName: string, host: string): Promise<void> {
  const pod = await waitFor('the solver Pod in ImagePullBackOff', async () => {
    const p = (await list('pods', ns, SOLVER))[0];
    const cs = ((p?.['status'] as Obj | undefined)?.['containerStatuses'] ?? []) as Obj[];
    return ((cs[0]?.['state'] as Obj | undefined)?.['waiting'] as Obj | undefined)?.['reason'] === 'ImagePullBackOff' ? p : undefined;
  }, 180_000);
  expect((pod['spec'] as Obj)['serviceAccountName']).toBe('default');
  expect(condition(await getJson('certificate', certName, ns), 'Ready')?.['status']).not.toBe('True');
  const r = await tapacme(['fix', issuerArg, '--pull-secret-source', `copy:${env('TAPACME_E2E_PULL_SECRET')}`, '--yes']);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  const cert = await waitFor(`Certificate ${ns}/${certName} Ready`, async () => {
    const c = await getJson('certificate', certName, ns);
    return condition(c, 'Ready')?.['status'] === 'True' ? c : undefined;
  }, 240_000);
  expect((cert['spec'] as Obj)['dnsNames']).toEqual([host]);
  const data = (await getJson('secret', 'web-tls', ns))?.['data'] as Obj;
  expect(Buffer.from(String(data['tls.crt']), 'base64').toString('utf8')).toContain('-----BEGIN CERTIFICATE-----');
}

describe('an Ingress annotated with cert-manager.io/cluster-issuer (ingress-shim)', () => {
  it('fails on the registry\'s 401, then is issued after fix', async () => {
    const suffix = id();
    const issuer = `e2e-shim-${suffix}`;
    const ns = `e2e-shim-${suffix}`;
    const host = `shop-${suffix}.${env('TAPACME_E2E_DOMAIN')}`;
    cleanup.push(['namespace', ns], ['clusterissuer', issuer]);
    await apply(http01ClusterIssuer(issuer));
    await waitIssuerReady(issuer);
    await kubectl(['create', 'namespace', ns]);
    await apply(ingress(ns, host, `cert-manager.io/cluster-issuer: ${issuer}`));
    // ingress-shim names the Certificate after the TLS secret.
    await waitFor('the Certificate ingress-shim creates', () => getJson('certificate', 'web-tls', ns), 60_000);
    await failThenFix(ns, issuer, 'web-tls', host);
  });
});

describe('a namespaced Issuer', () => {
  it('fails on the registry\'s 401, then is issued after fix', async () => {
    const suffix = id();
    const ns = `e2e-issuer-${suffix}`;
    const host = `api-${suffix}.${env('TAPACME_E2E_DOMAIN')}`;
    cleanup.push(['namespace', ns]);
    await kubectl(['create', 'namespace', ns]);
    await apply(http01ClusterIssuer('local').replace('kind: ClusterIssuer', 'kind: Issuer').replace('  name: local\n', `  name: local\n  namespace: ${ns}\n`));
    await waitFor('Issuer Ready', async () => (condition(await getJson('issuer', 'local', ns), 'Ready')?.['status'] === 'True' ? true : undefined), 120_000);
    await apply(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api, namespace: ${ns}}
spec:
  secretName: web-tls
  dnsNames: [${host}]
  issuerRef: {name: local, kind: Issuer, group: cert-manager.io}
`);
    await failThenFix(ns, `Issuer/${ns}/local`, 'api', host);
  });
});
