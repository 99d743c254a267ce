import { describe, expect, it } from 'vitest';
import { analyze, analyzeFiles } from '../src/index.js';
import { issuer, rulesOf } from './helpers.js';

const http01 = '    - http01:\n        ingress:\n          class: nginx\n';

describe('http01-solver-missing-service-account', () => {
  it('ignores solvers with serviceAccountName or imagePullSecrets, and dns01 solvers', () => {
    expect(rulesOf(issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec:\n              serviceAccountName: sa\n'))).toEqual([]);
    expect(rulesOf(issuer('    - dns01:\n        route53: {region: eu-west-1}\n'))).toEqual([]);
    expect(rulesOf(issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec:\n              imagePullSecrets: [{name: r}]\n'))).toEqual(['solver-pull-secrets-need-cert-manager-1.12']);
  });

  it('reports an empty serviceAccountName', () => {
    expect(rulesOf(issuer('    - http01:\n        ingress:\n          podTemplate: {spec: {serviceAccountName: ""}}\n'))).toEqual(['http01-solver-missing-service-account']);
  });

  it('reports each broken solver of a mixed issuer', () => {
    const text = issuer(`${http01}    - selector: {dnsZones: [a.example]}\n      dns01:\n        cloudflare:\n          apiTokenSecretRef: {name: cf, key: token}\n${http01}`);
    const r = analyze(text, { fileName: 'm.yaml' });
    expect(r.findings.map((f) => [f.rule, f.range?.start.line])).toEqual([
      ['http01-solver-missing-service-account', 10],
      ['http01-solver-missing-service-account', 17],
    ]);
    // Which solver, as a number the fix looks the solver up by.
    expect(r.findings.map((f) => (f.rule === 'http01-solver-missing-service-account' ? f.data.solverIndex : undefined))).toEqual([0, 2]);
  });

  it('ignores non-cert-manager kinds that look alike', () => {
    expect(rulesOf(issuer(http01, 'apiVersion: example.com/v1\nkind: ClusterIssuer\nmetadata:\n  name: x\n'))).toEqual([]);
  });
});

describe('legacy-api-version', () => {
  it.each(['certmanager.k8s.io/v1alpha1', 'cert-manager.io/v1alpha2', 'cert-manager.io/v1alpha3', 'cert-manager.io/v1beta1'])('warns on %s at the apiVersion value', (v) => {
    const r = analyze(issuer(http01, `apiVersion: ${v}\nkind: Issuer\nmetadata:\n  name: x\n`), { fileName: 'l.yaml' });
    const f = r.findings.find((x) => x.rule === 'legacy-api-version');
    expect(f?.severity).toBe('warning');
    expect(f?.range?.start).toMatchObject({ line: 0, character: 12 });
    expect(f?.range?.end.character).toBe(12 + v.length);
  });
  it('accepts cert-manager.io/v1', () => {
    expect(rulesOf(issuer('    - dns01: {route53: {}}\n'))).toEqual([]);
  });
});

describe('solver-pull-secrets-need-cert-manager-1.12', () => {
  it('warns at the imagePullSecrets key', () => {
    const text = issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec:\n              serviceAccountName: sa\n              imagePullSecrets:\n              - name: regcred\n');
    const r = analyze(text, { fileName: 'p.yaml' });
    expect(r.findings.map((f) => f.rule)).toEqual(['solver-pull-secrets-need-cert-manager-1.12']);
    expect(r.findings[0]?.range?.start.line).toBe(15);
  });
});

describe('invalid-solver', () => {
  const messages = (text: string): string[] => analyze(text, { fileName: 'v.yaml' }).findings.filter((f) => f.rule === 'invalid-solver').map((f) => f.message);

  it('rejects both and neither solver types', () => {
    expect(messages(issuer('    - http01:\n        ingress: {class: a}\n      dns01:\n        route53: {}\n')).join()).toMatch(/both http01 and dns01/);
    expect(messages(issuer('    - selector: {}\n')).join()).toMatch(/no solver type/);
  });

  it('rejects more than one of class, ingressClassName and name', () => {
    expect(messages(issuer('    - http01:\n        ingress: {class: a, ingressClassName: b}\n')).join()).toMatch(/class and ingressClassName; only one/);
  });

  it('rejects an invalid ingressClassName and serviceType', () => {
    expect(messages(issuer('    - http01:\n        ingress: {ingressClassName: azure/application-gateway, serviceType: LoadBalancer}\n'))).toHaveLength(2);
  });

  it('rejects imagePullSecrets written as strings, as in TAP\'s docs', () => {
    const m = messages(issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec:\n              imagePullSecrets:\n              - registry-credentials\n'));
    expect(m.join()).toMatch(/"registry-credentials" is a string; entries are objects: - name: registry-credentials/);
  });

  it('applies cert-manager\'s DNS01 validation', () => {
    expect(messages(issuer('    - dns01:\n        cloudflare:\n          apiKeySecretRef: {name: cf}\n')).sort()).toEqual([
      'ClusterIssuer letsencrypt: solver 1 dns01: email is required with apiKeySecretRef',
      'ClusterIssuer letsencrypt: solver 1 dns01: secret key is required',
    ]);
    expect(messages(issuer('    - dns01:\n        clouddns:\n          project: p\n')).join()).toMatch(/dns01.clouddns: unknown field "clouddns"; did you mean "cloudDNS"\?/);
    expect(messages(issuer('    - dns01:\n        rfc2136:\n          nameserver: "::1"\n')).join()).toMatch(/nameserver must be host:port/);
    expect(messages(issuer('    - dns01:\n        rfc2136:\n          nameserver: "[::1]:53"\n          tsigAlgorithm: hmacsha256\n'))).toEqual([]);
    expect(messages(issuer('    - dns01:\n        azureDNS:\n          clientID: c\n          subscriptionID: s\n          resourceGroupName: r\n')).join('|')).toMatch(/clientSecretSecretRef is required.*tenantID is required/);
    expect(messages(issuer('    - dns01:\n        route53: {}\n        cloudflare: {apiTokenSecretRef: {name: a, key: b}}\n')).join()).toMatch(/more than one provider/);
    expect(messages(issuer('    - dns01:\n        webhook: {groupName: acme.example.com}\n')).join()).toMatch(/webhook.solverName: is required/);
  });
});

describe('service-account-missing-in-namespace (across files)', () => {
  const fixed = issuer('    - http01:\n        ingress:\n          class: nginx\n          podTemplate:\n            spec:\n              serviceAccountName: solver\n');
  const sa = (ns: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: solver\n  namespace: ${ns}\nimagePullSecrets:\n- name: r\n`;
  const cert = (ns: string) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  secretName: web-tls\n  dnsNames: [web.example.com]\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n`;
  const ingress = (ns: string, ann: string) => `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: ${ns}\n  annotations:\n    ${ann}: letsencrypt\nspec: {}\n`;

  it('reports namespaces that obtain certificates but lack the ServiceAccount, at the evidence', () => {
    const r = analyzeFiles([
      { fileName: 'issuer.yaml', text: fixed },
      { fileName: 'sa.yaml', text: sa('team-a') },
      { fileName: 'apps.yaml', text: `${cert('team-a')}---\n${cert('team-b')}---\n${ingress('team-c', 'cert-manager.io/cluster-issuer')}---\n${ingress('team-d', 'cert-manager.io/issuer')}` },
    ]);
    const missing = r.findings.filter((f) => f.rule === 'service-account-missing-in-namespace');
    expect(missing.map((f) => f.data.namespace)).toEqual(['team-b', 'team-c']);
    expect(missing[0]).toMatchObject({ fileName: 'apps.yaml', object: { kind: 'Certificate', namespace: 'team-b' }, fixes: ['emit-service-account'] });
    expect(missing[0]?.range?.start.line).toBe(20);
    expect(missing[0]?.message).toMatch(/namespace "team-b" obtains certificates from ClusterIssuer letsencrypt \(Certificate team-b\/web\).*"team-a"/);
  });

  it('stays quiet when the set defines the ServiceAccount nowhere', () => {
    expect(analyzeFiles([{ fileName: 'i.yaml', text: fixed }, { fileName: 'c.yaml', text: cert('team-b') }]).findings).toEqual([]);
  });

  it('counts a namespaced Issuer\'s own namespace', () => {
    const nsIssuer = issuer('    - http01:\n        ingress:\n          podTemplate: {spec: {serviceAccountName: solver}}\n', 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: letsencrypt\n  namespace: apps\n');
    const r = analyzeFiles([{ fileName: 'i.yaml', text: nsIssuer }, { fileName: 's.yaml', text: sa('other') }]);
    expect(r.findings.map((f) => [f.rule, f.rule === 'service-account-missing-in-namespace' ? f.data.namespace : undefined])).toEqual([['service-account-missing-in-namespace', 'apps']]);
  });
});

describe('settings', () => {
  it('turns rules off and changes severities', () => {
    const text = issuer(http01, 'apiVersion: cert-manager.io/v1alpha2\nkind: ClusterIssuer\nmetadata:\n  name: x\n');
    const r = analyze(text, { fileName: 's.yaml', settings: { rules: { 'legacy-api-version': 'off', 'http01-solver-missing-service-account': 'warning' } } });
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['http01-solver-missing-service-account', 'warning']]);
  });
});
