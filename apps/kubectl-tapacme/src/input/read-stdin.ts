import { readLimited } from './read-limited.js';
import type { LimitedRead } from './read-limited.js';

/** stdin as bytes, up to `limit`: reading stops there, so an endless pipe costs no more. */
export function readStdin(limit: number, advice: string): Promise<LimitedRead> {
  return readLimited(process.stdin, limit, advice);
}
