/** Where the text changed: `start` to `oldEnd` in the last text became `start` to `newEnd` in this one. */
export interface ChangedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Fold one more edit (offset and length of the replaced text in the current text, and the length
 * of what replaced it, as VS Code reports them) into the range that covers the edits since the last
 * analysis. Several edits of one event are folded one by one, each with its own offset.
 */
export function coverChange(covered: ChangedRange | undefined, offset: number, removed: number, inserted: number): ChangedRange {
  const edit = { start: offset, oldEnd: offset + removed, newEnd: offset + inserted };
  if (!covered) return edit;
  const d1 = covered.newEnd - covered.oldEnd;
  const d2 = edit.newEnd - edit.oldEnd;
  const start = Math.min(covered.start, edit.start);
  // The last text's tail after both edits is unchanged; where it starts, in the last text's offsets.
  const oldEnd = Math.max(covered.oldEnd, edit.oldEnd - d1);
  return { start, oldEnd, newEnd: oldEnd + d1 + d2 };
}

/**
 * Where two texts differ: `a.slice(start, oldEnd)` became `b.slice(start, newEnd)`. Equal runs are
 * compared as slices, which the engine does natively, in steps that grow while they match.
 */
export function changedRange(a: string, b: string): ChangedRange {
  const max = Math.min(a.length, b.length);
  let s = 0;
  for (let step = 256; step > 0; ) {
    if (s + step <= max && a.slice(s, s + step) === b.slice(s, s + step)) {
      s += step;
      step *= 2;
    } else step >>= 1;
  }
  const room = max - s;
  let e = 0;
  for (let step = 256; step > 0; ) {
    if (e + step <= room && a.slice(a.length - e - step, a.length - e) === b.slice(b.length - e - step, b.length - e)) {
      e += step;
      step *= 2;
    } else step >>= 1;
  }
  return { start: s, oldEnd: a.length - e, newEnd: b.length - e };
}

/** `changed` when it fits the two texts' lengths; otherwise (not to be trusted) worked out from them. */
export function trustedRange(old: string, text: string, changed: ChangedRange | undefined): ChangedRange {
  return changed && changed.newEnd - changed.oldEnd === text.length - old.length && changed.start >= 0 && changed.oldEnd <= old.length ? changed : changedRange(old, text);
}
