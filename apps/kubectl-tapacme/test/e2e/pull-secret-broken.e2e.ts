// A pull secret that exists but does not work: one for another registry, one with a wrong password
// (and one that works, for contrast). Without --verify-pull-secrets scan asks no registry: it reads
// the Secret's own hosts and the solver Pod's 401. With it, it asks the rig's registry (htpasswd) the
// way kubelet would. fix does not claim success where the secret fails. No output holds secret bytes.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj, Run } from './rig.js';
import { apply, certificate, env, getJson, http01ClusterIssuer, id, kubectl, kubectlTry, list, tapacme, waitFor, waitIssuerReady } from './rig.js';

const suffix = id();
const issuer = `e2e-pull-${suffix}`;
const other = `e2e-pull-other-${suffix}`;
const badpw = `e2e-pull-badpw-${suffix}`;
const good = `e2e-pull-good-${suffix}`;
const SECRET = 'tap-registry';
const SOLVER = 'acme.cert-manager.io/http01-solver=true';
const OTHER_PASSWORD = `other-${suffix}-Zq8x`;
const WRONG_PASSWORD = `wrong-${suffix}-Kp3v`;
const registryLog = (): string => readFileSync(`${env('TAPACME_E2E_DIR')}/logs/registry.log`, 'utf8');
/** Requests the CLI made to the registry (its user agent), from the registry's access log. */
const cliRequests = (): string[] => registryLog().split('\n').filter((l) => l.includes('"kubectl-tapacme"'));
const outputs: Run[] = [];
async function cli(args: string[]): Promise<Run> {
  const r = await tapacme(args);
  outputs.push(r);
  return r;
}

interface Ns { name: string; problems: { rule: string; severity: string; message: string }[]; pullSecretChecks?: { secret: string; verdict: string; source: string; detail: string }[] }
function namespaces(r: Run): Map<string, Ns> {
  const report = JSON.parse(r.stdout) as { issuers: { name: string; namespaces: Ns[] }[] };
  return new Map((report.issuers.find((i) => i.name === issuer)?.namespaces ?? []).map((n) => [n.name, n]));
}

async function dockerSecret(ns: string, server: string, password: string): Promise<void> {
  await kubectl(['-n', ns, 'create', 'secret', 'docker-registry', SECRET, `--docker-server=${server}`, '--docker-username=tap', `--docker-password=${password}`]);
}

beforeAll(async () => {
  await apply(http01ClusterIssuer(issuer));
  await waitIssuerReady(issuer);
  for (const ns of [other, badpw, good]) await kubectl(['create', 'namespace', ns]);
  await dockerSecret(other, 'other-registry.tapacme-e2e.test', OTHER_PASSWORD);
  await dockerSecret(badpw, env('TAPACME_E2E_REGISTRY'), WRONG_PASSWORD);
  const [srcNs, srcName] = env('TAPACME_E2E_PULL_SECRET').split('/') as [string, string];
  const src = await getJson('secret', srcName, srcNs) as Obj;
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: src['type'], data: src['data'], metadata: { name: SECRET, namespace: good } }));
  // The issuer names no ServiceAccount: its solver Pods run as "default", which carries the secret.
  for (const ns of [other, badpw, good]) {
    await waitFor(`ServiceAccount ${ns}/default`, async () => (await getJson('serviceaccount', 'default', ns)) ?? undefined, 60_000);
    await kubectl(['-n', ns, 'patch', 'serviceaccount', 'default', '-p', JSON.stringify({ imagePullSecrets: [{ name: SECRET }] })]);
    await apply(certificate(ns, 'web', issuer, `web-${ns}.${env('TAPACME_E2E_DOMAIN')}`));
  }
  // Both broken namespaces' solver Pods fail to pull, the wrong password one with the registry's 401 in its events.
  await waitFor('the solver Pods of both broken namespaces failing to pull', async () => {
    for (const ns of [other, badpw]) {
      const p = (await list('pods', ns, SOLVER))[0];
      const waiting = ((((p?.['status'] as Obj | undefined)?.['containerStatuses'] ?? []) as Obj[])[0]?.['state'] as Obj | undefined)?.['waiting'] as Obj | undefined;
      if (!p || !['ErrImagePull', 'ImagePullBackOff'].includes(String(waiting?.['reason']))) return undefined;
    }
    const events = await list('events', badpw);
    return events.some((e) => e['reason'] === 'Failed' && /401 Unauthorized/.test(String(e['message']))) ? true : undefined;
  }, 120_000);
});

