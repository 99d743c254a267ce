import { visit } from 'yaml';
import type { Document } from 'yaml';
import { parseSegment } from './yaml-documents.js';

/**
 * One document's share of the text: from its `---` line (the text's start for the first) to the
 * next document's `---` line (the text's end for the last). The spans of a file cover it, in order.
 */
export interface DocumentSpan {
  from: number;
  to: number;
}

/** The spans of documents that end where the next one's `---` line begins (`to`), as the fast reader splits a text. */
export function documentSpans(docs: readonly { to: number }[], length: number): DocumentSpan[] {
  return docs.map((d, i) => ({ from: i === 0 ? 0 : (docs[i - 1] as { to: number }).to, to: i === docs.length - 1 ? length : d.to }));
}

/**
 * One document of a stream parsed on its own, its node ranges moved to offsets in the whole text, so
 * that fixes edit a big file by the few documents they touch. Undefined when it does not parse alone.
 */
export function parseSpan(text: string, span: DocumentSpan): Document.Parsed | undefined {
  const doc = parseSegment(text, span.from, span.to);
  if (doc && span.from > 0) shiftRanges(doc, span.from);
  return doc;
}

function shiftRanges(doc: Document.Parsed, by: number): void {
  const move = (r: [number, number, number]): [number, number, number] => [r[0] + by, r[1] + by, r[2] + by];
  doc.range = move(doc.range);
  visit(doc, {
    Node(_key, node) {
      if (node.range) node.range = move(node.range);
    },
  });
}
