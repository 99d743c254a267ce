// Version skew, seen live: cert-manager v1.21.1's CRDs served (the rig's switch, as after a CRD
// upgrade) with the v1.11.5 controller and webhook. Two layers drop a field 1.11 does not know:
// - the v1.11.5 mutating webhook decodes every issuer into its own Go types and answers with a
//   patch back to what they hold, so a newly written ingressClassName never reaches etcd;
// - an issuer stored before (by a newer cert-manager's webhook, the state a downgrade leaves) keeps
//   the field, and the v1.11.5 controller drops it when it copies the solver into the Challenge.
// The test stores such an issuer by letting only objects with one label past the mutating webhook
// (an objectSelector added for the duration of this file), then reads the Challenge, runs scan
// (the version from the Deployment's image tag, its version label, or --cert-manager-version where
// no Deployment can be read) and checks that fix writes no such field for this controller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { E2E_SH, apply, certificate, docs, env, getJson, id, kubectl, kubectlTry, list, tapacme, waitFor, waitIssuerReady } from './rig.js';
import { run } from '../live/cluster/helpers.js';

const STORED_BY = 'tapacme.dev/e2e-stored-by';
const suffix = id();
const skewed = `e2e-skew-${suffix}`;
const pulls = `e2e-skew-pulls-${suffix}`;
const stripped = `e2e-stripped-${suffix}`;
const ns = `e2e-skew-${suffix}`;
const ICN_PATH = 'spec.acme.solvers[0].http01.ingress.ingressClassName';

interface Finding { rule: string; name: string | null; path: string | null; message: string }
interface ScanJson {
  certManager: { version: string | null; controllerVersion: string | null; controllerVersionSource: string | null };
  findings: Finding[];
  warnings: string[];
}

function issuer(name: string, http01: Obj, storedByNewer: boolean): string {
  return JSON.stringify({
    apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer',
    metadata: { name, ...(storedByNewer ? { labels: { [STORED_BY]: 'cert-manager-v1.21' } } : {}) },
    spec: { acme: { server: env('TAPACME_E2E_ACME_SERVER'), skipTLSVerify: true, email: 'ops@example.com', privateKeySecretRef: { name: `${name}-account` }, solvers: [{ http01 }] } },
  });
}

