// The TAP failure for real, then the fix. cert-manager's solver image lives in the rig's private
// registry (anonymous pulls get 401); the rig's node pulls the way kubelet does, with the Pod's
// pull secrets only. An issuer without a ServiceAccount gives a solver Pod that runs as
// "default" and ends in ImagePullBackOff; `fix` with the registry's pull secret makes the next
// solver Pod pull, run and answer Pebble over HTTP, and the certificate is issued.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { apply, certificate, condition, env, getJson, http01ClusterIssuer, id, inRig, kubectl, kubectlTry, list, tapacme, waitFor, waitIssuerReady } from './rig.js';

const suffix = id();
const issuer = `e2e-tap-${suffix}`;
const ns = `e2e-tap-${suffix}`;
const dnsName = `web-${suffix}.${env('TAPACME_E2E_DOMAIN')}`;
const SOLVER = 'acme.cert-manager.io/http01-solver=true';

const spec = (o: Obj): Obj => o['spec'] as Obj;
const meta = (o: Obj): Obj => o['metadata'] as Obj;
function waiting(pod: Obj): Obj | undefined {
  const cs = ((pod['status'] as Obj | undefined)?.['containerStatuses'] ?? []) as Obj[];
  return (cs[0]?.['state'] as Obj | undefined)?.['waiting'] as Obj | undefined;
}
async function podEvents(name: string): Promise<Obj[]> {
  return (await list('events', ns)).filter((e) => (e['involvedObject'] as Obj)['name'] === name);
}

let failing: Obj;

beforeAll(async () => {
  await apply(http01ClusterIssuer(issuer));
  await waitIssuerReady(issuer);
  await kubectl(['create', 'namespace', ns]);
  await apply(certificate(ns, 'web', issuer, dnsName));
  failing = await waitFor('the solver Pod in ImagePullBackOff', async () => {
    const p = (await list('pods', ns, SOLVER))[0];
    return p && waiting(p)?.['reason'] === 'ImagePullBackOff' ? p : undefined;
  }, 120_000);
});

afterAll(async () => {
  await kubectlTry(['delete', 'namespace', ns, '--wait=false']);
  await kubectlTry(['delete', 'clusterissuer', issuer, '--wait=false']);
});

