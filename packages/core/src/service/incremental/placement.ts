// Placement arithmetic: where each piece sits in the stream, and findings moved from piece-relative
// (or last run's) positions to where they are now.
import type { ManifestObject } from '../../model/manifest-object.js';
import type { Range } from '../../text/source-text.js';
import type { Finding } from '../finding.js';
import type { Piece, RelativeFinding } from './piece.js';

/** A piece of the stream where it sits in this run. */
export interface Placed {
  piece: Piece;
  offset: number;
  line: number;
  docIndex: number;
  /** Its findings as they were placed last, kept while the piece does not move. */
  placement: Placement | undefined;
}

/** A piece's findings placed at one offset, line and document index, with what they were made from. */
export interface Placement {
  piece: Piece;
  settingsKey: string;
  /** The set-rule findings of its documents, as given. */
  setFindings: RelativeFinding[] | undefined;
  /** Its object-rule and set-rule findings, relative to the piece, sorted. */
  relativeFindings: readonly RelativeFinding[];
  offset: number;
  line: number;
  docIndex: number;
  findings: Finding[];
}

/** The piece that holds `offset` (the last one for the end of the text). */
export function pieceAt(placed: readonly Placed[], offset: number): number {
  return lastAtOrBefore(placed, 'offset', offset);
}

/** The index of the placed piece that holds a document, or -1. */
export function pieceIndexOfDoc(placed: readonly Placed[], doc: number): number {
  const lo = lastAtOrBefore(placed, 'docIndex', doc);
  // Pieces without documents share an index with the next one: take the one that has it.
  for (let i = lo; i >= 0; i--) {
    const p = placed[i] as Placed;
    if (p.docIndex <= doc && doc < p.docIndex + p.piece.file.docCount) return i;
  }
  return -1;
}

/** The placed piece that holds an object (pieces are in document order). */
export function pieceOfObject(placed: readonly Placed[], object: ManifestObject): Placed | undefined {
  if (object.origin.type !== 'file') return undefined;
  return placed[pieceIndexOfDoc(placed, object.origin.docIndex)];
}

/** The last piece whose `key` is at most `value` (0 when none is); pieces are in order of both keys. */
function lastAtOrBefore(placed: readonly Placed[], key: 'offset' | 'docIndex', value: number): number {
  let lo = 0;
  let hi = placed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((placed[mid] as Placed)[key] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A piece-relative finding where its piece sits now. */
export function placeFinding(r: RelativeFinding, p: Placed): Finding {
  const f = r.finding;
  return withPosition(f, f.docIndex === undefined ? undefined : f.docIndex + p.docIndex, f.range && shiftRange(f.range, p.offset, p.line));
}

/** A finding `delta` characters and `lineDelta` lines further on. */
export function movedFinding(f: Finding, delta: number, lineDelta: number): Finding {
  return withPosition(f, f.docIndex, f.range && shiftRange(f.range, delta, lineDelta));
}

/**
 * `f` at another document index and range. One literal with every key, in the order analyze()
 * writes them: one allocation, one shape. Keys analyze() leaves out are undefined here, which JSON
 * and deep equality read as absent.
 */
function withPosition(f: Finding, docIndex: number | undefined, range: Range | undefined): Finding {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    object: f.object,
    path: f.path,
    fixes: f.fixes,
    data: f.data,
    fileName: f.fileName,
    docIndex,
    itemPath: docIndex === undefined ? undefined : f.itemPath,
    range,
  } as Finding;
}

/** A range `delta` characters and `lineDelta` lines further on (columns stay: pieces start lines). */
export function shiftRange(r: Range, delta: number, lineDelta: number): Range {
  return {
    start: { line: r.start.line + lineDelta, character: r.start.character, offset: r.start.offset + delta },
    end: { line: r.end.line + lineDelta, character: r.end.character, offset: r.end.offset + delta },
  };
}
