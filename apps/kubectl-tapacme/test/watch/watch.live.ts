// `kubectl tapacme watch` against the real kube-apiserver of tools/cluster (its own state dir, see
// scripts/test-watch.sh, because one test restarts the API server). Order matters: the suite runs top to bottom.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Api, apply, certificate, clusterIssuer, kubectl, namespace, REPO, run, SA, unique, until, WatchProcess } from './helpers.js';
import type { Obj } from './helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

const ISSUER = unique('le');
const LEASE_NS = unique('watch-system');
// Shorter lease timings keep the election tests fast (the defaults are 15s/10s/2s), with room for a loaded 2-core machine.
const FAST = ['--lease-duration', '6s', '--renew-deadline', '4s', '--retry-period', '1s'];
const BASE = [ISSUER, '--pull-secret-source', 'placeholder', '--lease-namespace', LEASE_NS, ...FAST];

const api = new Api();
const pullSecrets = (sa: Obj | undefined): string[] => ((sa?.['imagePullSecrets'] as { name: string }[] | undefined) ?? []).map((x) => x.name);
const managers = (o: Obj | undefined): string[] => (((o?.['metadata'] as Obj | undefined)?.['managedFields'] as { manager: string; operation: string }[] | undefined) ?? []).map((m) => `${m.manager}/${m.operation}`);

async function newNamespaceWithCertificate(): Promise<{ ns: string; createdAt: number }> {
  const ns = unique('team');
  await apply(`${namespace(ns)}---\n${certificate(ns, 'web', ISSUER)}`);
  return { ns, createdAt: performance.now() };
}

/** Time from the moment `kubectl apply` returned until the ServiceAccount is readable. */
async function saAppears(ns: string, createdAt: number, timeoutMs: number): Promise<{ sa: Obj; ms: number }> {
  const r = await until(() => api.serviceAccount(ns), timeoutMs, `ServiceAccount ${ns}/${SA}`);
  return { sa: r.value, ms: performance.now() - createdAt };
}

beforeAll(async () => {
  await apply(`${clusterIssuer(ISSUER)}---\n${namespace(LEASE_NS)}`);
});
afterAll(() => api.close());

