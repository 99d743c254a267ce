import { parse as parseYaml } from 'yaml';
import { MAX_NESTING_DEPTH } from './nesting.js';

/**
 * A fast reader for the YAML that manifests are mostly written in: block maps and sequences, flow
 * collections on one line or over several, single-line plain and quoted scalars, comments, `---`
 * between documents, LF or CRLF. It gives the same values and the same node ranges as the `yaml`
 * package for that subset, several times faster, and leaves each document it cannot read exactly to
 * `yaml`: anchors, aliases, tags, block scalars, multi-line scalars, tabs, nesting past
 * MAX_NESTING_DEPTH, and anything `yaml` would report as an error. A few things make it leave the
 * whole text to `yaml`: directives, `...` markers, template markers, ytt annotations, a BOM.
 *
 * Scalars are typed by `yaml` itself (core schema), so `0o17`, `.inf` or `~` mean what they mean there.
 * Full-line comments make `yaml` extend some collection ranges over them; documents that have any
 * are marked, and their collection ranges are asked of `yaml` (see ParsedFile.locate).
 */

export type SimpleNode = SimpleScalar | SimpleMap | SimpleSeq;

interface NodeBase {
  /** Offsets as `yaml`'s node.range[0] and [1]. */
  start: number;
  end: number;
  /** As `yaml`'s node.range[2] in a document without full-line comments. */
  tail: number;
}
export interface SimpleScalar extends NodeBase {
  type: 'scalar';
  value: unknown;
}
export interface SimpleMap extends NodeBase {
  type: 'map';
  entries: SimpleEntry[];
}
export interface SimpleSeq extends NodeBase {
  type: 'seq';
  items: SimpleNode[];
}
export interface SimpleEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: SimpleNode;
}

/** A document the reader read. */
export interface SimpleDocument {
  type: 'read';
  /** Where the document's own text begins (after its `---` line) and ends (before the next marker). */
  from: number;
  to: number;
  node: SimpleNode | null;
  /** The document has full-line comments: collection ranges may differ from `yaml`'s, ask it. */
  hasLineComments: boolean;
}

/** A document left to `yaml`: the text from its `---` line (or the stream's start) to the next marker line. */
export interface LeftDocument {
  type: 'left';
  from: number;
  to: number;
}

export type StreamDocument = SimpleDocument | LeftDocument;

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

