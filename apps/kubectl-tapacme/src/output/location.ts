import type { Range } from '@tapacme/core';

/** 1-based line and column (UTF-16 units, as editors and SARIF count), end exclusive. */
export interface Location {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Core ranges are 0-based and count a BOM as a character of line 0; people and SARIF do not. */
export function toLocation(range: Range | undefined, text: string | undefined): Location {
  if (!range) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const bom = text !== undefined && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const col = (line: number, character: number): number => Math.max(0, character - (line === 0 ? bom : 0)) + 1;
  return {
    line: range.start.line + 1,
    column: col(range.start.line, range.start.character),
    endLine: range.end.line + 1,
    endColumn: col(range.end.line, range.end.character),
  };
}
