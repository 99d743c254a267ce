// Pull secrets that exist but do not work: refused by the registry (from the solver Pod's pull failure,
// or asked with --verify-pull-secrets), and what fix makes of them.
import { describe, expect, it } from 'vitest';
import { applyPullSecretChecks, parseImageRef, planFix, scanCluster, secretsToVerify } from '../src/live/index.js';
import type { ImageRef, PullSecretCheck } from '../src/live/index.js';
import { REGISTRY, SOLVER_IMAGE, certificate, clusterIssuer, controllerYaml, docs, pullSecret, serviceAccount, snapshot } from './live-fixtures.js';

const image = parseImageRef(SOLVER_IMAGE) as ImageRef;
const solverPod = (name: string, ns: string, secrets: string[], reason = 'ErrImagePull', message = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {acme.cert-manager.io/http01-solver: "true"}}
spec: {serviceAccountName: default, imagePullSecrets: ${JSON.stringify(secrets.map((n) => ({ name: n })))}, containers: [{name: acmesolver, image: ${SOLVER_IMAGE}, imagePullPolicy: IfNotPresent}]}
status: {phase: Pending, containerStatuses: [{name: acmesolver, state: {waiting: {reason: ${reason}, message: '${message}'}}}]}`;
const pullFailed = (ns: string, pod: string, message: string): string => `apiVersion: v1
kind: Event
metadata: {name: ${pod}.1, namespace: ${ns}}
type: Warning
reason: Failed
message: '${message}'
involvedObject: {kind: Pod, name: ${pod}}`;
const BACKOFF = `Back-off pulling image "${SOLVER_IMAGE}"`;

const cluster = docs(
  controllerYaml(), clusterIssuer('le'),
  certificate('bad-pass', 'web', 'le'), serviceAccount('bad-pass', 'default', ['tap-registry']), pullSecret('bad-pass', 'tap-registry', REGISTRY),
  solverPod('cm-acme-http-solver-a', 'bad-pass', ['tap-registry'], 'ImagePullBackOff', BACKOFF),
  pullFailed('bad-pass', 'cm-acme-http-solver-a', `Failed to pull image "${SOLVER_IMAGE}": failed to resolve reference: failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized`),
  certificate('other-reg', 'web', 'le'), serviceAccount('other-reg', 'default', ['tap-registry']), pullSecret('other-reg', 'tap-registry', 'other.example.com'),
  solverPod('cm-acme-http-solver-b', 'other-reg', ['tap-registry'], 'ErrImagePull', '401 Unauthorized'),
);

const nsOf = (r: ReturnType<typeof scanCluster>['report'], name: string) => r.issuers[0]?.namespaces.find((n) => n.name === name);

describe('a pull secret the registry refused, from the solver Pod\'s pull failure', () => {
  const { report } = scanCluster(snapshot(cluster));

  it('is its own finding, naming the namespace, the Secret and the Pod', () => {
    const bad = nsOf(report, 'bad-pass');
    const refused = bad?.problems.filter((p) => p.rule === 'solver-pull-secret-rejected');
    expect(refused).toEqual([{
      rule: 'solver-pull-secret-rejected', severity: 'error',
      message: `namespace "bad-pass": the registry refused pull secret "tap-registry" (401 Unauthorized) when solver Pod cm-acme-http-solver-a pulled from ${REGISTRY}: its credentials for that registry are wrong or expired; put working credentials in it (--verify-pull-secrets asks the registry)`,
    }]);
    expect(bad?.pullSecretChecks).toEqual([{ secret: 'tap-registry', verdict: 'rejected', source: 'events', detail: 'solver Pod cm-acme-http-solver-a: 401 Unauthorized' }]);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'solver-pull-secret-rejected', kind: 'Secret', name: 'tap-registry', namespace: 'bad-pass', issuer: 'ClusterIssuer/le' }));
  });

  it('is not claimed for a secret that has no credentials for the registry: that one is the wrong registry', () => {
    const other = nsOf(report, 'other-reg');
    expect(other?.problems.map((p) => p.rule)).toEqual(['solver-pull-secret-wrong-registry', 'solver-image-pull-failed']);
    expect(other?.problems[0]?.message).toBe(`namespace "other-reg": pull secret "tap-registry" has no credentials for ${REGISTRY} (it names other.example.com)`);
    expect(other?.pullSecretChecks).toBeUndefined();
  });

  it('a 403 says the user may not pull, and a Pod without pull secrets says nothing about any secret', () => {
    const forbidden = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('le'), certificate('x', 'web', 'le'), serviceAccount('x', 'default', ['r']), pullSecret('x', 'r', REGISTRY),
      solverPod('p', 'x', ['r'], 'ErrImagePull', 'failed to pull: 403 Forbidden')))).report;
    expect(nsOf(forbidden, 'x')?.problems.find((p) => p.rule === 'solver-pull-secret-rejected')?.message).toContain('(403 Forbidden) when solver Pod p pulled from registry.example.com: the registry knows its user but does not let it pull tap/cert-manager-acmesolver');
    const anonymous = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('le'), certificate('x', 'web', 'le'), serviceAccount('x', 'default', ['r']), pullSecret('x', 'r', REGISTRY),
      solverPod('p', 'x', [], 'ErrImagePull', '401 Unauthorized')))).report;
    expect(nsOf(anonymous, 'x')?.problems.map((p) => p.rule)).toEqual(['solver-image-pull-failed']);
  });
});

describe('the registry\'s answers (--verify-pull-secrets)', () => {
  const check = (secret: string, verdict: PullSecretCheck['verdict'], detail = 'GET manifest: 401'): PullSecretCheck => ({ secret, verdict, source: 'registry', detail });

  it('asks about the secrets each namespace\'s solver Pod would carry, and fix\'s own', () => {
    const { report } = scanCluster(snapshot(cluster));
    expect([...secretsToVerify(report)]).toEqual([['bad-pass', ['tap-registry']], ['other-reg', ['tap-registry']]]);
    expect([...secretsToVerify(report, ['ClusterIssuer/le'], 'registry-credentials')]).toEqual([['bad-pass', ['tap-registry', 'registry-credentials']], ['other-reg', ['tap-registry', 'registry-credentials']]]);
    expect([...secretsToVerify(report, ['ClusterIssuer/other'])]).toEqual([]);
  });

  it('replaces what old Pod events said once the registry authenticates the secret', () => {
    const { report } = scanCluster(snapshot(cluster));
    const errorsBefore = report.summary.errors;
    applyPullSecretChecks(report, new Map([['bad-pass', [check('tap-registry', 'authenticated', 'GET manifest: 200')]]]), image);
    const bad = nsOf(report, 'bad-pass');
    expect(bad?.problems.map((p) => p.rule)).toEqual(['solver-image-pull-failed']);
    expect(bad?.pullSecretChecks).toEqual([check('tap-registry', 'authenticated', 'GET manifest: 200')]);
    expect(report.findings.some((f) => f.rule === 'solver-pull-secret-rejected')).toBe(false);
    expect(report.summary.errors).toBe(errorsBefore - 1);
  });

  it('reports a refused secret as an error, or a warning when another of the Pod\'s secrets works', () => {
    const { report } = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('le'),
      certificate('one', 'web', 'le'), serviceAccount('one', 'default', ['a']), pullSecret('one', 'a', REGISTRY),
      certificate('two', 'web', 'le'), serviceAccount('two', 'default', ['a', 'b']), pullSecret('two', 'a', REGISTRY), pullSecret('two', 'b', REGISTRY))));
    expect(report.issuers[0]?.needsFix).toBe(true); // offline: no serviceAccountName
    applyPullSecretChecks(report, new Map([
      ['one', [check('a', 'rejected')]],
      ['two', [check('a', 'rejected'), check('b', 'authenticated', 'GET manifest: 200')]],
    ]), image);
    expect(nsOf(report, 'one')?.problems).toEqual([{ rule: 'solver-pull-secret-rejected', severity: 'error', message: `namespace "one": the registry ${REGISTRY} refused its credentials (401 Unauthorized) for pull secret "a" (GET manifest: 401)` }]);
    expect(nsOf(report, 'two')?.problems.map((p) => [p.rule, p.severity])).toEqual([['solver-pull-secret-rejected', 'warning']]);
    expect(nsOf(report, 'two')?.problems[0]?.message).toMatch(/another pull secret of the solver Pod works, so the pull succeeds$/);
    expect(report.summary).toMatchObject({ errors: report.findings.filter((f) => f.severity === 'error').length, warnings: 1 });
  });
});

describe('fix does not rely on a pull secret that is known not to work', () => {
  it('blocks the namespaces whose existing secret was refused or is for another registry, and with them the issuer', () => {
    const { report, context } = scanCluster(snapshot(docs(cluster, certificate('good', 'web', 'le'), serviceAccount('good', 'default'), pullSecret('good', 'tap-registry', REGISTRY))));
    const plan = planFix(report, context, { strategy: 'serviceaccount', pullSecretName: 'tap-registry', pullSecretSource: { type: 'existing' } });
    const secretOps = plan.ops.filter((o) => o.kind === 'Secret').map((o) => [o.id, o.action, o.reason]);
    expect(secretOps).toEqual([
      ['Secret bad-pass/tap-registry', 'blocked', 'exists, but the registry refused its credentials (401 Unauthorized) (solver Pod cm-acme-http-solver-a: 401 Unauthorized); put working credentials in it, or delete it and run fix again with --pull-secret-source copy:NAMESPACE/NAME'],
      ['Secret good/tap-registry', 'unchanged', 'exists (left as it is)'],
      ['Secret other-reg/tap-registry', 'blocked', `exists, but has no credentials for ${REGISTRY} (it names other.example.com); put working credentials in it, or delete it and run fix again with --pull-secret-source copy:NAMESPACE/NAME`],
    ]);
    expect(plan.ops.find((o) => o.kind === 'ClusterIssuer')?.dependsOn).toEqual(expect.arrayContaining(['Secret bad-pass/tap-registry', 'Secret other-reg/tap-registry']));
  });

  it('and the registry\'s verdict on fix\'s own secret counts, even before a ServiceAccount names it', () => {
    const { report, context } = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('le'), certificate('x', 'web', 'le'), serviceAccount('x', 'default'), pullSecret('x', 'registry-credentials', REGISTRY))));
    applyPullSecretChecks(report, new Map([['x', [{ secret: 'registry-credentials', verdict: 'rejected', source: 'registry', detail: 'token: 401' }]]]), image);
    expect(nsOf(report, 'x')?.problems.map((p) => p.rule)).toEqual(['solver-no-pull-secrets']); // not carried yet: no finding of its own
    const op = planFix(report, context, { strategy: 'serviceaccount' }).ops.find((o) => o.kind === 'Secret');
    expect([op?.action, op?.reason]).toEqual(['blocked', expect.stringMatching(/^exists, but the registry refused its credentials \(401 Unauthorized\) \(token: 401\)/) as unknown]);
  });
});

describe('no fix needed: how strong the evidence is', () => {
  const base = [controllerYaml(), clusterIssuer('le'), certificate('app', 'web', 'le'), serviceAccount('app', 'default')];
  const pod = (name: string, img: string, policy: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop}
spec: {containers: [{name: c, image: '${img}', imagePullPolicy: ${policy}}]}
status: {containerStatuses: [{name: c, imageID: x, state: {running: {}}}]}`;

  it('is weak when every Pod may have started from a node\'s cache (IfNotPresent, or a digest)', () => {
    const r = scanCluster(snapshot(docs(...base, pod('a', `${REGISTRY}/apps/a:1`, 'IfNotPresent'), pod('b', `${REGISTRY}/apps/b@sha256:${'0'.repeat(64)}`, 'Always')))).report;
    expect(r.noFixNeeded?.strength).toBe('weak');
    expect(r.noFixNeeded?.strengthReason).toMatch(/^these Pods use imagePullPolicy IfNotPresent or a digest, so a node may have started an image it had cached/);
    expect(r.noFixNeeded?.evidence).toEqual([`Pod shop/a (${REGISTRY}/apps/a:1, imagePullPolicy IfNotPresent)`, `Pod shop/b (${REGISTRY}/apps/b@sha256:${'0'.repeat(64)}, imagePullPolicy Always)`]);
  });

  it('is strong with a Pod that pulls Always by tag, which is named first', () => {
    const r = scanCluster(snapshot(docs(...base, pod('a', `${REGISTRY}/apps/a:1`, 'IfNotPresent'), pod('c', `${REGISTRY}/apps/c:2`, 'Always')))).report;
    expect(r.noFixNeeded?.strength).toBe('strong');
    expect(r.noFixNeeded?.strengthReason).toBe(`Pod shop/c uses imagePullPolicy Always, so its node asked ${REGISTRY} for the image without any pull secret and got it`);
    expect(r.noFixNeeded?.evidence[0]).toBe(`Pod shop/c (${REGISTRY}/apps/c:2, imagePullPolicy Always)`);
  });

  it('counts every such Pod, so solver Pods (IfNotPresent) beside an Always workload are strong evidence', () => {
    const solver = `apiVersion: v1
kind: Pod
metadata: {name: cm-acme-http-solver-ok, namespace: app, labels: {acme.cert-manager.io/http01-solver: "true"}}
spec: {containers: [{name: c, image: ${SOLVER_IMAGE}, imagePullPolicy: IfNotPresent}]}
status: {containerStatuses: [{name: c, imageID: x, state: {running: {}}}]}`;
    const alone = scanCluster(snapshot(docs(...base, solver))).report.noFixNeeded;
    expect([alone?.reason, alone?.strength]).toEqual([`solver Pods pulled their image from ${REGISTRY} without any pull secret`, 'weak']);
    const r = scanCluster(snapshot(docs(...base, solver, pod('c', `${REGISTRY}/apps/c:2`, 'Always')))).report.noFixNeeded;
    expect([r?.reason, r?.strength]).toEqual([`solver Pods pulled their image from ${REGISTRY} without any pull secret`, 'strong']);
    expect(r?.evidence).toEqual([`Pod shop/c (${REGISTRY}/apps/c:2, imagePullPolicy Always)`, `Pod app/cm-acme-http-solver-ok (${SOLVER_IMAGE}, imagePullPolicy IfNotPresent)`]);
  });
});
