import type { LeftDocument } from './simple-yaml/nodes.js';

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Objects written one after another (`{...}{...}` or one a line), as `kubectl -f` reads a text that
 * starts with `{`: a JSON stream, not YAML. Each object is a document for `yaml`, from where it starts
 * to where the next one starts. Undefined unless the text is two or more objects and whitespace.
 */
export function jsonStream(text: string): LeftDocument[] | undefined {
  let i = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined;
  const starts: number[] = [];
  while (i < text.length) {
    if (text.charCodeAt(i) !== 0x7b) return undefined;
    starts.push(i);
    const end = objectEnd(text, i);
    if (end === -1) return undefined;
    i = skipSpace(text, end);
  }
  if (starts.length < 2) return undefined;
  return starts.map((s, k) => ({ type: 'left', from: k === 0 ? 0 : s, to: starts[k + 1] ?? text.length }));
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  return i;
}

/** The offset after the bracket that closes the object opening at `at`, or -1. */
function objectEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (i >= text.length) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}
