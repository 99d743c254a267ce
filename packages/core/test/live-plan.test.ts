import { describe, expect, it } from 'vitest';
import { keepServiceAccount, parseFixPullSecretSource, planFix, reconcileOp, scanCluster, summarizeSecret, toManifestObject } from '../src/live/index.js';
import type { ApiOp, FixPlan, LiveSnapshot, PlanOptions } from '../src/live/index.js';
import { FIELDS_1_11, REGISTRY, certificate, clusterIssuer, controllerYaml, docs, pullSecret, serviceAccount, snapshot } from './live-fixtures.js';

const SA = 'tap-acme-http01-solver';
type Obj = Record<string, unknown>;
const ingress = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, namespace: team-b, annotations: {cert-manager.io/cluster-issuer: letsencrypt}}';
const base = docs(controllerYaml(), clusterIssuer('letsencrypt'), certificate('team-a', 'web'), ingress, serviceAccount('team-a', SA, ['other-creds']));

const plan = (s: LiveSnapshot, options: Partial<PlanOptions> = {}): FixPlan => {
  const { report, context } = scanCluster(s);
  return planFix(report, context, { strategy: 'serviceaccount', ...options });
};
const summary = (p: FixPlan): string[] => p.ops.map((o) => `${o.action} ${o.id}`);

/** What the API server would hold after the plan's writes (the test's stand-in for a second scan). */
function applied(s: LiveSnapshot, p: FixPlan): LiveSnapshot {
  const next: LiveSnapshot = { ...s, serviceAccounts: [...s.serviceAccounts], secrets: [...s.secrets], issuers: [...s.issuers] };
  for (const op of p.ops) {
    if (!op.manifest || (op.action !== 'create' && op.action !== 'update')) continue;
    const m = op.manifest;
    if (op.kind === 'ServiceAccount') {
      next.serviceAccounts = next.serviceAccounts.filter((o) => !(o.namespace === op.namespace && o.name === op.name));
      next.serviceAccounts.push(toManifestObject(m, 'ServiceAccount', 'v1', keepServiceAccount));
    } else if (op.kind === 'Secret') {
      next.secrets.push(summarizeSecret(op.body ?? m));
    } else {
      next.issuers = next.issuers.map((o) => (o.kind === op.kind && o.name === op.name ? { ...o, value: m } : o));
    }
  }
  return next;
}

describe('planFix serviceaccount', () => {
  const s = snapshot(base, { secretExport: true });
  const p = plan(s);

  it('orders namespace objects first (Secret before ServiceAccount) and the issuer last', () => {
    expect(p.errors).toEqual([]);
    expect(summary(p)).toEqual([
      'create Secret team-a/registry-credentials',
      `update ServiceAccount team-a/${SA}`,
      'create Secret team-b/registry-credentials',
      `create ServiceAccount team-b/${SA}`,
      'update ClusterIssuer letsencrypt',
    ]);
    expect(p.namespaces).toEqual(['team-a', 'team-b']);
    expect(p.ops.at(-1)?.dependsOn.sort()).toEqual(['Secret team-a/registry-credentials', 'Secret team-b/registry-credentials', `ServiceAccount team-a/${SA}`, `ServiceAccount team-b/${SA}`]);
  });

  it('creates a secretgen placeholder when SecretExport is installed', () => {
    expect(p.ops[0]?.body).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry-credentials', namespace: 'team-a', annotations: { 'secretgen.carvel.dev/image-pull-secret': '' } },
      type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30K' },
    });
    expect(p.ops[0]?.force).toBe(false);
  });

  it('merges into an existing ServiceAccount, keeping its other pull secrets, guarded by its resourceVersion', () => {
    expect(p.ops[1]).toMatchObject({
      force: true,
      reason: 'add imagePullSecrets registry-credentials (keeps other-creds)',
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: 'team-a', resourceVersion: '7' }, imagePullSecrets: [{ name: 'other-creds' }, { name: 'registry-credentials' }] },
    });
    expect(p.ops[3]?.body).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: 'team-b' }, imagePullSecrets: [{ name: 'registry-credentials' }] });
    expect(p.ops[3]?.force).toBe(false);
  });

  it('sets serviceAccountName on the issuer with the whole solvers list, and nothing else', () => {
    expect(p.ops[4]).toMatchObject({
      force: true,
      reason: `solver 1: set serviceAccountName ${SA}`,
      body: {
        apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt', resourceVersion: '100' },
        spec: { acme: { solvers: [{ http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { serviceAccountName: SA } } } } }] } },
      },
    });
    expect(Object.keys(p.ops[4]?.body?.['spec'] as object)).toEqual(['acme']);
  });

  it('gives a clean manifest of every object for -o yaml', () => {
    expect(p.ops[4]?.manifest).toEqual({
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' },
      spec: {
        acme: {
          server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'letsencrypt-key' },
          solvers: [{ http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { serviceAccountName: SA } } } } }],
        },
      },
    });
    expect(JSON.stringify(p.ops.map((o) => o.manifest))).not.toContain('resourceVersion');
  });

  it('plans nothing to write once it has been applied', () => {
    const again = plan(applied(s, p));
    expect(summary(again)).toEqual([
      'unchanged Secret team-a/registry-credentials',
      `unchanged ServiceAccount team-a/${SA}`,
      'unchanged Secret team-b/registry-credentials',
      `unchanged ServiceAccount team-b/${SA}`,
      'unchanged ClusterIssuer letsencrypt',
    ]);
    expect(again.ops.every((o) => o.body === null)).toBe(true);
  });

  it('selects the issuers that need a fix by default, and no others', () => {
    const ok = docs(base, clusterIssuer('fine', `{spec: {serviceAccountName: ${SA}}}`));
    expect(plan(snapshot(ok, { secretExport: true })).issuers).toEqual(['ClusterIssuer/letsencrypt']);
  });
});

