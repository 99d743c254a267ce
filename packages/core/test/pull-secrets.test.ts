import { describe, expect, it } from 'vitest';
import { analyze, analyzeFiles, fix } from '../src/index.js';
import type { Settings } from '../src/index.js';
import { issuer } from './helpers.js';

const TAP_DOCS_SA = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: dev\nimagePullSecrets:\n- registry-credentials\n';
const solverIssuer = issuer('    - http01:\n        ingress:\n          class: contour\n          podTemplate:\n            spec:\n              serviceAccountName: solver\n');
const sa = (ns: string, extra = ''): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: solver\n  namespace: ${ns}\n${extra}`;
const cert = (ns: string): string => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  secretName: web-tls\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n`;

function fixed(text: string, options: { pullSecretName?: string; replaceEmptyPullSecretNames?: boolean } = {}): string {
  const { findings } = analyze(text, { fileName: 'f.yaml' });
  return fix(text, findings, { strategy: 'serviceaccount', fileName: 'f.yaml', ...options }).text;
}

const rules = (text: string, settings?: Partial<Settings>): string[] => analyze(text, { fileName: 'f.yaml', ...(settings ? { settings } : {}) }).findings.map((f) => f.rule);

describe('pull-secret-entry-malformed', () => {
  it('reports entries written as strings (TAP\'s documentation) and entries without a name, on any ServiceAccount', () => {
    const r = analyze(`${TAP_DOCS_SA}- {}\n- name: ""\n- name: ok\n`, { fileName: 'f.yaml' }).findings;
    expect(r.map((f) => [f.rule, f.severity, f.range?.start.line, f.fixes])).toEqual([
      ['pull-secret-entry-malformed', 'error', 6, ['pull-secret-entry']],
      ['pull-secret-entry-malformed', 'error', 7, ['pull-secret-name']],
      ['pull-secret-entry-malformed', 'error', 8, ['pull-secret-name']],
    ]);
    expect(r[0]?.message).toMatch(/"registry-credentials" is a string.*write it as - name: registry-credentials/);
    expect(rules('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets: {name: x}\n')).toEqual(['pull-secret-entry-malformed']);
    expect(rules('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets: [{name: x}]\n')).toEqual([]);
  });

  it('rewrites - x as - name: x, keeping comments, quotes, CRLF and indentation', () => {
    expect(fixed(TAP_DOCS_SA)).toBe(TAP_DOCS_SA.replace('- registry-credentials', '- name: registry-credentials'));
    const crlf = 'apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n    name: a\r\nimagePullSecrets:\r\n    - "registry-credentials"   # from the docs\r\n    - \'other\'\r\n';
    expect(fixed(crlf)).toBe(crlf.replace('- "registry', '- name: "registry').replace("- 'other'", "- name: 'other'"));
    expect(fixed('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets: [r1, "r2"]\n')).toBe('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets: [{name: r1}, {name: "r2"}]\n');
    const json = '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"}, "imagePullSecrets": ["r"]}\n';
    expect(fixed(json)).toBe('{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"}, "imagePullSecrets": [{"name": "r"}]}\n');
    expect(analyze(fixed(TAP_DOCS_SA), { fileName: 'f.yaml' }).findings).toEqual([]);
  });

  it('names an entry without a name only when asked, with the given pull secret', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets:\n- name: ""\n- {}\n-\n';
    expect(fixed(text)).toBe(text);
    expect(fixed(text, { replaceEmptyPullSecretNames: true, pullSecretName: 'regcred' })).toBe('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets:\n- name: regcred\n- {name: regcred}\n- name: regcred\n');
  });
});