describe('one watch', () => {
  let w: WatchProcess;
  beforeAll(async () => {
    w = new WatchProcess(BASE);
    await w.waitLog('became leader');
    await until(async () => ((await w.probe('/readyz')).status === 200 ? true : undefined), 30_000, '/readyz 200');
  });
  afterAll(() => w.stop());

  it('answers /healthz and /readyz, and logs JSON lines', async () => {
    const h = await w.probe('/healthz');
    expect(h.status).toBe(200);
    const r = await w.probe('/readyz');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok', synced: true, leader: true } });
    expect(w.logs.length).toBeGreaterThan(0);
    expect(w.raw.filter((l) => !l.startsWith('{"ts":"'))).toEqual([]);
    expect(w.logs[0]).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
  });

  it('gives a new namespace with a Certificate the ServiceAccount and the placeholder within 2 s, by server-side apply', async () => {
    const { ns, createdAt } = await newNamespaceWithCertificate();
    const { sa, ms } = await saAppears(ns, createdAt, 5000);
    console.log(`ServiceAccount ${ns}/${SA} appeared ${Math.round(ms)} ms after the Certificate was created`);
    expect(ms).toBeLessThan(2000);
    expect(pullSecrets(sa)).toEqual(['registry-credentials']);
    expect(managers(sa)).toContain('kubectl-tapacme/Apply');
    const secret = await until(() => api.secret(ns, 'registry-credentials'), 2000, 'the placeholder Secret');
    expect(secret.value).toMatchObject({ type: 'kubernetes.io/dockerconfigjson', metadata: { annotations: { 'secretgen.carvel.dev/image-pull-secret': '' } } });
  });

  it('covers a namespace that only has an Ingress annotated for the issuer', async () => {
    const ns = unique('ing');
    await apply(`${namespace(ns)}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: ${ns}
  annotations:
    cert-manager.io/cluster-issuer: ${ISSUER}
spec:
  rules:
  - host: app.example.com
`);
    const createdAt = performance.now();
    const { ms } = await saAppears(ns, createdAt, 5000);
    expect(ms).toBeLessThan(2000);
  });

  it('brings a deleted ServiceAccount back', async () => {
    const { ns, createdAt } = await newNamespaceWithCertificate();
    const { sa } = await saAppears(ns, createdAt, 5000);
    const uid = (sa['metadata'] as Obj)['uid'];
    await kubectl(['delete', 'serviceaccount', SA, '-n', ns, '--wait=false']);
    const deletedAt = performance.now();
    // A new object (another uid): the watch may re-create it before a poll ever sees it missing.
    const back = await until(async () => {
      const now = await api.serviceAccount(ns);
      return now && (now['metadata'] as Obj)['uid'] !== uid ? now : undefined;
    }, 5000, `ServiceAccount ${ns}/${SA} re-created`);
    const ms = performance.now() - deletedAt;
    console.log(`ServiceAccount ${ns}/${SA} was back ${Math.round(ms)} ms after its deletion`);
    expect(ms).toBeLessThan(2000);
    expect(pullSecrets(back.value)).toEqual(['registry-credentials']);
  });

  it('adds the pull secret to an existing ServiceAccount and keeps its other pull secrets', async () => {
    const ns = unique('keep');
    await apply(`${namespace(ns)}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${SA}\n  namespace: ${ns}\nimagePullSecrets:\n- name: team-registry\n`);
    await apply(certificate(ns, 'web', ISSUER));
    const merged = await until(async () => {
      const sa = await api.serviceAccount(ns);
      return pullSecrets(sa).includes('registry-credentials') ? sa : undefined;
    }, 5000, 'the merged ServiceAccount');
    expect(pullSecrets(merged.value)).toEqual(['team-registry', 'registry-credentials']);
  });

  it('leaves namespaces alone that obtain no certificates from the issuer', async () => {
    const ns = unique('other');
    await apply(`${namespace(ns)}---\n${certificate(ns, 'web', 'some-other-issuer')}`);
    // A control namespace that does use the issuer, created after: once it is covered, the other one has been seen too.
    const { ns: control, createdAt } = await newNamespaceWithCertificate();
    await saAppears(control, createdAt, 5000);
    expect(await api.serviceAccount(ns)).toBeUndefined();
    expect(await api.secret(ns, 'registry-credentials')).toBeUndefined();
  });

  it('writes nothing once everything is in place', async () => {
    const writes = (): number => w.count('created') + w.count('updated');
    const before = writes();
    // A resync-like nudge: an unrelated change to a covered namespace's Certificate triggers a reconcile.
    const { ns, createdAt } = await newNamespaceWithCertificate();
    await saAppears(ns, createdAt, 5000);
    await until(async () => (writes() === before + 2 ? true : undefined), 2000, 'the two writes for the new namespace');
    await kubectl(['label', 'certificate', 'web', '-n', ns, 'nudge=1']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(writes()).toBe(before + 2);
  });
  it('fix --emit reads the issuers from the cluster: Gateway triggers only where served, provisioner gaps named', async () => {
    const cli = `${REPO}apps/kubectl-tapacme/dist/kubectl-tapacme.cjs`;
    const kubeconfig = process.env['KUBECONFIG'] ?? '';
    const ky = await run(process.execPath, [cli, 'fix', '--emit', 'kyverno', ISSUER, '--kubeconfig', kubeconfig]);
    expect(ky.code, ky.stderr).toBe(0);
    const docs = parseAllDocuments(ky.stdout).map((d) => d.toJS() as Obj);
    expect(docs.map((d) => `${String(d['kind'])}/${String((d['metadata'] as Obj)['name'])}`)).toEqual([
      'ClusterRole/tapacme:kyverno:background-controller', 'ClusterRole/tapacme:kyverno:admission-controller', `ClusterPolicy/tapacme-acme-solver-${ISSUER}`,
    ]);
    // The test cluster serves no Gateway API CRD, so the policy does not trigger on Gateways.
    expect(ky.stdout).not.toContain('gateway.networking.k8s.io/v1/Gateway');
    expect(ky.stderr).toContain(`note: ClusterIssuer ${ISSUER} already names ServiceAccount ${SA} on every HTTP01 solver: no issuer change is needed`);

    const { ns: managed } = await newNamespaceWithCertificate();
    await kubectl(['label', 'namespace', managed, 'apps.tanzu.vmware.com/tap-ns=']);
    const nsp = await run(process.execPath, [cli, 'fix', '--emit', 'namespace-provisioner', ISSUER, '--kubeconfig', kubeconfig]);
    expect(nsp.code, nsp.stderr).toBe(0);
    const gap = nsp.stderr.split('\n').find((l) => l.includes('not managed by the Namespace Provisioner')) ?? '';
    expect(gap).toMatch(new RegExp(`^note: ClusterIssuer/${ISSUER}: \\d+ namespaces obtaining certificates are not managed by the Namespace Provisioner`));
    expect(gap).toMatch(/team-/);
    expect(gap).not.toContain(managed);
    const missing = await run(process.execPath, [cli, 'fix', '--emit', 'kyverno', 'no-such-issuer', '--kubeconfig', kubeconfig]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/error: no ACME issuer "no-such-issuer" found/);
  });

  it('makes scan report durable coverage: the running watch, and a Kyverno policy fix --emit wrote', async () => {
    // Kyverno's own ClusterPolicy CRD, from the Go module tools/kyverno pins: the API server then validates the policy against Kyverno's schema.
    const dir = await run('bash', ['-c', `cd ${REPO}tools/kyverno && GOFLAGS=-mod=mod /usr/local/go/bin/go list -m -f '{{.Dir}}' github.com/kyverno/kyverno`]);
    expect(dir.code, dir.stderr).toBe(0);
    await kubectl(['apply', '--server-side', '--field-manager=test-setup', '-f', join(dir.stdout.trim(), 'config/crds/kyverno/kyverno.io_clusterpolicies.yaml')]);
    await until(async () => {
      const crd = await api.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusterpolicies.kyverno.io');
      const conditions = ((crd?.['status'] as Obj | undefined)?.['conditions'] as { type: string; status: string }[] | undefined) ?? [];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    }, 60_000, 'the Kyverno CRD Established');
    const tmp = tempDir('tapacme-emit-');
    writeFileSync(join(tmp, 'issuer.yaml'), clusterIssuer(ISSUER));
    const emitted = await run(process.execPath, [`${REPO}apps/kubectl-tapacme/dist/kubectl-tapacme.cjs`, 'fix', '-f', join(tmp, 'issuer.yaml'), '--emit', 'kyverno', '--output-dir', join(tmp, 'out')]);
    expect(emitted.code, emitted.stderr).toBe(0);
    const files = readdirSync(join(tmp, 'out', 'kyverno')).map((f) => join(tmp, 'out', 'kyverno', f));
    // Strict server-side validation: an unknown or misplaced field in the policy would be refused here.
    for (const f of files) await kubectl(['apply', '--server-side', '--field-manager=test-setup', '--validate=strict', '-f', f]);
    expect(readFileSync(files.find((f) => f.endsWith('rbac.yaml')) ?? '', 'utf8')).toContain('aggregate-to-background-controller');

    const scan = await run(process.execPath, [`${REPO}apps/kubectl-tapacme/dist/kubectl-tapacme.cjs`, 'scan', '-o', 'json', '--kubeconfig', process.env['KUBECONFIG'] ?? '']);
    const json = JSON.parse(scan.stdout) as { issuers: { name: string; durableCoverage: { engine: string; source: string; active: boolean }[] }[] };
    const ours = json.issuers.find((i) => i.name === ISSUER);
    expect(ours?.durableCoverage.map((c) => [c.engine, c.source, c.active])).toEqual([
      ['kyverno', `ClusterPolicy tapacme-acme-solver-${ISSUER}`, true],
      ['watch', `Lease ${LEASE_NS}/kubectl-tapacme-watch`, true],
    ]);
    const text = await run(process.execPath, [`${REPO}apps/kubectl-tapacme/dist/kubectl-tapacme.cjs`, 'scan', '--kubeconfig', process.env['KUBECONFIG'] ?? '']);
    expect(text.stdout).toContain(`ClusterIssuer ${ISSUER}: covered`);
  });
});

describe('two watches', () => {
  it('elect one leader; only it writes; the other takes over when it stops', async () => {
    const ns = unique('election');
    await apply(namespace(ns));
    const args = [ISSUER, '--pull-secret-source', 'placeholder', '--lease-namespace', ns, ...FAST];
    const a = new WatchProcess([...args, '--identity', 'replica-a']);
    const b = new WatchProcess([...args, '--identity', 'replica-b']);
    try {
      await until(async () => (a.has('became leader') || b.has('became leader') ? true : undefined), 30_000, 'a leader');
      // Give the other replica several retry periods to (wrongly) become leader too.
      await new Promise((r) => setTimeout(r, 2500));
      const leaders = [a, b].filter((p) => p.has('became leader'));
      expect(leaders).toHaveLength(1);
      const [leader] = leaders as [WatchProcess];
      const follower = leader === a ? b : a;
      const lease = await api.lease(ns);
      expect((lease?.['spec'] as Obj)['holderIdentity']).toBe(leader === a ? 'replica-a' : 'replica-b');
      expect((lease?.['metadata'] as { annotations: Record<string, string> }).annotations['tapacme.dev/issuers']).toBe(`ClusterIssuer/${ISSUER}`);
      expect((await follower.probe('/readyz')).body).toMatchObject({ leader: false, synced: true });

      const first = await newNamespaceWithCertificate();
      await saAppears(first.ns, first.createdAt, 5000);
      await new Promise((r) => setTimeout(r, 300));
      expect(follower.count('created')).toBe(0);

      leader.signal('SIGTERM');
      expect(await leader.exited).toEqual({ code: 0, signal: null });
      expect(leader.logs.filter((l) => l.msg === 'stopped leading' || l.msg === 'released the lease').map((l) => l['why'] ?? l.msg)).toEqual(['shutting down', 'released the lease']);
      await follower.waitLog('became leader', 10_000);
      const second = await newNamespaceWithCertificate();
      const { ms } = await saAppears(second.ns, second.createdAt, 5000);
      expect(ms).toBeLessThan(2000);
      // The new leader wrote it (its log line may trail the object by a moment).
      await follower.waitLog('created', 5000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('graceful shutdown', () => {
  it('exits 130 on SIGINT, after a clean shutdown that releases the lease', async () => {
    const ns = unique('shutdown');
    await apply(namespace(ns));
    const w = new WatchProcess([ISSUER, '--pull-secret-source', 'placeholder', '--lease-namespace', ns, ...FAST, '--identity', 'replica-s']);
    await w.waitLog('became leader');
    w.signal('SIGINT');
    expect(await w.exited).toEqual({ code: 130, signal: null });
    expect(w.has('stopped')).toBe(true);
    const spec = (await api.lease(ns))?.['spec'] as Obj;
    expect(spec['holderIdentity']).toBe('');
  });
});

describe('--print-deployment', () => {
  it('prints manifests the API server accepts, and whose RBAC is enough to run the watch', async () => {
    const deployNs = unique('tapacme-system');
    const r = await run(process.execPath, [`${REPO}apps/kubectl-tapacme/dist/kubectl-tapacme.cjs`, 'watch', ISSUER, '--print-deployment', '--pull-secret-source', 'placeholder', '--deployment-namespace', deployNs, '--image', 'registry.example.com/tapacme:test']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(docs.map((d) => d['kind'])).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Deployment']);
    const deployment = docs.at(-1) as { spec: { replicas: number; template: { spec: { containers: { image: string; args: string[] }[] } } } };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('registry.example.com/tapacme:test');
    // The real API server validates every object (schema, RBAC references) and stores them.
    await kubectl(['apply', '--server-side', '--field-manager=test-setup', '-f', '-'], r.stdout);

    // Bind the printed roles to the unprivileged test user too, and run the watch as that user.
    const bindings = docs.filter((d) => d['kind'] === 'ClusterRoleBinding' || d['kind'] === 'RoleBinding').map((d) => {
      const copy = structuredClone(d) as { metadata: { name: string }; subjects: Obj[] };
      copy.metadata.name = `${copy.metadata.name}-limited-user`;
      copy.subjects = [{ kind: 'User', name: 'tapacme-limited', apiGroup: 'rbac.authorization.k8s.io' }];
      return copy;
    });
    await apply(bindings.map((b) => `---\n${JSON.stringify(b)}\n`).join(''));
    const w = new WatchProcess([ISSUER, '--pull-secret-source', 'placeholder', '--lease-namespace', deployNs, ...FAST], process.env['TAPACME_KUBECONFIG_LIMITED']);
    try {
      await w.waitLog('became leader');
      const { ns, createdAt } = await newNamespaceWithCertificate();
      await saAppears(ns, createdAt, 5000);
      expect(w.logs.filter((l) => l.level === 'error' || /forbidden/i.test(JSON.stringify(l)))).toEqual([]);
    } finally {
      await w.stop();
    }
  });
});

describe('an API server restart', () => {
  it('is survived: the watch reconnects, relists and converges', async () => {
    const w = new WatchProcess(BASE);
    try {
      await w.waitLog('became leader');
      const before = await newNamespaceWithCertificate();
      await saAppears(before.ns, before.createdAt, 5000);

      const restart = await run('bash', [`${REPO}tools/cluster/cluster.sh`, 'restart-apiserver']);
      expect(restart.code, restart.stderr).toBe(0);
      const upAt = performance.now();
      // The connection dropped: the informers said so and came back.
      await w.waitLog('informer watching again', 30_000);
      console.log(`informers watching again ${Math.round(performance.now() - upAt)} ms after the API server was ready`);

      // Converges: a ServiceAccount deleted and a namespace created after the restart are both handled.
      await kubectl(['delete', 'serviceaccount', SA, '-n', before.ns, '--wait=false']);
      const after = await newNamespaceWithCertificate();
      await saAppears(after.ns, after.createdAt, 15_000);
      await until(() => api.serviceAccount(before.ns), 15_000, 'the deleted ServiceAccount back after the restart');
      expect((await w.probe('/readyz')).status).toBe(200);
    } finally {
      await w.stop();
    }
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });
});
