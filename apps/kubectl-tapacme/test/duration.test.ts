import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration.js';

describe('parseDuration (Go and kubectl grammar)', () => {
  it('reads every unit, fractions and sequences', () => {
    expect(['300ms', '1.5h', '2h45m', '1m30s', '2500us', '2500µs', '1500000ns', '.5s', '0'].map(parseDuration)).toEqual([300, 5_400_000, 9_900_000, 90_000, 3, 3, 2, 500, 0]);
  });

  it('takes a bare number as seconds, as kubectl --request-timeout does', () => {
    expect([parseDuration('5'), parseDuration('1.5')]).toEqual([5000, 1500]);
  });

  it('rejects what Go rejects, and signs', () => {
    for (const bad of ['', 's', '5x', '1m 30s', '-1s', '+1s', '1.2.3s', 'soon']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
