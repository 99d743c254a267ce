import { describe, expect, it } from 'vitest';
import { emitDurableCoverage, kyvernoPolicyName, renderEmitted, resolveDurableOptions } from '../src/policies/index.js';
import type { DurableTarget } from '../src/policies/index.js';
import { clusterIssuer, objectsOf, parseStream } from './policies-helpers.js';

type Rule = { name: string; match: { any: { resources: { kinds: string[]; namespaces?: string[] } }[] }; preconditions: { any: { key: string; value: string }[] }; generate: Record<string, unknown> };
type Policy = { kind: string; metadata: { name: string; annotations: Record<string, string> }; spec: { rules: Rule[] } };

function policiesOf(text: string, opts = {}): Policy[] {
  const r = emitDurableCoverage('kyverno', objectsOf(text), opts, '1.2.3');
  return r.documents.filter((d) => d.role === 'policy').map((d) => d.body as unknown as Policy);
}
const rule = (p: Policy | undefined, name: string): Rule => {
  const r = p?.spec.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name} in ${p?.spec.rules.map((x) => x.name).join(',')}`);
  return r;
};

describe('kyverno policy', () => {
  it('generates the ServiceAccount, synchronized, from Certificates, Ingresses and Gateways that use the ClusterIssuer', () => {
    const [p] = policiesOf(clusterIssuer());
    expect(p?.kind).toBe('ClusterPolicy');
    expect(p?.metadata.name).toBe('tapacme-acme-solver-letsencrypt');
    const sa = rule(p, 'solver-service-account');
    expect(sa.match.any[0]?.resources.kinds).toEqual(['cert-manager.io/v1/Certificate', 'networking.k8s.io/v1/Ingress', 'gateway.networking.k8s.io/v1/Gateway']);
    expect(sa.match.any[0]?.resources.namespaces).toBeUndefined();
    expect(sa.generate).toMatchObject({
      synchronize: true, generateExisting: true, apiVersion: 'v1', kind: 'ServiceAccount', name: 'tap-acme-http01-solver',
      namespace: '{{ request.object.metadata.namespace }}', data: { imagePullSecrets: [{ name: 'registry-credentials' }] },
    });
    expect(sa.preconditions.any.map((c) => c.value)).toEqual(['ClusterIssuer/letsencrypt/cert-manager.io', 'letsencrypt', 'letsencrypt/ClusterIssuer/cert-manager.io']);
    expect(sa.preconditions.any[1]?.key).toBe(`{{ request.object.metadata.annotations."cert-manager.io/cluster-issuer" || '' }}`);
  });

  it('re-creates the ServiceAccount from Challenges without synchronizing, so deleting a Challenge never deletes it', () => {
    const [p] = policiesOf(clusterIssuer());
    const r = rule(p, 'solver-service-account-on-challenge');
    expect(r.match.any[0]?.resources.kinds).toEqual(['acme.cert-manager.io/v1/Challenge']);
    expect(r.generate['synchronize']).toBe(false);
    expect(r.generate['generateExisting']).toBeUndefined();
  });

  it('writes a secretgen placeholder that it does not synchronize (secretgen fills it in)', () => {
    const [p] = policiesOf(clusterIssuer());
    const s = rule(p, 'solver-pull-secret');
    expect(s.generate).toMatchObject({
      kind: 'Secret', name: 'registry-credentials', synchronize: false,
      data: { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30K' }, metadata: { annotations: { 'secretgen.carvel.dev/image-pull-secret': '' } } },
    });
  });

  it('clones a named source Secret, synchronized, for copy:NAMESPACE/NAME', () => {
    const [p] = policiesOf(clusterIssuer(), { pullSecretName: 'regcred', pullSecretSource: { kind: 'clone', namespace: 'tap-install', name: 'registry-credentials' } });
    const s = rule(p, 'solver-pull-secret');
    expect(s.generate).toMatchObject({ kind: 'Secret', name: 'regcred', synchronize: true, clone: { namespace: 'tap-install', name: 'registry-credentials' } });
    expect(s.generate['data']).toBeUndefined();
    expect(rule(p, 'solver-service-account').generate).toMatchObject({ data: { imagePullSecrets: [{ name: 'regcred' }] } });
  });

  it('writes no Secret rule and asks no Secret permissions when the pull secret already exists', () => {
    const r = emitDurableCoverage('kyverno', objectsOf(clusterIssuer()), { pullSecretSource: { kind: 'existing' } });
    const p = r.documents.find((d) => d.role === 'policy')?.body as unknown as Policy;
    expect(p.spec.rules.map((x) => x.name)).toEqual(['solver-service-account', 'solver-service-account-on-challenge']);
    const roles = r.documents.filter((d) => d.role === 'rbac').map((d) => d.body as { rules: { resources: string[] }[] });
    expect(roles.flatMap((x) => x.rules.flatMap((y) => y.resources))).not.toContain('secrets');
  });

  it('leaves Gateways out when asked (clusters without the Gateway API CRDs)', () => {
    const [p] = policiesOf(clusterIssuer(), { gateways: false });
    expect(rule(p, 'solver-service-account').match.any[0]?.resources.kinds).not.toContain('gateway.networking.k8s.io/v1/Gateway');
  });

  it('limits a namespaced Issuer to its own namespace and drops the cluster-issuer annotation', () => {
    const text = clusterIssuer('acme').replace('kind: ClusterIssuer', 'kind: Issuer').replace('  name: acme\n', '  name: acme\n  namespace: team-a\n');
    const [p] = policiesOf(text);
    expect(p?.metadata.name).toBe('tapacme-acme-solver-team-a-acme');
    const sa = rule(p, 'solver-service-account');
    expect(sa.match.any[0]?.resources.namespaces).toEqual(['team-a']);
    expect(sa.preconditions.any.map((c) => c.value)).toEqual(['Issuer/acme/cert-manager.io', 'acme/Issuer/cert-manager.io']);
  });

  it('keeps the ServiceAccount an issuer already names and emits no issuer change for it', () => {
    const text = clusterIssuer('le', '          podTemplate:\n            spec:\n              serviceAccountName: acme-solver\n');
    const r = emitDurableCoverage('kyverno', objectsOf(text), { serviceAccountName: 'ignored' });
    const p = r.documents.find((d) => d.role === 'policy')?.body as unknown as Policy;
    expect(rule(p, 'solver-service-account').generate['name']).toBe('acme-solver');
    expect(r.documents.some((d) => d.role === 'issuer')).toBe(false);
    expect(r.notes).toEqual(['ClusterIssuer le already names ServiceAccount acme-solver on every HTTP01 solver: no issuer change is needed']);
  });

  it('writes one rule pair per ServiceAccount when solvers name different ones', () => {
    const text = `${clusterIssuer('le', '          podTemplate:\n            spec:\n              serviceAccountName: b-sa\n')}    - http01:\n        gatewayHTTPRoute:\n          podTemplate:\n            spec:\n              serviceAccountName: a-sa\n`;
    const [p] = policiesOf(text);
    expect(p?.spec.rules.map((x) => `${x.name}=${String(x.generate['name'])}`)).toEqual([
      'solver-service-account-0=a-sa', 'solver-service-account-0-on-challenge=a-sa', 'solver-service-account-1=b-sa', 'solver-service-account-1-on-challenge=b-sa',
      'solver-pull-secret=registry-credentials', 'solver-pull-secret-on-challenge=registry-credentials',
    ]);
  });

  it('keeps policy names within 63 characters, stable and distinct', () => {
    const t = (name: string): DurableTarget => ({ key: `ClusterIssuer/${name}`, kind: 'ClusterIssuer', name, serviceAccounts: ['x'] });
    const long = 'a'.repeat(70);
    const n1 = kyvernoPolicyName(t(long));
    expect(n1.length).toBeLessThanOrEqual(63);
    expect(n1).toBe(kyvernoPolicyName(t(long)));
    expect(n1).not.toBe(kyvernoPolicyName(t(`${long}b`)));
    expect(n1).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('emits RBAC first, then policies, then the changed issuers, each with a generated-by and regenerate comment', () => {
    const regenerate = 'kubectl tapacme fix -f issuer.yaml --emit kyverno';
    const r = emitDurableCoverage('kyverno', objectsOf(clusterIssuer('a'), clusterIssuer('b')), { regenerate }, '1.2.3');
    expect(r.documents.map((d) => d.role)).toEqual(['rbac', 'rbac', 'policy', 'policy', 'issuer', 'issuer']);
    const text = renderEmitted(r.documents);
    const docs = text.split(/^---\n/m).filter((d) => d.trim());
    expect(docs).toHaveLength(6);
    for (const d of docs) {
      expect(d).toMatch(/^# file: \S+\n# Generated by `kubectl tapacme fix --emit kyverno` \(tapacme 1\.2\.3\)/);
      expect(d).toContain(`# Regenerate with: ${regenerate}`);
    }
    const parsed = parseStream(text);
    expect(parsed.map((d) => d['kind'])).toEqual(['ClusterRole', 'ClusterRole', 'ClusterPolicy', 'ClusterPolicy', 'ClusterIssuer', 'ClusterIssuer']);
    expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors: kubectl and Kyverno users read this
  });

  it('aggregates the RBAC into both Kyverno controllers', () => {
    const r = emitDurableCoverage('kyverno', objectsOf(clusterIssuer()));
    const labels = r.documents.filter((d) => d.role === 'rbac').map((d) => (d.body as { metadata: { labels: Record<string, string> } }).metadata.labels);
    expect(labels[0]?.['rbac.kyverno.io/aggregate-to-background-controller']).toBe('true');
    expect(labels[1]?.['rbac.kyverno.io/aggregate-to-admission-controller']).toBe('true');
  });

  it('says there is nothing to cover when no issuer has an HTTP01 solver', () => {
    const dns = clusterIssuer().replace(/ {4}- http01:[\s\S]*$/, '    - dns01:\n        route53:\n          region: eu-west-1\n');
    const r = emitDurableCoverage('kyverno', objectsOf(dns, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'));
    expect(r.documents).toEqual([]);
    expect(r.notes).toEqual(['no Issuer or ClusterIssuer with an HTTP01 solver was found: there is nothing to cover']);
  });

  it('resolves defaults like the fix command', () => {
    expect(resolveDurableOptions()).toMatchObject({ serviceAccountName: 'tap-acme-http01-solver', pullSecretName: 'registry-credentials', pullSecretSource: { kind: 'placeholder' }, gateways: true });
  });
});
