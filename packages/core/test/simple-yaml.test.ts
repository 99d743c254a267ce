// The fast reader against `yaml` itself: whenever it answers, its documents, values and node
// ranges must be `yaml`'s. Inputs: hand-picked cases, the real corpus, and the corpus mutated at random.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ParsedFile } from '../src/parse/parsed-file.js';
import type { JsonPath } from '../src/model/manifest-object.js';
import { readSimpleYaml } from '../src/parse/simple-yaml.js';
import type { SimpleNode } from '../src/parse/simple-yaml.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const corpusDir = process.env.TAPACME_CORPUS ?? join(repo, '..', 'shared', 'corpus');
const corpus = existsSync(corpusDir)
  ? readdirSync(corpusDir)
      .filter((f) => f !== 'INDEX.tsv')
      .sort()
      .map((f) => readFileSync(join(corpusDir, f), 'utf8'))
  : [];

/** Differences between the fast reader's answer and `yaml`'s; empty when they agree (or the reader gave up). */
function differences(text: string): string[] {
  const simple = readSimpleYaml(text);
  if (!simple) return [];
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false });
  const out: string[] = [];
  if (!Array.isArray(docs)) return ['yaml read no document stream'];
  if (docs.length !== simple.length) return [`documents: ${simple.length}, yaml ${docs.length}`];
  docs.forEach((doc, i) => {
    const mine = simple[i];
    if (!mine) return;
    if (doc.errors.length > 0) out.push(`doc ${i}: yaml reports ${doc.errors[0]?.message}`);
    if (JSON.stringify(doc.toJS()) !== JSON.stringify(mine.value)) out.push(`doc ${i}: value ${JSON.stringify(mine.value)}, yaml ${JSON.stringify(doc.toJS())}`);
    compare(doc.contents as Node | null, mine.node, `doc ${i}`, !mine.hasLineComments, out);
  });
  return out;
}

function compare(node: Node | null, mine: SimpleNode | null, at: string, collectionEnds: boolean, out: string[]): void {
  if (mine === null) {
    // An empty document: yaml gives it a null scalar; the reader no node.
    if (node && !(isScalar(node) && node.value === null)) out.push(`${at}: no node, yaml has one`);
    return;
  }
  if (!node?.range) return void out.push(`${at}: yaml has no node`);
  const [s, e] = node.range;
  const checkEnd = mine.type === 'scalar' || collectionEnds;
  if (mine.start !== s || (checkEnd && mine.end !== e)) out.push(`${at}: range [${mine.start}, ${mine.end}], yaml [${s}, ${e}]`);
  if (mine.type === 'map') {
    if (!isMap(node)) return void out.push(`${at}: map, yaml not`);
    mine.entries.forEach((entry, k) => {
      const pair = node.items[k];
      const key = pair?.key as Node | undefined;
      if (!pair || !key?.range) return void out.push(`${at}.${entry.key}: yaml has no pair ${k}`);
      if (entry.keyStart !== key.range[0] || entry.keyEnd !== key.range[1]) out.push(`${at}.${entry.key}: key [${entry.keyStart}, ${entry.keyEnd}], yaml [${key.range[0]}, ${key.range[1]}]`);
      compare(pair.value as Node | null, entry.value, `${at}.${entry.key}`, collectionEnds, out);
    });
  } else if (mine.type === 'seq') {
    if (!isSeq(node)) return void out.push(`${at}: seq, yaml not`);
    mine.items.forEach((item, k) => compare(node.items[k] as Node | null, item, `${at}[${k}]`, collectionEnds, out));
  } else if (!isScalar(node)) out.push(`${at}: scalar, yaml not`);
}

const accepted = (text: string): boolean => readSimpleYaml(text) !== undefined;

/** Every path into a value, including paths one step past its leaves (which locate answers with an ancestor). */
function paths(v: unknown, at: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [at, [...at, 'missing']];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** Differences between ParsedFile as it reads `text` and ParsedFile made to use `yaml` alone. */
function fileDifferences(text: string): string[] {
  const fast = new ParsedFile('f.yaml', text);
  const slow = new ParsedFile('f.yaml', text, { yamlOnly: true });
  const out: string[] = [];
  if (fast.docCount !== slow.docCount) out.push(`docCount ${fast.docCount}, yaml ${slow.docCount}`);
  if (JSON.stringify(fast.objects) !== JSON.stringify(slow.objects)) out.push('objects differ');
  if (JSON.stringify(fast.errors) !== JSON.stringify(slow.errors)) out.push('errors differ');
  for (const o of slow.objects) {
    if (o.origin.type !== 'file') continue;
    for (const path of paths(o.value, o.origin.itemPath)) {
      for (const part of ['key', 'value', 'pair'] as const) {
        const a = JSON.stringify(fast.locate(o.origin.docIndex, path, part));
        const b = JSON.stringify(slow.locate(o.origin.docIndex, path, part));
        if (a !== b) out.push(`locate(${o.origin.docIndex}, ${path.join('.')}, ${part}): ${a}, yaml ${b}`);
      }
    }
  }
  return out;
}

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
    ['a flow map with entries', 'a: {b: c}\n'],
    ['a flow sequence over lines', 'a: [b,\n  c]\n'],
    ['an empty sequence item', 'a:\n-\n- b\n'],
    ['a top-level scalar', 'just text\n'],
    ['a number key', '80: http\n'],
  ])('gives %s to yaml', (_name, text) => {
    expect(accepted(text)).toBe(false);
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

  it('agrees with yaml on block YAML made up line by line', () => {
    const content = ['k: v', 'k:', 'k2: 1', '- v', '- k: v', '- k:', '-', '# c', '', '  ', 'k: [a, 2]', 'k: "q"', "k: 'q'", 'k: # c', 'k: {}', '---', 'k: v # c', 'k: x:y'];
    const line = fc.record({ indent: fc.constantFrom(0, 0, 0, 2, 2, 4, 6), text: fc.constantFrom(...content) });
    const soup = fc.record({ lines: fc.array(line, { minLength: 1, maxLength: 12 }), crlf: fc.boolean(), keys: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 12, maxLength: 12 }) });
    let agreed = 0;
    fc.assert(
      fc.property(soup, ({ lines, crlf, keys }) => {
        // Distinct key names per line, so that most made-up maps have no duplicate keys.
        const text = lines.map((l, i) => (l.text === '---' ? '---' : ' '.repeat(l.indent) + l.text.replace(/^(- )?k/, `$1${keys[i]}${i}`))).join(crlf ? '\r\n' : '\n');
        const diff = [...differences(text), ...fileDifferences(text)];
        if (diff.length > 0) throw new Error(`${JSON.stringify(text)}\n${diff.join('\n')}`);
        if (accepted(text)) agreed++;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );
    expect(agreed).toBeGreaterThan(300);
  });
});
