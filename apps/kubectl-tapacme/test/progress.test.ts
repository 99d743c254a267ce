import { describe, expect, it } from 'vitest';
import { Progress } from '../src/cluster/progress.js';
import type { OpResult } from '../src/cluster/execute.js';

const created = { outcome: 'created', attempts: 1, op: {} } as unknown as OpResult;

describe('Progress', () => {
  it('says nothing when stderr is not a terminal', () => {
    const err: string[] = [];
    const p = new Progress({ err: (s: string) => err.push(s) } as never, 10, false, false);
    for (let i = 1; i <= 10; i++) p.update(created, i);
    p.finish();
    expect(err).toEqual([]);
  });

  it('shows done of total, the rate and the time left on a terminal', () => {
    const err: string[] = [];
    let now = 1_000_000;
    const p = new Progress({ err: (s: string) => err.push(s) } as never, 1000, false, true, () => now);
    p.update(created, 1);
    for (let i = 2; i <= 201; i++) {
      now += 5; // 200 a second
      p.update(created, i);
    }
    expect(err.at(-1)?.startsWith('\r\u001b[K')).toBe(true);
    expect(err.at(-1)?.slice(4)).toMatch(/^201\/1000 \(20%\), 20\d\/s, ETA [45]s: 201 created, 0 updated, 0 unchanged, 0 not done$/);
    p.finish();
    expect(err.at(-1)).toBe('\r\u001b[K');
  });
});
