import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, backoffMs, isTransientNetworkError, isTransientStatus, nextDelayMs, retryAfterMs } from '../../../src/cluster/retry.js';

describe('retry policy', () => {
  it('backs off exponentially with jitter in [d/2, d], capped', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([0, 1, 2, 3].map((a) => backoffMs(a, DEFAULT_RETRY, low))).toEqual([125, 250, 500, 1000]);
    expect([0, 1, 2, 3].map((a) => backoffMs(a, DEFAULT_RETRY, high))).toEqual([250, 500, 1000, 2000]);
    expect(backoffMs(20, DEFAULT_RETRY, high)).toBe(DEFAULT_RETRY.capMs);
  });

  it('spreads clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffMs(3)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('honours Retry-After in seconds or as a date, bounded', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 02 Dec 2026 10:00:05 GMT', Date.parse('Wed, 02 Dec 2026 10:00:00 GMT'))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(nextDelayMs(0, '3')).toEqual({ ms: 3000, why: 'Retry-After' });
    expect(nextDelayMs(0, '3600')).toEqual({ ms: DEFAULT_RETRY.maxRetryAfterMs, why: 'Retry-After' });
    expect(nextDelayMs(0, undefined, DEFAULT_RETRY, () => 0)).toEqual({ ms: 125, why: 'backoff' });
  });

  it('retries throttling, server failures and dropped or silent connections, not refusals', () => {
    expect([429, 500, 502, 503, 504].every(isTransientStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 410, 422].some(isTransientStatus)).toBe(false);
    expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'IDLE_TIMEOUT', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'].every(isTransientNetworkError)).toBe(true);
    expect(['REQUEST_TIMEOUT', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ENOTFOUND', ''].some(isTransientNetworkError)).toBe(false);
  });
});
