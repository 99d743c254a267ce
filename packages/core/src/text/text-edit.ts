import type { Range } from './source-text.js';

/** Replace text[offset, offset + length) with newText. Offsets count UTF-16 units of the original text. */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
  range: Range;
}

export class OverlappingEditsError extends Error {}

/** Apply edits computed against the same original text; they must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.length - b.length);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.offset < at) {
      throw new OverlappingEditsError(`edits overlap at offset ${e.offset}`);
    }
    out += text.slice(at, e.offset) + e.newText;
    at = e.offset + e.length;
  }
  return out + text.slice(at);
}