describe('solver-service-account-without-pull-secrets', () => {
  it('reports the solver\'s ServiceAccount without imagePullSecrets, in any namespace when the files show no consumer', () => {
    const r = analyzeFiles([{ fileName: 'i.yaml', text: solverIssuer }, { fileName: 's.yaml', text: `${sa('dev')}---\n${sa('ops', 'imagePullSecrets: []\n')}---\n${sa('ok', 'imagePullSecrets:\n- name: r\n')}` }]).findings;
    expect(r.map((f) => [f.rule, f.object.namespace, f.severity, f.fixes])).toEqual([
      ['solver-service-account-without-pull-secrets', 'dev', 'error', ['pull-secrets-add']],
      ['solver-service-account-without-pull-secrets', 'ops', 'error', ['pull-secrets-add']],
    ]);
    expect(r[0]?.message).toMatch(/ServiceAccount dev\/solver is the HTTP01 solver's ServiceAccount \(ClusterIssuer letsencrypt\).*ErrImagePull/);
  });

  it('counts only namespaces that obtain certificates from the issuer, when the files show some', () => {
    const r = analyzeFiles([{ fileName: 'i.yaml', text: solverIssuer }, { fileName: 's.yaml', text: `${sa('dev')}---\n${sa('other')}---\n${cert('dev')}` }]).findings;
    expect(r.filter((f) => f.rule === 'solver-service-account-without-pull-secrets').map((f) => f.object.namespace)).toEqual(['dev']);
  });

  it('ignores ServiceAccounts no solver names, and solvers with pull secrets of their own', () => {
    expect(rules(`${solverIssuer.replace('serviceAccountName: solver', 'serviceAccountName: other')}---\n${sa('dev')}`)).toEqual([]);
    const own = solverIssuer.replace('serviceAccountName: solver', 'serviceAccountName: solver\n              imagePullSecrets: [{name: r}]');
    expect(rules(`${own}---\n${sa('dev')}`)).not.toContain('solver-service-account-without-pull-secrets');
  });

  it('trusts pull secrets that arrive at run time: a secretgen placeholder, a policy that patches ServiceAccounts, an integrated registry', () => {
    const placeholder = (ns: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry-credentials\n  namespace: ${ns}\n  annotations:\n    secretgen.carvel.dev/image-pull-secret: ""\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30K\n`;
    expect(rules(`${solverIssuer}---\n${sa('dev')}---\n${placeholder('dev')}`)).toEqual([]);
    expect(rules(`${solverIssuer}---\n${sa('dev')}---\n${placeholder('elsewhere')}`)).toEqual(['solver-service-account-without-pull-secrets']);
    const policy = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: add-pull-secrets}\nspec:\n  rules:\n  - name: sa\n    match: {any: [{resources: {kinds: [ServiceAccount]}}]}\n    mutate:\n      patchStrategicMerge:\n        imagePullSecrets: [{name: registry-credentials}]\n';
    expect(rules(`${solverIssuer}---\n${sa('dev')}---\n${policy}`)).toEqual([]);
    expect(rules(`${solverIssuer}---\n${sa('dev')}`, { integratedRegistry: true })).toEqual([]);
  });

  it('adds imagePullSecrets with the configured pull secret, in the file\'s style', () => {
    const text = `${solverIssuer}---\n${sa('dev')}`;
    expect(fixed(text)).toBe(`${text}imagePullSecrets:\n- name: registry-credentials\n`);
    expect(fixed(text, { pullSecretName: 'tap-registry' })).toMatch(/imagePullSecrets:\n- name: tap-registry\n$/);
    const flow = `${solverIssuer}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: solver, namespace: dev}\nimagePullSecrets: []\n`;
    expect(fixed(flow)).toBe(flow.replace('imagePullSecrets: []', 'imagePullSecrets: [{name: registry-credentials}]'));
    const nullList = `${solverIssuer}---\n${sa('dev', 'imagePullSecrets:\n# pull secrets go here\n')}`;
    expect(fixed(nullList)).toBe(nullList.replace('imagePullSecrets:\n', 'imagePullSecrets:\n- name: registry-credentials\n'));
  });
});

describe('pull-secret fixes in flow style and JSON: spaced as the document spaces its own', () => {
  const cases: [string, string, string, { replaceEmptyPullSecretNames?: boolean }?][] = [
    ['compact JSON', '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"j","namespace":"x"},"imagePullSecrets":["a",{}]}\n', '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"j","namespace":"x"},"imagePullSecrets":[{"name":"a"},{"name":"registry-credentials"}]}\n', { replaceEmptyPullSecretNames: true }],
    ['spaced JSON', '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "j", "namespace": "x"}, "imagePullSecrets": ["a"]}\n', '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "j", "namespace": "x"}, "imagePullSecrets": [{"name": "a"}]}\n'],
    ['padded YAML flow', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: s, namespace: dev }\nimagePullSecrets: [ a, { }, {x: 1} ]\n', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: s, namespace: dev }\nimagePullSecrets: [ { name: a }, { name: registry-credentials }, {x: 1, name: registry-credentials} ]\n', { replaceEmptyPullSecretNames: true }],
    ['unpadded YAML flow', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: dev}\nimagePullSecrets: [a]\n', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: dev}\nimagePullSecrets: [{name: a}]\n'],
  ];
  it.each(cases)('%s', (_what, before, after, options) => {
    expect(fixed(before, options)).toBe(after);
    expect(rules(after)).toEqual([]);
  });

  it('adds imagePullSecrets to a compact JSON ServiceAccount without spaces', () => {
    const json = '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"solver","namespace":"dev"}}\n';
    expect(fixed(`${solverIssuer}---\n${json}`)).toContain('{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"solver","namespace":"dev"},"imagePullSecrets":[{"name":"registry-credentials"}]}');
  });
});

describe('pull-secret-wrong-type', () => {
  it('warns when the named Secret in that namespace is not a registry credential', () => {
    const secret = (type: string): string => `apiVersion: v1\nkind: Secret\nmetadata: {name: registry-credentials, namespace: dev}\n${type}stringData: {a: b}\n`;
    const text = (type: string): string => `${sa('dev', 'imagePullSecrets:\n- name: registry-credentials\n')}---\n${secret(type)}`;
    const r = analyze(text('type: Opaque\n'), { fileName: 'f.yaml' }).findings;
    expect(r.map((f) => [f.rule, f.severity, f.range?.start.line])).toEqual([['pull-secret-wrong-type', 'warning', 6]]);
    expect(r[0]?.message).toMatch(/"registry-credentials".*type Opaque/);
    expect(rules(text(''))).toEqual(['pull-secret-wrong-type']);
    expect(rules(text('type: kubernetes.io/dockerconfigjson\n'))).toEqual([]);
    expect(rules(text('type: kubernetes.io/dockercfg\n'))).toEqual([]);
    expect(rules(text('type: Opaque\n').replace('namespace: dev}', 'namespace: other}'))).toEqual([]);
  });
});

describe('ytt', () => {
  it('takes values ytt computes at render time as written', () => {
    const sa = '#@ load("@ytt:data", "data")\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\nimagePullSecrets:\n- #@ data.values.pull_secret\n';
    expect(rules(sa)).toEqual([]);
    expect(rules(sa.replace('imagePullSecrets:\n- #@', 'imagePullSecrets: #@'))).toEqual([]);
    const zones = issuer('    - dns01:\n        cloudDNS: {project: p}\n      selector:\n        dnsZones:\n        - #@ data.values.domain\n', '#@ load("@ytt:data", "data")\n---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: le\n');
    expect(rules(zones)).toEqual([]);
  });
});