describe('planFix pull secret sources', () => {
  it('requires an existing pull secret when secretgen is absent, and blocks what depends on it', () => {
    const p = plan(snapshot(docs(base, pullSecret('team-b', 'registry-credentials', REGISTRY))));
    expect(summary(p)).toEqual([
      'blocked Secret team-a/registry-credentials',
      `update ServiceAccount team-a/${SA}`,
      'unchanged Secret team-b/registry-credentials',
      `create ServiceAccount team-b/${SA}`,
      'update ClusterIssuer letsencrypt',
    ]);
    expect(p.ops[0]?.reason).toBe('pull secret "registry-credentials" does not exist in namespace "team-a"; create it, or rerun with --pull-secret-source placeholder (secretgen-controller) or copy:NAMESPACE/NAME');
    expect(p.ops[1]?.dependsOn).toEqual(['Secret team-a/registry-credentials']);
  });

  it('never rewrites a Secret that exists, and blocks one of the wrong type', () => {
    const opaque = 'apiVersion: v1\nkind: Secret\nmetadata: {name: registry-credentials, namespace: team-a}\ntype: Opaque\ndata: {a: Yg==}';
    const p = plan(snapshot(docs(base, opaque)), { pullSecretSource: { type: 'placeholder' } });
    expect(p.ops[0]).toMatchObject({ action: 'blocked', body: null });
    expect(p.ops[0]?.reason).toMatch(/exists with type Opaque/);
    expect(p.warnings[0]).toMatch(/SecretExport CRD is not installed/);
  });

  it('copies a source Secret only when asked, and marks the body sensitive', () => {
    const copySource = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'c2VjcmV0' } };
    const p = plan(snapshot(base), { pullSecretSource: { type: 'copy', namespace: 'tap-install', name: 'tap-registry' }, copySource });
    expect(p.ops[0]).toMatchObject({ action: 'create', sensitive: true, reason: 'copy from tap-install/tap-registry', manifest: null });
    expect(p.ops[0]?.body).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry-credentials', namespace: 'team-a' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'c2VjcmV0' } });
    expect(p.ops.filter((o) => o.sensitive).map((o) => o.id)).toEqual(['Secret team-a/registry-credentials', 'Secret team-b/registry-credentials']);
    expect(plan(snapshot(base), { pullSecretSource: { type: 'copy', namespace: 'x', name: 'y' } }).errors).toEqual(['the copy source Secret x/y was not read']);
  });

  it('parses --pull-secret-source', () => {
    expect(parseFixPullSecretSource(undefined)).toEqual({ type: 'auto' });
    expect(parseFixPullSecretSource('existing')).toEqual({ type: 'existing' });
    expect(parseFixPullSecretSource('copy:tap-install/tap-registry')).toEqual({ type: 'copy', namespace: 'tap-install', name: 'tap-registry' });
    expect(parseFixPullSecretSource('copy:nope')).toEqual({ error: '--pull-secret-source must be existing, placeholder or copy:NAMESPACE/NAME, got "copy:nope"' });
  });
});

