import { isUtf8 } from 'node:buffer';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text, or why the bytes are not UTF-8 text, with the 1-based line and column to look at. */
export type Decoded = { text: string } | { message: string; line: number; column: number };

const CONVERT = 'convert it to UTF-8';

/**
 * Bytes to text, keeping a BOM (core handles it, and writing the text back must restore it).
 * Anything but UTF-8 is refused rather than replaced, so a fix can never corrupt bytes it did not
 * mean to touch; the refusal names the encoding when it can tell, and the line of the first bad byte.
 */
export function decodeText(bytes: Uint8Array): Decoded {
  const bom = byteOrderMark(bytes);
  if (bom) return { message: `${bom} text (it starts with a byte order mark); ${CONVERT}, e.g. iconv -f ${bom.replace(/ /g, '')} -t UTF-8`, line: 1, column: 1 };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { message: `${utf16} text without a byte order mark (every other byte is zero); ${CONVERT}, e.g. iconv -f ${utf16.replace(/ /g, '')} -t UTF-8`, line: 1, column: 1 };
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const { line, column } = positionOf(bytes, at);
    const byte = bytes[at] ?? 0;
    const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (looksBinary(bytes)) return { message: `not text: byte ${hex} is not UTF-8 and the file holds control bytes (a binary file?); leave it out`, line, column };
    const guess = byte >= 0xa0 ? ' (Latin-1 or Windows-1252 text?)' : byte >= 0x80 ? ' (Windows-1252 text?)' : '';
    return { message: `not UTF-8: byte ${hex} at line ${line}, column ${column}${guess}; ${CONVERT}, e.g. iconv -f WINDOWS-1252 -t UTF-8`, line, column };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const { line, column } = positionOf(bytes, nul);
    return { message: `not text: a NUL byte at line ${line}, column ${column} (a binary file, or UTF-32?); leave it out or ${CONVERT}`, line, column };
  }
  const text = decoder.decode(bytes);
  if (text.startsWith('\ufeff\ufeff')) return { message: 'two byte order marks at the start of the file; remove the second one (an editor or a concatenation added it twice)', line: 1, column: 1 };
  return { text };
}

/** The encoding a byte order mark other than UTF-8's names. UTF-32 LE starts like UTF-16 LE, so it is tested first. */
function byteOrderMark(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'UTF-32 LE';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32 BE';
  if (b[0] === 0xff && b[1] === 0xfe) return 'UTF-16 LE';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16 BE';
  return undefined;
}

/** ASCII-range text in UTF-16 has a zero in every other byte of the first characters. */
function utf16WithoutBom(b: Uint8Array): string | undefined {
  const n = Math.min(b.length - (b.length % 2), 512);
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero >= pairs * 0.6 && evenZero === 0) return 'UTF-16 LE';
  if (evenZero >= pairs * 0.6 && oddZero === 0) return 'UTF-16 BE';
  return undefined;
}

/** Control bytes other than tab, line feed, carriage return and escape in the first 8 KiB. */
function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x1b) return true;
  }
  return false;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}

/** 1-based line and column (in characters, counting a bad byte as one) of a byte offset. */
export function positionOf(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = b.indexOf(0x0a); i !== -1 && i < offset; i = b.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) if (((b[i] as number) & 0xc0) !== 0x80) column++;
  return { line, column };
}
