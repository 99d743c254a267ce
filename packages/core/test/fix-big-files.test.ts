// Fixes of big streams parse only the documents they edit, and still prove the rest unchanged; big
// maps are read in linear time. Correctness only: bench/fix measures time and memory.
import { isNode, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyzeParsed, fix, fixAll, ParsedFile, resolveSettings } from '../src/index.js';
import { verifyFix } from '../src/fix/verify-fix.js';
import type { TextEdit } from '../src/text/text-edit.js';
import { issuer } from './helpers.js';

const ISSUER = issuer('    - http01:\n        ingress:\n          class: contour\n');
const configMap = (i: number): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {app: a-${i}}\n# a comment\ndata:\n  k: "v ${i}"\n  block: |\n    line ${i}\n`;

function stream(n: number, at: number): string {
  const docs = Array.from({ length: n }, (_, i) => configMap(i));
  docs.splice(at, 0, ISSUER);
  return docs.join('---\n');
}

/** Whether the file's whole-text parse by `yaml` was made (it is what made fixes of big files slow). */
const wholeParsed = (file: ParsedFile): boolean => (file as unknown as { yamlDocs?: unknown }).yamlDocs !== undefined;

function fixParsed(file: ParsedFile, options: Partial<Parameters<typeof fix>[2]> = {}) {
  const { findings } = analyzeParsed([file], resolveSettings());
  return fix(file, findings, { strategy: 'serviceaccount', ...options });
}

describe('fix of a big stream', () => {
  it('edits and re-parses only the issuer, and leaves every other document byte for byte', () => {
    const text = stream(300, 150);
    const file = new ParsedFile('big.yaml', text);
    const r = fixParsed(file);
    expect(wholeParsed(file)).toBe(false);
    expect(r.edits).toHaveLength(1);
    const before = text.split('---\n');
    const after = r.text.split('---\n');
    expect(after).toHaveLength(before.length);
    after.forEach((d, i) => {
      if (i === 150) expect(d).toContain('podTemplate:\n            spec:\n              serviceAccountName: tap-acme-http01-solver\n');
      else expect(d).toBe(before[i]);
    });
    // The same fix through the whole-text parse gives the same text.
    expect(fix(text, analyzeParsed([new ParsedFile('big.yaml', text)], resolveSettings()).findings, { strategy: 'serviceaccount', fileName: 'big.yaml' }).text).toBe(r.text);
  });

  it('dns01 and fixAll with appended ServiceAccounts also stay within the edited documents', () => {
    const text = `${stream(50, 10)}---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: w\n  namespace: team-a\nspec:\n  secretName: w\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n`;
    const file = new ParsedFile('big.yaml', text);
    const dns = fixParsed(file, { strategy: 'dns01', dns01: { route53: { region: 'eu-west-1' } } });
    expect(dns.text).toContain('    - dns01:\n        route53:\n          region: eu-west-1\n');
    expect(wholeParsed(file)).toBe(false);
    const settings = resolveSettings();
    const again = new ParsedFile('big.yaml', text);
    const all = fixAll([again], analyzeParsed([again], settings).findings, settings, { strategy: 'serviceaccount', emitServiceAccounts: 'consumers' });
    expect(all.files[0]?.failed).toBeUndefined();
    expect(all.files[0]?.text.endsWith('kind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-a\nimagePullSecrets:\n- name: registry-credentials\n')).toBe(true);
    expect(wholeParsed(again)).toBe(false);
  });

  it('appends documents after a last document that ends in a kept block scalar without changing it', () => {
    const text = `${ISSUER}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: |+\n    x\n\n`;
    const r = fix(text, [], { strategy: 'serviceaccount', emitServiceAccounts: { namespaces: ['a'] } });
    const after = new ParsedFile('a.yaml', r.text);
    expect(after.errors).toEqual([]);
    expect(after.docs.map((d) => (d.toJS() as { kind: string }).kind)).toEqual(['ClusterIssuer', 'ConfigMap', 'ServiceAccount']);
    expect((after.docs[1]?.toJS() as { data: { k: string } }).data.k).toBe('x\n\n');
  });
});

