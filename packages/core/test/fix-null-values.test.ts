import { describe, expect, it } from 'vitest';
import { analyze, fix } from '../src/index.js';
import { fixText, issuer } from './helpers.js';

const SA = 'serviceAccountName: tap-acme-http01-solver';
const head = '    - http01:\n        ingress:\n          class: nginx\n';
const block = `          podTemplate:\n            spec:\n              ${SA}\n`;

/** The finding a fix skipped, with its reason, and the text it left. */
function skipOf(text: string): { reasons: string[]; text: string } {
  const { findings } = analyze(text, { fileName: 'i.yaml' });
  const r = fix(text, findings, { strategy: 'serviceaccount', fileName: 'i.yaml' });
  return { reasons: r.skipped.map((s) => s.reason), text: r.text };
}

describe('serviceaccount fix: a null where the new value goes is replaced, nothing else', () => {
  for (const nul of ['~', 'null', 'Null', 'NULL', '!!null', '!!null ""', '']) {
    it(`podTemplate: ${nul || '(nothing)'} becomes the block that sets the name`, () => {
      const before = issuer(`${head}          podTemplate:${nul ? ` ${nul}` : ''}\n`);
      expect(fixText(before)).toBe(issuer(`${head}${block}`));
    });
  }

  it('keeps a comment after the null on the key\'s line', () => {
    const before = issuer(`${head}          podTemplate: ~   # filled in later\n`);
    expect(fixText(before)).toBe(issuer(`${head}          podTemplate: # filled in later\n            spec:\n              ${SA}\n`));
  });

  it('replaces a null at the end of a file without a final line break', () => {
    const before = issuer(`${head}          podTemplate: null`);
    expect(fixText(before)).toBe(issuer(`${head}${block}`).replace(/\n$/, ''));
  });

  it('replaces a null spec in block style, keeping CRLF', () => {
    const before = issuer(`${head}          podTemplate:\n            spec: ~\n`).replace(/\n/g, '\r\n');
    expect(fixText(before)).toBe(issuer(`${head}${block}`).replace(/\n/g, '\r\n'));
  });

  for (const spec of ['{spec: null}', '{spec: ~}', '{spec: }', '{spec: !!null}', '{spec}']) {
    it(`podTemplate: ${spec} is filled in flow style`, () => {
      const before = issuer(`${head}          podTemplate: ${spec}\n`);
      expect(fixText(before)).toBe(issuer(`${head}          podTemplate: {spec: {${SA}}}\n`));
    });
  }

  it('replaces a null inside a flow mapping and in JSON', () => {
    expect(fixText(issuer('    - http01: {ingress: {class: nginx, podTemplate: null}}\n'))).toBe(issuer(`    - http01: {ingress: {class: nginx, podTemplate: {spec: {${SA}}}}}\n`));
    const json = JSON.stringify({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'i', namespace: 'n' }, spec: { acme: { server: 's', privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: { podTemplate: null } } }] } } }, null, 2);
    const fixed = fixText(json, {}, 'i.json');
    expect(fixed).toBe(json.replace('"podTemplate": null', '"podTemplate": {"spec": {"serviceAccountName": "tap-acme-http01-solver"}}'));
    expect(JSON.parse(fixed)).toBeTruthy();
  });

  for (const empty of ['""', "''", '~', 'null', '!!null', '!!str', '']) {
    it(`serviceAccountName: ${empty || '(nothing)'} is replaced by the name`, () => {
      const before = issuer(`${head}          podTemplate:\n            spec:\n              serviceAccountName:${empty ? ` ${empty}` : ''}\n`);
      expect(fixText(before)).toBe(issuer(`${head}          podTemplate:\n            spec:\n              ${SA}\n`));
    });
  }
});

describe('serviceaccount fix: any other value is left alone, with the reason', () => {
  const cases: [string, string, RegExp][] = [
    ['serviceAccountName: 42', '          podTemplate:\n            spec:\n              serviceAccountName: 42\n', /serviceAccountName is already set to the value 42, which this fix does not replace/],
    ['serviceAccountName: [a, b]', '          podTemplate:\n            spec:\n              serviceAccountName: [a, b]\n', /serviceAccountName is already set to a sequence/],
    ['serviceAccountName: true', '          podTemplate:\n            spec:\n              serviceAccountName: true\n', /serviceAccountName is already set to the value true/],
    ['podTemplate: "str"', '          podTemplate: "str"\n', /podTemplate is the string "str", not a mapping; make it a mapping/],
    ['podTemplate: ""', '          podTemplate: ""\n', /podTemplate is the string "", not a mapping/],
    ['podTemplate: 7', '          podTemplate: 7\n', /podTemplate is the value 7, not a mapping/],
    ['spec: []', '          podTemplate:\n            spec: []\n', /podTemplate\.spec is a sequence, not a mapping/],
    ['spec: [a]', '          podTemplate:\n            spec:\n            - a\n', /podTemplate\.spec is a sequence, not a mapping/],
    ['an anchored null', '          podTemplate: &pt ~\n', /podTemplate is anchored \(&pt\)/],
  ];
  for (const [name, tail, reason] of cases) {
    it(name, () => {
      const before = issuer(`${head}${tail}`);
      const r = skipOf(before);
      expect(r.reasons).toHaveLength(1);
      expect(r.reasons[0]).toMatch(reason);
      expect(r.text).toBe(before);
    });
  }
});
