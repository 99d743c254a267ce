// An integrated cluster: the node has registry credentials of its own (as GKE, AKS and EKS nodes have
// for their cloud's registry), so the broken-looking issuer (no ServiceAccount, no pull secret) gets
// its certificate with no fix. scan says no fix is needed, why, and how strong that evidence is;
// fix changes nothing unless --force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { apply, certificate, condition, env, getJson, http01ClusterIssuer, id, kubectl, kubectlTry, list, nodeCredentials, tapacme, waitFor, waitIssuerReady } from './rig.js';

const suffix = id();
const issuer = `e2e-int-${suffix}`;
const ns = `e2e-int-${suffix}`;
const SOLVER = 'acme.cert-manager.io/http01-solver=true';
const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff'];

const spec = (o: Obj): Obj => o['spec'] as Obj;
const state = (p: Obj): Obj => (((((p['status'] as Obj | undefined)?.['containerStatuses'] ?? []) as Obj[])[0])?.['state'] ?? {}) as Obj;
const waitingReason = (p: Obj): string | undefined => (state(p)['waiting'] as Obj | undefined)?.['reason'] as string | undefined;
const running = (p: Obj): boolean => !!state(p)['running'];

/** A workload Pod from the registry without any pull secret (the solver binary, serving on its own port). */
function workload(name: string, policy: 'IfNotPresent' | 'Always'): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'app', image: env('TAPACME_E2E_SOLVER_IMAGE'), imagePullPolicy: policy, args: ['--listen-port=8089', '--domain=x.test', '--token=t', '--key=k'] }] },
  });
}
async function waitRunning(name: string): Promise<void> {
  await waitFor(`Pod ${ns}/${name} running`, async () => (running((await getJson('pod', name, ns)) ?? {}) ? true : undefined), 90_000);
}
interface Report { noFixNeeded: { reason: string; evidence: string[]; strength?: string; strengthReason?: string } | null; issuers: { name: string; needsFix: boolean }[]; findings: { rule: string; severity: string; message: string; issuer: string | null }[] }
async function scanJson(): Promise<Report> {
  const r = await tapacme(['scan', '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

let solverPod: Obj | undefined;

beforeAll(async () => {
  await nodeCredentials('on');
  await apply(http01ClusterIssuer(issuer));
  await waitIssuerReady(issuer);
  await kubectl(['create', 'namespace', ns]);
  await apply(certificate(ns, 'web', issuer, `web-${suffix}.${env('TAPACME_E2E_DOMAIN')}`));
  await waitFor(`Certificate ${ns}/web Ready without any fix`, async () => {
    for (const p of await list('pods', ns, SOLVER)) if (running(p)) solverPod = p;
    return condition(await getJson('certificate', 'web', ns), 'Ready')?.['status'] === 'True' ? true : undefined;
  }, 240_000);
});

afterAll(async () => {
  await nodeCredentials('off');
  await kubectlTry(['delete', 'namespace', ns, '--wait=false']);
  await kubectlTry(['delete', 'clusterissuer', issuer, '--wait=false']);
});

describe('nodes with registry credentials of their own', () => {
  it('the broken-looking issuer got its certificate: its solver Pod ran as "default" with no pull secret', () => {
    expect(solverPod).toBeDefined();
    expect(spec(solverPod as Obj)['serviceAccountName']).toBe('default');
    expect(spec(solverPod as Obj)['imagePullSecrets']).toBeUndefined();
  });

  it('scan says no fix is needed, why, and that IfNotPresent Pods are weak evidence; an Always Pod makes it strong', async () => {
    await kubectl(['apply', '-f', '-'], workload('cached-ok', 'IfNotPresent'));
    await waitRunning('cached-ok');
    // No solver Pod anywhere may be failing to pull (other scenarios' namespaces are being deleted).
    await waitFor('no solver Pod failing to pull', async () => {
      const r = await kubectl(['get', 'pods', '-A', '-l', SOLVER, '-o', 'json']);
      return ((JSON.parse(r) as Obj)['items'] as Obj[]).some((p) => PULL_FAILURES.includes(waitingReason(p) ?? '')) ? undefined : true;
    }, 120_000);
    const weak = await scanJson();
    // The reason names the solver Pods while cert-manager has not yet deleted the one that ran, else the workload.
    const registry = env('TAPACME_E2E_REGISTRY');
    expect([`solver Pods pulled their image from ${registry} without any pull secret`, `nodes pull from ${registry} without credentials: Pods run images from it without any pull secret`])
      .toContain(weak.noFixNeeded?.reason);
    expect(weak.noFixNeeded?.strength).toBe('weak');
    expect(weak.noFixNeeded?.evidence).toContain(`Pod ${ns}/cached-ok (${env('TAPACME_E2E_SOLVER_IMAGE')}, imagePullPolicy IfNotPresent)`);
    expect(weak.noFixNeeded?.strengthReason).toMatch(/^these Pods use imagePullPolicy IfNotPresent or a digest, so a node may have started an image it had cached/);
    expect(weak.issuers.find((i) => i.name === issuer)?.needsFix).toBe(false);
    expect(weak.findings.filter((f) => f.issuer === `ClusterIssuer/${issuer}`).map((f) => [f.rule, f.severity])).toEqual([['http01-solver-missing-service-account', 'info']]);
    const text = await tapacme(['scan']);
    expect(text.stdout).toMatch(/^no fix needed: (solver Pods pulled their image|nodes pull) from .* without/m);
    expect(text.stdout).toMatch(/^ {2}weak evidence: these Pods use imagePullPolicy IfNotPresent/m);

    await kubectl(['apply', '-f', '-'], workload('pulls-always', 'Always'));
    await waitRunning('pulls-always');
    const strong = await scanJson();
    expect(strong.noFixNeeded?.strength).toBe('strong');
    expect(strong.noFixNeeded?.evidence[0]).toBe(`Pod ${ns}/pulls-always (${env('TAPACME_E2E_SOLVER_IMAGE')}, imagePullPolicy Always)`);
    expect(strong.noFixNeeded?.strengthReason).toBe(`Pod ${ns}/pulls-always uses imagePullPolicy Always, so its node asked ${env('TAPACME_E2E_REGISTRY')} for the image without any pull secret and got it`);
  });

  it('fix changes nothing unless --force', async () => {
    const before = await getJson('clusterissuer', issuer);
    // With only cached-image evidence, fix still changes nothing, and says how little that proves.
    await kubectl(['delete', 'pod', 'pulls-always', '-n', ns, '--grace-period=1', '--wait=true']);
    const weak = await tapacme(['fix', issuer, '--yes']);
    expect(weak.code, weak.stderr).toBe(0);
    expect(weak.stderr).toMatch(/^No fix needed: .*; nothing was changed\. --force fixes anyway\.\nwarning: the evidence is weak: these Pods use imagePullPolicy IfNotPresent/m);
    await kubectl(['apply', '-f', '-'], workload('pulls-always', 'Always'));
    await waitRunning('pulls-always');
    const r = await tapacme(['fix', issuer, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^No fix needed: .* without .*imagePullPolicy Always.*; nothing was changed\. --force fixes anyway\.$/m);
    expect(r.stderr).not.toContain('evidence is weak');
    const none = await tapacme(['fix', '--yes']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain('No ACME issuer needs a fix; nothing was changed.');
    const after = await getJson('clusterissuer', issuer);
    expect((after?.['metadata'] as Obj)['resourceVersion']).toBe((before?.['metadata'] as Obj)['resourceVersion']);
    expect(await getJson('serviceaccount', 'tap-acme-http01-solver', ns)).toBeUndefined();

    const forced = await tapacme(['fix', issuer, '--force', '--pull-secret-source', `copy:${env('TAPACME_E2E_PULL_SECRET')}`, '--dry-run=server']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(new RegExp(`would be updated ClusterIssuer ${issuer}: solver 1: set serviceAccountName tap-acme-http01-solver`));
    expect(forced.stderr).toContain(`would be created ServiceAccount ${ns}/tap-acme-http01-solver`);
  });
});
