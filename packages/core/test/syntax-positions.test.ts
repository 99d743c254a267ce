// Syntax errors point where the mistake is, and kubectl's JSON streams are read as it reads them.
import { describe, expect, it } from 'vitest';
import { analyze, fix, ParsedFile } from '../src/index.js';
import { issuer } from './helpers.js';

const lines = (n: number, at: number, line: string): string =>
  `${Array.from({ length: n }, (_, i) => (i === at ? line : `key${i}: value ${i}`)).join('\n')}\n`;
const errorsOf = (text: string, name = 'x.yaml'): [number, number, string][] =>
  new ParsedFile(name, text).errors.map((e) => [e.line, (e.range?.start.character ?? -1) + 1, e.message]);

describe('an unclosed quote or bracket', () => {
  it.each([
    ['k3: "never closed', 'the double quote opened here is never closed', 5],
    ["k3: 'never closed", 'the single quote opened here is never closed', 5],
    ["k3: 'it''s never closed", 'the single quote opened here is never closed', 5],
    ['k3: "ends in an escaped quote\\"', 'the double quote opened here is never closed', 5],
    ['k3: [a, b', 'the "[" opened here is never closed', 5],
    ['k3: {a: b', 'the "{" opened here is never closed', 5],
    ['k3: {a: [b, c]', 'the "{" opened here is never closed', 5],
  ])('%s on line 4 of 153 is reported where it opens', (line, message, column) => {
    expect(errorsOf(lines(153, 3, line))).toEqual([[4, column, `YAML syntax error: ${message}; fix the YAML and run again`]]);
  });

  it('in the second document of a stream, at its line', () => {
    const text = `a: 1\n---\n${lines(20, 5, 'b: "open')}`;
    expect(errorsOf(text).map(([l, c]) => [l, c])).toEqual([[8, 4]]);
  });

  it('a closed quote with an escaped backslash before it is no error', () => {
    expect(errorsOf(lines(10, 3, 'k3: "a\\\\"'))).toEqual([]);
  });
});

describe('CR line endings', () => {
  it('CR alone throughout: one error that names them, instead of a line of errors each', () => {
    const text = 'apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: x\r  namespace: y\rdata:\r  a: b\r';
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[2]).toMatch(/lines end with CR alone \(old Mac line endings\).*convert them to LF or CRLF/);
  });

  it('CR mixed with CRLF: at the line whose end is a lone CR', () => {
    const text = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r  name: x\r\n';
    expect(errorsOf(text).map(([l, , m]) => [l, /CR alone/.test(m)])).toEqual([[3, true]]);
  });

  it('a CR inside a quoted value of a readable file is left alone', () => {
    expect(errorsOf('a: "x\ry"\nb: 1\n')).toEqual([]);
  });
});

describe('JSON objects one after another, as kubectl -f reads them', () => {
  const cm = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const iss = JSON.stringify({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le' }, spec: { acme: { server: 'https://x/dir', privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: { class: 'c' } } }] } } });

  it.each([
    ['one a line', `${cm('a')}\n${cm('b')}\n`],
    ['back to back', `${cm('a')}${cm('b')}`],
    ['pretty, with blank lines and a BOM', `\ufeff  ${JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a' } }, null, 2)}\n\n\t${JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'b' } }, null, 2)}\n`],
  ])('%s: two documents, no error', (_name, text) => {
    const file = new ParsedFile('s.json', text);
    expect(file.errors).toEqual([]);
    expect(file.docCount).toBe(2);
  });

  it('reports a finding in the second object at its line, and fixes it in place', () => {
    const text = `${cm('a')}\n${iss}\n${cm('b')}`;
    const { findings, errors } = analyze(text, { fileName: 's.json' });
    expect(errors).toEqual([]);
    expect(findings.map((f) => [f.rule, f.range?.start.line])).toEqual([['http01-solver-missing-service-account', 1]]);
    const r = fix(text, findings, { strategy: 'serviceaccount', fileName: 's.json' });
    const out = r.text.split('\n');
    expect(out[0]).toBe(cm('a'));
    expect(out[2]).toBe(cm('b'));
    expect(out[1]).toContain('"podTemplate": {"spec": {"serviceAccountName": "tap-acme-http01-solver"}}');
    expect(analyze(r.text, { fileName: 's.json' }).findings).toEqual([]);
  });

  it('a broken object in the stream is still an error, and so is a non-object after one', () => {
    expect(new ParsedFile('s.json', `${cm('a')}\n{"kind": "ConfigMap",\n`).errors.length).toBeGreaterThan(0);
    expect(new ParsedFile('s.json', `${cm('a')}\n[1]\n`).errors.length).toBeGreaterThan(0);
  });

  it('a single object or a YAML stream of flow maps is read as before', () => {
    expect(new ParsedFile('one.json', cm('a')).docCount).toBe(1);
    expect(new ParsedFile('s.yaml', `{a: 1}\n---\n{b: 2}\n`).docCount).toBe(2);
    expect(analyze(issuer('    - http01: {ingress: {class: c}}\n'), { fileName: 'i.yaml' }).findings).toHaveLength(1);
  });
});
