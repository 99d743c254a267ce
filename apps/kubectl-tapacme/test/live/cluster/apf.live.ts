// Genuine 429s: the API server's own Priority and Fairness rejects the CLI's requests. A FlowSchema
// sends one ServiceAccount's requests to a priority level with the smallest share and no queue, so
// whatever exceeds its few seats is answered 429 with Retry-After by kube-apiserver itself; a burst
// of the same user's requests fills the seats while scan and fix run. They must retry, wait as
// Retry-After says, and converge. The row is written to .test-output/fault-matrix-apf.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminConfig } from '../fault-proxies.js';
import { tempDir } from '../../helpers/temp-dir.js';
import type { Obj } from './helpers.js';
import { APP, SA, apply, env, getJson, id, kubectl, tapacme } from './helpers.js';

const run = id();
const dir = tempDir('tapacme-apf-');
const ns = `apf-${run}`;
const level = `tapacme-apf-${run}`;
const rows: string[] = [];
let admin: AdminConfig;
let token: string;
let kubeconfig: string;

/** One GET as the throttled ServiceAccount: its status, Retry-After and the priority level that served it. */
function get(path: string): Promise<{ status: number; retryAfter?: string; level?: string }> {
  return new Promise((resolve) => {
    const ca = Buffer.from(String(admin.cluster()['certificate-authority-data']), 'base64');
    const req = request(new URL(path, admin.server), { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => {
        const h = res.headers;
        resolve({ status: res.statusCode ?? 0, ...(h['retry-after'] ? { retryAfter: String(h['retry-after']) } : {}), ...(h['x-kubernetes-pf-prioritylevel-uid'] ? { level: String(h['x-kubernetes-pf-prioritylevel-uid']) } : {}) });
      });
    });
    req.on('error', () => resolve({ status: 0 }));
    req.end();
  });
}

/** Requests of the same user, `parallel` at a time, for `ms`: they take the level's seats. */
async function burst(ms: number, parallel: number, seen: { status: number; retryAfter?: string }[]): Promise<void> {
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < until) seen.push(await get('/api/v1/namespaces?limit=500'));
    }),
  );
}

/** Rejections kube-apiserver counted for the level (its /metrics, read as admin). */
async function rejected(): Promise<number> {
  const metrics = await kubectl(['get', '--raw', '/metrics']);
  let n = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith('apiserver_flowcontrol_rejected_requests_total{') && line.includes(`priority_level="${level}"`)) n += Number(line.split(' ').pop());
  }
  return n;
}

