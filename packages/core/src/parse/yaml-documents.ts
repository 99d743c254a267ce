// `yaml`'s documents of a text or of one document's slice of it.
import { isMap, isScalar, parseAllDocuments, visit, YAMLParseError } from 'yaml';
import type { Document } from 'yaml';
import { explainCrLineEndings } from './cr-line-endings.js';
import { pointAtOpenings } from './unclosed-openings.js';

/** How many documents a text holds, counted by its `---` lines, for text `yaml` is not given. */
export function countDocuments(text: string): number {
  const markers = text.match(/^---(?=[ \t\r\n]|$)/gm)?.length ?? 0;
  return markers + (text.startsWith('---') ? 0 : 1);
}

/**
 * `yaml`'s parse of the one document in text[from, to), ended by a `---` line as in the whole text
 * (where a document ends decides how far some ranges reach); undefined if it is broken or several.
 */
export function parseSegment(text: string, from: number, to: number): Document.Parsed | undefined {
  const last = to >= text.length;
  return parseOneDocument(last ? text.slice(from) : text.slice(from, to), last);
}

/** `yaml`'s parse of a text that holds one document, followed by a `---` line unless it ends the stream; undefined if it is broken or several. */
export function parseOneDocument(text: string, last: boolean): Document.Parsed | undefined {
  // A document that ends mid-line (`{...}{...}`) gets a line break before the marker.
  const docs = parseDocuments(last ? text : `${text}${text.endsWith('\n') ? '' : '\n'}---\n`);
  if (docs.length !== (last ? 1 : 2) || docs.some((d) => d.errors.length > 0)) return undefined;
  return docs[0];
}

/**
 * Parse a text into `yaml`'s documents. `yaml` finds duplicate keys by comparing each key with every
 * earlier one of its map, which takes minutes on a JSON object of 200,000 keys; it is told not to,
 * and the same check is made here in one pass per map, with the error `yaml` would give.
 */
export function parseDocuments(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) addDuplicateKeyErrors(doc);
  explainCrLineEndings(text, docs);
  pointAtOpenings(text, docs.flatMap((d) => d.errors));
  return docs;
}

/** As `yaml`'s own check: scalar keys are equal when their values are (`===`), other keys never. */
function addDuplicateKeyErrors(doc: Document.Parsed): void {
  const found: YAMLParseError[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map) || map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) {
          seen.add(key.value);
          continue;
        }
        const at = key.range?.[0] ?? 0;
        found.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
      }
    },
  });
  if (found.length === 0) return;
  // In text order among the others, as `yaml` reports errors while it reads.
  doc.errors = [...doc.errors, ...found].sort((a, b) => a.pos[0] - b.pos[0]);
}
