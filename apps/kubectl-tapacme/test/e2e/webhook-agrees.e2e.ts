// cert-manager's own webhook agrees with tapacme, at the version TAP 1.5 ships (CRDs v1.11.0,
// webhook v1.11.5). Every issuer `fix` writes is sent to the API server as a server dry run (the
// schema after its defaulting, then cert-manager's mutating and validating webhooks); the table of
// solvers that invalid-solver is held to offline (packages/core/test/solver-verdicts.json) is held
// to the real webhook here; and `fix --dry-run=server` reports a denial per issuer with the
// webhook's own message.
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { E2E_SH, ROOT, apply, docs, env, id, inRig, kubectl, tapacme } from './rig.js';
import { run } from '../live/cluster/helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

const VERSION = '1.11';
const CORPUS = process.env['TAPACME_CORPUS'] ?? join(ROOT, '..', 'shared', 'corpus');
const DENIED_BY_WEBHOOK = 'admission webhook "webhook.cert-manager.io" denied the request';

interface Verdict { ok: boolean; by: 'api-server' | 'webhook' | null; message: string }

/**
 * The API server's and cert-manager's verdict on one object: what `kubectl create --dry-run=server`
 * sends (dryRun=All, strict field validation as kubectl's default), straight from this process with
 * the rig's admin credentials, since hundreds of objects are checked.
 */
async function serverVerdict(o: Obj): Promise<Verdict> {
  const kind = String(o['kind']);
  const namespace = meta(o)['namespace'];
  const resource = { ClusterIssuer: 'clusterissuers', Issuer: 'issuers', ServiceAccount: 'serviceaccounts' }[kind];
  if (!resource) throw new Error(`no resource for ${kind}`);
  const group = kind === 'ServiceAccount' ? '/api/v1' : '/apis/cert-manager.io/v1';
  const path = `${group}${typeof namespace === 'string' ? `/namespaces/${namespace}` : ''}/${resource}?dryRun=All&fieldValidation=Strict`;
  const { status, body } = await post(path, JSON.stringify(o));
  if (status === 201 || status === 200) return { ok: true, by: null, message: '' };
  const message = String((JSON.parse(body) as Obj)['message'] ?? body);
  return { ok: false, by: message.includes(DENIED_BY_WEBHOOK) ? 'webhook' : 'api-server', message };
}

let agent: Agent | undefined;
function post(path: string, body: string): Promise<{ status: number; body: string }> {
  if (!agent) {
    const kc = docs(readFileSync(env('KUBECONFIG'), 'utf8'))[0] as { clusters: { cluster: Obj }[]; users: { user: Obj }[] };
    const data = (v: unknown): Buffer => Buffer.from(String(v), 'base64');
    const cluster = kc.clusters[0]?.cluster ?? {};
    const user = kc.users[0]?.user ?? {};
    agent = new Agent({ keepAlive: true, maxSockets: 8, ca: data(cluster['certificate-authority-data']), cert: data(user['client-certificate-data']), key: data(user['client-key-data']) });
  }
  const url = new URL(path, env('TAPACME_E2E_API_SERVER'));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** At most n at a time. */
async function mapLimit<T, R>(items: readonly T[], n: number, f: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T, i);
    }
  }));
  return out;
}