describe('planFix and cert-manager versions', () => {
  const own = clusterIssuer('letsencrypt', `{spec: {imagePullSecrets: [{name: own}]}}`);
  const text = docs(controllerYaml(), own, certificate('team-a', 'web'));
  it('adds the pull secret to podTemplate imagePullSecrets that already exist where served (the Pod ignores the ServiceAccount\'s)', () => {
    const p = plan(snapshot(text, { secretExport: true }));
    expect(p.ops.at(-1)?.body?.['spec']).toEqual({ acme: { solvers: [{ http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { imagePullSecrets: [{ name: 'own' }, { name: 'registry-credentials' }], serviceAccountName: SA } } } } }] } });
  });
  it('never writes podTemplate imagePullSecrets where cert-manager does not serve them (1.11)', () => {
    const p = plan(snapshot(docs(controllerYaml(), clusterIssuer('letsencrypt'), certificate('team-a', 'web')), { podTemplateSpecFields: FIELDS_1_11, secretExport: true }));
    const issuerOp = p.ops.at(-1);
    expect(issuerOp?.body?.['spec']).toEqual({ acme: { solvers: [{ http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { serviceAccountName: SA } } } } }] } });
    const stale = plan(snapshot(text, { podTemplateSpecFields: FIELDS_1_11, secretExport: true })).ops.at(-1);
    expect(JSON.stringify(stale?.body)).not.toContain('registry-credentials');
  });
  it('writes no gatewayHTTPRoute podTemplate for a controller older than 1.16, which ignores it', () => {
    const gw = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: gw}\nspec:\n  acme:\n    server: https://acme.example/dir\n    privateKeySecretRef: {name: k}\n    solvers:\n    - http01: {ingress: {class: nginx}}\n    - http01: {gatewayHTTPRoute: {parentRefs: [{name: gw, namespace: infra, kind: Gateway}]}}';
    const withController = (image: string): string => docs(controllerYaml().replace('cert-manager-controller:v1.21.1', image), gw, certificate('team-a', 'web').replace(/letsencrypt/g, 'gw'));
    const solvers = (image: string): unknown => plan(snapshot(withController(image), { secretExport: true }), { issuers: ['gw'] }).ops.at(-1)?.body?.['spec'];
    const gateway = (image: string): unknown => (((solvers(image) as Obj)['acme'] as Obj)['solvers'] as Obj[]).map((x) => (x['http01'] as Obj)['gatewayHTTPRoute']).find(Boolean);
    expect(gateway('cert-manager-controller:v1.11.5')).toEqual({ parentRefs: [{ name: 'gw', namespace: 'infra', kind: 'Gateway' }] });
    expect(gateway('cert-manager-controller:v1.16.0')).toMatchObject({ podTemplate: { spec: { serviceAccountName: SA } } });
  });
  it('never writes podTemplate imagePullSecrets for a controller older than 1.12, even where newer CRDs serve them', () => {
    const old = docs(controllerYaml().replace('cert-manager-controller:v1.21.1', 'cert-manager-controller:v1.11.5'), own, certificate('team-a', 'web'));
    const issuerOp = plan(snapshot(old, { secretExport: true })).ops.at(-1);
    expect(issuerOp?.body?.['spec']).toEqual({ acme: { solvers: [{ http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { imagePullSecrets: [{ name: 'own' }], serviceAccountName: SA } } } } }] } });
    // The version given on the command line decides over the Deployment's.
    const { report, context } = scanCluster(snapshot(old, { secretExport: true }), { certManagerVersion: 'v1.12.0' });
    expect(JSON.stringify(planFix(report, context, { strategy: 'serviceaccount' }).ops.at(-1)?.body)).toContain('registry-credentials');
  });
});