describe('the result check of a fix', () => {
  const text = stream(5, 2);
  const file = new ParsedFile('s.yaml', text);
  const exp = { strategy: 'serviceaccount' as const, serviceAccountName: 'sa', emitted: 0 };
  const at = (needle: string, from = 0): number => text.indexOf(needle, from);
  const edit = (offset: number, length: number, newText: string): TextEdit => ({ offset, length, newText, range: file.source.rangeAt(offset, offset + length) });
  const check = (edits: TextEdit[]): string | undefined => {
    const sorted = [...edits].sort((a, b) => a.offset - b.offset);
    let out = text;
    for (const e of [...sorted].reverse()) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
    return verifyFix(file, out, edits, undefined, exp);
  };

  it('finds a value changed in a document the fix was not meant to touch', () => {
    expect(check([edit(at('v 3'), 3, 'w 3')])).toBe('document 5 changed beyond the fix');
  });

  it('finds a document split in two, or two joined, whatever the edit looks like', () => {
    expect(check([edit(at('data:', at('cm-1')), 0, '---\n')])).toBe('expected 6 documents, got 7');
    const marker = at('---\n', at('cm-3'));
    expect(check([edit(marker, 4, '')])).toMatch(/^expected 6 documents, got 5|^the result does not parse/);
    // The line break before a `---` line taken away: the marker is no longer one.
    expect(check([edit(marker - 1, 1, '')])).toMatch(/^expected 6 documents, got 5|^the result does not parse/);
  });

  it('accepts the intended insertion', () => {
    const ingress = at('        ingress:');
    expect(check([edit(ingress, 0, '        podTemplate:\n          spec:\n            serviceAccountName: sa\n')])).toBeUndefined();
  });
});

describe('one document parsed on its own', () => {
  it('has the node ranges of the whole-text parse', () => {
    const text = [configMap(1), 'a: &x {b: [1, 2]}\nc: *x\n', '# only a comment\n', ISSUER, '--- |\n  literal\n', 'k: "two\n  lines"\nz: !!str 3\n'].join('---\n');
    const alone = new ParsedFile('r.yaml', text);
    const whole = new ParsedFile('r.yaml', text);
    expect(alone.errors).toEqual([]);
    const ranges = (doc: Document.Parsed | undefined): number[][] => {
      const out: number[][] = [];
      if (doc?.contents) out.push([...(doc.contents.range ?? [])]);
      if (doc) visit(doc, { Node: (_k, n: Node) => void (isNode(n) && out.push([...(n.range ?? [])])) });
      return out;
    };
    for (let i = 0; i < whole.docs.length; i++) expect(ranges(alone.doc(i)), `document ${i}`).toEqual(ranges(whole.docs[i]));
  });
});

describe('big maps', () => {
  const json = (n: number, extra = ''): string => {
    const keys = Array.from({ length: n }, (_, i) => `"key-${i}": "v"`).join(',\n    ');
    return `{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "m"},\n  "data": {\n    ${keys}${extra}\n  }\n}\n`;
  };

  it('reads a JSON object of 200,000 keys', () => {
    const file = new ParsedFile('big.json', json(200_000));
    expect(file.errors).toEqual([]);
    expect(file.hasSyntaxErrors).toBe(false);
  });

  it('still reports a duplicate key, at its line, in flow and block maps', () => {
    const file = new ParsedFile('dup.json', json(20_000, ',\n    "key-7": "again"'));
    expect(file.errors.map((e) => [e.line, e.message])).toEqual([[20_006, 'YAML syntax error: Map keys must be unique; fix the YAML and run again']]);
    const block = new ParsedFile('dup.yaml', 'a: 1\nb: &x 2\n"a": 3\n1: x\n"1": y\n.nan: p\n.nan: q\n');
    expect(block.errors.map((e) => e.line)).toEqual([3]);
  });
});