// Reasons to leave the whole text to `yaml`: directives, `...` markers, template markers, ytt annotations, a BOM.
const WHOLE_TEXT = /(?:^|\n)(?:%|\.\.\.(?:[ \t\r\n]|$))|\{\{|\{%|\{#|#@|#!|^\ufeff/;
// Reasons to leave one document to `yaml`: tabs, control characters, lone CRs, BOMs, line separators.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const UNSUPPORTED = /[\t\0-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufeff]|\r(?!\n)/g;

/**
 * The documents of `text`, each read or left to `yaml`, or undefined when the whole text is for
 * `yaml`. Document boundaries are the `---` lines, as `yaml` finds them in any context.
 */
export function readSimpleYaml(text: string): StreamDocument[] | undefined {
  if (WHOLE_TEXT.test(text)) return undefined;
  return new Reader(text).documents();
}

/** The plain value of a node the reader read. */
export function simpleValue(node: SimpleNode | null): unknown {
  if (node === null) return null;
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(simpleValue);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = simpleValue(e.value);
      return out;
    }
  }
}

/** The value of a top-level scalar such as `kind`, without converting the rest of the document. */
export function topLevelScalar(node: SimpleNode | null, key: string): unknown {
  if (node?.type !== 'map') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value.type === 'scalar' ? e.value.value : undefined;
  return undefined;
}

const enum Line {
  Blank,
  Comment,
  Content,
}

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const COMMA = 0x2c;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

class Reader {
  private readonly text: string;
  // The current line: its start, where content begins, where content ends (before CR/LF), the next line's start.
  private ls = 0;
  private cs = 0;
  private ce = 0;
  private next = 0;
  private kind: Line = Line.Blank;
  private atMarker = false;
  /** The marker line holds more than a comment (`--- |`, `--- {}`): its document is for `yaml`. */
  private markerContent = false;
  private comments = false;
  private depth = 0;
  /** Offsets of characters the reader does not read, in order; `unsupportedAt` is the next one at or after a document's start. */
  private readonly unsupported: number[] = [];
  private unsupportedAt = 0;

  constructor(text: string) {
    this.text = text;
    UNSUPPORTED.lastIndex = 0;
    for (let m = UNSUPPORTED.exec(text); m; m = UNSUPPORTED.exec(text)) this.unsupported.push(m.index);
  }

  documents(): StreamDocument[] {
    const docs: StreamDocument[] = [];
    const t = this.text;
    this.load(0);
    let segment = 0; // where this document's text begins, its `---` line included
    let from = 0;
    let explicit = false;
    let markerContent = false;
    for (;;) {
      this.comments = false;
      this.depth = 0;
      let doc: StreamDocument | undefined;
      try {
        if (markerContent) throw GIVE_UP;
        this.skipNonContent();
        const node = this.atMarker || this.ls >= t.length ? null : this.block(-1);
        if (node !== null) {
          this.skipNonContent();
          if (!this.atMarker && this.ls < t.length) throw GIVE_UP;
        }
        if (this.hasUnsupported(segment, this.ls)) throw GIVE_UP;
        // Without a `---`, a stream of only comments and blank lines holds no document.
        if (explicit || node !== null) doc = { type: 'read', from, to: this.ls, node, hasLineComments: this.comments };
      } catch (err) {
        if (err !== GIVE_UP) throw err;
        while (!this.atMarker && this.ls < t.length) this.load(this.next);
        doc = { type: 'left', from: segment, to: this.ls };
      }
      if (doc) docs.push(doc);
      if (!this.atMarker) break;
      explicit = true;
      markerContent = this.markerContent;
      segment = this.ls;
      from = this.next;
      this.load(this.next);
    }
    return docs;
  }

  private hasUnsupported(from: number, to: number): boolean {
    const u = this.unsupported;
    let k = this.unsupportedAt;
    while (k < u.length && (u[k] as number) < from) k++;
    this.unsupportedAt = k;
    return k < u.length && (u[k] as number) < to;
  }

  /** Read the line that starts at `at` (or the end of the text). */
  private load(at: number): void {
    const t = this.text;
    this.ls = at;
    this.atMarker = false;
    this.markerContent = false;
    if (at >= t.length) {
      this.cs = this.ce = this.next = t.length;
      this.kind = Line.Blank;
      return;
    }
    let nl = t.indexOf('\n', at);
    if (nl === -1) nl = t.length;
    this.next = nl < t.length ? nl + 1 : nl;
    let ce = nl;
    if (ce > at && t.charCodeAt(ce - 1) === 0x0d) ce--;
    let cs = at;
    while (cs < ce && t.charCodeAt(cs) === SPACE) cs++;
    this.cs = cs;
    this.ce = ce;
    if (cs === ce) this.kind = Line.Blank;
    else if (t.charCodeAt(cs) === HASH) this.kind = Line.Comment;
    else {
      this.kind = Line.Content;
      if (cs === at && t.startsWith('---', at)) {
        const c = t.charCodeAt(at + 3);
        if (at + 3 === ce || c === SPACE || c === 0x09) {
          this.atMarker = true;
          let k = at + 3;
          while (k < ce && (t.charCodeAt(k) === SPACE || t.charCodeAt(k) === 0x09)) k++;
          this.markerContent = k < ce && t.charCodeAt(k) !== HASH;
        }
      }
    }
  }

  /** Move to the next content line or marker, noting full-line comments on the way. */
  private skipNonContent(): void {
    while (!this.atMarker && this.ls < this.text.length && this.kind !== Line.Content) {
      if (this.kind === Line.Comment) this.comments = true;
      this.load(this.next);
    }
  }

  /** True at a content line of this document (not a marker, not the end). */
  private get hasContent(): boolean {
    return !this.atMarker && this.ls < this.text.length && this.kind === Line.Content;
  }

  private get indent(): number {
    return this.cs - this.ls;
  }

  /** A block node whose first line is the current one, indented more than `parent`. */
  private block(parent: number): SimpleNode {
    if (this.indent <= parent) throw GIVE_UP;
    if (this.isDash(this.cs)) return this.seq(this.indent);
    const c = this.text.charCodeAt(this.cs);
    if (c === LBRACKET || c === LBRACE) {
      // A flow collection as the whole node, as in JSON.
      const node = this.inline(this.cs, parent);
      this.load(this.next);
      this.skipNonContent();
      if (this.hasContent && this.indent > parent) throw GIVE_UP;
      return node;
    }
    return this.map(this.cs);
  }

  /** `-` followed by a space or the end of the content. */
  private isDash(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.ce || this.text.charCodeAt(at + 1) === SPACE);
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) throw GIVE_UP;
  }

  /** A block map whose first key starts at `start` on the current line; its keys sit in that column. */
  private map(start: number): SimpleMap {
    this.enter();
    const t = this.text;
    const column = start - this.ls;
    const entries: SimpleEntry[] = [];
    const seen = new Set<string>();
    let at = start;
    let last: SimpleNode | undefined;
    for (;;) {
      const key = this.key(at);
      if (key === undefined || seen.has(key.key)) throw GIVE_UP;
      seen.add(key.key);
      let v = key.colon + 1;
      while (v < this.ce && t.charCodeAt(v) === SPACE) v++;
      let value: SimpleNode;
      if (v === this.ce || t.charCodeAt(v) === HASH) {
        const hasComment = v < this.ce;
        this.load(this.next);
        this.skipNonContent();
        if (this.hasContent && this.indent > column) value = this.block(column);
        else if (this.hasContent && this.indent === column && this.isDash(this.cs)) value = this.seq(column);
        else {
          // An empty value. `yaml` stretches one with a comment (`key: # c`) over what follows in ways
          // not worth modelling; without one, its null sits where the spaces after the colon end.
          if (hasComment) throw GIVE_UP;
          value = { type: 'scalar', start: v, end: v, tail: v, value: null };
        }
      } else {
        value = this.inline(v, column);
        this.load(this.next);
        this.skipNonContent();
        if (this.hasContent && this.indent > column) throw GIVE_UP; // a multi-line scalar
      }
      entries.push({ key: key.key, keyStart: at, keyEnd: key.end, value });
      last = value;
      if (!this.hasContent || this.indent < column) break;
      if (this.indent > column || this.isDash(this.cs)) throw GIVE_UP;
      at = this.cs;
    }
    this.depth--;
    return { type: 'map', start, end: last.tail, tail: last.tail, entries };
  }

  /** A block sequence whose dashes sit at `column`; the current line holds its first dash. */
  private seq(column: number): SimpleSeq {
    this.enter();
    const t = this.text;
    const start = this.cs;
    const items: SimpleNode[] = [];
    let last: SimpleNode | undefined;
    for (;;) {
      let v = this.cs + 1;
      while (v < this.ce && t.charCodeAt(v) === SPACE) v++;
      // An empty item, or one nested on the following lines, is rare: leave it to `yaml`.
      if (v === this.ce || t.charCodeAt(v) === HASH || this.isDash(v)) throw GIVE_UP;
      const c = t.charCodeAt(v);
      let item: SimpleNode;
      if (c !== LBRACKET && c !== LBRACE && this.key(v) !== undefined) {
        item = this.map(v);
      } else {
        item = this.inline(v, column);
        this.load(this.next);
        this.skipNonContent();
        if (this.hasContent && this.indent > column) throw GIVE_UP;
      }
      items.push(item);
      last = item;
      if (!this.hasContent || this.indent < column) break;
      if (this.indent > column) throw GIVE_UP;
      if (!this.isDash(this.cs)) break; // the map that holds this sequence goes on
    }
    this.depth--;
    return { type: 'seq', start, end: last.tail, tail: last.tail, items };
  }

  /** A mapping key at `at` on the current line: its string, end and colon; undefined if the line is not `key: ...`. */
  private key(at: number): { key: string; end: number; colon: number } | undefined {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quoted(at);
      if (q === undefined) return undefined;
      if (t.charCodeAt(q.end) !== COLON || !(q.end + 1 === this.ce || t.charCodeAt(q.end + 1) === SPACE)) return undefined;
      if (typeof q.value !== 'string') throw GIVE_UP;
      return { key: q.value, end: q.end, colon: q.end };
    }
    let colon = this.find(COLON, at, this.ce);
    while (colon !== -1 && !(colon + 1 === this.ce || t.charCodeAt(colon + 1) === SPACE)) colon = this.find(COLON, colon + 1, this.ce);
    if (colon === -1) return undefined;
    const key = t.slice(at, colon);
    if (!PLAIN_KEY.test(key) || AMBIGUOUS.test(key) || key === '__proto__' || key === '<<') throw GIVE_UP;
    return { key, end: colon, colon };
  }

  /**
   * A value that starts at `at` on the current line: plain or quoted on this line, or a flow
   * collection that may run over lines (the reader then stands on the line that closes it). `parent`
   * is the column of the block collection that holds it.
   */
  private inline(at: number, parent: number): SimpleNode {
    const t = this.text;
    const c = t.charCodeAt(at);
    let end: number;
    let node: SimpleNode;
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quoted(at);
      if (q === undefined) throw GIVE_UP;
      end = q.end;
      node = { type: 'scalar', start: at, end, tail: this.next, value: q.value };
    } else if (c === LBRACKET || c === LBRACE) {
      const flow = this.flow(at, parent, true);
      end = flow.end;
      node = { ...flow, tail: this.next };
    } else {
      end = this.ce;
      for (let k = at + 1; k < this.ce; k++) {
        if (t.charCodeAt(k) === HASH && t.charCodeAt(k - 1) === SPACE) {
          end = k;
          break;
        }
      }
      while (end > at && t.charCodeAt(end - 1) === SPACE) end--;
      const s = t.slice(at, end);
      if (!PLAIN_VALUE.test(s) || s.includes(': ') || s.endsWith(':')) throw GIVE_UP;
      return { type: 'scalar', start: at, end, tail: this.next, value: plainScalar(s) };
    }
    // After a quoted or flow value only a comment may follow, after a space.
    let k = end;
    while (k < this.ce && t.charCodeAt(k) === SPACE) k++;
    if (k < this.ce && (t.charCodeAt(k) !== HASH || k === end)) throw GIVE_UP;
    return node;
  }

  /**
   * A flow collection whose opening bracket is at `at`; its lines after the first are indented more
   * than `parent`, but for the line that closes the outermost collection, which may sit at `parent`.
   */
  private flow(at: number, parent: number, outermost: boolean): SimpleSeq | SimpleMap {
    this.enter();
    const t = this.text;
    const isSeq = t.charCodeAt(at) === LBRACKET;
    const close = isSeq ? RBRACKET : RBRACE;
    const closeAtParent = outermost ? close : -1;
    const items: SimpleNode[] = [];
    const entries: SimpleEntry[] = [];
    let i = at + 1;
    for (;;) {
      i = this.flowSpace(i, parent, closeAtParent);
      if (t.charCodeAt(i) === close) break;
      if (isSeq) {
        const item = this.flowNode(i, parent, false);
        items.push(item);
        i = item.end;
      } else {
        const keyStart = i;
        const c = t.charCodeAt(i);
        let key: unknown;
        let keyEnd: number;
        if (c === DQUOTE || c === SQUOTE) {
          const q = this.quoted(i);
          if (q === undefined) throw GIVE_UP;
          key = q.value;
          keyEnd = q.end;
          while (t.charCodeAt(keyEnd) === SPACE) keyEnd++;
          if (t.charCodeAt(keyEnd) !== COLON) throw GIVE_UP;
          i = keyEnd + 1;
          keyEnd = q.end;
        } else {
          const k = this.flowNode(i, parent, true);
          if (k.type !== 'scalar' || t.charCodeAt(k.tail) !== COLON) throw GIVE_UP;
          key = k.value;
          keyEnd = k.end;
          i = k.tail + 1;
          if (i < this.ce && t.charCodeAt(i) !== SPACE) throw GIVE_UP;
        }
        if (typeof key !== 'string' || key === '__proto__' || key === '<<' || entries.some((e) => e.key === key)) throw GIVE_UP;
        i = this.flowSpace(i, parent, closeAtParent);
        const v = t.charCodeAt(i);
        if (v === COMMA || v === close) throw GIVE_UP; // an empty value
        const value = this.flowNode(i, parent, false);
        entries.push({ key, keyStart, keyEnd, value });
        i = value.end;
      }
      i = this.flowSpace(i, parent, closeAtParent);
      const c = t.charCodeAt(i);
      if (c === close) break;
      if (c !== COMMA) throw GIVE_UP;
      i++;
    }
    this.depth--;
    const end = i + 1;
    return isSeq ? { type: 'seq', start: at, end, tail: end, items } : { type: 'map', start: at, end, tail: end, entries };
  }

  /**
   * A node inside a flow collection at `at`: a nested collection, a quoted scalar, or a plain one on
   * this line. A plain key's `tail` is where its `:` stands.
   */
  private flowNode(at: number, parent: number, asKey: boolean): SimpleNode {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === LBRACKET || c === LBRACE) {
      if (asKey) throw GIVE_UP;
      return this.flow(at, parent, false);
    }
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quoted(at);
      if (q === undefined) throw GIVE_UP;
      return { type: 'scalar', start: at, end: q.end, tail: q.end, value: q.value };
    }
    if (!FLOW_PLAIN_START.test(t.slice(at, at + 2))) throw GIVE_UP;
    let k = at + 1;
    for (; k < this.ce; k++) {
      const d = t.charCodeAt(k);
      if (d === COMMA || d === LBRACKET || d === RBRACKET || d === LBRACE || d === RBRACE) break;
      if (d === HASH && t.charCodeAt(k - 1) === SPACE) break;
      if (d === COLON) {
        const e = t.charCodeAt(k + 1);
        if (k + 1 === this.ce || e === SPACE || e === COMMA || e === LBRACKET || e === RBRACKET || e === LBRACE || e === RBRACE) break;
      }
    }
    const stop = k;
    let end = stop;
    while (t.charCodeAt(end - 1) === SPACE) end--;
    if (stop === this.ce) {
      // A plain scalar may go on over the next line; it has ended only if that line closes or separates.
      const n = this.next;
      let m = n;
      while (m < this.text.length && t.charCodeAt(m) === SPACE) m++;
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
  private flowSpace(at: number, parent: number, closeAtParent: number): number {
    const t = this.text;
    let i = at;
    for (;;) {
      while (i < this.ce && t.charCodeAt(i) === SPACE) i++;
      if (i < this.ce) {
        if (t.charCodeAt(i) !== HASH) return i;
        if (i > this.ls && t.charCodeAt(i - 1) !== SPACE) throw GIVE_UP;
      }
      // The line ends (or a comment takes the rest): the collection goes on over the next line.
      if (this.next >= t.length) throw GIVE_UP;
      this.load(this.next);
      if (this.atMarker) throw GIVE_UP;
      if (this.kind === Line.Comment) {
        this.comments = true;
        if (this.indent <= Math.max(parent, 0)) throw GIVE_UP;
      }
      if (this.kind === Line.Content && this.indent <= parent) {
        const c = t.charCodeAt(this.cs);
        if (!(this.indent === parent && c === closeAtParent)) throw GIVE_UP;
      }
      i = this.cs;
    }
  }

  /** A quoted scalar that closes on this line: its value and the offset after the closing quote. */
  private quoted(at: number): { value: unknown; end: number } | undefined {
    const t = this.text;
    const q = t.charCodeAt(at);
    let i = at + 1;
    let escapes = false;
    for (; i < this.ce; i++) {
      const c = t.charCodeAt(i);
      if (q === DQUOTE && c === 0x5c /* \ */) {
        escapes = true;
        i++;
      } else if (c === q) {
        if (q === SQUOTE && t.charCodeAt(i + 1) === SQUOTE) {
          escapes = true;
          i++;
        } else break;
      }
    }
    if (i >= this.ce) return undefined;
    const end = i + 1;
    const raw = t.slice(at + 1, i);
    if (!escapes) return { value: raw, end };
    return { value: q === SQUOTE ? raw.replaceAll("''", "'") : yamlScalar(t.slice(at, end)), end };
  }

  /** The first `code` in [from, to), or -1: searches stay on the line. */
  private find(code: number, from: number, to: number): number {
    const t = this.text;
    for (let i = from; i < to; i++) if (t.charCodeAt(i) === code) return i;
    return -1;
  }
}

// Plain text that is surely a string in the core schema, and keys and values a block line can hold.
const AMBIGUOUS = /^(?:[-+.0-9~]|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;
const PLAIN_KEY = /^[^\s\-?:,[\]{}#&*!|>'"%@`](?:[^#]*[^\s#])?$/;
const PLAIN_VALUE = /^(?:[^\s\-?:,[\]{}#&*!|>'"%@`]|[-?:][^\s])[^\0]*$/;
// The first two characters of a plain scalar inside a flow collection.
const FLOW_PLAIN_START = /^(?:[^\s\-?:,[\]{}#&*!|>'"%@`]|[-?:][^\s,[\]{}])/;

function plainScalar(s: string): unknown {
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
