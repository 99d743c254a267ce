// Splicing: after a recut, the last run's findings with the edited pieces' replaced and those after
// them moved. An edit costs what it changed and the findings below it, not a visit to every piece.
import type { Finding } from '../finding.js';
import type { PieceChange } from './piece-cache.js';
import { movedFinding, pieceIndexOfDoc } from './placement.js';
import type { Placed } from './placement.js';

/** A run's findings in piece order: piece k's are `findings[pieceStarts[k]]` up to `findings[pieceStarts[k + 1]]`. */
export interface FindingsByPiece {
  placed: readonly Placed[];
  settingsKey: string;
  findings: readonly Finding[];
  pieceStarts: Int32Array;
}

/**
 * The findings of `placed` spliced from `last` (the run over `change.from`): the edited pieces and
 * those of `changedDocs` (whose set-rule findings changed) are asked `findingsOf`; the others' are
 * copied, moved when they come after the edit. Undefined when the last findings cannot be reused:
 * documents moved, or a finding that is asked for has no range (it would not sort by piece).
 */
export function spliceFindings(last: FindingsByPiece, change: PieceChange, placed: readonly Placed[], changedDocs: ReadonlySet<number>, findingsOf: (p: Placed) => readonly Finding[]): FindingsByPiece | undefined {
  if (change.from !== last.placed || change.docsMoved) return undefined;
  // The edited pieces, at least one while pieces follow them, keep every run of copied pieces on one side of the edit.
  if (change.fresh.length === 0) return undefined;
  const freshEnd = change.at + change.fresh.length;
  // A piece after the edited ones was this many places further in the last run.
  const shift = change.replaced.length - change.fresh.length;
  const dirty = new Set<number>();
  for (let k = change.at; k < freshEnd; k++) dirty.add(k);
  for (const doc of changedDocs) {
    const k = pieceIndexOfDoc(placed, doc);
    if (k !== -1) dirty.add(k);
  }
  const order = [...dirty].sort((a, b) => a - b);
  const out: Finding[] = [];
  const starts = new Int32Array(placed.length + 1);
  const lastStarts = last.pieceStarts;
  let k = 0;
  // Pieces k to `to` (none of them edited) keep their findings, moved with the text after the edit.
  const copy = (to: number): void => {
    if (k >= to) return;
    const was = k < change.at ? k : k + shift;
    const wasEnd = was + (to - k);
    const base = out.length - (lastStarts[was] as number);
    for (let j = 0; j < to - k; j++) starts[k + j] = (lastStarts[was + j] as number) + base;
    const end = lastStarts[wasEnd] as number;
    if (k < change.at || (change.delta === 0 && change.lineDelta === 0)) for (let x = lastStarts[was] as number; x < end; x++) out.push(last.findings[x] as Finding);
    else for (let x = lastStarts[was] as number; x < end; x++) out.push(movedFinding(last.findings[x] as Finding, change.delta, change.lineDelta));
    k = to;
  };
  for (const d of order) {
    copy(d);
    starts[d] = out.length;
    for (const f of findingsOf(placed[d] as Placed)) {
      if (!f.range) return undefined;
      out.push(f);
    }
    k = d + 1;
  }
  copy(placed.length);
  starts[placed.length] = out.length;
  return { placed, settingsKey: last.settingsKey, findings: out, pieceStarts: starts };
}