const isIssuer = (o: Obj): boolean => o['apiVersion'] === 'cert-manager.io/v1' && (o['kind'] === 'ClusterIssuer' || o['kind'] === 'Issuer');
const meta = (o: Obj): Obj => (o['metadata'] ?? {}) as Obj;
/** Text that a template engine renders first (Helm, ytt, envsubst): the API server never sees it as written. */
const templated = (text: string): boolean => /\{\{|#@|\$\{/.test(text);

/** An object as it would be sent for this test: a name of its own, namespaced ones into the test namespace. */
function forTest(o: Obj, name: string, namespace: string): Obj {
  const m: Obj = { ...meta(o), name };
  // What an export of a live object carries and a create must not.
  for (const k of ['namespace', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink']) delete m[k];
  if (o['kind'] !== 'ClusterIssuer') m['namespace'] = namespace;
  return { ...o, metadata: m };
}

let ns: string;

beforeAll(async () => {
  // The skew test serves the v1.21.1 CRDs for a while; this file checks against TAP 1.5's.
  const up = await run('bash', [E2E_SH, 'up', '--crds', 'v1.11.0']);
  if (up.code !== 0) throw new Error(up.stderr);
  ns = `e2e-webhook-${id()}`;
  await kubectl(['create', 'namespace', ns]);
});
afterAll(() => agent?.destroy());

describe(`invalid-solver and cert-manager v1.11.5's webhook give the same verdict (--cert-manager-version ${VERSION})`, () => {
  interface Row { what: string; solver: unknown; '1.11': 'ok' | 'schema' | 'webhook' }
  const rows = JSON.parse(readFileSync(join(ROOT, 'packages/core/test/solver-verdicts.json'), 'utf8')) as Row[];

  it(`on every one of the ${rows.length} solvers of the table`, async () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    const issuers = rows.map((r, i): Obj => ({
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: `e2e-verdict-${i}` },
      spec: { acme: { server: env('TAPACME_E2E_ACME_SERVER'), privateKeySecretRef: { name: 'k' }, solvers: [r.solver] } },
    }));
    const dir = tempDir('e2e-verdicts-');
    const file = join(dir, 'issuers.yaml');
    writeFileSync(file, issuers.map((o) => JSON.stringify(o)).join('\n---\n'));
    const check = await tapacme(['check', file, '--cert-manager-version', VERSION, '-o', 'json']);
    expect([0, 1], check.stderr).toContain(check.code);
    const findings = (JSON.parse(check.stdout) as { findings: { rule: string; name: string; message: string }[] }).findings.filter((f) => f.rule === 'invalid-solver');
    const server = await mapLimit(issuers, 8, serverVerdict);

    const table = rows.map((r, i) => {
      const ours = findings.filter((f) => f.name === `e2e-verdict-${i}`);
      const theirs = server[i] as Verdict;
      return { what: r.what, expected: r['1.11'], tapacme: ours.length === 0 ? 'ok' : 'invalid', certManager: theirs.ok ? 'ok' : `denied by the ${theirs.by ?? '?'}`, ours: ours.map((f) => f.message), theirs: theirs.message };
    });
    // The figures for the report: how many each side accepts, and who denied the rest.
    const count = (p: (t: (typeof table)[number]) => boolean): number => table.filter(p).length;
    console.log(`solver table at ${VERSION}: ${table.length} solvers, ${count((t) => t.certManager === 'ok')} accepted by cert-manager, ${count((t) => t.certManager === 'denied by the webhook')} denied by its webhook, ${count((t) => t.certManager === 'denied by the api-server')} by the API server's schema; tapacme flags ${count((t) => t.tapacme !== 'ok')}`);

    // Where the layer differs from the table's: the mutating webhook runs before the schema check and refuses what it cannot decode.
    for (const t of table.filter((x) => x.expected !== 'ok' && x.certManager !== `denied by the ${x.expected === 'schema' ? 'api-server' : 'webhook'}`)) {
      console.log(`  ${t.what}: the table says ${t.expected}, ${t.certManager}: ${t.theirs}`);
    }
    const disagreements = table.filter((t) => (t.tapacme === 'ok') !== (t.certManager === 'ok'));
    expect(disagreements, JSON.stringify(disagreements, null, 2)).toEqual([]);
    // And the offline table's 1.11 column says what the real webhook says.
    const tableWrong = table.filter((t) => (t.expected === 'ok') !== (t.certManager === 'ok'));
    expect(tableWrong, JSON.stringify(tableWrong, null, 2)).toEqual([]);
  });
});

describe('every issuer that fix writes is accepted by cert-manager\'s webhook', () => {
  // Inputs: the examples, the project's fixtures, and the corpus of real manifests (read where it is, never copied into the repository).
  const fixtures = [
    ...readdirSync(join(ROOT, 'examples')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(ROOT, 'examples', f)),
    ...readdirSync(join(ROOT, 'apps/kubectl-tapacme/test/policies/kyverno')).map((d) => join(ROOT, 'apps/kubectl-tapacme/test/policies/kyverno', d, 'issuer.yaml')),
    join(ROOT, 'apps/vscode-tapacme/test-integration/workspace/issuer.yaml'),
    ...(existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f !== 'INDEX.tsv').map((f) => join(CORPUS, f)) : []),
  ].filter((f) => existsSync(f) && docs(readFileSync(f, 'utf8')).some(isIssuer));

  const sec = (n: string): string => `${n}:key`;
  const rfc2136 = ['--rfc2136-nameserver', env('TAPACME_E2E_RFC2136_NAMESERVER'), '--rfc2136-tsig-key-name', 'k', '--rfc2136-tsig-algorithm', 'HMACSHA256', '--rfc2136-tsig-secret-secret-ref', sec('tsig')];
  // Every strategy, and each DNS01 provider with its flags (two sets where the provider has two ways to authenticate).
  const CONFIGS: Record<string, string[]> = {
    'serviceaccount': [],
    'serviceaccount --emit-service-account': ['--emit-service-account'],
    'route53': ['--dns01-provider', 'route53', '--route53-region', 'eu-west-1', '--route53-hosted-zone-id', 'Z1', '--route53-role', 'arn:aws:iam::1:role/dns', '--route53-access-key-id', 'AKIA1', '--route53-secret-access-key-secret-ref', sec('aws')],
    'route53 secret refs': ['--dns01-provider', 'route53', '--route53-region', 'eu-west-1', '--route53-access-key-id-secret-ref', sec('aws-id'), '--route53-secret-access-key-secret-ref', sec('aws')],
    'cloudDNS': ['--dns01-provider', 'cloudDNS', '--cloud-dns-project', 'p', '--cloud-dns-hosted-zone-name', 'zone', '--cloud-dns-service-account-secret-ref', sec('gcp')],
    'azureDNS service principal': ['--dns01-provider', 'azureDNS', '--azure-dns-subscription-id', 's', '--azure-dns-resource-group-name', 'g', '--azure-dns-hosted-zone-name', 'example.com', '--azure-dns-environment', 'AzurePublicCloud',
      '--azure-dns-client-id', 'c', '--azure-dns-tenant-id', 't', '--azure-dns-client-secret-secret-ref', sec('azure')],
    'azureDNS managed identity': ['--dns01-provider', 'azureDNS', '--azure-dns-subscription-id', 's', '--azure-dns-resource-group-name', 'g', '--azure-dns-managed-identity-client-id', 'c'],
    'azureDNS managed identity resource': ['--dns01-provider', 'azureDNS', '--azure-dns-subscription-id', 's', '--azure-dns-resource-group-name', 'g', '--azure-dns-managed-identity-resource-id', '/subscriptions/s/id'],
    'cloudflare token': ['--dns01-provider', 'cloudflare', '--cloudflare-api-token-secret-ref', sec('cf'), '--dns01-cname-strategy', 'Follow'],
    'cloudflare key': ['--dns01-provider', 'cloudflare', '--cloudflare-api-key-secret-ref', sec('cf'), '--cloudflare-email', 'ops@example.com'],
    'digitalocean': ['--dns01-provider', 'digitalocean', '--digitalocean-token-secret-ref', sec('do')],
    'acmeDNS': ['--dns01-provider', 'acmeDNS', '--acme-dns-host', 'https://acme-dns.example.com', '--acme-dns-account-secret-ref', sec('acme-dns')],
    'rfc2136': ['--dns01-provider', 'rfc2136', ...rfc2136],
    'akamai': ['--dns01-provider', 'akamai', '--akamai-service-consumer-domain', 'akab.example.net', '--akamai-client-token-secret-ref', sec('ak'), '--akamai-client-secret-secret-ref', sec('ak2'), '--akamai-access-token-secret-ref', sec('ak3')],
    'webhook': ['--dns01-provider', 'webhook', '--webhook-group-name', 'acme.example.com', '--webhook-solver-name', 'example'],
    'dns01 from a file': ['--dns01-solver', join(ROOT, 'examples/dns01/route53-solver.yaml')],
  };

  it('finds the inputs', () => {
    // 37 today: every corpus manifest with a cert-manager issuer, the examples and the fixtures.
    expect(fixtures.length).toBeGreaterThanOrEqual(existsSync(CORPUS) ? 30 : 5);
  });

  for (const [what, flags] of Object.entries(CONFIGS)) {
    it(`fix ${what}`, async () => {
      const dir = tempDir('e2e-fix-');
      const copies = fixtures.map((f, i) => {
        const to = join(dir, `${i}-${basename(f)}`);
        copyFileSync(f, to);
        chmodSync(to, 0o644); // the corpus is read-only
        return { from: f, to };
      });
      const strategy = what.startsWith('serviceaccount') ? [] : ['--strategy', 'dns01'];
      const r = await tapacme(['fix', ...copies.map((c) => c.to), ...strategy, ...flags, '--cert-manager-version', VERSION, '--write']);
      // 1: some finding was left (each reason shown), 2: some input could not be read (templates); the others are fixed.
      expect([0, 1, 2], r.stderr).toContain(r.code);

      const pairs: { label: string; before: Obj | undefined; after: Obj }[] = [];
      for (const c of copies) {
        const after = readFileSync(c.to, 'utf8');
        const before = readFileSync(c.from, 'utf8');
        if (after === before || templated(after)) continue;
        let fixed: Obj[];
        try {
          fixed = docs(after);
        } catch {
          continue;
        }
        const originals = docs(before);
        fixed.filter((o) => isIssuer(o) || (o['kind'] === 'ServiceAccount' && flags.includes('--emit-service-account'))).forEach((o, k) => {
          const before = originals.find((b) => b['kind'] === o['kind'] && meta(b)['name'] === meta(o)['name'] && JSON.stringify(b) !== JSON.stringify(o));
          if (isIssuer(o) && !before) return; // not changed by fix
          pairs.push({ label: `${basename(c.from)} ${String(o['kind'])}/${String(meta(o)['name'])}`, before, after: forTest(o, `e2e-fixed-${id()}-${k}`, ns) });
        });
      }
      expect(pairs.length, r.stderr).toBeGreaterThan(0);
      const verdicts = await mapLimit(pairs, 8, async (p) => {
        const after = await serverVerdict(p.after);
        // An issuer cert-manager 1.11 already refused before the fix (a field it does not serve, another
        // solver's error) says nothing about what fix wrote: the fix must then add no error of its own.
        const before = !after.ok && p.before ? await serverVerdict(forTest(p.before, String(meta(p.after)['name']), ns)) : undefined;
        return { label: p.label, after, before };
      });
      const accepted = verdicts.filter((v) => v.after.ok).length;
      const refusedBefore = verdicts.filter((v) => !v.after.ok && v.before && !v.before.ok);
      console.log(`fix ${what}: ${verdicts.length} objects written, ${accepted} accepted by cert-manager v1.11.5, ${refusedBefore.length} refused before and after the fix`);
      const broken = verdicts.filter((v) => !v.after.ok && !(v.before && !v.before.ok && sameErrors(v.before.message, v.after.message)));
      expect(broken.map((b) => `${b.label}: ${b.after.message}`)).toEqual([]);
    });
  }
});

/** The same field errors, whatever the object is called (messages name it). */
function sameErrors(a: string, b: string): boolean {
  const fields = (m: string): string[] => [...m.matchAll(/spec\.[\w.[\]]+/g)].map((x) => x[0]).sort();
  return JSON.stringify(fields(a)) === JSON.stringify(fields(b));
}

describe('fix --dry-run=server meets the real webhook', () => {
  it('reports a denial per issuer with the webhook\'s message, and stores nothing', async () => {
    // An Issuer stored while its namespace opted out of validation (the chart's
    // cert-manager.io/disable-validation label), which the webhook refuses once the label is gone:
    // an empty privateKeySecretRef name passes the schema, but not the webhook.
    const team = `e2e-denied-${id()}`;
    await kubectl(['create', 'namespace', team]);
    await kubectl(['label', 'namespace', team, 'cert-manager.io/disable-validation=true']);
    const issuer = (name: string, key: string): string => `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ${name}, namespace: ${team}}
spec:
  acme:
    server: ${env('TAPACME_E2E_ACME_SERVER')}
    skipTLSVerify: true
    privateKeySecretRef: {name: "${key}"}
    solvers:
    - http01: {ingress: {class: nginx}}
`;
    await apply(issuer('broken', ''));
    await kubectl(['label', 'namespace', team, 'cert-manager.io/disable-validation-']);
    await apply(issuer('fine', 'fine-account'));
    // What fix could change: the specs (cert-manager itself writes the status meanwhile).
    const specs = async (): Promise<unknown> => ((JSON.parse(await kubectl(['get', 'issuers', '-n', team, '-o', 'json'])) as { items: Obj[] }).items).map((i) => [meta(i)['name'], meta(i)['generation'], i['spec']]);
    const before = await specs();

    const r = await tapacme(['fix', `Issuer/${team}/broken`, `Issuer/${team}/fine`, '--pull-secret-source', 'placeholder', '--dry-run=server']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^failed Issuer ${team}/broken: .*${DENIED_BY_WEBHOOK.replace(/[".]/g, '\\$&')}: .*spec\\.acme\\.privateKeySecretRef\\.name: Required value: private key secret name is a required field`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^would be updated Issuer ${team}/fine: `, 'm'));
    expect(r.stderr).toContain(`Not done (1): Issuer ${team}/broken.`);
    expect(r.stderr).toContain('Server dry run (dryRun=All, nothing was stored)');
    expect(await specs()).toEqual(before);
    expect((await inRig('kubectl', ['get', 'serviceaccounts', '-n', team, '-o', 'name'])).stdout).not.toContain('tap-acme-http01-solver');
  });
});
