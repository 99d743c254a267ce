import { afterEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from '../src/cluster/throttle.js';

afterEach(() => vi.useRealTimers());

/** Start n acquisitions; returns how many have got a slot so far. */
function start(t: Throttle, n: number): { granted: () => number } {
  let granted = 0;
  for (let i = 0; i < n; i++) void t.acquire().then(() => granted++);
  return { granted: () => granted };
}

describe('Throttle', () => {
  it('halves the requests in flight on a 429 and raises them by one per other answer', async () => {
    const t = new Throttle(8);
    const s = start(t, 20);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(s.granted()).toBe(8);
    t.release(true, 0);
    expect(t.limit).toBe(4);
    await new Promise((r) => setImmediate(r));
    // 7 still in flight, over the new limit of 4: nobody new starts until they drain below it.
    expect(s.granted()).toBe(8);
    for (let i = 0; i < 3; i++) t.release(false);
    expect(t.limit).toBe(7);
    await new Promise((r) => setImmediate(r));
    expect(s.granted()).toBe(11);
    expect(t.rejections).toBe(1);
    expect(t.lowest).toBe(4);
  });

  it('never goes below one, nor above the bound', () => {
    const t = new Throttle(2);
    for (let i = 0; i < 5; i++) t.release(true, 0);
    expect(t.limit).toBe(1);
    for (let i = 0; i < 5; i++) t.release(false);
    expect(t.limit).toBe(2);
  });

  it('holds every new request until the Retry-After has passed', async () => {
    vi.useFakeTimers();
    const t = new Throttle(4);
    await t.acquire();
    t.release(true, 3000);
    let through = false;
    void t.acquire().then(() => (through = true));
    await vi.advanceTimersByTimeAsync(2900);
    expect(through).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(through).toBe(true);
  });
});
