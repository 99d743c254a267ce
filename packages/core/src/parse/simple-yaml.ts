import { parse as parseYaml } from 'yaml';

/**
 * A fast reader for the plain block YAML that manifests are mostly written in: block maps and
 * sequences, single-line plain and quoted scalars, one-line flow sequences and `{}`/`[]`, comments,
 * `---` between documents, LF or CRLF. It gives the same values and the same node ranges as the
 * `yaml` package for that subset, about ten times faster, and gives up (returns undefined) on
 * anything else, so the caller parses the text with `yaml` instead: anchors, aliases, tags, block
 * scalars, multi-line scalars, directives, merge keys, ytt and template markers, tabs, a BOM,
 * and anything `yaml` would report as an error.
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

export interface SimpleDocument {
  /** Where the document's own text begins (after its `---` line) and ends (before the next marker). */
  from: number;
  to: number;
  node: SimpleNode | null;
  value: unknown;
  /** The document has full-line comments: collection ranges may differ from `yaml`'s, ask it. */
  hasLineComments: boolean;
}

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

// Cheap whole-text reasons to leave the text to `yaml`: tabs, control characters, lone CRs, directives, `...` markers,
// template markers, ytt annotations, a BOM.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const UNSUPPORTED = /[\t\0-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufeff]|\r(?!\n)|(?:^|\n)(?:%|\.\.\.(?:[ \r\n]|$))|\{\{|\{%|\{#|#@|#!/;

/** The documents of `text`, or undefined when it is not in the subset this reader knows exactly. */
export function readSimpleYaml(text: string): SimpleDocument[] | undefined {
  if (text.charCodeAt(0) === 0xfeff || UNSUPPORTED.test(text)) return undefined;
  try {
    return new Reader(text).documents();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
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
const DQUOTE = 0x22;
const SQUOTE = 0x27;

class Reader {
  private readonly text: string;
  // The current line: its start, where content begins, where content ends (before CR/LF), the next line's start.
  private ls = 0;
  private cs = 0;
  private ce = 0;
  private next = 0;
  private kind: Line = Line.Blank;
  private atMarker = false;
  private comments = false;

  constructor(text: string) {
    this.text = text;
  }

  documents(): SimpleDocument[] {
    const docs: SimpleDocument[] = [];
    const t = this.text;
    this.load(0);
    let from = 0;
    let explicit = false;
    for (;;) {
      this.comments = false;
      this.skipNonContent();
      const node = this.atMarker || this.ls >= t.length ? null : this.block(-1);
      if (node !== null) {
        this.skipNonContent();
        if (!this.atMarker && this.ls < t.length) throw GIVE_UP;
      }
      // Without a `---`, a stream of only comments and blank lines holds no document.
      if (explicit || node !== null) {
        docs.push({ from, to: this.ls, node, value: node ? this.valueOf(node) : null, hasLineComments: this.comments });
      }
      if (!this.atMarker) break;
      explicit = true;
      from = this.next;
      this.load(this.next);
    }
    return docs;
  }

  /** Read the line that starts at `at` (or the end of the text). */
  private load(at: number): void {
    const t = this.text;
    this.ls = at;
    this.atMarker = false;
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
      if (cs === at && t.startsWith('---', at) && (at + 3 === ce || t.charCodeAt(at + 3) === SPACE)) {
        // `---` alone or with a comment; anything else on the marker line is for `yaml`.
        let k = at + 3;
        while (k < ce && t.charCodeAt(k) === SPACE) k++;
        if (k < ce && t.charCodeAt(k) !== HASH) throw GIVE_UP;
        this.atMarker = true;
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
    return this.isDash(this.cs) ? this.seq(this.indent) : this.map(this.cs);
  }

  /** `-` followed by a space or the end of the content. */
  private isDash(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.ce || this.text.charCodeAt(at + 1) === SPACE);
  }

  /** A block map whose first key starts at `start` on the current line; its keys sit in that column. */
  private map(start: number): SimpleMap {
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
        value = this.inline(v);
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
    return { type: 'map', start, end: last.tail, tail: last.tail, entries };
  }

  /** A block sequence whose dashes sit at `column`; the current line holds its first dash. */
  private seq(column: number): SimpleSeq {
    const t = this.text;
    const start = this.cs;
    const items: SimpleNode[] = [];
    let last: SimpleNode | undefined;
    for (;;) {
      let v = this.cs + 1;
      while (v < this.ce && t.charCodeAt(v) === SPACE) v++;
      // An empty item, or one nested on the following lines, is rare: leave it to `yaml`.
      if (v === this.ce || t.charCodeAt(v) === HASH || this.isDash(v)) throw GIVE_UP;
      let item: SimpleNode;
      if (this.key(v) !== undefined) {
        item = this.map(v);
      } else {
        item = this.inline(v);
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

  /** A value that sits on one line: plain, quoted, or a one-line flow sequence. */
  private inline(at: number): SimpleNode {
    const t = this.text;
    const c = t.charCodeAt(at);
    let end: number;
    let node: SimpleNode;
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quoted(at);
      if (q === undefined) throw GIVE_UP;
      end = q.end;
      node = { type: 'scalar', start: at, end, tail: this.next, value: q.value };
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      node = this.flow(at);
      end = node.end;
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

  /** `[]`, `{}`, or `[a, "b", 'c']` on one line, items being simple plain or quoted scalars. */
  private flow(at: number): SimpleSeq | SimpleMap {
    const t = this.text;
    const open = t.charCodeAt(at);
    const closeAt = this.find(open === 0x5b ? 0x5d : 0x7d, at + 1, this.ce);
    if (closeAt === -1) throw GIVE_UP;
    const end = closeAt + 1;
    if (closeAt === at + 1) {
      return open === 0x5b ? { type: 'seq', start: at, end, tail: this.next, items: [] } : { type: 'map', start: at, end, tail: this.next, entries: [] };
    }
    if (open !== 0x5b) throw GIVE_UP;
    const items: SimpleNode[] = [];
    let i = at + 1;
    for (;;) {
      while (t.charCodeAt(i) === SPACE) i++;
      let s = i;
      let e: number;
      let value: unknown;
      const c = t.charCodeAt(i);
      if (c === DQUOTE || c === SQUOTE) {
        const q = this.quoted(i);
        if (q === undefined || q.end > closeAt) throw GIVE_UP;
        e = q.end;
        value = q.value;
        i = e;
      } else {
        let comma = this.find(0x2c, i, closeAt);
        if (comma === -1) comma = closeAt;
        e = comma;
        while (e > s && t.charCodeAt(e - 1) === SPACE) e--;
        const text = t.slice(s, e);
        if (!FLOW_PLAIN.test(text)) throw GIVE_UP;
        value = plainScalar(text);
        i = comma;
      }
      items.push({ type: 'scalar', start: s, end: e, tail: e, value });
      while (t.charCodeAt(i) === SPACE) i++;
      if (i === closeAt) break;
      if (t.charCodeAt(i) !== 0x2c /* , */) throw GIVE_UP;
      i++;
      s = i;
      while (t.charCodeAt(s) === SPACE) s++;
      if (s === closeAt) throw GIVE_UP; // a trailing comma
    }
    return { type: 'seq', start: at, end, tail: this.next, items };
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

  private valueOf(node: SimpleNode): unknown {
    switch (node.type) {
      case 'scalar':
        return node.value;
      case 'seq':
        return node.items.map((n) => this.valueOf(n));
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const e of node.entries) out[e.key] = this.valueOf(e.value);
        return out;
      }
    }
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
const FLOW_PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^,[\]{}#:]*$/;

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
