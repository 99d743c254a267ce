import { isScalar } from 'yaml';
import type { Pair, YAMLMap } from 'yaml';
import type { SourceText } from '../text/source-text.js';

/** Offset of the last non-blank character of a pair's value (or key when it has no value), plus one. */
export function pairContentEnd(text: string, pair: Pair<unknown, unknown>): number {
  const key = isScalar(pair.key) ? pair.key.range : undefined;
  const value = (pair.value as { range?: [number, number, number] } | null)?.range;
  let end = Math.max(value?.[1] ?? 0, key?.[1] ?? 0);
  while (end > 0 && /\s/.test(text[end - 1] ?? '')) end--;
  return end;
}

export interface InsertPoint {
  offset: number;
  /** The file has no line ending after the point: new lines must start with one and end without. */
  atEofWithoutNewline: boolean;
}

/**
 * Where new keys go at the end of a block mapping: after its last entry and after the comment lines
 * that still belong to it (indented at least as deep as its keys). That keeps ytt `#@ end` and
 * commented-out alternatives with the entries they follow.
 */
export function blockMapEnd(source: SourceText, map: YAMLMap, keyColumn: number): InsertPoint {
  const last = map.items[map.items.length - 1] as Pair<unknown, unknown>;
  return afterLineAndOwnComments(source, source.positionAt(pairContentEnd(source.text, last) - 1).line, keyColumn);
}

/** After `line` and the comment lines below it that are indented at least `minIndent`. */
export function afterLineAndOwnComments(source: SourceText, line: number, minIndent: number): InsertPoint {
  let end = line;
  for (let l = line + 1; l < source.lineCount; l++) {
    const t = source.lineText(l).trim();
    if (t === '') continue;
    if (t.startsWith('#') && source.indentOf(l) >= minIndent) {
      end = l;
      continue;
    }
    break;
  }
  return afterLine(source, end);
}

export function afterLine(source: SourceText, line: number): InsertPoint {
  if (line + 1 < source.lineCount) return { offset: source.lineStart(line + 1), atEofWithoutNewline: false };
  return { offset: source.text.length, atEofWithoutNewline: true };
}

/** Join new lines for insertion at a point, in the file's line ending. */
export function linesAt(point: InsertPoint, lines: readonly string[], eol: string): string {
  return point.atEofWithoutNewline ? eol + lines.join(eol) : lines.join(eol) + eol;
}