describe('planFix options', () => {
  it('keeps the ServiceAccount an issuer already names, or renames it with --service-account', () => {
    const named = docs(controllerYaml(), clusterIssuer('letsencrypt', '{spec: {serviceAccountName: mine}}'), certificate('team-a', 'web'));
    expect(summary(plan(snapshot(named, { secretExport: true }), { issuers: ['letsencrypt'] }))).toEqual(['create Secret team-a/registry-credentials', 'create ServiceAccount team-a/mine', 'unchanged ClusterIssuer letsencrypt']);
    const renamed = plan(snapshot(named, { secretExport: true }), { issuers: ['letsencrypt'], serviceAccountName: 'acme', pullSecretName: 'regcred' });
    expect(summary(renamed)).toEqual(['create Secret team-a/regcred', 'create ServiceAccount team-a/acme', 'update ClusterIssuer letsencrypt']);
    expect(renamed.ops.at(-1)?.reason).toBe('solver 1: serviceAccountName mine -> acme');
  });

  it('resolves issuer arguments like kubectl, and says what is wrong', () => {
    const issuerD = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: letsencrypt, namespace: team-d}\nspec: {acme: {server: s, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}';
    const s = snapshot(docs(base, issuerD), { secretExport: true });
    expect(plan(s, { issuers: ['letsencrypt'] }).issuers).toEqual(['ClusterIssuer/letsencrypt']);
    expect(plan(s, { issuers: ['Issuer/team-d/letsencrypt'] }).issuers).toEqual(['Issuer/team-d/letsencrypt']);
    expect(plan(s, { issuers: ['issuer/letsencrypt'], namespace: 'team-d' }).issuers).toEqual(['Issuer/team-d/letsencrypt']);
    expect(plan(s, { issuers: ['clusterissuer/letsencrypt'] }).issuers).toEqual(['ClusterIssuer/letsencrypt']);
    expect(plan(s, { issuers: ['letsencrypt'], namespace: 'team-d' }).errors).toEqual(['"letsencrypt" matches ClusterIssuer/letsencrypt and Issuer/team-d/letsencrypt; say which']);
    const unknown = plan(s, { issuers: ['nope'] });
    expect(unknown.errors[0]).toMatch(/^no ACME issuer "nope" found \(there are ClusterIssuer\/letsencrypt, Issuer\/team-d\/letsencrypt\)/);
    expect(unknown.ops).toEqual([]);
  });

  it('does nothing but create named ServiceAccounts when no fix is needed, unless forced', () => {
    const pub = docs(controllerYaml([]), clusterIssuer('letsencrypt', '{spec: {serviceAccountName: mine}}'), certificate('team-a', 'web'));
    const p = plan(snapshot(pub, { secretExport: true }), { issuers: ['letsencrypt'] });
    expect(p.noFixNeeded?.reason).toMatch(/public default/);
    expect(summary(p)).toEqual(['create ServiceAccount team-a/mine']);
    expect(p.ops[0]?.body).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mine', namespace: 'team-a' } });
    const forced = plan(snapshot(pub, { secretExport: true }), { issuers: ['letsencrypt'], force: true });
    expect(forced.noFixNeeded).toBeNull();
    expect(summary(forced)).toEqual(['create Secret team-a/registry-credentials', 'create ServiceAccount team-a/mine', 'unchanged ClusterIssuer letsencrypt']);
  });
});

describe('reconcileOp after a conflict', () => {
  it('merges with what the object holds now', () => {
    const p = plan(snapshot(base, { secretExport: true }));
    const op = p.ops[1] as ApiOp;
    const fresh = { metadata: { name: SA, namespace: 'team-a', resourceVersion: '42' }, imagePullSecrets: [{ name: 'other-creds' }, { name: 'added-meanwhile' }] };
    expect(reconcileOp(op, fresh, {}).body).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: 'team-a', resourceVersion: '42' },
      imagePullSecrets: [{ name: 'other-creds' }, { name: 'added-meanwhile' }, { name: 'registry-credentials' }],
    });
    expect(reconcileOp(op, { ...fresh, imagePullSecrets: [{ name: 'registry-credentials' }] }, {}).action).toBe('unchanged');
    expect(reconcileOp(p.ops[0] as ApiOp, { metadata: { name: 'registry-credentials' }, type: 'kubernetes.io/dockerconfigjson' }, {}).action).toBe('unchanged');
    expect(reconcileOp(p.ops[4] as ApiOp, undefined, {}).action).toBe('blocked');
  });
});

