import { COLON, DQUOTE, HASH, LBRACE, LBRACKET, SPACE, SQUOTE } from './char-codes.js';
import { GIVE_UP } from './line-cursor.js';
import type { LineCursor } from './line-cursor.js';
import type { SimpleEntry, SimpleMap, SimpleNode, SimpleSeq } from './nodes.js';
import { readFlow } from './read-flow.js';
import { AMBIGUOUS, PLAIN_KEY, PLAIN_VALUE, plainScalar, readQuoted } from './read-scalar.js';

/** A block node whose first line is the cursor's, indented more than `parent`. */
export function readBlock(cur: LineCursor, parent: number): SimpleNode {
  if (cur.indent <= parent) throw GIVE_UP;
  if (cur.isDash(cur.contentStart)) return readSeq(cur, cur.indent);
  const c = cur.text.charCodeAt(cur.contentStart);
  if (c === LBRACKET || c === LBRACE) {
    // A flow collection as the whole node, as in JSON.
    const node = readInline(cur, cur.contentStart, parent);
    cur.load(cur.nextLine);
    cur.skipNonContent();
    if (cur.hasContent && cur.indent > parent) throw GIVE_UP;
    return node;
  }
  return readMap(cur, cur.contentStart);
}

/** A block map whose first key starts at `start` on the cursor's line; its keys sit in that column. */
function readMap(cur: LineCursor, start: number): SimpleMap {
  cur.enter();
  const t = cur.text;
  const column = start - cur.lineStart;
  const entries: SimpleEntry[] = [];
  const seen = new Set<string>();
  let at = start;
  let last: SimpleNode | undefined;
  for (;;) {
    const key = readKey(cur, at);
    if (key === undefined || seen.has(key.key)) throw GIVE_UP;
    seen.add(key.key);
    let v = key.colon + 1;
    while (v < cur.contentEnd && t.charCodeAt(v) === SPACE) v++;
    let value: SimpleNode;
    if (v === cur.contentEnd || t.charCodeAt(v) === HASH) {
      const hasComment = v < cur.contentEnd;
      cur.load(cur.nextLine);
      cur.skipNonContent();
      if (cur.hasContent && cur.indent > column) value = readBlock(cur, column);
      else if (cur.hasContent && cur.indent === column && cur.isDash(cur.contentStart)) value = readSeq(cur, column);
      else {
        // An empty value. `yaml` stretches one with a comment (`key: # c`) over what follows in ways
        // not worth modelling; without one, its null sits where the spaces after the colon end.
        if (hasComment) throw GIVE_UP;
        value = { type: 'scalar', start: v, end: v, tail: v, value: null };
      }
    } else {
      value = readInline(cur, v, column);
      cur.load(cur.nextLine);
      cur.skipNonContent();
      if (cur.hasContent && cur.indent > column) throw GIVE_UP; // a multi-line scalar
    }
    entries.push({ key: key.key, keyStart: at, keyEnd: key.end, value });
    last = value;
    if (!cur.hasContent || cur.indent < column) break;
    if (cur.indent > column || cur.isDash(cur.contentStart)) throw GIVE_UP;
    at = cur.contentStart;
  }
  cur.leave();
  return { type: 'map', start, end: last.tail, tail: last.tail, entries };
}

/** A block sequence whose dashes sit at `column`; the cursor's line holds its first dash. */
function readSeq(cur: LineCursor, column: number): SimpleSeq {
  cur.enter();
  const t = cur.text;
  const start = cur.contentStart;
  const items: SimpleNode[] = [];
  let last: SimpleNode | undefined;
  for (;;) {
    let v = cur.contentStart + 1;
    while (v < cur.contentEnd && t.charCodeAt(v) === SPACE) v++;
    // An empty item, or one nested on the following lines, is rare: leave it to `yaml`.
    if (v === cur.contentEnd || t.charCodeAt(v) === HASH || cur.isDash(v)) throw GIVE_UP;
    const c = t.charCodeAt(v);
    let item: SimpleNode;
    if (c !== LBRACKET && c !== LBRACE && readKey(cur, v) !== undefined) {
      item = readMap(cur, v);
    } else {
      item = readInline(cur, v, column);
      cur.load(cur.nextLine);
      cur.skipNonContent();
      if (cur.hasContent && cur.indent > column) throw GIVE_UP;
    }
    items.push(item);
    last = item;
    if (!cur.hasContent || cur.indent < column) break;
    if (cur.indent > column) throw GIVE_UP;
    if (!cur.isDash(cur.contentStart)) break; // the map that holds this sequence goes on
  }
  cur.leave();
  return { type: 'seq', start, end: last.tail, tail: last.tail, items };
}

/** A mapping key at `at` on the cursor's line: its string, end and colon; undefined if the line is not `key: ...`. */
function readKey(cur: LineCursor, at: number): { key: string; end: number; colon: number } | undefined {
  const t = cur.text;
  const ce = cur.contentEnd;
  const c = t.charCodeAt(at);
  if (c === DQUOTE || c === SQUOTE) {
    const q = readQuoted(cur, at);
    if (q === undefined) return undefined;
    if (t.charCodeAt(q.end) !== COLON || !(q.end + 1 === ce || t.charCodeAt(q.end + 1) === SPACE)) return undefined;
    if (typeof q.value !== 'string') throw GIVE_UP;
    return { key: q.value, end: q.end, colon: q.end };
  }
  let colon = cur.find(COLON, at, ce);
  while (colon !== -1 && !(colon + 1 === ce || t.charCodeAt(colon + 1) === SPACE)) colon = cur.find(COLON, colon + 1, ce);
  if (colon === -1) return undefined;
  const key = t.slice(at, colon);
  if (!PLAIN_KEY.test(key) || AMBIGUOUS.test(key) || key === '__proto__' || key === '<<') throw GIVE_UP;
  return { key, end: colon, colon };
}

/**
 * A value that starts at `at` on the cursor's line: plain or quoted on this line, or a flow
 * collection that may run over lines (the cursor then stands on the line that closes it). `parent`
 * is the column of the block collection that holds it.
 */
function readInline(cur: LineCursor, at: number, parent: number): SimpleNode {
  const t = cur.text;
  const c = t.charCodeAt(at);
  let end: number;
  let node: SimpleNode;
  if (c === DQUOTE || c === SQUOTE) {
    const q = readQuoted(cur, at);
    if (q === undefined) throw GIVE_UP;
    end = q.end;
    node = { type: 'scalar', start: at, end, tail: cur.nextLine, value: q.value };
  } else if (c === LBRACKET || c === LBRACE) {
    const flow = readFlow(cur, at, parent, true);
    end = flow.end;
    node = { ...flow, tail: cur.nextLine };
  } else {
    end = cur.contentEnd;
    for (let k = at + 1; k < cur.contentEnd; k++) {
      if (t.charCodeAt(k) === HASH && t.charCodeAt(k - 1) === SPACE) {
        end = k;
        break;
      }
    }
    while (end > at && t.charCodeAt(end - 1) === SPACE) end--;
    const s = t.slice(at, end);
    if (!PLAIN_VALUE.test(s) || s.includes(': ') || s.endsWith(':')) throw GIVE_UP;
    return { type: 'scalar', start: at, end, tail: cur.nextLine, value: plainScalar(s) };
  }
  // After a quoted or flow value only a comment may follow, after a space.
  let k = end;
  while (k < cur.contentEnd && t.charCodeAt(k) === SPACE) k++;
  if (k < cur.contentEnd && (t.charCodeAt(k) !== HASH || k === end)) throw GIVE_UP;
  return node;
}
