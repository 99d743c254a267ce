// The unprivileged identity (CN=tapacme-limited, no groups) bound to the ClusterRole that
// `kubectl tapacme rbac` prints: nothing without it, scan and fix with it, and a named error plus a
// partial failure that a rerun completes when `create serviceaccounts` is taken away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Obj } from './helpers.js';
import { SA, apply, controllerDeployment, env, getJson, id, kubectl, kubectlTry, stats, tapacme } from './helpers.js';

const run = id();
const ROLE = `tapacme-live-${run}`;
const CI = `rbac-${run}`;
const ns = { a: `r${run}-a`, b: `r${run}-b` };
const limited = (): string[] => ['--kubeconfig', env('TAPACME_KUBECONFIG_LIMITED')];
const fix = (issuer: string): string[] => ['fix', issuer, '--pull-secret-source', 'placeholder', '--yes', ...limited()];

async function canI(verb: string, resource: string, namespace?: string): Promise<boolean> {
  const r = await kubectlTry(['auth', 'can-i', verb, resource, '--as', 'tapacme-limited', ...(namespace ? ['-n', namespace] : [])]);
  return r.stdout.trim() === 'yes';
}
/** RBAC changes reach the authorizer through an informer: wait until they have. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('RBAC change not visible after 10 s');
}
const issuer = (name: string): string => `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: ${name}}
spec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}`;
const certificate = (n: string, issuerName: string): string => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c, namespace: ${n}}
spec: {secretName: c-tls, dnsNames: [c.example.com], issuerRef: {name: ${issuerName}, kind: ClusterIssuer}}`;

beforeAll(async () => {
  await apply([controllerDeployment(), `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns.a}}`, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns.b}}`, issuer(CI), certificate(ns.a, CI)].join('\n---\n'));
});
afterAll(async () => {
  await kubectlTry(['delete', 'clusterrolebinding', ROLE, '--ignore-not-found']);
  await kubectlTry(['delete', 'clusterrole', ROLE, '--ignore-not-found']);
});

describe('RBAC for the unprivileged identity', () => {
  it('without a binding, scan stops with the verb and resource that were refused', async () => {
    const r = await tapacme(['scan', ...limited()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: forbidden: cannot (get customresourcedefinitions\.apiextensions\.k8s\.io|list [a-z.-]+) \(cluster-wide\); grant it \(see `kubectl tapacme rbac`\)/);
  });

  it('bound to the printed ClusterRole, it can scan and fix', async () => {
    const printed = await tapacme(['rbac', '--name', ROLE, '--bind-user', 'tapacme-limited']);
    expect(printed.code).toBe(0);
    await kubectl(['apply', '-f', '-'], { input: printed.stdout });
    await until(() => canI('patch', 'clusterissuers.cert-manager.io'));

    const scan = await tapacme(['scan', '-o', 'json', ...limited()]);
    expect(scan.stderr).not.toMatch(/error|warning/);
    expect(scan.code).toBe(1);
    const json = JSON.parse(scan.stdout) as { issuers: { name: string; namespaces: { name: string }[] }[] };
    expect(json.issuers.find((i) => i.name === CI)?.namespaces.map((n) => n.name)).toEqual([ns.a]);

    const r = await tapacme(fix(CI));
    expect(r.stderr).not.toMatch(/forbidden/);
    expect(r.code).toBe(0);
    expect(stats(r.stderr).byVerb['patch']).toBe(3);
    expect((await getJson('serviceaccount', SA, ns.a))?.['imagePullSecrets']).toEqual([{ name: 'registry-credentials' }]);
  });

  it('without create serviceaccounts: the named error, a partial failure that says what was done, and a rerun that completes', async () => {
    const printed = await tapacme(['rbac', '--name', ROLE]);
    const role = parseAllDocuments(printed.stdout)[0]?.toJS() as Obj;
    const rules = role['rules'] as { resources: string[]; verbs: string[] }[];
    const saRule = rules.find((x) => x.resources.includes('serviceaccounts'));
    if (!saRule) throw new Error('no serviceaccounts rule');
    // Split serviceaccounts out of the shared rule, without create.
    saRule.resources = saRule.resources.filter((x) => x !== 'serviceaccounts');
    rules.push({ ...saRule, resources: ['serviceaccounts'], verbs: saRule.verbs.filter((v) => v !== 'create') });
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(role) });
    await until(async () => !(await canI('create', 'serviceaccounts', ns.b)));

    const second = `${CI}-b`;
    await apply([issuer(second), certificate(ns.b, second)].join('\n---\n'));
    const r = await tapacme(fix(second));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`failed ServiceAccount ${ns.b}/${SA}: forbidden: cannot create serviceaccounts in namespace "${ns.b}"`);
    expect(r.stderr).toContain(`skipped ClusterIssuer ${second}: not done because ServiceAccount ${ns.b}/${SA} failed`);
    expect(r.stderr).toContain(`Not done (2): ServiceAccount ${ns.b}/${SA}, ClusterIssuer ${second}.`);
    expect(r.stderr).toContain(`Done (1): Secret ${ns.b}/registry-credentials.`);
    // Nothing half-done on the issuer: its solver Pods would otherwise be refused in that namespace.
    expect(JSON.stringify(await getJson('clusterissuer', second))).not.toContain('serviceAccountName');

    await kubectl(['apply', '-f', '-'], { input: printed.stdout });
    await until(() => canI('create', 'serviceaccounts', ns.b));
    const rerun = await tapacme(fix(second));
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`created ServiceAccount ${ns.b}/${SA}`);
    expect(rerun.stderr).toContain(`updated ClusterIssuer ${second}`);
    expect(rerun.stderr).toMatch(/Secrets: 0 created, 0 updated, 1 unchanged, 0 failed/);
  });
});