describe('an HTTP01 issuer without a ServiceAccount, solver image in a private registry', () => {
  it('the registry refuses anonymous pulls with 401', async () => {
    const [repo, tag] = env('TAPACME_E2E_SOLVER_IMAGE').replace(`${env('TAPACME_E2E_REGISTRY')}/`, '').split(':');
    const r = await inRig('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', env('TAPACME_E2E_REGISTRY_CA'),
      `https://${env('TAPACME_E2E_REGISTRY')}/v2/${String(repo)}/manifests/${String(tag)}`]);
    expect(r.stdout).toBe('401');
  });

  it('cert-manager\'s solver Pod runs as "default" without pull secrets and fails on the 401: ErrImagePull, then ImagePullBackOff', async () => {
    const s = spec(failing);
    expect(s['serviceAccountName']).toBe('default');
    expect(s['imagePullSecrets']).toBeUndefined();
    expect(s['nodeName']).toBe(env('TAPACME_E2E_NODE'));
    expect(((s['containers'] as Obj[])[0])?.['image']).toBe(env('TAPACME_E2E_SOLVER_IMAGE'));
    expect(String(waiting(failing)?.['message'])).toMatch(/^Back-off pulling image ".+": ErrImagePull: failed to pull and unpack image .*401 Unauthorized/);
    // Events reach the API server on their own path (kubelet's event broadcaster), not with the status.
    let events: Obj[] = [];
    const seen = (reason: string, type: string, re: RegExp): boolean =>
      events.some((e) => e['reason'] === reason && e['type'] === type && re.test(String(e['message'])) && (e['source'] as Obj | undefined)?.['component'] === 'kubelet');
    await waitFor('the pull failure\'s events', async () => {
      events = await podEvents(String(meta(failing)['name']));
      return seen('Failed', 'Warning', /^Error: ImagePullBackOff$/) ? true : undefined;
    }, 30_000).catch(() => undefined);
    expect(seen('Pulling', 'Normal', /^Pulling image "/)).toBe(true);
    expect(seen('Failed', 'Warning', /^Failed to pull image ".+": .*401 Unauthorized/)).toBe(true);
    expect(seen('Failed', 'Warning', /^Error: ErrImagePull$/)).toBe(true);
    expect(seen('BackOff', 'Normal', /^Back-off pulling image "/)).toBe(true);
    expect(seen('Failed', 'Warning', /^Error: ImagePullBackOff$/)).toBe(true);
    expect(condition(await getJson('certificate', 'web', ns), 'Ready')?.['status']).not.toBe('True');
  });

  it('scan names the namespace with the pull failure and the Challenge as evidence', async () => {
    const r = await tapacme(['scan', '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { issuers: { name: string; needsFix: boolean; namespaces: { name: string; problems: { rule: string }[]; failures: Obj[] }[] }[] };
    const i = report.issuers.find((x) => x.name === issuer);
    expect(i?.needsFix).toBe(true);
    const n = i?.namespaces.find((x) => x.name === ns);
    expect(n?.problems.map((p) => p.rule)).toContain('solver-image-pull-failed');
    const pod = n?.failures.find((f) => f['kind'] === 'Pod');
    expect(pod).toMatchObject({ serviceAccountName: 'default', imagePullSecrets: [] });
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(pod?.['reason']);
    expect(String(pod?.['message'])).toContain('401 Unauthorized');
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Challenge' }));
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Event', reason: 'Failed', message: expect.stringMatching(/401 Unauthorized/) as unknown }));
    const text = await tapacme(['scan']);
    expect(text.stdout).toMatch(new RegExp(`^ {4}${ns} `, 'm'));
  });

  it('after fix with the registry\'s pull secret, the next solver Pod pulls and runs, Pebble validates over HTTP, and the certificate is issued', async () => {
    const r = await tapacme(['fix', issuer, '--pull-secret-source', `copy:${env('TAPACME_E2E_PULL_SECRET')}`, '--yes']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // Watch the solver Pods while waiting: the one that runs is gone once the challenge is valid.
    const running = new Map<string, Obj>();
    const cert = await waitFor(`Certificate ${ns}/web Ready`, async () => {
      for (const p of await list('pods', ns, SOLVER)) {
        const cs = ((p['status'] as Obj)['containerStatuses'] ?? []) as Obj[];
        if (cs[0]?.['ready'] === true && (cs[0]['state'] as Obj)['running']) running.set(String(meta(p)['name']), p);
      }
      const c = await getJson('certificate', 'web', ns);
      return condition(c, 'Ready')?.['status'] === 'True' ? c : undefined;
    }, 240_000);
    expect(condition(cert, 'Ready')?.['reason']).toBe('Ready');

    // The Pod that ran: cert-manager's, as the issuer's ServiceAccount, with the pull secret admission copied from it.
    expect(running.size).toBeGreaterThan(0);
    const pod = [...running.values()][0] as Obj;
    const podTemplate = ((((spec((await getJson('clusterissuer', issuer)) as Obj)['acme'] as Obj)['solvers'] as Obj[])[0]?.['http01'] as Obj)['ingress'] as Obj)['podTemplate'] as Obj;
    const saName = String((podTemplate['spec'] as Obj)['serviceAccountName']);
    expect(spec(pod)['serviceAccountName']).toBe(saName);
    expect(spec(pod)['imagePullSecrets']).toEqual((await getJson('serviceaccount', saName, ns))?.['imagePullSecrets']);
    expect((spec(pod)['imagePullSecrets'] as Obj[]).length).toBeGreaterThan(0);
    const events = await podEvents(String(meta(pod)['name']));
    expect(events.some((e) => e['reason'] === 'Pulled' && /^Successfully pulled image "/.test(String(e['message'])))).toBe(true);
    expect(events.some((e) => e['reason'] === 'Started')).toBe(true);

    // A certificate for the name, chaining to Pebble's root.
    const data = (await getJson('secret', 'web-tls', ns))?.['data'] as Obj;
    const pems = Buffer.from(String(data['tls.crt']), 'base64').toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const chain = pems.map((b) => new X509Certificate(b));
    expect(chain[0]?.subjectAltName).toBe(`DNS:${dnsName}`);
    const roots = (readFileSync(env('TAPACME_E2E_ACME_CA'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
    expect(roots.some((root) => chain.at(-1)?.checkIssued(root) && chain.at(-1)?.verify(root.publicKey))).toBe(true);
  });
});