afterAll(async () => {
  for (const ns of [other, badpw, good]) await kubectlTry(['delete', 'namespace', ns, '--wait=false']);
  await kubectlTry(['delete', 'clusterissuer', issuer, '--wait=false']);
});

describe('pull secrets that exist but do not work', () => {
  it('scan, asking no registry, names the secret for another registry and the one the registry refused, with the Pod', async () => {
    const before = cliRequests().length;
    const r = await cli(['scan', '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(cliRequests().length).toBe(before);
    const ns = namespaces(r);
    expect(ns.get(other)?.problems).toContainEqual(expect.objectContaining({
      rule: 'solver-pull-secret-wrong-registry', message: `namespace "${other}": pull secret "${SECRET}" has no credentials for ${env('TAPACME_E2E_REGISTRY')} (it names other-registry.tapacme-e2e.test)`,
    }));
    expect(ns.get(other)?.problems.map((p) => p.rule)).not.toContain('solver-pull-secret-rejected');
    const pod = String(((await list('pods', badpw, SOLVER))[0]?.['metadata'] as Obj | undefined)?.['name']);
    const refused = ns.get(badpw)?.problems.filter((p) => p.rule === 'solver-pull-secret-rejected');
    expect(refused?.map((p) => p.severity)).toEqual(['error']);
    expect(refused?.[0]?.message).toMatch(new RegExp(`^namespace "${badpw}": the registry refused pull secret "${SECRET}" \\(401 Unauthorized\\) when solver Pod cm-acme-http-solver-\\w+ pulled from ${env('TAPACME_E2E_REGISTRY').replace(/\./g, '\\.')}: its credentials for that registry are wrong or expired`));
    expect(refused?.[0]?.message).toContain(`when solver Pod ${pod} pulled`);
    expect(ns.get(badpw)?.pullSecretChecks).toEqual([expect.objectContaining({ secret: SECRET, verdict: 'rejected', source: 'events' })]);
    expect(ns.get(good)?.problems.map((p) => p.rule) ?? []).not.toContain('solver-pull-secret-rejected');
    const text = await cli(['scan']);
    expect(text.stdout).toContain(`error solver-pull-secret-rejected: namespace "${badpw}"`);
  });

  it('scan --verify-pull-secrets asks the registry with each namespace\'s secret, and says which authenticate', async () => {
    const before = cliRequests().length;
    const r = await cli(['scan', '-o', 'json', '--verify-pull-secrets', '--registry-ca-file', env('TAPACME_E2E_REGISTRY_CA')]);
    expect(r.code, r.stderr).toBe(1);
    // Other scenarios' namespaces share the rig, so the totals are read, then held to the access log.
    const asked = new RegExp(`Asked ${env('TAPACME_E2E_REGISTRY').replace(/\./g, '\\.')} about (\\d+) pull secrets in (\\d+) namespaces \\((\\d+) distinct credentials sent\\)`).exec(r.stderr);
    expect(asked, r.stderr).not.toBeNull();
    const [secrets, spaces, credentials] = (asked ?? []).slice(1).map(Number) as [number, number, number];
    expect(secrets).toBeGreaterThanOrEqual(3);
    expect(spaces).toBeGreaterThanOrEqual(3);
    // This file's three secrets hold two credentials (the good one is the rig's own secret).
    expect(credentials).toBeGreaterThanOrEqual(2);
    const ns = namespaces(r);
    expect(ns.get(good)?.pullSecretChecks).toEqual([{ secret: SECRET, verdict: 'authenticated', source: 'registry', detail: 'manifest v1.11.5: 200 OK' }]);
    expect(ns.get(badpw)?.pullSecretChecks).toEqual([{ secret: SECRET, verdict: 'rejected', source: 'registry', detail: 'manifest v1.11.5: 401 Unauthorized' }]);
    expect(ns.get(other)?.pullSecretChecks).toEqual([{ secret: SECRET, verdict: 'no-credentials', source: 'registry', detail: `it has no credentials for ${env('TAPACME_E2E_REGISTRY')}; not sent anywhere` }]);
    expect(ns.get(badpw)?.problems.filter((p) => p.rule === 'solver-pull-secret-rejected').map((p) => p.message)).toEqual([
      `namespace "${badpw}": the registry ${env('TAPACME_E2E_REGISTRY')} refused its credentials (401 Unauthorized) for pull secret "${SECRET}" (manifest v1.11.5: 401 Unauthorized)`,
    ]);
    // Each distinct credential asked once (GET /v2/ once, then the manifest per credential); nothing else.
    const made = cliRequests().slice(before);
    expect(made.filter((l) => l.includes('"GET /v2/ '))).toHaveLength(1);
    expect(made.filter((l) => l.includes('"HEAD /v2/tap/cert-manager-acmesolver/manifests/v1.11.5 '))).toHaveLength(credentials);
    expect(made).toHaveLength(credentials + 1);
    const text = await cli(['scan', '--verify-pull-secrets', '--registry-ca-file', env('TAPACME_E2E_REGISTRY_CA')]);
    expect(text.stdout).toContain(`registry check: 1 namespace authenticates (${good}), 2 do not (${[badpw, other].sort().join(', ')})`);
    // Without the rig's CA the registry's certificate is not trusted, and scan says how to give it.
    const noCa = await cli(['scan', '-o', 'json', '--verify-pull-secrets']);
    expect(noCa.stderr).toMatch(/give the registry's CA with --registry-ca-file/);
    expect(namespaces(noCa).get(good)?.pullSecretChecks?.[0]?.verdict).toBe('error');
  });

  it('fix does not claim success for the namespaces whose secret fails, with or without asking the registry', async () => {
    const args = ['fix', issuer, '--pull-secret-source', `copy:${env('TAPACME_E2E_PULL_SECRET')}`, '--pull-secret', SECRET];
    const plan = await cli([...args, '--dry-run=client']);
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stderr).toContain(`blocked Secret ${badpw}/${SECRET}: exists, but the registry refused its credentials (401 Unauthorized) (solver Pod cm-acme-http-solver-`);
    expect(plan.stderr).toContain(`blocked Secret ${other}/${SECRET}: exists, but has no credentials for ${env('TAPACME_E2E_REGISTRY')} (it names other-registry.tapacme-e2e.test)`);
    expect(plan.stderr).not.toMatch(new RegExp(`blocked Secret ${good}/`));

    const r = await cli([...args, '--verify-pull-secrets', '--registry-ca-file', env('TAPACME_E2E_REGISTRY_CA'), '--yes']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`blocked Secret ${badpw}/${SECRET}: exists, but the registry refused its credentials (401 Unauthorized) (manifest v1.11.5: 401 Unauthorized)`);
    expect(r.stderr).toMatch(new RegExp(`Not done \\(\\d+\\): .*Secret ${badpw}/${SECRET}`));
    expect(r.stderr).toMatch(/skipped ClusterIssuer /);
    // The issuer was left alone: no solver Pod was pointed at a ServiceAccount whose secret fails.
    const solvers = ((((await getJson('clusterissuer', issuer)) as Obj)['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[];
    expect(JSON.stringify(solvers)).not.toContain('serviceAccountName');
  });

  it('no output holds secret bytes', async () => {
    const password = readFileSync(`${env('TAPACME_E2E_DIR')}/registry/password`, 'utf8').trim();
    const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
    const forbidden = [password, OTHER_PASSWORD, WRONG_PASSWORD, b64(`tap:${password}`), b64(`tap:${WRONG_PASSWORD}`), b64(`tap:${OTHER_PASSWORD}`)];
    for (const format of ['yaml', 'html']) await cli(['scan', '-o', format, '--verify-pull-secrets', '--registry-ca-file', env('TAPACME_E2E_REGISTRY_CA')]);
    expect(outputs.length).toBeGreaterThanOrEqual(8);
    for (const o of outputs) for (const f of forbidden) expect(`${o.stdout}\n${o.stderr}`).not.toContain(f);
  });
});
