import { describe, expect, it } from 'vitest';
import { analyze, fix, FixError } from '../src/index.js';
import { fixText, issuer } from './helpers.js';

const SA = 'serviceAccountName: tap-acme-http01-solver';

describe('serviceaccount fix: inserts lines only, in the file\'s own style', () => {
  it('adds podTemplate.spec after the last key of the ingress mapping (2 spaces)', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: nginx\n');
    expect(fixText(before)).toBe(issuer(`    - http01:\n        ingress:\n          class: nginx\n          podTemplate:\n            spec:\n              ${SA}\n`));
  });

  it('keeps 4-space indentation and a flush sequence', () => {
    const before = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n    name: x\nspec:\n    acme:\n        solvers:\n        -   http01:\n                ingress:\n                    class: nginx\n';
    expect(fixText(before)).toBe(before + `                    podTemplate:\n                        spec:\n                            ${SA}\n`);
  });

  it('keeps CRLF line endings and a BOM', () => {
    const before = '\ufeff' + issuer('    - http01:\n        ingress:\n          class: nginx\n').replace(/\n/g, '\r\n');
    const after = fixText(before);
    expect(after.startsWith('\ufeffapiVersion')).toBe(true);
    expect(after).toContain(`          podTemplate:\r\n            spec:\r\n              ${SA}\r\n`);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('edits a flow mapping in flow style', () => {
    const before = issuer('    - http01: {ingress: {class: nginx}}\n');
    expect(fixText(before)).toBe(issuer(`    - http01: {ingress: {class: nginx, podTemplate: {spec: {${SA}}}}}\n`));
  });

  it('keeps flow padding', () => {
    const before = issuer('    - http01: { ingress: { class: nginx } }\n');
    expect(fixText(before)).toBe(issuer(`    - http01: { ingress: { class: nginx, podTemplate: { spec: { ${SA} } } } }\n`));
  });

  it('fills an empty flow mapping', () => {
    const before = issuer('    - http01:\n        ingress: {}\n');
    expect(fixText(before)).toBe(issuer(`    - http01:\n        ingress: {podTemplate: {spec: {${SA}}}}\n`));
  });

  it('merges into an existing podTemplate and spec', () => {
    const withMeta = issuer('    - http01:\n        ingress:\n          podTemplate:\n            metadata:\n              labels: {a: b}\n          class: nginx\n');
    expect(fixText(withMeta)).toBe(issuer(`    - http01:\n        ingress:\n          podTemplate:\n            metadata:\n              labels: {a: b}\n            spec:\n              ${SA}\n          class: nginx\n`));
    const withSpec = issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec:\n              nodeSelector:\n                kubernetes.io/os: linux\n');
    expect(fixText(withSpec)).toBe(issuer(`    - http01:\n        ingress:\n          podTemplate:\n            spec:\n              nodeSelector:\n                kubernetes.io/os: linux\n              ${SA}\n`));
  });

  it('writes under a key whose value is empty', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: nginx\n          podTemplate:\n');
    expect(fixText(before)).toBe(issuer(`    - http01:\n        ingress:\n          class: nginx\n          podTemplate:\n            spec:\n              ${SA}\n`));
  });

  it('edits an anchored mapping once so its aliases follow', () => {
    const before = issuer('    - http01:\n        ingress: &ing\n          class: nginx\n    - selector: {dnsZones: [a.example]}\n      http01:\n        ingress: *ing\n');
    const r = analyze(before, { fileName: 'a.yaml' });
    expect(r.findings.filter((f) => f.rule === 'http01-solver-missing-service-account')).toHaveLength(2);
    const out = fix(before, r.findings, { strategy: 'serviceaccount' });
    expect(out.edits).toHaveLength(1);
    expect(out.text).toContain(`        ingress: &ing\n          class: nginx\n          podTemplate:\n            spec:\n              ${SA}\n`);
    expect(out.text).toContain('        ingress: *ing\n');
    expect(analyze(out.text, { fileName: 'a.yaml' }).findings).toEqual([]);
  });

  it('handles gatewayHTTPRoute solvers', () => {
    const before = issuer('    - http01:\n        gatewayHTTPRoute:\n          parentRefs:\n            - name: gw\n              namespace: infra\n              kind: Gateway\n');
    expect(fixText(before)).toBe(before + `          podTemplate:\n            spec:\n              ${SA}\n`);
  });

  it('leaves a gatewayHTTPRoute solver alone for cert-manager 1.11, which serves no podTemplate there, and says why', () => {
    const before = issuer('    - http01:\n        gatewayHTTPRoute:\n          parentRefs:\n            - name: gw\n');
    const findings = analyze(before, { fileName: 'a.yaml', settings: { certManagerVersion: '1.11' } }).findings;
    const out = fix(before, findings, { strategy: 'serviceaccount', fileName: 'a.yaml', certManagerVersion: '1.11' });
    expect(out.text).toBe(before);
    expect(out.skipped.map((x) => [x.code, x.reason])).toEqual([['field-not-served', expect.stringMatching(/^cert-manager 1\.11 has no http01\.gatewayHTTPRoute\.podTemplate .*--strategy dns01/)]]);
    // An ingress solver beside it is still fixed.
    const both = issuer('    - http01:\n        ingress:\n          class: nginx\n    - http01:\n        gatewayHTTPRoute:\n          parentRefs:\n            - name: gw\n');
    const fixed = fix(both, analyze(both, { fileName: 'a.yaml' }).findings, { strategy: 'serviceaccount', fileName: 'a.yaml', certManagerVersion: 'v1.11.5' });
    expect(fixed.text).toContain(`          class: nginx\n          podTemplate:\n            spec:\n              ${SA}\n`);
    expect(fixed.text.match(/podTemplate/g)).toHaveLength(1);
  });

  it('holds each minor version to its own schema: gatewayHTTPRoute.podTemplate arrives in 1.16, and older versions are told so', () => {
    const before = issuer('    - http01:\n        gatewayHTTPRoute:\n          parentRefs:\n            - name: gw\n');
    for (const version of ['1.12', '1.13', '1.14', '1.15']) {
      const findings = analyze(before, { fileName: 'a.yaml', settings: { certManagerVersion: version } }).findings;
      expect(findings.map((f) => [f.rule, f.fixes])).toEqual([['http01-solver-missing-service-account', ['dns01']]]);
      expect(findings[0]?.message).toContain(`cert-manager ${version} serves no http01.gatewayHTTPRoute.podTemplate (it arrives in 1.16), so use DNS01`);
      const out = fix(before, findings, { strategy: 'serviceaccount', fileName: 'a.yaml', certManagerVersion: version });
      expect(out.text).toBe(before);
      expect(out.skipped.map((x) => x.reason)).toEqual([expect.stringContaining(`cert-manager ${version} has no http01.gatewayHTTPRoute.podTemplate (it arrives in 1.16)`)]);
    }
    for (const version of ['1.16', '1.19', '1.21']) {
      const findings = analyze(before, { fileName: 'a.yaml', settings: { certManagerVersion: version } }).findings;
      expect(findings.map((f) => f.fixes)).toEqual([['serviceaccount', 'dns01']]);
      expect(fix(before, findings, { strategy: 'serviceaccount', fileName: 'a.yaml', certManagerVersion: version }).text).toContain(SA);
    }
  });

  it('keeps comments and ytt annotations where they are, and stays inside #@ if/#@ end', () => {
    const before = [
      '#@ load("@ytt:data", "data")',
      '---',
      'apiVersion: cert-manager.io/v1',
      'kind: ClusterIssuer',
      'metadata:',
      '  name: #@ data.values.issuer  #! the issuer name',
      'spec:',
      '  acme:',
      '    server: https://acme-v02.api.letsencrypt.org/directory',
      '    privateKeySecretRef: {name: k}',
      '    solvers:',
      '    - http01:',
      '        ingress:',
      '          #@ if data.values.klass:',
      '          class: #@ data.values.klass',
      '          #@ end',
      '    # trailing comment about the next thing',
      '',
    ].join('\n');
    const after = fixText(before);
    expect(after).toBe(before.replace('          #@ end\n', `          #@ end\n          podTemplate:\n            spec:\n              ${SA}\n`));
  });

  it('keeps a missing final newline missing', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: nginx');
    expect(fixText(before)).toBe(`${before}\n          podTemplate:\n            spec:\n              ${SA}`);
  });

  it('quotes like the file does', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: "nginx"\n          serviceType: "ClusterIP"\n').replace('name: le-key', 'name: "le-key"').replace('https://acme-v02.api.letsencrypt.org/directory', '"https://acme-v02.api.letsencrypt.org/directory"');
    expect(fixText(before)).toContain('              serviceAccountName: "tap-acme-http01-solver"\n');
  });

  it('writes JSON in JSON', () => {
    const before = JSON.stringify({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'i', namespace: 'n' }, spec: { acme: { server: 's', privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: { class: 'nginx' } } }] } } }, null, 2);
    const after = fixText(before, {}, 'issuer.json');
    expect(JSON.parse(after).spec.acme.solvers[0].http01.ingress).toEqual({ class: 'nginx', podTemplate: { spec: { serviceAccountName: 'tap-acme-http01-solver' } } });
  });

  it('fixes items of a List and every document of a stream', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${issuer('    - http01:\n        ingress:\n          class: nginx\n').replace(/\n(?!$)/g, '\n  ')}`;
    const out = fixText(list);
    expect(analyze(out, { fileName: 'l.yaml' }).findings).toEqual([]);
    expect(out).toContain(`            podTemplate:\n              spec:\n                ${SA}\n`);
    const stream = `${issuer('    - http01:\n        ingress:\n          class: a\n')}---\n${issuer('    - http01:\n        ingress:\n          class: b\n')}`;
    const fixed = fixText(stream);
    expect(fixed.split(SA)).toHaveLength(3);
  });

  it('uses the name it is given, and is idempotent', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: nginx\n');
    const once = fixText(before, { serviceAccountName: 'solver-sa' });
    expect(once).toContain('serviceAccountName: solver-sa\n');
    const r = analyze(once, { fileName: 'x.yaml' });
    expect(r.findings).toEqual([]);
    expect(fix(once, r.findings, { strategy: 'serviceaccount' }).edits).toEqual([]);
  });

  it('refuses a file that does not parse, naming the line', () => {
    expect(() => fix('a: [\nb: c\n', [], { strategy: 'serviceaccount', fileName: 'bad.yaml' })).toThrow(FixError);
    expect(() => fix('a: [\nb: c\n', [], { strategy: 'serviceaccount', fileName: 'bad.yaml' })).toThrow(/bad\.yaml:\d+: .*nothing was changed/);
    expect(() => fix('a: [\nb: c\n', [], { strategy: 'serviceaccount', fileName: 'bad.yaml' })).toThrow(expect.objectContaining({ code: 'input-error' }));
    expect(() => fix('a: 1\n', [], { strategy: 'dns01', fileName: 'a.yaml' })).toThrow(expect.objectContaining({ code: 'dns01-block-missing' }));
  });
});

describe('emitting ServiceAccount documents', () => {
  it('appends one document per namespace in the file\'s style', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: nginx\n');
    const r = analyze(before, { fileName: 'x.yaml' });
    const out = fix(before, r.findings, { strategy: 'serviceaccount', emitServiceAccounts: { namespaces: ['team-b', 'team-a'], pullSecretName: 'regcred' } });
    const docs = out.text.split('\n---\n').slice(1);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toContain('kind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-a\nimagePullSecrets:\n- name: regcred');
    expect(docs[0]).toMatch(/^# Solver ServiceAccount; generated by `kubectl tapacme fix --emit-service-account`/);
  });
});

describe('partial podTemplates', () => {
  it('fills an empty flow spec, a spec with only a comment, and an empty metadata sibling', () => {
    expect(fixText(issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec: {}\n'))).toBe(issuer(`    - http01:\n        ingress:\n          podTemplate:\n            spec: {${SA}}\n`));
    expect(fixText(issuer('    - http01:\n        ingress:\n          podTemplate:\n            spec: # none yet\n          class: a\n'))).toBe(issuer(`    - http01:\n        ingress:\n          podTemplate:\n            spec: # none yet\n              ${SA}\n          class: a\n`));
    expect(fixText(issuer('    - http01:\n        ingress:\n          name: web\n          podTemplate:\n            metadata:\n            spec:\n'))).toBe(issuer(`    - http01:\n        ingress:\n          name: web\n          podTemplate:\n            metadata:\n            spec:\n              ${SA}\n`));
  });
});
