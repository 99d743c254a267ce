// Namespaces that come later: with `kubectl tapacme watch` running, a Certificate in a namespace
// created afterwards is issued with no human action. The issuer starts as TAP's docs leave it
// (no ServiceAccount, so its solver Pods run as "default" and cannot pull from the private
// registry); the watch (--fix-issuers) names the solver ServiceAccount in it and keeps that
// ServiceAccount, with a copy of the registry's pull secret, in every namespace that obtains
// certificates from it, as namespaces appear.
//
// Then the same with the Deployment that `watch --print-deployment` prints, running on the rig's
// node from kubectl-tapacme's own image (pushed to the private registry), two replicas, one
// leader; the leader's Pod is stopped and a Certificate created after that is still issued.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { CLI, E2E_SH, ROOT, apply, certificate, condition, docs, env, getJson, http01ClusterIssuer, id, kubectl, kubectlTry, list, tapacme, waitFor, waitIssuerReady } from './rig.js';
import { run } from '../live/cluster/helpers.js';

const suffix = id();
const issuer = `e2e-watch-${suffix}`;
const SA = 'tap-acme-http01-solver';

/** `kubectl tapacme watch` as a process inside the rig, its JSON log lines collected. */
export interface WatchProcess {
  child: ChildProcessWithoutNullStreams;
  lines: Obj[];
  exited: Promise<number>;
}

export function startWatch(args: readonly string[]): WatchProcess {
  const child = spawn('bash', [E2E_SH, 'exec', '--', CLI, 'watch', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Obj[] = [];
  let buf = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Obj);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  child.stdin.end();
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, lines, exited };
}

/** A namespace made now with a Certificate for a fresh name under the rig's HTTP01 domain; resolves when it is Ready. */
export async function certificateInNewNamespace(ns: string, issuerName: string): Promise<{ cert: Obj; ms: number }> {
  const t0 = Date.now();
  await kubectl(['create', 'namespace', ns]);
  await apply(certificate(ns, 'web', issuerName, `web-${ns}.${env('TAPACME_E2E_DOMAIN')}`));
  const cert = await waitFor(`Certificate ${ns}/web Ready`, async () => {
    const c = await getJson('certificate', 'web', ns);
    return condition(c, 'Ready')?.['status'] === 'True' ? c : undefined;
  }, 180_000);
  return { cert, ms: Date.now() - t0 };
}

const later = `e2e-watch-later-${suffix}`;
const depIssuer = `e2e-watch-dep-${suffix}`;
const depNs = `tapacme-e2e-${suffix}`;
const afterStart = `e2e-watch-dep-a-${suffix}`;
const afterLeader = `e2e-watch-dep-b-${suffix}`;
let watch: WatchProcess | undefined;

beforeAll(async () => {
  await apply(http01ClusterIssuer(issuer));
  await apply(http01ClusterIssuer(depIssuer));
  await waitIssuerReady(issuer);
  await waitIssuerReady(depIssuer);
});

afterAll(async () => {
  if (watch && watch.child.exitCode === null) watch.child.kill('SIGKILL');
  for (const ns of [later, afterStart, afterLeader, depNs]) await kubectlTry(['delete', 'namespace', ns, '--wait=false']);
  await kubectlTry(['delete', 'clusterrole,clusterrolebinding', 'tapacme-watch', '--wait=false']);
  for (const i of [issuer, depIssuer]) await kubectlTry(['delete', 'clusterissuer', i, '--wait=false']);
});

