import { Parser } from 'yaml';
import type { YAMLError } from 'yaml';

/** A quote or bracket that opens a scalar or flow collection the text never closes. */
interface Opening {
  offset: number;
  what: 'quote' | 'bracket';
  char: string;
}

// `yaml` reports these where it gave up looking for the close: the text's end, or the next line.
const MISSING_QUOTE = /^Missing closing ["']quote/;
const MISSING_BRACKET = /must be sufficiently indented and end with a [\]}]|to end with [\]}]/;

/**
 * Move `yaml`'s errors about an unclosed quote or bracket to where it opens, which is where the
 * mistake is: a quote left open on line 4 of 153 is otherwise reported on line 153.
 */
export function pointAtOpenings(text: string, errors: YAMLError[]): void {
  const wanted = errors.filter((e) => MISSING_QUOTE.test(e.message) || MISSING_BRACKET.test(e.message));
  if (wanted.length === 0) return;
  const openings = unclosedOpenings(text);
  for (const err of wanted) {
    const what = MISSING_QUOTE.test(err.message) ? 'quote' : 'bracket';
    // The last such opening before where `yaml` gave up.
    let open: Opening | undefined;
    for (const o of openings) if (o.what === what && o.offset <= err.pos[0]) open = o;
    if (!open) continue;
    err.pos = [open.offset, open.offset + 1];
    const name = open.char === '"' ? 'double quote' : open.char === "'" ? 'single quote' : `"${open.char}"`;
    err.message = `the ${name} opened here is never closed`;
  }
}

function unclosedOpenings(text: string): Opening[] {
  const out: Opening[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const t = node as { type?: string; offset?: number; source?: string; start?: unknown; end?: unknown };
    if ((t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && typeof t.source === 'string' && typeof t.offset === 'number') {
      if (!quoteCloses(t.source)) out.push({ offset: t.offset, what: 'quote', char: t.source[0] ?? '"' });
    }
    if (t.type === 'flow-collection' && typeof t.offset === 'number') {
      const start = t.start as { source?: string } | undefined;
      const close = start?.source === '[' ? ']' : '}';
      const end = Array.isArray(t.end) ? (t.end as { source?: string }[]) : [];
      if (!end.some((e) => e.source === close)) out.push({ offset: t.offset, what: 'bracket', char: start?.source ?? '{' });
    }
    for (const v of Object.values(node)) if (typeof v === 'object') walk(v);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return out.sort((a, b) => a.offset - b.offset);
}

/** Whether a quoted scalar's source ends with its closing quote. */
function quoteCloses(source: string): boolean {
  if (source.length < 2) return false;
  if (source[0] === "'") return source.slice(1).replaceAll("''", '').endsWith("'");
  if (!source.endsWith('"')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i > 0 && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}
