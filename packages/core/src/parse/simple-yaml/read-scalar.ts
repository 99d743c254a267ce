import { parse as parseYaml } from 'yaml';
import { BACKSLASH, DQUOTE, SQUOTE } from './char-codes.js';
import { GIVE_UP } from './line-cursor.js';
import type { LineCursor } from './line-cursor.js';

// Plain text that is surely a string in the core schema, and keys and values a block line can hold.
export const AMBIGUOUS = /^(?:[-+.0-9~]|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;
export const PLAIN_KEY = /^[^\s\-?:,[\]{}#&*!|>'"%@`](?:[^#]*[^\s#])?$/;
export const PLAIN_VALUE = /^(?:[^\s\-?:,[\]{}#&*!|>'"%@`]|[-?:][^\s])[^\0]*$/;
// The first two characters of a plain scalar inside a flow collection.
export const FLOW_PLAIN_START = /^(?:[^\s\-?:,[\]{}#&*!|>'"%@`]|[-?:][^\s,[\]{}])/;

/** A quoted scalar at `at` that closes on the cursor's line: its value and the offset after the closing quote. */
export function readQuoted(cur: LineCursor, at: number): { value: unknown; end: number } | undefined {
  const t = cur.text;
  const ce = cur.contentEnd;
  const q = t.charCodeAt(at);
  let i = at + 1;
  let escapes = false;
  for (; i < ce; i++) {
    const c = t.charCodeAt(i);
    if (q === DQUOTE && c === BACKSLASH) {
      escapes = true;
      i++;
    } else if (c === q) {
      if (q === SQUOTE && t.charCodeAt(i + 1) === SQUOTE) {
        escapes = true;
        i++;
      } else break;
    }
  }
  if (i >= ce) return undefined;
  const end = i + 1;
  const raw = t.slice(at + 1, i);
  if (!escapes) return { value: raw, end };
  return { value: q === SQUOTE ? raw.replaceAll("''", "'") : yamlScalar(t.slice(at, end)), end };
}

/** The value of a plain scalar: text, unless the core schema may read it as something else. */
export function plainScalar(s: string): unknown {
  return AMBIGUOUS.test(s) ? yamlScalar(s) : s;
}

// Scalars whose meaning is not plain text are resolved by `yaml` itself; a few hundred distinct ones recur.
const resolved = new Map<string, unknown>();
function yamlScalar(source: string): unknown {
  let v = resolved.get(source);
  if (v === undefined && !resolved.has(source)) {
    // As a sequence item, so that text such as `---` is not read as a document marker.
    let item: unknown;
    try {
      item = parseYaml(`- ${source}`, { prettyErrors: false });
    } catch {
      throw GIVE_UP;
    }
    if (!Array.isArray(item) || item.length !== 1) throw GIVE_UP;
    v = item[0];
    if (typeof v === 'object' && v !== null) throw GIVE_UP;
    if (resolved.size > 4096) resolved.clear();
    resolved.set(source, v);
  }
  return v;
}
