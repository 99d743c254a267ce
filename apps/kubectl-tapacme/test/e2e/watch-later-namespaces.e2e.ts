// Namespaces that come later: with `kubectl tapacme watch` running, a Certificate in a namespace
// created afterwards is issued with no human action. The issuer starts as TAP's docs leave it
// (no ServiceAccount, so its solver Pods run as "default" and cannot pull from the private
// registry); the watch (--fix-issuers) names the solver ServiceAccount in it and keeps that
// ServiceAccount, with a copy of the registry's pull secret, in every namespace that obtains
// certificates from it, as namespaces appear.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { CLI, E2E_SH, apply, certificate, condition, env, getJson, http01ClusterIssuer, id, kubectl, kubectlTry, waitFor, waitIssuerReady } from './rig.js';

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
let watch: WatchProcess | undefined;

beforeAll(async () => {
  await apply(http01ClusterIssuer(issuer));
  await waitIssuerReady(issuer);
});

afterAll(async () => {
  if (watch && watch.child.exitCode === null) watch.child.kill('SIGKILL');
  await kubectlTry(['delete', 'namespace', later, '--wait=false']);
  await kubectlTry(['delete', 'clusterissuer', issuer, '--wait=false']);
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
