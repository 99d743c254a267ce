// `yaml`'s documents of a text or of one document's slice of it.
import { parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';

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
  const docs = parseDocuments(last ? text.slice(from) : `${text.slice(from, to)}---\n`);
  if (docs.length !== (last ? 1 : 2) || docs.some((d) => d.errors.length > 0)) return undefined;
  return docs[0];
}

/** Parse a text into `yaml`'s documents. */
export function parseDocuments(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false }) as Document.Parsed[];
  return Array.isArray(docs) ? docs : [];
}
