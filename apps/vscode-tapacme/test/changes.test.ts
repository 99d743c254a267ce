import { describe, expect, it } from 'vitest';
import { foldChanges } from '../src/logic/changes.js';
import type { ContentChange } from '../src/logic/changes.js';
import type { ChangedRange } from '@tapacme/core';

/** Apply one event's changes as VS Code describes them: all against the text before the event. */
function applyEvent(text: string, changes: readonly ContentChange[]): string {
  let out = text;
  for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
  return out;
}

describe('foldChanges', () => {
  it('covers every change of several events, multi-cursor edits included', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % (n + 1));
    for (let run = 0; run < 2000; run++) {
      const text = 'abcdefghij'.repeat(1 + rnd(3)).slice(rnd(9));
      let t = text;
      let covered: ChangedRange | undefined;
      for (let e = rnd(3); e >= 0; e--) {
        // Up to three changes that do not overlap, all against the text before the event.
        const changes: ContentChange[] = [];
        let from = 0;
        for (let k = rnd(2); k >= 0 && from <= t.length; k--) {
          const rangeOffset = from + rnd(Math.min(5, t.length - from));
          const rangeLength = rnd(Math.min(3, t.length - rangeOffset));
          changes.push({ rangeOffset, rangeLength, text: 'XYZ'.slice(0, rnd(3)) });
          from = rangeOffset + rangeLength + 1;
        }
        t = applyEvent(t, changes);
        covered = foldChanges(covered, changes);
      }
      const c = covered as ChangedRange;
      expect(t.slice(0, c.start)).toBe(text.slice(0, c.start));
      expect(t.slice(c.newEnd)).toBe(text.slice(c.oldEnd));
      expect(c.newEnd - c.oldEnd).toBe(t.length - text.length);
    }
  });

  it('keeps the last range for an event without changes', () => {
    const r = { start: 1, oldEnd: 2, newEnd: 3 };
    expect(foldChanges(r, [])).toBe(r);
  });
});
