import { describe, expect, it } from 'vitest';
import { analyze, ParsedFile } from '../src/index.js';
import { SourceText } from '../src/text/source-text.js';
import { issuer } from './helpers.js';

describe('templates', () => {
  it('recognises Helm files that parse as YAML by accident, with the line', () => {
    const helm = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: {{ .Values.name }}\nspec: {}\n';
    const r = analyze(helm, { fileName: 'templates/issuer.yaml' });
    expect(r.findings).toEqual([]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'template', line: 4, fileName: 'templates/issuer.yaml' })]);
    expect(r.errors[0]?.message).toMatch(/Helm\/Go template .*line 4.*render it first/);
  });

  it('recognises template control lines and Jinja', () => {
    expect(analyze('{{- if .Values.enabled }}\napiVersion: v1\n{{- end }}\n', { fileName: 'a' }).errors[0]?.line).toBe(1);
    expect(analyze('a: 1\n{% for x in y %}\nb: 2\n', { fileName: 'a' }).errors[0]?.message).toMatch(/Jinja/);
  });

  it('does not mistake quoted or block-scalar braces or comments for templates', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c # {{ not a template }}\ndata:\n  a: "{{ .x }}"\n  b: |\n    {{ range . }}\n';
    expect(analyze(text, { fileName: 'cm.yaml' }).errors).toEqual([]);
  });
});

describe('syntax errors', () => {
  it('names the line, and still analyses the other documents', () => {
    const text = `${issuer('    - http01:\n        ingress: {class: a}\n')}---\nkind: [unclosed\n`;
    const r = analyze(text, { fileName: 'two.yaml' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'syntax', fileName: 'two.yaml', line: 14 });
    expect(r.errors[0]?.message).toMatch(/YAML syntax error/);
    expect(r.findings.map((f) => f.rule)).toEqual(['http01-solver-missing-service-account']);
  });

  it('reports duplicate keys, which kubectl rejects too', () => {
    expect(analyze('a: 1\na: 2\n', { fileName: 'd.yaml' }).errors[0]?.message).toMatch(/unique/);
  });
});

describe('ytt', () => {
  it('treats `key: #@ expr` as set, not missing', () => {
    const text = '#@ load("@ytt:data", "data")\n---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: x\nspec:\n  acme:\n    server: s\n    privateKeySecretRef: {name: k}\n    solvers:\n    - dns01:\n        cloudDNS:\n          project: #@ data.values.project\n';
    expect(analyze(text, { fileName: 'y.yaml' }).findings).toEqual([]);
  });
});

describe('SourceText', () => {
  it('maps offsets to 0-based positions over CRLF', () => {
    const s = new SourceText('a\r\nbc\r\nd');
    expect(s.eol).toBe('\r\n');
    expect(s.positionAt(4)).toEqual({ line: 1, character: 1, offset: 4 });
    expect(s.lineText(1)).toBe('bc');
    expect(s.positionAt(99)).toEqual({ line: 2, character: 1, offset: 8 });
  });

  it('locates aliased and merged paths', () => {
    const f = new ParsedFile('m.yaml', 'base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\n');
    expect(f.locateNode(0, ['use', 'x'])?.viaAlias).toBe(true);
    expect(f.locate(0, ['use', 'y'])?.start.line).toBe(4);
  });
});
