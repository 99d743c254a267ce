import { decodeText } from './decode.js';
import { formatSize } from './input-size.js';

/** Bytes read, or why reading stopped early: over the size limit, or clearly not text. */
export type LimitedRead = { bytes: Buffer } | { problem: string; line?: number; column?: number };

const SNIFF_BYTES = 64 * 1024;

/**
 * Read a file or stream up to `limit` bytes, and stop there: an endless device or a stream that
 * is not text (/dev/zero, /dev/urandom) costs one chunk, a huge one no more than the limit.
 */
export async function readLimited(source: AsyncIterable<Buffer | string>, limit: number, advice: string): Promise<LimitedRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sniffed = false;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buf);
    size += buf.length;
    if (size > limit) {
      return { problem: `larger than ${formatSize(limit)}, the size limit; reading stopped there. ${advice}` };
    }
    if (!sniffed && size >= SNIFF_BYTES) {
      sniffed = true;
      const early = notText(Buffer.concat(chunks));
      if (early) return early;
    }
  }
  return { bytes: Buffer.concat(chunks, size) };
}

/** Why the start of a stream is not text, judged on whole characters only. */
function notText(head: Buffer): LimitedRead | undefined {
  let end = head.length;
  while (end > 0 && ((head[end - 1] as number) & 0x80) !== 0 && head.length - end < 4) end--;
  const d = decodeText(head.subarray(0, end));
  return 'text' in d ? undefined : { problem: d.message, line: d.line, column: d.column };
}

/** What to say when an input passes --max-input-size. */
export function raiseLimitAdvice(limit: number): string {
  return `Raise the limit with --max-input-size (e.g. --max-input-size=${Math.ceil(Math.min(limit * 4, MAX_INPUT_SIZE) / 1024 ** 2)}Mi) if it really holds manifests`;
}

/** The largest text a JavaScript string can hold, with room to spare. */
export const MAX_INPUT_SIZE = 500 * 1024 * 1024;