describe('kubectl tapacme watch as a process', () => {
  it('a Certificate in a namespace created after the watch started is issued with no human action', async () => {
    watch = startWatch([issuer, '--pull-secret-source', `copy:${env('TAPACME_E2E_PULL_SECRET')}`, '--fix-issuers', '--health-addr', 'off', '--leader-elect', 'false']);
    const w = watch;
    await waitFor('the watch to start', async () => (w.lines.some((l) => l['msg'] === 'watching') ? true : undefined), 60_000, 200);

    const { ms } = await certificateInNewNamespace(later, issuer);
    console.log(`watch process: Certificate in a new namespace Ready after ${(ms / 1000).toFixed(1)} s`);

    // What the watch wrote, and nobody else: the issuer's solver ServiceAccount, and in the new
    // namespace that ServiceAccount with a copy of the registry's pull secret.
    const solver = ((((await getJson('clusterissuer', issuer))?.['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[])[0] as Obj;
    expect((((solver['http01'] as Obj)['ingress'] as Obj)['podTemplate'] as Obj)?.['spec']).toMatchObject({ serviceAccountName: SA });
    const sa = await getJson('serviceaccount', SA, later);
    const pullSecrets = (sa?.['imagePullSecrets'] ?? []) as Obj[];
    expect(pullSecrets.length).toBe(1);
    const copied = await getJson('secret', String(pullSecrets[0]?.['name']), later);
    expect(copied?.['type']).toBe('kubernetes.io/dockerconfigjson');
    const managers = async (kind: string, name: string): Promise<unknown[]> =>
      (((JSON.parse(await kubectl(['get', kind, name, '-n', later, '-o', 'json', '--show-managed-fields'])) as Obj)['metadata'] as Obj)['managedFields'] as Obj[]).map((m) => m['manager']);
    expect(await managers('serviceaccount', SA)).toContain('kubectl-tapacme');
    expect(await managers('secret', String(pullSecrets[0]?.['name']))).toContain('kubectl-tapacme');

    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.lines.some((l) => l['msg'] === 'stopped')).toBe(true);
  });
});

/** dist/image/oci as `pnpm release:image` writes it, built again (linux/amd64 only) when older than the CLI's build. */
async function ensureImage(): Promise<void> {
  const index = join(ROOT, 'dist/image/oci/index.json');
  const cli = join(ROOT, 'apps/kubectl-tapacme/dist/kubectl-tapacme.cjs');
  if (existsSync(index) && statSync(index).mtimeMs >= statSync(cli).mtimeMs) return;
  const r = await run(process.execPath, [join(ROOT, 'tools/image/release.ts')], { env: { TAPACME_IMAGE_PLATFORMS: 'linux/amd64' } });
  if (r.code !== 0) throw new Error(`pnpm release:image failed: ${r.stderr}`);
}

const lease = async (): Promise<Obj | undefined> => getJson('lease', 'kubectl-tapacme-watch', depNs);
const holder = async (): Promise<string> => String(((await lease())?.['spec'] as Obj | undefined)?.['holderIdentity'] ?? '');
const podName = (p: Obj): string => String((p['metadata'] as Obj)['name']);
const isReady = (p: Obj): boolean => condition(p, 'Ready')?.['status'] === 'True' && (p['metadata'] as Obj)['deletionTimestamp'] === undefined;
async function watchPods(): Promise<Obj[]> {
  return list('pods', depNs, 'app.kubernetes.io/name=tapacme-watch');
}

describe('kubectl tapacme watch as the Deployment --print-deployment prints, on the rig\'s node', () => {
  let image = '';

  beforeAll(async () => {
    const t0 = Date.now();
    await ensureImage();
    const pushed = await run('bash', [join(ROOT, 'tools/image/push-e2e.sh')]);
    if (pushed.code !== 0) throw new Error(`push-e2e.sh failed: ${pushed.stderr}`);
    image = pushed.stdout.trim();
    // As an installation would: the Deployment's namespace with a pull secret for the registry.
    await kubectl(['create', 'namespace', depNs]);
    const [srcNs, srcName] = env('TAPACME_E2E_PULL_SECRET').split('/') as [string, string];
    const secret = JSON.parse(await kubectl(['get', 'secret', srcName, '-n', srcNs, '-o', 'json'])) as Obj;
    await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: secret['type'], data: secret['data'], metadata: { name: 'tap-registry', namespace: depNs } }));
    const printed = await tapacme(['watch', depIssuer, '--print-deployment', '--pull-secret-source', `copy:${env('TAPACME_E2E_PULL_SECRET')}`, '--fix-issuers',
      '--image', image, '--image-pull-secret', 'tap-registry', '--deployment-namespace', depNs]);
    expect(printed.code, printed.stderr).toBe(0);
    const deployment = docs(printed.stdout).find((d) => d['kind'] === 'Deployment') as Obj;
    expect((deployment['spec'] as Obj)['replicas']).toBe(2);
    await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=e2e-test', '-f', '-'], printed.stdout);
    await waitFor('two watch replicas Ready and a Lease holder', async () => {
      const pods = await watchPods();
      return pods.filter(isReady).length === 2 && pods.map(podName).includes(await holder()) ? true : undefined;
    }, 180_000);
    console.log(`watch Deployment: image built, pushed, 2 replicas Ready with a leader after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it('two replicas run the image on the rig\'s node as user 65532 on a read-only root, and exactly one holds the Lease', async () => {
    const pods = (await watchPods()).filter(isReady);
    expect(pods).toHaveLength(2);
    const leader = await holder();
    const names: string[] = [];
    for (const p of pods) {
      const spec = p['spec'] as Obj;
      expect(spec['nodeName']).toBe(env('TAPACME_E2E_NODE'));
      const cs = ((p['status'] as Obj)['containerStatuses'] as Obj[])[0] as Obj;
      expect(cs['image']).toBe(image);
      // The process the node started for it, seen from this host: its user and its root mount.
      const pid = String(cs['containerID']).replace('tapacme-e2e://', '');
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
      expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
      const rootMount = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[4] === '/');
      expect(rootMount?.[5]?.split(',')).toContain('ro');
      names.push(podName(p));
    }
    expect(names).toContain(leader);
    // POD_NAME from the downward API is each replica's identity; the other one waits.
    const l = await lease();
    expect((l?.['spec'] as Obj)['holderIdentity']).toBe(leader);
    // The Lease says which issuers the watch covers, for `scan`.
    expect(String(((l?.['metadata'] as Obj)['annotations'] as Obj | undefined)?.['tapacme.dev/issuers'])).toContain(depIssuer);
  });

  it('a Certificate in a namespace created after the Deployment started is issued', async () => {
    const { ms } = await certificateInNewNamespace(afterStart, depIssuer);
    console.log(`watch Deployment: Certificate in a new namespace Ready after ${(ms / 1000).toFixed(1)} s`);
  });

  it('with the leader\'s Pod stopped, the other replica leads and a Certificate created after that is issued', async () => {
    const leader = await holder();
    const t0 = Date.now();
    await kubectl(['delete', 'pod', leader, '-n', depNs, '--wait=false']);
    const next = await waitFor('another replica holding the Lease', async () => {
      const h = await holder();
      return h !== '' && h !== leader && (await watchPods()).some((p) => podName(p) === h && isReady(p)) ? h : undefined;
    }, 120_000);
    console.log(`watch Deployment: ${next} leads ${((Date.now() - t0) / 1000).toFixed(1)} s after the leader's Pod was deleted`);
    const { ms } = await certificateInNewNamespace(afterLeader, depIssuer);
    console.log(`watch Deployment: Certificate after the leader stopped Ready after ${(ms / 1000).toFixed(1)} s`);
  });
});
