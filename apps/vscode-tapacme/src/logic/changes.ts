import { coverChange } from '@tapacme/core';
import type { ChangedRange } from '@tapacme/core';

/** A change as VS Code's TextDocumentContentChangeEvent gives it. */
export interface ContentChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * One change event folded into the range changed since the last analysis. The changes of one event
 * are all given against the text before it, so their span is taken as one edit.
 */
export function foldChanges(covered: ChangedRange | undefined, changes: readonly { rangeOffset: number; rangeLength: number; text: string }[]): ChangedRange | undefined {
  if (changes.length === 0) return covered;
  let start = Infinity;
  let end = 0;
  let delta = 0;
  for (const c of changes) {
    start = Math.min(start, c.rangeOffset);
    end = Math.max(end, c.rangeOffset + c.rangeLength);
    delta += c.text.length - c.rangeLength;
  }
  return coverChange(covered, start, end - start, end - start + delta);
}

