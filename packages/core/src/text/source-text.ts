/** A position in a text: 0-based line and UTF-16 character (as LSP and VS Code count), plus the absolute offset. */
export interface Position {
  line: number;
  character: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type LineEnding = '\n' | '\r\n';

/**
 * Read-only view of a file's text that answers the layout questions edits need:
 * where lines start, which line ending and indentation the file uses, whether it has a BOM.
 */
export class SourceText {
  readonly text: string;
  readonly eol: LineEnding;
  readonly hasBom: boolean;
  private lineStarts: number[] | undefined;

  constructor(text: string) {
    this.text = text;
    this.hasBom = text.charCodeAt(0) === 0xfeff;
    this.eol = detectLineEnding(text);
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  positionAt(offset: number): Position {
    const starts = this.starts();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - (starts[lo] as number), offset: clamped };
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset of the first character of a 0-based line (text length past the last line). */
  lineStart(line: number): number {
    const starts = this.starts();
    return line < starts.length ? (starts[line] as number) : this.text.length;
  }

  /** Offset just past the line's content, before its line ending. */
  lineContentEnd(line: number): number {
    const next = line + 1 < this.lineCount ? this.lineStart(line + 1) : this.text.length;
    let end = next;
    if (end > this.lineStart(line) && this.text[end - 1] === '\n') end--;
    if (end > this.lineStart(line) && this.text[end - 1] === '\r') end--;
    return end;
  }

  /** Offset just past the line's ending (start of the next line), or the text's end. */
  lineEnd(line: number): number {
    return line + 1 < this.lineCount ? this.lineStart(line + 1) : this.text.length;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineContentEnd(line));
  }

  /** Column of the first non-blank character of a line, ignoring a BOM on line 0. */
  indentOf(line: number): number {
    const s = this.lineText(line);
    const from = line === 0 && this.hasBom ? 1 : 0;
    let i = from;
    while (i < s.length && s[i] === ' ') i++;
    return i - from;
  }

  /** Column of an offset within its line, not counting a BOM. */
  columnOf(offset: number): number {
    const p = this.positionAt(offset);
    return p.line === 0 && this.hasBom ? p.character - 1 : p.character;
  }

  endsWithNewline(): boolean {
    return this.text.endsWith('\n');
  }
}

/** The line ending most lines use; ties and single-line texts count as LF. */
export function detectLineEnding(text: string): LineEnding {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}
