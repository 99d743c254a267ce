import { COLON, COMMA, DQUOTE, HASH, LBRACE, LBRACKET, RBRACE, RBRACKET, SPACE, SQUOTE } from './char-codes.js';
import { GIVE_UP } from './line-cursor.js';
import type { LineCursor } from './line-cursor.js';
import type { SimpleEntry, SimpleMap, SimpleNode, SimpleSeq } from './nodes.js';
import { AMBIGUOUS, FLOW_PLAIN_START, plainScalar, readQuoted } from './read-scalar.js';

/**
 * A flow collection whose opening bracket is at `at`; its lines after the first are indented more
 * than `parent`, but for the line that closes the outermost collection, which may sit at `parent`.
 * The cursor ends on the line that closes it.
 */
export function readFlow(cur: LineCursor, at: number, parent: number, outermost: boolean): SimpleSeq | SimpleMap {
  cur.enter();
  const t = cur.text;
  const isSeq = t.charCodeAt(at) === LBRACKET;
  const close = isSeq ? RBRACKET : RBRACE;
  const closeAtParent = outermost ? close : -1;
  const items: SimpleNode[] = [];
  const entries: SimpleEntry[] = [];
  const keys = new Set<string>();
  let i = at + 1;
  for (;;) {
    i = skipFlowSpace(cur, i, parent, closeAtParent);
    if (t.charCodeAt(i) === close) break;
    if (isSeq) {
      const item = readFlowNode(cur, i, parent, false);
      items.push(item);
      i = item.end;
    } else {
      const keyStart = i;
      const c = t.charCodeAt(i);
      let key: unknown;
      let keyEnd: number;
      if (c === DQUOTE || c === SQUOTE) {
        const q = readQuoted(cur, i);
        if (q === undefined) throw GIVE_UP;
        key = q.value;
        keyEnd = q.end;
        while (t.charCodeAt(keyEnd) === SPACE) keyEnd++;
        if (t.charCodeAt(keyEnd) !== COLON) throw GIVE_UP;
        i = keyEnd + 1;
        keyEnd = q.end;
      } else {
        const k = readFlowNode(cur, i, parent, true);
        if (k.type !== 'scalar' || t.charCodeAt(k.tail) !== COLON) throw GIVE_UP;
        key = k.value;
        keyEnd = k.end;
        i = k.tail + 1;
        if (i < cur.contentEnd && t.charCodeAt(i) !== SPACE) throw GIVE_UP;
      }
      if (typeof key !== 'string' || key === '__proto__' || key === '<<' || keys.has(key)) throw GIVE_UP;
      keys.add(key);
      i = skipFlowSpace(cur, i, parent, closeAtParent);
      const v = t.charCodeAt(i);
      if (v === COMMA || v === close) throw GIVE_UP; // an empty value
      const value = readFlowNode(cur, i, parent, false);
      entries.push({ key, keyStart, keyEnd, value });
      i = value.end;
    }
    i = skipFlowSpace(cur, i, parent, closeAtParent);
    const c = t.charCodeAt(i);
    if (c === close) break;
    if (c !== COMMA) throw GIVE_UP;
    i++;
  }
  cur.leave();
  const end = i + 1;
  return isSeq ? { type: 'seq', start: at, end, tail: end, items } : { type: 'map', start: at, end, tail: end, entries };
}

/**
 * A node inside a flow collection at `at`: a nested collection, a quoted scalar, or a plain one on
 * this line. A plain key's `tail` is where its `:` stands.
 */
function readFlowNode(cur: LineCursor, at: number, parent: number, asKey: boolean): SimpleNode {
  const t = cur.text;
  const ce = cur.contentEnd;
  const c = t.charCodeAt(at);
  if (c === LBRACKET || c === LBRACE) {
    if (asKey) throw GIVE_UP;
    return readFlow(cur, at, parent, false);
  }
  if (c === DQUOTE || c === SQUOTE) {
    const q = readQuoted(cur, at);
    if (q === undefined) throw GIVE_UP;
    return { type: 'scalar', start: at, end: q.end, tail: q.end, value: q.value };
  }
  if (!FLOW_PLAIN_START.test(t.slice(at, at + 2))) throw GIVE_UP;
  let k = at + 1;
  for (; k < ce; k++) {
    const d = t.charCodeAt(k);
    if (d === COMMA || d === LBRACKET || d === RBRACKET || d === LBRACE || d === RBRACE) break;
    if (d === HASH && t.charCodeAt(k - 1) === SPACE) break;
    if (d === COLON) {
      const e = t.charCodeAt(k + 1);
      if (k + 1 === ce || e === SPACE || e === COMMA || e === LBRACKET || e === RBRACKET || e === LBRACE || e === RBRACE) break;
    }
  }
  const stop = k;
  let end = stop;
  while (t.charCodeAt(end - 1) === SPACE) end--;
  if (stop === ce) {
    // A plain scalar may go on over the next line; it has ended only if that line closes or separates.
    let m = cur.nextLine;
    while (m < t.length && t.charCodeAt(m) === SPACE) m++;
    const d = t.charCodeAt(m);
    if (!(d === COMMA || d === RBRACKET || d === RBRACE)) throw GIVE_UP;
  }
  const colonAt = t.charCodeAt(stop) === COLON;
  if (colonAt !== asKey) throw GIVE_UP;
  const s = t.slice(at, end);
  if (asKey) {
    if (AMBIGUOUS.test(s)) throw GIVE_UP;
    return { type: 'scalar', start: at, end, tail: stop, value: s };
  }
  return { type: 'scalar', start: at, end, tail: end, value: plainScalar(s) };
}

/** Skip spaces, comments and line breaks inside a flow collection; returns the next token's offset. */
function skipFlowSpace(cur: LineCursor, at: number, parent: number, closeAtParent: number): number {
  const t = cur.text;
  let i = at;
  for (;;) {
    while (i < cur.contentEnd && t.charCodeAt(i) === SPACE) i++;
    if (i < cur.contentEnd) {
      if (t.charCodeAt(i) !== HASH) return i;
      if (i > cur.lineStart && t.charCodeAt(i - 1) !== SPACE) throw GIVE_UP;
    }
    // The line ends (or a comment takes the rest): the collection goes on over the next line.
    if (cur.nextLine >= t.length) throw GIVE_UP;
    cur.load(cur.nextLine);
    if (cur.atMarker) throw GIVE_UP;
    if (cur.kind === 'comment') {
      cur.comments = true;
      if (cur.indent <= Math.max(parent, 0)) throw GIVE_UP;
    }
    if (cur.kind === 'content' && cur.indent <= parent) {
      const c = t.charCodeAt(cur.contentStart);
      if (!(cur.indent === parent && c === closeAtParent)) throw GIVE_UP;
    }
    i = cur.contentStart;
  }
}
