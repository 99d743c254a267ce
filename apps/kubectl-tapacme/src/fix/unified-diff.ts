import { isAbsolute } from 'node:path';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import type { Style } from '../output/style.js';

export interface DiffResult {
  text: string;
  /** True when context lines from a Secret were redacted (the patch then no longer applies as is). */
  redacted: boolean;
}

/**
 * A git-style unified diff (a/ and b/ prefixes, so `git apply` and `patch -p1` take it), coloured when
 * asked. Lines of the old text listed in `secretLines` are never printed: their values become <redacted>.
 */
export function unifiedDiff(fileName: string, before: string, after: string, style: Style, secretLines: ReadonlySet<number> = new Set()): DiffResult {
  const name = fileName.replace(/\\/g, '/');
  const [a, b] = isAbsolute(fileName) ? [name, name] : [`a/${name}`, `b/${name}`];
  const patch = structuredPatch(a, b, before, after, undefined, undefined, { context: 3 });
  let redacted = false;
  for (const h of patch.hunks) {
    let oldLine = h.oldStart - 1; // 0-based line of the old text
    h.lines = h.lines.map((line) => {
      const tag = line[0];
      if (tag !== ' ' && tag !== '-') return line;
      const secret = secretLines.has(oldLine++);
      if (!secret) return line;
      redacted = true;
      return redact(line);
    });
  }
  const text = formatPatch(patch, FILE_HEADERS_ONLY)
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return style.bold(line);
      if (line.startsWith('@@')) return style.cyan(line);
      if (line.startsWith('+')) return style.green(line);
      if (line.startsWith('-')) return style.red(line);
      return line;
    })
    .join('\n');
  return { text: text.endsWith('\n') ? text : `${text}\n`, redacted };
}

/** Keep the diff tag, the indentation and a key; drop the value. */
function redact(line: string): string {
  const m = /^([ -])(\s*(?:- )?)([^:#\s][^:]*:(?=\s|$))?.*?(\r?)$/.exec(line);
  if (!m) return line;
  const [, tag = ' ', indent = '', key = '', cr = ''] = m;
  return `${tag}${indent}${key}${key ? ' ' : ''}<redacted>${cr}`;
}
