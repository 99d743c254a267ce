import { YAMLParseError } from 'yaml';
import type { Document } from 'yaml';

const LONE_CR = /\r(?!\n)/g;

/**
 * `yaml` does not read a CR alone as a line break (old Mac line endings), and reports each such line
 * as nested mappings or worse. A broken document with a lone CR gets one error that says so instead.
 */
export function explainCrLineEndings(text: string, docs: readonly Document.Parsed[]): void {
  if (!text.includes('\r') || !docs.some((d) => d.errors.length > 0)) return;
  const lone: number[] = [];
  LONE_CR.lastIndex = 0;
  for (let m = LONE_CR.exec(text); m; m = LONE_CR.exec(text)) lone.push(m.index);
  if (lone.length === 0) return;
  for (const doc of docs) {
    if (doc.errors.length === 0) continue;
    const [from, , to] = doc.range;
    const at = lone.find((i) => i >= from && i < Math.max(to, from + 1));
    if (at === undefined) continue;
    // The start of the line that ends with it, as LF-counting editors number lines.
    const lineStart = text.lastIndexOf('\n', at) + 1;
    doc.errors = [
      new YAMLParseError([lineStart, lineStart + 1], 'BAD_SCALAR_START', 'its lines end with CR alone (old Mac line endings), which are not read as line breaks: convert them to LF or CRLF (for example with `tr` or your editor)'),
    ];
  }
}