beforeAll(async () => {
  admin = new AdminConfig(env('KUBECONFIG'));
  await apply(
    [
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`,
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: client, namespace: ${ns}}`,
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ${level}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: client, namespace: ${ns}}]`,
      // The smallest share there is, nothing lent or borrowed, no queue: excess is rejected at once.
      `apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nmetadata: {name: ${level}}\nspec: {type: Limited, limited: {nominalConcurrencyShares: 1, lendablePercent: 0, borrowingLimitPercent: 0, limitResponse: {type: Reject}}}`,
      `apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata: {name: ${level}}\nspec:\n  priorityLevelConfiguration: {name: ${level}}\n  matchingPrecedence: 500\n  distinguisherMethod: {type: ByUser}\n  rules:\n  - subjects: [{kind: ServiceAccount, serviceAccount: {name: client, namespace: ${ns}}}]\n    resourceRules: [{verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*']}]\n    nonResourceRules: [{verbs: ['*'], nonResourceURLs: ['*']}]`,
    ].join('\n---\n'),
  );
  token = (await kubectl(['create', 'token', 'client', '-n', ns, '--duration', '1h'])).trim();
  const cluster = { server: admin.server.href.replace(/\/$/, ''), 'certificate-authority-data': admin.cluster()['certificate-authority-data'] };
  kubeconfig = join(dir, 'apf.kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'apf', cluster }], users: [{ name: 'apf', user: { token } }], contexts: [{ name: 'apf', context: { cluster: 'apf', user: 'apf' } }], 'current-context': 'apf' }),
    { mode: 0o600 },
  );
  // The API server picks up new flow-control objects on its own schedule: wait until our level serves us.
  const uid = String(((await getJson('prioritylevelconfiguration', level)) as { metadata: Obj }).metadata['uid']);
  const t = Date.now();
  while ((await get('/api')).level !== uid) {
    if (Date.now() - t > 60_000) throw new Error(`requests of ${ns}/client were not served by priority level ${level} after 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

afterAll(async () => {
  await kubectl(['delete', 'flowschema,prioritylevelconfiguration,clusterrolebinding', level, '--ignore-not-found']).catch(() => undefined);
  const out = join(APP, '..', '..', '.test-output');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'fault-matrix-apf.md'), ['| fault | command | outcome |', '|---|---|---|', ...rows].join('\n') + '\n');
});

describe('429 from API Priority and Fairness', () => {
  it('scan and fix retry, wait as Retry-After says, and converge', async () => {
    const issuer = `apf-${run}`;
    const namespaces = Array.from({ length: 4 }, (_, i) => `apf-${run}-${i}`);
    await apply(
      [
        ...namespaces.map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}`),
        `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ${issuer}}\nspec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {ingressClassName: contour}}}]}}`,
        ...namespaces.map((n) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: ${n}}\nspec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ${issuer}, kind: ClusterIssuer}}`),
      ].join('\n---\n'),
    );
    const before = await rejected();
    const outcomes: string[] = [];
    for (const command of ['scan', 'fix']) {
      const seen: { status: number; retryAfter?: string }[] = [];
      const args = command === 'scan' ? ['scan', '-o', 'json', '--fail-on', 'none'] : ['fix', issuer, '--pull-secret-source', 'placeholder', '--yes'];
      const t = Date.now();
      // The burst starts first and holds the seats for 4 s; the CLI's first requests meet it.
      const load = burst(4_000, 12, seen);
      await new Promise((r) => setTimeout(r, 300));
      const r = await tapacme([...args, '--kubeconfig', kubeconfig]);
      await load;
      const retries = r.stderr.match(/429 Too ?Many ?Requests; attempt \d+ of \d+ in [\d.]+ s \(Retry-After\)/g) ?? [];
      const headers = [...new Set(seen.filter((s) => s.status === 429).map((s) => s.retryAfter))];
      expect(r.code, r.stderr).toBe(0);
      expect(seen.some((s) => s.status === 429), 'the burst itself was rejected').toBe(true);
      expect(headers.every((h) => h !== undefined && Number(h) >= 1), `Retry-After on every 429: ${headers.join(', ')}`).toBe(true);
      expect(retries.length, r.stderr).toBeGreaterThan(0);
      // Each wait is at least what the header asked for.
      for (const line of retries) expect(Number(/in ([\d.]+) s/.exec(line)?.[1])).toBeGreaterThanOrEqual(Math.min(...headers.map(Number)));
      outcomes.push(`${command}: ${retries.length} retries on 429 (Retry-After ${headers.join('/')} s), exit 0 in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    expect(await rejected()).toBeGreaterThan(before);
    // fix converged: every namespace has the ServiceAccount and the issuer names it.
    for (const n of namespaces) expect(await getJson('serviceaccount', SA, n), n).toBeDefined();
    const i = (await getJson('clusterissuer', issuer)) as Obj;
    expect(JSON.stringify(i['spec'])).toContain(`"serviceAccountName":"${SA}"`);
    const rerun = await tapacme(['fix', issuer, '--pull-secret-source', 'placeholder', '--yes', '--kubeconfig', kubeconfig]);
    expect(rerun.code, rerun.stderr).toBe(0);
    rows.push(`| 429 from API Priority and Fairness (FlowSchema → PriorityLevelConfiguration: 1 share, Reject; 12 parallel requests of the same user for 4 s) | scan, fix | ${outcomes.join('; ')}; kube-apiserver counted the rejections; fix converged, rerun exit 0 |`);
  }, 180_000);
});
