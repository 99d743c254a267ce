// The pieces of a text, each parsed once per distinct text: cut from scratch (reusing pieces by
// text), or worked out from the last run's around an edit.
import { trustedRange } from './changed-range.js';
import type { ChangedRange } from './changed-range.js';
import { Piece } from './piece.js';
import { pieceAt } from './placement.js';
import type { Placed } from './placement.js';
import { hasDirective, isMarkerLine, splitDocuments } from './split-documents.js';

/**
 * What a recut changed: in the pieces `from`, those from index `at` (`replaced`) gave way to
 * `fresh`; they hold documents `docs[0]` to `docs[1]`. The text after them moved `delta`
 * characters and `lineDelta` lines, and its documents moved when `docsMoved`.
 */
export interface PieceChange {
  from: readonly Placed[];
  at: number;
  replaced: Placed[];
  fresh: Placed[];
  docs: [number, number];
  docsMoved: boolean;
  delta: number;
  lineDelta: number;
}

export interface Cut {
  placed: Placed[];
  /** How many pieces were parsed for it. */
  parsed: number;
  change?: PieceChange;
}

export class PieceCache {
  /** Pieces by their text; undefined after a recut, rebuilt from the last pieces when a cut needs it. */
  private byText: Map<string, Piece> | undefined = new Map<string, Piece>();

  constructor(private readonly fileName: string) {}

  /**
   * The pieces of `text` worked out from `last`'s (the pieces of `old`): only the region around
   * what changed is cut again, and the pieces after it move. `last` must come from a text without
   * errors. Undefined when the region has a directive or an error; `cut` answers then.
   */
  recut(old: string, last: Placed[], text: string, changed: ChangedRange | undefined): Cut | undefined {
    if (old === text) return { placed: last, parsed: 0 };
    const edit = trustedRange(old, text, changed);
    const n = last.length;
    // From the piece before the edit: an edit at the start of a `---` line can join its piece to that one.
    const firstEdited = Math.max(0, pieceAt(last, edit.start) - 1);
    // To a piece that a `---` line ends: a boundary after a `...` line can move with the edit.
    let lastEdited = pieceAt(last, edit.oldEnd);
    while (lastEdited + 1 < n && !isMarkerLine(old, (last[lastEdited + 1] as Placed).offset)) lastEdited++;
    const first = last[firstEdited] as Placed;
    const after = last[lastEdited + 1];
    const delta = text.length - old.length;
    const region = text.slice(first.offset, after ? after.offset + delta : text.length);
    if (hasDirective(region)) return undefined;
    const byText = new Map<string, Placed>();
    for (let k = firstEdited; k <= lastEdited; k++) {
      const p = last[k] as Placed;
      byText.set(p.piece.file.source.text, p);
    }
    const fresh: Placed[] = [];
    let parsed = 0;
    let line = first.line;
    let docIndex = first.docIndex;
    const bounds = region.length > 0 ? splitDocuments(region) : [0];
    for (let b = 0; b + 1 < bounds.length; b++) {
      const start = bounds[b] as number;
      const t = region.slice(start, bounds[b + 1]);
      const was = byText.get(t);
      let piece = was?.piece;
      if (!piece) {
        piece = new Piece(this.fileName, t);
        parsed++;
      }
      if (piece.file.errors.length > 0) return undefined;
      // Its findings placed last time still hold if it did not move (they record where they were placed).
      fresh.push({ piece, offset: first.offset + start, line, docIndex, placement: was?.placement });
      line += piece.lineBreaks;
      docIndex += piece.file.docCount;
    }
    const placed = last.slice(0, firstEdited).concat(fresh);
    const docsMoved = after !== undefined && docIndex !== after.docIndex;
    const lineDelta = after ? line - after.line : 0;
    if (after) {
      const docDelta = docIndex - after.docIndex;
      // Moved in place: nothing outside the analyser holds a Placed, and the last run's are done with.
      for (let k = lastEdited + 1; k < n; k++) {
        const p = last[k] as Placed;
        p.offset += delta;
        p.line += lineDelta;
        p.docIndex += docDelta;
        placed.push(p);
      }
    }
    // The text-keyed map of `cut` is rebuilt from these pieces if it is needed again.
    this.byText = undefined;
    const change: PieceChange = { from: last, at: firstEdited, replaced: last.slice(firstEdited, lastEdited + 1), fresh, docs: [first.docIndex, docIndex], docsMoved, delta, lineDelta };
    return { placed, parsed, change };
  }

  /**
   * The pieces of `text`, cut from scratch; pieces whose text did not change are reused. A piece
   * with a syntax error is parsed together with its neighbours until the parse starts afresh at a
   * piece boundary.
   */
  cut(text: string, last: readonly Placed[] | undefined): Cut {
    const cache = this.byText ?? new Map((last ?? []).map((p) => [p.piece.file.source.text, p.piece]));
    const next = new Map<string, Piece>();
    let parsed = 0;
    const piece = (t: string): Piece => {
      let p = next.get(t) ?? cache.get(t);
      if (!p) {
        p = new Piece(this.fileName, t);
        parsed++;
      }
      next.set(t, p);
      return p;
    };
    const placed: Placed[] = [];
    let line = 0;
    let docIndex = 0;
    const bounds = splitDocuments(text);
    const n = bounds.length - 1;
    for (let i = 0; i < n; ) {
      let start = bounds[i] as number;
      let j = i + 1;
      let p = piece(text.slice(start, bounds[j]));
      if (p.hasErrors) {
        // The parser files a stray token after `---` under the document before it: parse them together.
        if (placed.length > 0) {
          let prev: Placed;
          do {
            prev = placed.pop() as Placed;
            line -= prev.piece.lineBreaks;
            docIndex -= prev.piece.file.docCount;
          } while (prev.piece.file.docCount === 0 && placed.length > 0);
          start = prev.offset;
        }
        // Broken YAML can run past the next marker (an unclosed quote does): take in the following
        // pieces until the parse of them together starts afresh at a piece boundary.
        // The clean piece it ends with stays in, so errors keep the positions that lookahead gave them.
        for (; j < n; j++) {
          const merged = piece(text.slice(start, bounds[j + 1]));
          if (startsAfresh(merged, (bounds[j] as number) - start, piece(text.slice(bounds[j], bounds[j + 1])))) {
            p = merged;
            j++;
            break;
          }
        }
        if (j >= n) p = piece(text.slice(start));
      }
      placed.push({ piece: p, offset: start, line, docIndex, placement: undefined });
      line += p.lineBreaks;
      docIndex += p.file.docCount;
      i = j;
    }
    this.byText = next;
    return { placed, parsed };
  }
}

/**
 * True when `merged` (a broken piece and the clean piece `alone` after it) holds, from offset `at`
 * on, exactly the documents of `alone`: the parser was back at a document start at the boundary.
 */
function startsAfresh(merged: Piece, at: number, alone: Piece): boolean {
  const after = alone.file.docs;
  if (alone.hasErrors || after.length === 0) return false;
  const docs = merged.file.docs;
  const first = docs.findIndex((d) => (d.range?.[0] ?? -1) >= at);
  if (first === -1 || docs[first]?.range?.[0] !== at || docs.length - first !== after.length) return false;
  return docs.every((d, k) => (k < first ? (d.range?.[2] ?? Infinity) <= at : d.errors.length === 0));
}