describe('planFix dns01', () => {
  const block = { cloudflare: { apiTokenSecretRef: { name: 'cloudflare', key: 'api-token' } } };
  const issuer = docs(controllerYaml(), clusterIssuer('letsencrypt'), certificate('team-a', 'web'));
  const cf = (key: string): string => `apiVersion: v1\nkind: Secret\nmetadata: {name: cloudflare, namespace: cert-manager}\ntype: Opaque\ndata: {${key}: dG9rZW4=}`;

  it('replaces each http01 solver when its secrets exist in the cluster resource namespace', () => {
    const p = plan(snapshot(docs(issuer, cf('api-token'))), { strategy: 'dns01', dns01: block });
    expect(summary(p)).toEqual(['update ClusterIssuer letsencrypt']);
    expect(p.ops[0]?.body?.['spec']).toEqual({ acme: { solvers: [{ dns01: block }] } });
    expect(summary(plan(applied(snapshot(docs(issuer, cf('api-token'))), p), { strategy: 'dns01', dns01: block, issuers: ['letsencrypt'] }))).toEqual(['unchanged ClusterIssuer letsencrypt']);
  });

  it('blocks when a referenced secret or key is missing, unless forced', () => {
    const missing = plan(snapshot(issuer), { strategy: 'dns01', dns01: block });
    expect(missing.ops[0]).toMatchObject({ action: 'blocked', body: null });
    expect(missing.ops[0]?.reason).toBe('the dns01 solver of ClusterIssuer/letsencrypt reads from namespace "cert-manager": Secret cert-manager/cloudflare (cloudflare.apiTokenSecretRef) does not exist; create them first (or --force)');
    expect(plan(snapshot(docs(issuer, cf('other'))), { strategy: 'dns01', dns01: block }).ops[0]?.reason).toMatch(/has no key "api-token"/);
    const forced = plan(snapshot(issuer), { strategy: 'dns01', dns01: block, force: true });
    expect(forced.ops[0]?.action).toBe('update');
    expect(forced.warnings[0]).toMatch(/going on: --force/);
  });

  it('checks a namespaced Issuer\'s secrets in its own namespace, and a flag overrides the cluster resource namespace', () => {
    const p = plan(snapshot(docs(issuer, cf('api-token'))), { strategy: 'dns01', dns01: block, clusterResourceNamespace: 'elsewhere' });
    expect(p.ops[0]?.reason).toMatch(/namespace "elsewhere"/);
  });

  it('refuses an invalid or missing block', () => {
    expect(plan(snapshot(issuer), { strategy: 'dns01', dns01: { cloudflare: {} } }).errors).toEqual(['dns01.cloudflare: apiKeySecretRef or apiTokenSecretRef is required (cert-manager v1.21.1)']);
    expect(plan(snapshot(issuer), { strategy: 'dns01' }).errors).toEqual(['the dns01 strategy needs a dns01 block (--dns01-solver FILE or provider flags)']);
  });

  it('holds the block to the running controller\'s version: 1.11 requires route53.region and lacks rfc2136.protocol', () => {
    const old = docs(controllerYaml().replace('cert-manager-controller:v1.21.1', 'cert-manager-controller:v1.11.5'), clusterIssuer('letsencrypt'), certificate('team-a', 'web'));
    expect(plan(snapshot(issuer), { strategy: 'dns01', dns01: { route53: {} } }).errors).toEqual([]);
    expect(plan(snapshot(old), { strategy: 'dns01', dns01: { route53: {} } }).errors).toEqual(['dns01.route53.region: is required (cert-manager v1.11.5)']);
    expect(plan(snapshot(old), { strategy: 'dns01', dns01: { rfc2136: { nameserver: '10.0.0.1:53', protocol: 'TCP' } } }).errors).toEqual([expect.stringMatching(/^dns01\.rfc2136\.protocol: unknown field "protocol".*\(cert-manager v1\.11\.5\)$/)]);
  });
});
