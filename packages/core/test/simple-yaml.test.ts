// The fast reader against `yaml` itself: whenever it reads a document, the document, its value and
// node ranges must be `yaml`'s. Inputs: hand-picked cases, the real corpus, the corpus mutated at
// random, and made-up block and flow YAML (bench/fuzz runs many more).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParsedFile } from '../src/parse/parsed-file.js';
import { MAX_NESTING_DEPTH } from '../src/parse/nesting.js';
import { readSimpleYaml } from '../src/parse/simple-yaml/read-stream.js';
import { fileDifferences, readAll, readerDifferences as differences } from './simple-yaml-diff.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const corpusDir = process.env.TAPACME_CORPUS ?? join(repo, '..', 'shared', 'corpus');
const corpus = existsSync(corpusDir)
  ? readdirSync(corpusDir)
      .filter((f) => f !== 'INDEX.tsv')
      .sort()
      .map((f) => readFileSync(join(corpusDir, f), 'utf8'))
  : [];

const accepted = readAll;

describe('readSimpleYaml', () => {
  it.each([
    ['nested maps and a sequence under a key', 'a: 1\nb:\n  c: x # hi\n  d:\n  - e: 1\n    f: 2\ng: [a, "b"]\nh: {}\n'],
    ['an empty document after a marker', 'a: 1\n---\n'],
    ['comments and markers only', '---\n# c\n---\na: 1\n'],
    ['an empty value before the next key', 'a:\nb: 2'],
    ['an empty value that ends a map', 'x:\n  a:\ny: 1\n'],
    ['spaces after a colon', 'a:   \n  b: 1\nc:  \nx:\n  d:  \ny: 1\n'],
    ['a sequence and a blank line', 's:\n- a\n- b\n\nt: x'],
    ['CRLF', 'a: 1\r\nb:\r\n  c: 2\r\n'],
    ['a sequence of maps', '- a: 1\n  b: x\n- c\n'],
    ['indented sequences', 'a:\n  - x: 1\n    y: 2\n  - z\nb: 3\n'],
    ['typed scalars', 'a: 0o17\nb: .inf\nc: ~\nd: -1.5e3\ne: TRUE\nf: yes\ng: 1_000\nh: "q\\tq"\ni: \'it\'\'s\'\nj: "x"  # c\n'],
    ['URLs and colons in plain text', 'server: https://acme-v02.api.letsencrypt.org/directory\nk8s.io/x:y: a:b\n'],
    ['text that looks like a marker', 'a: ---\nb:\n- ...\n'],
    ['quoted keys', '"a b": 1\n\'c\': [x, "y", \'z\', 2]\n'],
    ['trailing spaces after values', 'a: b   \nc: [x]  \n'],
    ['full-line comments in places', 'x:\n  a: 1\n  # c\n\n  # d\n\ny: 1\n---\nx:\n- a: 1\n  # c\n# d\ny: 1\n'],
    ['a flow map with entries', 'issuerRef: {name: x, kind: ClusterIssuer}\nlabels: {app: web}\n'],
    ['flow maps in a flow sequence', 'ports: [{containerPort: 8080}, {containerPort: 8443, name: "https"}]\n'],
    ['flow maps as sequence items', 'env:\n- {name: MODE, value: prod}\n- {name: "Q", value: \'it\'\'s\'}  # c\n'],
    ['nested flow collections', 'backend: {service: {name: app, port: {number: 80}}}\nx: [[], {}, [a, [b]], {c: [d]}]\n'],
    ['a flow sequence over lines', 'args: [\n  "--a",\n  --b, # c\n\n  -c\n]\nnext: 1\n'],
    ['a flow map over lines', 'x:\n  m: {\n    a: 1,\n    b: [2,\n      3],\n  }\n  n: 2\n'],
    ['trailing commas and spaces', 'a: [ 1 , 2, ]\nb: { c: d , }\n'],
    ['JSON-like keys and URLs', 'a: {"b":1, "c": "d"}\ne: [http://x.example/y?q=1, a:b]\n'],
    ['a JSON document', '{"apiVersion": "v1", "kind": "List", "items": [{"a": [1, 2.5, true, null]}]}\n'],
    ['flow in a sequence over lines', 'a:\n  - [\n   1\n  ]\n---\n- [\n 2\n]\n'],
    ['CRLF flow', 'a: {b: [1,\r\n  2]}\r\nc: [x]\r\n'],
  ])('%s: agrees with yaml', (_name, text) => {
    expect(accepted(text)).toBe(true);
    expect(differences(text)).toEqual([]);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['an empty value with a comment', 'a:   # c\nb: 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a merge key', 'a: {}\n<<: {}\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['ytt', '#@ load("@ytt:data", "data")\na: #@ data.values.x\n'],
    ['a template', 'a: {{ .Values.x }}\n'],
    ['a BOM', '\ufeffa: 1\n'],
    ['a tab', 'a:\t1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['a flow key', 'a: {[b]: c}\n'],
    ['an implicit pair in a flow sequence', 'a: [b: c]\n'],
    ['a flow map entry without a value', 'a: {b, c: d}\n'],
    ['a multi-line plain scalar in flow', 'a: [b\n  c]\n'],
    ['flow continued too little indented', 'x:\n  a: [\n  1]\n'],
    ['an unclosed flow sequence', 'a: [b, c\n'],
    ['an alias in flow', 'a: [*b]\n'],
    ['a duplicate flow key', 'a: {b: 1, b: 2}\n'],
    ['an empty sequence item', 'a:\n-\n- b\n'],
    ['a top-level scalar', 'just text\n'],
    ['a number key', '80: http\n'],
  ])('gives %s to yaml', (_name, text) => {
    expect(accepted(text)).toBe(false);
  });

  it('leaves only the documents it cannot read to yaml', () => {
    const text = 'a: 1\n---\nb: &x 1\nc: *x\n--- |\n  text\n---\nd: [2]\n---\ne:\tf\n';
    const docs = readSimpleYaml(text);
    expect(docs?.map((d) => d.type)).toEqual(['read', 'left', 'left', 'read', 'left']);
    expect(docs?.filter((d) => d.type === 'left').map((d) => text.slice(d.from, d.to))).toEqual(['---\nb: &x 1\nc: *x\n', '--- |\n  text\n', '---\ne:\tf\n']);
    expect(differences(text)).toEqual([]);
    expect(fileDifferences(text)).toEqual([]);
  });

  it('reports every syntax error of every document, as yaml does on the whole text', () => {
    const issuer = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: a, namespace: n}\nspec: {acme: {solvers: [{http01: {ingress: {}}}]}}\n';
    const text = `${issuer}---\na: [1\n---\n${issuer}---\nb: {c: 1\nd: 2\n---\ne: 1\n  f: 2\n`;
    const file = new ParsedFile('f.yaml', text);
    expect(file.errors.map((e) => [e.code, e.line])).toEqual(new ParsedFile('f.yaml', text, { yamlOnly: true }).errors.map((e) => [e.code, e.line]));
    expect(file.errors.length).toBeGreaterThanOrEqual(3);
    expect([...file.brokenDocs]).toEqual([1, 3, 4]);
    expect(file.objects.map((o) => o.origin.type === 'file' && o.origin.docIndex)).toEqual([0, 2]);
    expect(fileDifferences(text)).toEqual([]);
  });

  it.each([
    ['a block mapping', 5_000, (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + `\n${' '.repeat(n)}x: 1\n`],
    ['block sequences', 100_000, (n: number) => `${'- '.repeat(n)}x\n`],
    ['flow sequences', 100_000, (n: number) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`],
    ['unclosed flow sequences', 100_000, (n: number) => `a: ${'['.repeat(n)}\n`],
    ['flow mappings', 100_000, (n: number) => `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
    ['flow and block together', 100_000, (n: number) => `a:\n  - b: ${'[{c: '.repeat(n / 2)}1${'}]'.repeat(n / 2)}\n`],
  ])('refuses %s nested past the limit with a named error', (_name, most, make) => {
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n';
    for (const depth of [MAX_NESTING_DEPTH + 10, 5_000, most]) {
      const file = new ParsedFile('deep.yaml', `${sa}---\n${make(depth)}---\n${sa}`);
      expect(file.errors.map((e) => e.code)).toEqual(['nesting']);
      expect(file.errors[0]?.message).toMatch(/nested more than 256 levels deep/);
      expect(file.errors[0]?.line).toBeGreaterThanOrEqual(5);
      expect(file.hasSyntaxErrors).toBe(true);
    }
    // Well inside the limit, it is read as before.
    expect(new ParsedFile('ok.yaml', `${sa}---\n${make(100)}`).errors.filter((e) => e.code === 'nesting')).toEqual([]);
  });

  it.skipIf(corpus.length === 0)('reads most of the corpus, each exactly as yaml does', () => {
    const read = corpus.filter(accepted);
    for (const text of corpus) expect(differences(text)).toEqual([]);
    // Most real manifests are plain block YAML (the rest have templates, ytt, anchors or block scalars).
    expect(read.length).toBeGreaterThan(corpus.length / 2);
  });

  it.skipIf(corpus.length === 0)('gives ParsedFile the objects, errors and ranges yaml gives, on the corpus', () => {
    for (const text of corpus) expect(fileDifferences(text)).toEqual([]);
  });

  it.skipIf(corpus.length === 0)('agrees with yaml on the corpus mutated at random', () => {
    const pieces = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '\n', '\n  ', '\n- ', '"', "'", '[', ']', '{', '}', ',', 'a', '1', '~', '---\n', '\r\n', '0x1', 'true'];
    const mutation = fc.record({ file: fc.nat(corpus.length - 1), edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat(3), put: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 3 }) });
    let agreed = 0;
    fc.assert(
      fc.property(mutation, ({ file, edits }) => {
        let text = corpus[file] as string;
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          text = text.slice(0, at) + e.put + text.slice(at + e.cut);
        }
        const diff = [...differences(text), ...fileDifferences(text)];
        if (diff.length > 0) throw new Error(`${JSON.stringify(text)}\n${diff.join('\n')}`);
        if (accepted(text)) agreed++;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );
    // The property means something only if the reader answers for many of the mutants.
    expect(agreed).toBeGreaterThan(500);
  });

  it('agrees with yaml on block and flow YAML made up line by line', () => {
    const content = ['k: v', 'k:', 'k2: 1', '- v', '- k: v', '- k:', '-', '# c', '', '  ', 'k: [a, 2]', 'k: "q"', "k: 'q'", 'k: # c', 'k: {}', '---', 'k: v # c', 'k: x:y',
      'k: {a: 1, b: [x, "y"]}', '- {name: a, value: b}', 'k: [', 'k: {', '],', ']', '}', '{a: 1},', 'a, b', '"q": 1', '- [1, {c: d}]', 'k: [{x: 1}] # c'];
    const line = fc.record({ indent: fc.constantFrom(0, 0, 0, 2, 2, 4, 6), text: fc.constantFrom(...content) });
    const soup = fc.record({ lines: fc.array(line, { minLength: 1, maxLength: 12 }), crlf: fc.boolean(), keys: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 12, maxLength: 12 }) });
    let agreed = 0;
    fc.assert(
      fc.property(soup, ({ lines, crlf, keys }) => {
        // Distinct key names per line, so that most made-up maps have no duplicate keys.
        const text = lines.map((l, i) => (l.text === '---' ? '---' : ' '.repeat(l.indent) + l.text.replace(/^(- )?k/, `$1${keys[i]}${i}`))).join(crlf ? '\r\n' : '\n');
        const diff = [...differences(text), ...fileDifferences(text)];
        if (diff.length > 0) throw new Error(`${JSON.stringify(text)}\n${diff.join('\n')}`);
        agreed += readSimpleYaml(text)?.filter((d) => d.type === 'read' && d.node !== null).length ?? 0;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );
    // Documents the reader read itself, not left to yaml.
    expect(agreed).toBeGreaterThan(300);
  });
});
