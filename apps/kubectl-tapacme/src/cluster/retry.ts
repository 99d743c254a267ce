// When a request to the API server is tried again, and after how long: bounded exponential backoff
// with full jitter (so many clients that failed together do not return together), and the server's
// Retry-After when it sends one, as client-go honours it for 429 and 5xx answers.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first backoff; each later one doubles, up to capMs. */
  baseMs: number;
  capMs: number;
  /** A Retry-After longer than this is cut to it, so a run stays bounded. */
  maxRetryAfterMs: number;
}

/** About 15 s of backoff in all before giving up, more when the server asks for it. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 250, capMs: 8000, maxRetryAfterMs: 30_000 };

/** Statuses that say "not now" rather than "no": throttled, or the server (or a proxy) failed. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Network failures worth another attempt: the connection was refused, dropped, cut or went silent. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'IDLE_TIMEOUT']);

export function isTransientNetworkError(code: string): boolean {
  // A stream cut inside a TLS record surfaces as an SSL error rather than a reset.
  return TRANSIENT_CODES.has(code) || code.startsWith('ERR_SSL_');
}

/** The wait before attempt `attempt + 1` (attempt counts from 0): uniform in [d/2, d], d = base * 2^attempt capped. */
export function backoffMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): number {
  const d = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.round(d / 2 + random() * (d / 2));
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How long to wait before the next attempt: the server's Retry-After (bounded) when given, else the backoff. */
export function nextDelayMs(attempt: number, retryAfter: string | undefined, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): { ms: number; why: 'Retry-After' | 'backoff' } {
  const asked = retryAfterMs(retryAfter);
  if (asked !== undefined) return { ms: Math.min(asked, policy.maxRetryAfterMs), why: 'Retry-After' };
  return { ms: backoffMs(attempt, policy, random), why: 'backoff' };
}
