const MARKER = /(?:^|\n)(---|\.\.\.)(?=[ \t\r\n]|$)/g;

/**
 * Offsets where the stream's pieces begin, plus the text length: a `---` line starts a piece and a
 * `...` line ends one. Only line feeds start lines here, as in the YAML parser.
 */
export function splitDocuments(text: string): number[] {
  const bounds = [0];
  if (hasDirective(text)) return [0, text.length];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const lineStart = m[0].startsWith('\n') ? m.index + 1 : m.index;
    let at = lineStart;
    if (m[1] === '...') {
      const eol = text.indexOf('\n', lineStart);
      at = eol === -1 ? text.length : eol + 1;
    }
    if (at > (bounds[bounds.length - 1] as number)) bounds.push(at);
  }
  if (text.length > (bounds[bounds.length - 1] as number) || bounds.length === 1) bounds.push(text.length);
  return bounds;
}

/** A directive line (`%YAML`) applies to the documents after it: such a text is not cut. */
export function hasDirective(text: string): boolean {
  return /(?:^|\n)%/.test(text);
}

/** A `---` line starts at `offset` (which is a line start). */
export function isMarkerLine(text: string, offset: number): boolean {
  if (!text.startsWith('---', offset)) return false;
  const c = text.charCodeAt(offset + 3);
  return Number.isNaN(c) || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
