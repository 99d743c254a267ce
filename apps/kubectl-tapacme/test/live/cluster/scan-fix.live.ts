// Issue 3 section 4, against the real kube-apiserver: scan finds exactly the right namespaces, the
// ServiceAccount admission failure is real before the fix and gone after it, dry runs change nothing,
// and a second fix writes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './helpers.js';
import { SA, SOLVER_IMAGE, apply, controllerDeployment, createSolverPod, getJson, id, kubectl, kubectlTry, managers, resourceVersion, stats, tapacme } from './helpers.js';

const run = id();
const ns = { cert: `t${run}-cert`, ingress: `t${run}-ingress`, none: `t${run}-none`, issuer: `t${run}-issuer` };
const CI = `le-${run}`;
const copy = ['--pull-secret-source', 'copy:cert-manager/tap-registry'];
const fixArgs = ['fix', CI, `Issuer/${ns.issuer}/local`, ...copy];
const PASSWORD = 'hunter2-live-secret';

type Scan = {
  issuers: { kind: string; name: string; namespace: string | null; solvers: Obj[]; needsFix: boolean; namespaces: { name: string; evidence: Obj[]; serviceAccount: Obj | null; problems: { rule: string; message: string }[] }[] }[];
  findings: Obj[];
};

async function scan(): Promise<{ code: number; json: Scan; stderr: string }> {
  const r = await tapacme(['scan', '-o', 'json']);
  expect(r.stderr).not.toMatch(/error:/);
  return { code: r.code, json: JSON.parse(r.stdout) as Scan, stderr: r.stderr };
}
const ours = (s: Scan): Scan['issuers'] => s.issuers.filter((i) => i.name === CI || (i.name === 'local' && i.namespace === ns.issuer));

beforeAll(async () => {
  await apply([controllerDeployment(), ...Object.values(ns).map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}`)].join('\n---\n'));
  const registry = await kubectlTry(['create', 'secret', 'docker-registry', 'tap-registry', '-n', 'cert-manager', '--docker-server=registry.example.com', '--docker-username=robot', `--docker-password=${PASSWORD}`]);
  if (registry.code !== 0 && !/already exists/i.test(registry.stderr)) throw new Error(registry.stderr);
  await apply(`
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: ${CI}}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: ${CI}-key}
    solvers:
    - selector: {dnsZones: [example.com]}
      http01:
        ingress: {ingressClassName: contour}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: ${ns.cert}}