const solverOf = (o: Obj | undefined): Obj => ((((o?.['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[])[0] ?? {});

async function scan(args: string[] = []): Promise<ScanJson> {
  const r = await tapacme(['scan', '-o', 'json', '--fail-on', 'none', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ScanJson;
}

const ignored = (report: ScanJson, name: string): Finding[] => report.findings.filter((f) => f.rule === 'field-ignored-by-controller' && f.name === name);

async function webhookSelector(op: 'add' | 'remove'): Promise<void> {
  const patch = op === 'add'
    ? [{ op: 'add', path: '/webhooks/0/objectSelector', value: { matchExpressions: [{ key: STORED_BY, operator: 'NotIn', values: ['cert-manager-v1.21'] }] } }]
    : [{ op: 'remove', path: '/webhooks/0/objectSelector' }];
  await kubectl(['patch', 'mutatingwebhookconfiguration', 'cert-manager-webhook', '--type=json', '-p', JSON.stringify(patch)]);
}

beforeAll(async () => {
  const up = await run('bash', [E2E_SH, 'up', '--crds', 'v1.21.1']);
  if (up.code !== 0) throw new Error(up.stderr);
  await webhookSelector('add');
});

afterAll(async () => {
  await webhookSelector('remove');
  const up = await run('bash', [E2E_SH, 'up', '--crds', 'v1.11.0']);
  if (up.code !== 0) throw new Error(up.stderr);
});

describe('cert-manager v1.11.5 beside the v1.21.1 CRDs', () => {
  it('its mutating webhook strips ingressClassName from an issuer as it is written', async () => {
    // The API server alone would keep it: the served v1.21.1 schema has the field.
    const dry = await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], issuer(stripped, { ingress: { ingressClassName: 'nginx' } }, true));
    expect(solverOf(JSON.parse(dry) as Obj)).toEqual({ http01: { ingress: { ingressClassName: 'nginx' } } });
    await apply(issuer(stripped, { ingress: { ingressClassName: 'nginx' } }, false));
    expect(solverOf(await getJson('clusterissuer', stripped))).toEqual({ http01: { ingress: {} } });
  });

  it('its controller copies {"ingress":{}} into the Challenge of an issuer stored with ingressClassName', async () => {
    await apply(issuer(skewed, { ingress: { ingressClassName: 'nginx' } }, true));
    expect(solverOf(await getJson('clusterissuer', skewed))).toEqual({ http01: { ingress: { ingressClassName: 'nginx' } } });
    await waitIssuerReady(skewed);
    await kubectl(['create', 'namespace', ns]);
    await apply(certificate(ns, 'web', skewed, `web-${suffix}.${env('TAPACME_E2E_DOMAIN')}`));
    const challenge = await waitFor('the Challenge', async () => (await list('challenges', ns))[0]);
    expect((challenge['spec'] as Obj)['solver']).toEqual({ http01: { ingress: {} } });
    // The solver Pod it made follows the Challenge: no class, so no Ingress class annotation or field either.
    const ingressObj = await waitFor('the solver Ingress', async () => (await list('ingresses', ns))[0]);
    expect((ingressObj['spec'] as Obj)['ingressClassName']).toBeUndefined();
  });

  it('scan names the ignored field, with the version from the controller Deployment\'s image tag', async () => {
    const report = await scan();
    expect(report.certManager).toMatchObject({ controllerVersion: 'v1.11.5', controllerVersionSource: 'controller-image' });
    expect(ignored(report, skewed)).toEqual([expect.objectContaining({ path: ICN_PATH, message: expect.stringContaining('v1.11.5') as unknown })]);
    // The stripped issuer holds nothing to report; the served CRDs are reported as accepting what the controller ignores.
    expect(ignored(report, stripped)).toEqual([]);
    expect(report.warnings.join('\n')).toMatch(/served CRDs.* accept http01\.ingress\.podTemplate\.spec\.imagePullSecrets \(v1\.12\+\).* running controller v1\.11\.5 ignores/);
  });

  it('scan reads the version from the Deployment\'s version label when the image is pinned by digest', async () => {
    const image = 'quay.io/jetstack/cert-manager-controller:v1.11.5';
    const pinned = `quay.io/jetstack/cert-manager-controller@sha256:${'a'.repeat(64)}`;
    await kubectl(['-n', 'cert-manager', 'set', 'image', 'deployment/cert-manager', `cert-manager-controller=${pinned}`]);
    try {
      const report = await scan();
      expect(report.certManager).toMatchObject({ controllerVersion: 'v1.11.5', controllerVersionSource: 'controller-label' });
      expect(ignored(report, skewed).map((f) => f.path)).toEqual([ICN_PATH]);
    } finally {
      await kubectl(['-n', 'cert-manager', 'set', 'image', 'deployment/cert-manager', `cert-manager-controller=${image}`]);
    }
  });

  it('where no Deployment can be read, scan takes --cert-manager-version', async () => {
    // scan's own least-privilege role without Deployments, for a user of its own.
    const user = `e2e-no-deployments-${suffix}`;
    const role = docs((await tapacme(['rbac', '--scan-only', '--name', user, '--bind-user', user])).stdout).map((o) => {
      if (o['kind'] !== 'ClusterRole') return o;
      const rules = (o['rules'] as Obj[]).map((r) => ({ ...r, resources: (r['resources'] as string[]).filter((x) => x !== 'deployments') })).filter((r) => r.resources.length > 0);
      return { ...o, rules };
    });
    expect(role.map((o) => o['kind'])).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    await kubectl(['apply', '-f', '-'], role.map((o) => JSON.stringify(o)).join('\n---\n'));
    expect((await kubectlTry(['auth', 'can-i', 'list', 'deployments', '-n', 'cert-manager', '--as', user])).stdout.trim()).toBe('no');

    const blind = await scan(['--as', user]);
    expect(blind.certManager.controllerVersion).toBeNull();
    expect(blind.warnings.join('\n')).toMatch(/cannot list deployments: forbidden/);
    expect(ignored(blind, skewed)).toEqual([]);

    const told = await scan(['--as', user, '--cert-manager-version', 'v1.11.5']);
    expect(told.certManager).toMatchObject({ controllerVersion: 'v1.11.5', controllerVersionSource: 'option' });
    expect(ignored(told, skewed).map((f) => f.path)).toEqual([ICN_PATH]);
  });

  it('fix writes no field this controller ignores: no podTemplate pull secrets for 1.11, as it would for 1.12+', async () => {
    await apply(issuer(pulls, { ingress: { class: 'nginx', podTemplate: { spec: { imagePullSecrets: [{ name: 'own-creds' }] } } } }, true));
    expect(JSON.stringify(solverOf(await getJson('clusterissuer', pulls)))).toContain('own-creds');
    const issuerManifest = async (args: string[]): Promise<Obj | undefined> => {
      const r = await tapacme(['fix', pulls, '--pull-secret-source', 'placeholder', '-o', 'json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return ((JSON.parse(r.stdout) as { items: Obj[] }).items).find((o) => o['kind'] === 'ClusterIssuer');
    };
    const forRunning = await issuerManifest([]);
    // The whole issuer as it should be: the ServiceAccount set, its own pull secrets as they were, nothing added.
    expect(solverOf(forRunning)).toEqual({ http01: { ingress: { class: 'nginx', podTemplate: { spec: { imagePullSecrets: [{ name: 'own-creds' }], serviceAccountName: expect.any(String) as unknown } } } } });
    // The same issuer for a controller that reads the field (told on the command line): fix adds its pull secret there too.
    const forNewer = await issuerManifest(['--cert-manager-version', '1.12']);
    expect(JSON.stringify(solverOf(forNewer))).toMatch(/"imagePullSecrets":\[\{"name":"own-creds"\},\{"name":"[^"]+"\}\]/);

    // DNS01: a field of a newer provider version is refused before anything is sent.
    const dns = await tapacme(['fix', pulls, '--strategy', 'dns01', '--dns01-provider', 'rfc2136', '--rfc2136-nameserver', env('TAPACME_E2E_RFC2136_NAMESERVER'), '--rfc2136-protocol', 'TCP', '--dry-run=server']);
    expect(dns.code).toBe(2);
    expect(dns.stderr).toMatch(/dns01\.rfc2136\.protocol: unknown field "protocol".*\(cert-manager v1\.11\.5\)/);
    expect(dns.stderr).toContain('Nothing was changed.');
  });
});
