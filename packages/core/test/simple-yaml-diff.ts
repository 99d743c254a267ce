// The fast reader against `yaml` itself: whenever it reads a document, the document, its value and
// every node range must be `yaml`'s; and ParsedFile must give what it gives with `yaml` alone.
// Shared by the unit tests and the differential fuzz (bench/fuzz).
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import type { JsonPath } from '../src/model/manifest-object.js';
import { excessNesting } from '../src/parse/nesting.js';
import { ParsedFile } from '../src/parse/parsed-file.js';
import { simpleValue } from '../src/parse/simple-yaml/nodes.js';
import type { SimpleNode } from '../src/parse/simple-yaml/nodes.js';
import { readSimpleYaml } from '../src/parse/simple-yaml/read-stream.js';

/** Differences between the fast reader's documents and `yaml`'s; empty when they agree (or the reader left the text). */
export function readerDifferences(text: string): string[] {
  const simple = readSimpleYaml(text);
  // ParsedFile refuses text nested past the limit before `yaml` sees it.
  if (!simple || excessNesting(text) !== -1) return [];
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false, logLevel: 'error' });
  const out: string[] = [];
  if (!Array.isArray(docs)) return ['yaml read no document stream'];
  // ParsedFile reads the whole text with `yaml` when a document the reader left is broken or several
  // to `yaml` (which can then place an error in a neighbouring document): nothing to compare then.
  const unsettled = simple.some((d) => {
    if (d.type !== 'left') return false;
    const last = d.to >= text.length;
    const alone = parseAllDocuments(last ? text.slice(d.from) : `${text.slice(d.from, d.to)}---\n`, { logLevel: 'error' });
    return !Array.isArray(alone) || alone.length !== (last ? 1 : 2) || alone.some((a) => a.errors.length > 0);
  });
  if (unsettled) return [];
  if (docs.length !== simple.length) return [`documents: ${simple.length}, yaml ${docs.length}`];
  docs.forEach((doc, i) => {
    const mine = simple[i];
    if (!mine || mine.type === 'left') return;
    if (doc.errors.length > 0) out.push(`doc ${i}: yaml reports ${doc.errors[0]?.message}`);
    const value = simpleValue(mine.node);
    if (JSON.stringify(doc.toJS()) !== JSON.stringify(value)) out.push(`doc ${i}: value ${JSON.stringify(value)}, yaml ${JSON.stringify(doc.toJS())}`);
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
    if (node.items.length !== mine.entries.length) out.push(`${at}: ${mine.entries.length} entries, yaml ${node.items.length}`);
    mine.entries.forEach((entry, k) => {
      const pair = node.items[k];
      const key = pair?.key as Node | undefined;
      if (!pair || !key?.range) return void out.push(`${at}.${entry.key}: yaml has no pair ${k}`);
      if (entry.keyStart !== key.range[0] || entry.keyEnd !== key.range[1]) out.push(`${at}.${entry.key}: key [${entry.keyStart}, ${entry.keyEnd}], yaml [${key.range[0]}, ${key.range[1]}]`);
      compare(pair.value as Node | null, entry.value, `${at}.${entry.key}`, collectionEnds, out);
    });
  } else if (mine.type === 'seq') {
    if (!isSeq(node)) return void out.push(`${at}: seq, yaml not`);
    if (node.items.length !== mine.items.length) out.push(`${at}: ${mine.items.length} items, yaml ${node.items.length}`);
    mine.items.forEach((item, k) => compare(node.items[k] as Node | null, item, `${at}[${k}]`, collectionEnds, out));
  } else if (!isScalar(node)) out.push(`${at}: scalar, yaml not`);
}

/** Every path into a value, including paths one step past its leaves (which locate answers with an ancestor). */
function paths(v: unknown, at: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [at, [...at, 'missing']];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** Differences between ParsedFile as it reads `text` and ParsedFile made to use `yaml` alone. */
export function fileDifferences(text: string): string[] {
  const fast = new ParsedFile('f.yaml', text);
  const slow = new ParsedFile('f.yaml', text, { yamlOnly: true });
  const out: string[] = [];
  if (fast.docCount !== slow.docCount) out.push(`docCount ${fast.docCount}, yaml ${slow.docCount}`);
  if (fast.hasSyntaxErrors !== slow.hasSyntaxErrors) out.push(`hasSyntaxErrors ${fast.hasSyntaxErrors}, yaml ${slow.hasSyntaxErrors}`);
  if (JSON.stringify(fast.objects) !== JSON.stringify(slow.objects)) out.push('objects differ');
  if (JSON.stringify(fast.errors) !== JSON.stringify(slow.errors)) out.push(`errors differ: ${JSON.stringify(fast.errors)}, yaml ${JSON.stringify(slow.errors)}`);
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

/** The reader read every document of the text itself. */
export function readAll(text: string): boolean {
  const docs = readSimpleYaml(text);
  return docs !== undefined && docs.every((d) => d.type === 'read');
}