spec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ${CI}, kind: ClusterIssuer}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api, namespace: ${ns.cert}}
spec: {secretName: api-tls, dnsNames: [api.example.com], issuerRef: {name: ${CI}, kind: ClusterIssuer, group: cert-manager.io}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: ${ns.ingress}, annotations: {cert-manager.io/cluster-issuer: ${CI}}}
spec: {rules: [{host: shop.example.com}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: plain, namespace: ${ns.none}}
spec: {rules: [{host: plain.example.com}]}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: local, namespace: ${ns.issuer}}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: local-key}
    solvers:
    - http01:
        ingress:
          ingressClassName: nginx
          podTemplate: {spec: {serviceAccountName: ${SA}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ${SA}, namespace: ${ns.cert}}
imagePullSecrets: [{name: other-creds}]
`);
});

describe('scan against the real API server', () => {
  it('reports exactly the namespaces that obtain certificates, with their evidence', async () => {
    const { code, json, stderr } = await scan();
    expect(code).toBe(1);
    const [ci, local] = ours(json);
    expect(ci?.kind).toBe('ClusterIssuer');
    expect(ci?.needsFix).toBe(true);
    expect(ci?.solvers).toEqual([{ index: 0, type: 'http01', variant: 'ingress', serviceAccountName: null, imagePullSecrets: [], dns01Provider: null, selector: { dnsZones: ['example.com'] } }]);
    expect(ci?.namespaces.map((n) => [n.name, n.evidence])).toEqual([
      [ns.cert, [{ via: 'issuerRef', kind: 'Certificate', name: 'api' }, { via: 'issuerRef', kind: 'Certificate', name: 'web' }]],
      [ns.ingress, [{ via: 'annotation', kind: 'Ingress', name: 'shop' }]],
    ]);
    expect(ci?.namespaces.map((n) => [n.serviceAccount, n.problems.map((p) => p.rule)])).toEqual([
      [{ name: 'default', configured: false, exists: false, imagePullSecrets: [] }, ['service-account-missing-in-namespace']],
      [{ name: 'default', configured: false, exists: false, imagePullSecrets: [] }, ['service-account-missing-in-namespace']],
    ]);
    expect(local?.namespaces.map((n) => [n.name, n.evidence, n.serviceAccount])).toEqual([
      [ns.issuer, [{ via: 'namespaced-issuer', kind: 'Issuer', name: 'local' }], { name: SA, configured: true, exists: false, imagePullSecrets: [] }],
    ]);
    expect(json.findings).toContainEqual(expect.objectContaining({ rule: 'http01-solver-missing-service-account', kind: 'ClusterIssuer', name: CI, path: 'spec.acme.solvers[0].http01', severity: 'error' }));
    expect(Object.keys(json)).toEqual(['issuers', 'findings', 'certManager', 'solverImage', 'noFixNeeded', 'unattributedFailures', 'warnings', 'summary']);
    expect(Object.keys(json.issuers[0] ?? {})).toEqual(['kind', 'name', 'namespace', 'ready', 'solvers', 'namespaces', 'apiVersion', 'needsFix', 'durableCoverage']);
    expect(json).toMatchObject({ certManager: { podTemplateImagePullSecrets: true, version: 'v1.21.1' }, solverImage: { image: SOLVER_IMAGE, source: 'controller-flag' } });
    // One list per kind, however many namespaces: 3 CRD lookups, the server's version (whole lists or pages) and 11 lists.
    expect(stats(stderr).requests).toBeLessThanOrEqual(21);
    expect(stats(stderr).writes).toBe(0);
  });

  it('never prints secret data', async () => {
    for (const format of ['json', 'yaml', 'text']) {
      const r = await tapacme(['scan', '-o', format]);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      expect(r.stdout + r.stderr).not.toContain(Buffer.from(`robot:${PASSWORD}`).toString('base64'));
    }
  });
});

describe('fix against the real API server', () => {
  it('the failure is real before the fix: ServiceAccount admission rejects the solver Pod', async () => {
    const ci = await getJson('clusterissuer', CI);
    const before = await createSolverPod(ci ?? {}, ns.ingress);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toContain(`error looking up service account ${ns.ingress}/default: serviceaccount "default" not found`);
    const local = await getJson('issuer', 'local', ns.issuer);
    const named = await createSolverPod(local ?? {}, ns.issuer);
    expect(named.stderr).toContain(`pods "cm-acme-http-solver-" is forbidden: error looking up service account ${ns.issuer}/${SA}: serviceaccount "${SA}" not found`);
  });

  it('--dry-run=client sends no write', async () => {
    const r = await tapacme([...fixArgs, '--dry-run=client']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`create ServiceAccount ${ns.ingress}/${SA}`);
    expect(r.stderr).toContain('Dry run (client): nothing was sent');
    expect(r.stderr).not.toMatch(/requests: .*patch/);
  });

  it('--dry-run=server sends every write with dryRun=All and leaves every resourceVersion unchanged', async () => {
    const before = [await resourceVersion('clusterissuer', CI), await resourceVersion('issuer', 'local', ns.issuer), await resourceVersion('serviceaccount', SA, ns.cert)];
    const r = await tapacme([...fixArgs, '--dry-run=server']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`would be created ServiceAccount ${ns.ingress}/${SA}`);
    expect(r.stderr).toContain(`would be updated ServiceAccount ${ns.cert}/${SA}: add imagePullSecrets registry-credentials (keeps other-creds)`);
    expect(r.stderr).toContain(`would be updated ClusterIssuer ${CI}`);
    const s = stats(r.stderr);
    expect(s.byVerb['patch']).toBe(7);
    expect(s.writes).toBe(0);
    expect([await resourceVersion('clusterissuer', CI), await resourceVersion('issuer', 'local', ns.issuer), await resourceVersion('serviceaccount', SA, ns.cert)]).toEqual(before);
    expect(await getJson('serviceaccount', SA, ns.ingress)).toBeUndefined();
    expect(await getJson('secret', 'registry-credentials', ns.ingress)).toBeUndefined();
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });

  it('-o yaml prints manifests the API server accepts, and writes nothing', async () => {
    const r = await tapacme(['fix', CI, '--pull-secret-source', 'placeholder', '-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(stats(r.stderr).writes).toBe(0);
    expect(r.stdout).toContain('secretgen.carvel.dev/image-pull-secret');
    // As a GitOps tool would apply them (server-side), validated by the API server without storing.
    const check = await kubectlTry(['apply', '--server-side', '--force-conflicts', '--field-manager=gitops', '--dry-run=server', '-f', '-'], { input: r.stdout });
    expect(check.stderr).not.toMatch(/error/i);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`clusterissuer.cert-manager.io/${CI} serverside-applied (server dry run)`);
    const refused = await tapacme([...fixArgs, '-o', 'yaml']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('would print registry credentials');
  });

  it('applies: pull secrets and ServiceAccounts in every namespace, merging, then the issuers', async () => {
    const r = await tapacme([...fixArgs, '--yes']);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Secrets: 3 created, 0 updated, 0 unchanged, 0 failed/);
    expect(r.stderr).toMatch(/ServiceAccounts: 2 created, 1 updated, 0 unchanged, 0 failed/);
    expect(r.stderr).toMatch(/ClusterIssuers: 0 created, 1 updated, 0 unchanged, 0 failed/);
    expect(r.stderr).toMatch(/Issuers: 0 created, 0 updated, 1 unchanged, 0 failed/);

    const merged = await getJson('serviceaccount', SA, ns.cert);
    expect(merged?.['imagePullSecrets']).toEqual([{ name: 'other-creds' }, { name: 'registry-credentials' }]);
    expect(managers(merged)).toContain('kubectl-tapacme');
    for (const n of [ns.cert, ns.ingress, ns.issuer]) {
      const secret = await getJson('secret', 'registry-credentials', n);
      expect(secret?.['type']).toBe('kubernetes.io/dockerconfigjson');
    }
    expect(await getJson('serviceaccount', SA, ns.none)).toBeUndefined();
    expect(await getJson('secret', 'registry-credentials', ns.none)).toBeUndefined();
    const ci = await getJson('clusterissuer', CI);
    const solver = (((ci?.['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[])[0];
    expect(solver).toEqual({ selector: { dnsZones: ['example.com'] }, http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { serviceAccountName: SA } } } } });
    expect(managers(ci)).toContain('kubectl-tapacme');
  });

  it('after the fix the same Pod is admitted and admission copied the ServiceAccount\'s pull secrets onto it', async () => {
    const ci = await getJson('clusterissuer', CI);
    const pod = await createSolverPod(ci ?? {}, ns.ingress);
    expect(pod.stderr).toBe('');
    expect((pod.pod?.['spec'] as Obj)['serviceAccountName']).toBe(SA);
    expect((pod.pod?.['spec'] as Obj)['imagePullSecrets']).toEqual([{ name: 'registry-credentials' }]);
    const withOthers = await createSolverPod(ci ?? {}, ns.cert);
    expect((withOthers.pod?.['spec'] as Obj)['imagePullSecrets']).toEqual([{ name: 'other-creds' }, { name: 'registry-credentials' }]);
    const local = await createSolverPod((await getJson('issuer', 'local', ns.issuer)) ?? {}, ns.issuer);
    expect((local.pod?.['spec'] as Obj)['imagePullSecrets']).toEqual([{ name: 'registry-credentials' }]);
  });

  it('a second fix writes nothing', async () => {
    const rvs = async (): Promise<(string | undefined)[]> => [
      await resourceVersion('clusterissuer', CI), await resourceVersion('issuer', 'local', ns.issuer),
      ...(await Promise.all([ns.cert, ns.ingress, ns.issuer].flatMap((n) => [resourceVersion('serviceaccount', SA, n), resourceVersion('secret', 'registry-credentials', n)]))),
    ];
    const before = await rvs();
    const r = await tapacme([...fixArgs, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Nothing to do: 8 objects are already as the fix needs/);
    const s = stats(r.stderr);
    expect(s.writes).toBe(0);
    expect(s.byVerb['patch']).toBeUndefined();
    expect(await rvs()).toEqual(before);
  });

  it('scan now finds nothing to fix in these namespaces', async () => {
    const { json } = await scan();
    for (const i of ours(json)) {
      expect(i.needsFix).toBe(false);
      expect(i.namespaces.flatMap((n) => n.problems)).toEqual([]);
    }
    expect(ours(json)[0]?.namespaces[1]?.serviceAccount).toEqual({
      name: SA, configured: true, exists: true,
      imagePullSecrets: [{ name: 'registry-credentials', from: 'serviceAccount', exists: true, type: 'kubernetes.io/dockerconfigjson', dockerConfigJson: true, placeholder: false, coversRegistry: true }],
    });
    // The issuer names objects in the output; the CLI reports "No ACME issuer needs a fix" for the defaults.
    const all = await kubectl(['get', 'clusterissuers', '-o', 'name']);
    expect(all).toContain(CI);
  });
});
