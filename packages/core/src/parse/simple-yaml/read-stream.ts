import { GIVE_UP, LineCursor } from './line-cursor.js';
import type { StreamDocument } from './nodes.js';
import { readBlock } from './read-block.js';

/**
 * A fast reader for the YAML that manifests are mostly written in: block maps and sequences, flow
 * collections on one line or over several, single-line plain and quoted scalars, comments, `---`
 * between documents, LF or CRLF. It gives the same values and the same node ranges as the `yaml`
 * package for that subset, several times faster, and leaves each document it cannot read exactly to
 * `yaml`: anchors, aliases, tags, block scalars, multi-line scalars, tabs, nesting past
 * MAX_NESTING_DEPTH, and anything `yaml` would report as an error. A few things make it leave the
 * whole text to `yaml`: directives, `...` markers, template markers, ytt annotations, a BOM.
 *
 * Scalars are typed by `yaml` itself (core schema), so `0o17`, `.inf` or `~` mean what they mean there.
 * Full-line comments make `yaml` extend some collection ranges over them; documents that have any
 * are marked, and their collection ranges are asked of `yaml` (see ParsedFile.locate).
 *
 * This file splits the stream into documents; read-block.ts and read-flow.ts read a document's
 * collections, read-scalar.ts its scalars, all over the line-cursor.ts.
 */

// Reasons to leave the whole text to `yaml`: directives, `...` markers, template markers, ytt annotations, a BOM.
const WHOLE_TEXT = /(?:^|\n)(?:%|\.\.\.(?:[ \t\r\n]|$))|\{\{|\{%|\{#|#@|#!|^\ufeff/;
// Reasons to leave one document to `yaml`: tabs, control characters, lone CRs, BOMs, line separators.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const UNSUPPORTED = /[\t\0-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufeff]|\r(?!\n)/g;

/**
 * The documents of `text`, each read or left to `yaml`, or undefined when the whole text is for
 * `yaml`. Document boundaries are the `---` lines, as `yaml` finds them in any context.
 */
export function readSimpleYaml(text: string): StreamDocument[] | undefined {
  if (WHOLE_TEXT.test(text)) return undefined;
  const cur = new LineCursor(text);
  const unsupported = new UnsupportedCharacters(text);
  const docs: StreamDocument[] = [];
  cur.load(0);
  let segment = 0; // where this document's text begins, its `---` line included
  let from = 0;
  let explicit = false;
  let markerContent = false;
  for (;;) {
    cur.comments = false;
    cur.depth = 0;
    let doc: StreamDocument | undefined;
    try {
      if (markerContent) throw GIVE_UP;
      cur.skipNonContent();
      const node = cur.atMarker || cur.lineStart >= text.length ? null : readBlock(cur, -1);
      if (node !== null) {
        cur.skipNonContent();
        if (!cur.atMarker && cur.lineStart < text.length) throw GIVE_UP;
      }
      if (unsupported.within(segment, cur.lineStart)) throw GIVE_UP;
      // Without a `---`, a stream of only comments and blank lines holds no document.
      if (explicit || node !== null) doc = { type: 'read', from, to: cur.lineStart, node, hasLineComments: cur.comments };
    } catch (err) {
      if (err !== GIVE_UP) throw err;
      while (!cur.atMarker && cur.lineStart < text.length) cur.load(cur.nextLine);
      doc = { type: 'left', from: segment, to: cur.lineStart };
    }
    if (doc) docs.push(doc);
    if (!cur.atMarker) break;
    explicit = true;
    markerContent = cur.markerContent;
    segment = cur.lineStart;
    from = cur.nextLine;
    cur.load(cur.nextLine);
  }
  return docs;
}

/** Offsets of the characters the reader does not read, asked about document by document, in order. */
class UnsupportedCharacters {
  private readonly offsets: number[] = [];
  /** The next offset at or after the last document's start. */
  private at = 0;

  constructor(text: string) {
    UNSUPPORTED.lastIndex = 0;
    for (let m = UNSUPPORTED.exec(text); m; m = UNSUPPORTED.exec(text)) this.offsets.push(m.index);
  }

  /** Whether one lies in [from, to); `from` never goes back. */
  within(from: number, to: number): boolean {
    const u = this.offsets;
    let k = this.at;
    while (k < u.length && (u[k] as number) < from) k++;
    this.at = k;
    return k < u.length && (u[k] as number) < to;
  }
}
