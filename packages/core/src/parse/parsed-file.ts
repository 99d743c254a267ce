import { isAlias, isMap, isScalar, isSeq, isPair, parseAllDocuments, visit, Scalar } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import type { JsonPath, ManifestObject } from '../model/manifest-object.js';
import { isObj } from '../model/value.js';
import { SourceText } from '../text/source-text.js';
import type { Range } from '../text/source-text.js';
import type { InputError } from './input-error.js';
import { excessNesting, MAX_NESTING_DEPTH } from './nesting.js';
import { simpleValue, topLevelScalar } from './simple-yaml/nodes.js';
import type { SimpleNode, StreamDocument } from './simple-yaml/nodes.js';
import { readSimpleYaml } from './simple-yaml/read-stream.js';
import { findTemplateMarker, templateMessage } from './template-markers.js';

/** Kinds whose plain value the rules read; other documents are parsed but never converted. */
const RELEVANT_KINDS = new Set([
  'Issuer', 'ClusterIssuer', 'Certificate', 'CertificateRequest', 'Order', 'Challenge',
  'Ingress', 'Gateway', 'ServiceAccount', 'Secret', 'Namespace',
  // Kyverno policies that patch ServiceAccounts' pull secrets.
  'ClusterPolicy', 'Policy',
]);

export type NodePart = 'key' | 'value' | 'pair';

export interface LocatedNode {
  /** The value node at the path (aliases resolved), or null when the key has no value. */
  node: Node | null;
  /** The pair whose key is the last path segment, when the last step was a map key. */
  pair?: Pair<unknown, unknown>;
  /** The collection that holds the last step. */
  parent?: Node;
  /** True when some step went through an alias or a merge key: the text that holds it is elsewhere. */
  viaAlias: boolean;
}

/**
 * A file parsed into YAML documents and the Kubernetes objects they hold, with their source positions.
 *
 * The fast reader (simple-yaml/) reads the documents it can; `yaml` parses each document it leaves,
 * on its own. `yaml`'s documents of the whole text, which fixes edit, are made only when asked for.
 * A text the fast reader leaves whole (templates, ytt, directives) is parsed by `yaml` from the start.
 */
export class ParsedFile {
  readonly fileName: string;
  readonly source: SourceText;
  readonly objects: ManifestObject[] = [];
  readonly errors: InputError[] = [];
  /** Documents that failed to parse; their objects are not reported or edited. */
  readonly brokenDocs = new Set<number>();
  /** The documents as the fast reader split them, when it could split the text. */
  private stream: StreamDocument[] | undefined;
  /** `yaml`'s parse of each document the fast reader left, with where its text begins. */
  private readonly leftDocs = new Map<number, { doc: Document.Parsed; offset: number }>();
  private syntaxErrors = false;
  private tooDeep = false;
  private yamlDocs: Document.Parsed[] | undefined;
  /** `yaml`'s parse of a read document, made when its collection ranges are asked for. */
  private slices: (Document.Parsed | undefined)[] = [];

  constructor(fileName: string, text: string, options: { yamlOnly?: boolean } = {}) {
    this.fileName = fileName;
    this.source = new SourceText(text);
    this.isYtt = false;
    try {
      this.stream = options.yamlOnly ? undefined : readSimpleYaml(text);
      if (this.stream && !this.collectStream(this.stream)) {
        // A document the reader left is broken, or several to `yaml`: where a broken document ends
        // (an unclosed quote runs past `---`) only the whole text tells, so read it with `yaml`.
        this.stream = undefined;
        this.objects.length = 0;
        this.errors.length = 0;
        this.brokenDocs.clear();
        this.leftDocs.clear();
        this.syntaxErrors = false;
      }
      if (this.stream) return;
      const deep = excessNesting(text);
      if (deep !== -1) {
        this.nestingError(deep, 0);
        return;
      }
      this.isYtt = /(^|\s)#@/m.test(text);
      this.checkTemplate();
      if (this.errors.length === 0) this.collect(this.docs, 0);
    } catch (err) {
      // The last guard: a stack overflow anywhere in reading is this file's error, not the run's.
      if (!(err instanceof RangeError)) throw err;
      this.objects.length = 0;
      this.nestingError(0, 0);
    }
  }

  /** `yaml`'s documents: what fixes edit. Parsed on first use for text the fast reader read. */
  get docs(): Document.Parsed[] {
    // Text nested past the limit is never given to `yaml`, whose recursion it could overflow.
    if (!this.yamlDocs) this.yamlDocs = this.tooDeep ? [] : parseDocuments(this.source.text);
    return this.yamlDocs;
  }

  get docCount(): number {
    if (this.stream) return this.stream.length;
    return this.tooDeep ? countDocuments(this.source.text) : this.docs.length;
  }

  /** Some document has YAML syntax errors, or nests too deep to read. */
  get hasSyntaxErrors(): boolean {
    return this.syntaxErrors || (!this.stream && this.docs.some((d) => d.errors.length > 0));
  }

  /** Carvel ytt files are YAML whose `#@` comments compute values at render time. */
  readonly isYtt: boolean;

  /** Objects of the fast reader's documents, and of `yaml`'s for those it left; false if one it left is broken or several. */
  private collectStream(docs: readonly StreamDocument[]): boolean {
    const text = this.source.text;
    for (let docIndex = 0; docIndex < docs.length; docIndex++) {
      const doc = docs[docIndex] as StreamDocument;
      if (doc.type === 'left') {
        if (excessNesting(text, doc.from, doc.to) !== -1) return false;
        const yamlDoc = parseSegment(text, doc.from, doc.to);
        if (!yamlDoc) return false;
        this.leftDocs.set(docIndex, { doc: yamlDoc, offset: doc.from });
        this.collectDoc(yamlDoc, docIndex, doc.from);
        continue;
      }
      // Only documents whose kind a rule reads are converted to values.
      const kind = topLevelScalar(doc.node, 'kind');
      if (typeof kind !== 'string') continue;
      if (kind.endsWith('List')) {
        const value = simpleValue(doc.node);
        if (isObj(value) && Array.isArray(value['items'])) this.pushListItems(value, docIndex);
      } else if (RELEVANT_KINDS.has(kind)) this.pushObject(simpleValue(doc.node), docIndex, []);
    }
    return true;
  }

  private nestingError(offset: number, docIndex: number): void {
    this.tooDeep = true;
    const range = this.source.rangeAt(offset, Math.min(offset + 1, this.source.text.length));
    this.brokenDocs.add(docIndex);
    this.syntaxErrors = true;
    this.errors.push({
      fileName: this.fileName,
      line: range.start.line + 1,
      code: 'nesting',
      message: `YAML nested more than ${MAX_NESTING_DEPTH} levels deep; no manifest needs that many: check what generated this file`,
      range,
    });
  }

  get isTemplate(): boolean {
    return this.errors.some((e) => e.code === 'template');
  }

  private checkTemplate(): void {
    const t = this.source.text;
    if (!t.includes('{{') && !t.includes('{%') && !t.includes('{#')) return;
    const hit = findTemplateMarker(this.source, this.textScalarRanges());
    if (hit) {
      this.errors.push({
        fileName: this.fileName,
        line: hit.line + 1,
        code: 'template',
        message: templateMessage(hit),
        range: this.source.rangeAt(hit.offset, hit.offset + hit.marker.length),
      });
    }
  }

  /** Ranges of quoted and block scalars, where template markers are only text. */
  private textScalarRanges(): [number, number][] {
    const ranges: [number, number][] = [];
    for (const doc of this.docs) {
      visit(doc, {
        Scalar(_key, node) {
          if (node.type !== Scalar.PLAIN && node.range) ranges.push([node.range[0], node.range[1]]);
        },
      });
    }
    return ranges.sort((a, b) => a[0] - b[0]);
  }

  private collect(docs: readonly Document.Parsed[], offset: number): void {
    docs.forEach((doc, docIndex) => this.collectDoc(doc, docIndex, offset));
  }

  /** Errors and objects of one of `yaml`'s documents, parsed from the text at `offset`. */
  private collectDoc(doc: Document.Parsed, docIndex: number, offset: number): void {
    if (doc.errors.length > 0) {
      this.brokenDocs.add(docIndex);
      this.syntaxErrors = true;
      for (const err of doc.errors) {
        // Errors found at the end of the text (an unclosed bracket) point at its last line.
        const start = Math.min(err.pos[0] + offset, this.source.text.trimEnd().length);
        const range = this.source.rangeAt(start, Math.max(Math.min(err.pos[1] + offset, this.source.text.length), start));
        const overflow = /call stack|stack overflow/i.test(err.message);
        this.errors.push({
          fileName: this.fileName,
          line: range.start.line + 1,
          code: overflow ? 'nesting' : 'syntax',
          message: overflow ? `YAML nested too deep to read; no manifest needs that many levels: check what generated this file` : `YAML syntax error: ${firstLine(err.message)}; fix the YAML and run again`,
          range,
        });
      }
      return;
    }
    if (this.isYtt) fillYttValues(doc, this.source.text);
    const contents = doc.contents;
    if (!isMap(contents)) return;
    const kind = scalarValue(contents.get('kind', true));
    if (typeof kind !== 'string') return;
    if (kind.endsWith('List') && isSeq(contents.get('items', true))) {
      this.collectList(doc, docIndex, offset);
      return;
    }
    if (!RELEVANT_KINDS.has(kind)) return;
    this.pushObject(this.toJs(doc, docIndex, offset), docIndex, []);
  }

  private collectList(doc: Document.Parsed, docIndex: number, offset: number): void {
    this.pushListItems(this.toJs(doc, docIndex, offset), docIndex);
  }

  /** The items of a `kind: List` value whose kind a rule reads. */
  private pushListItems(value: unknown, docIndex: number): void {
    const items = isObj(value) ? value['items'] : undefined;
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      if (isObj(item) && RELEVANT_KINDS.has(String(item['kind']))) this.pushObject(item, docIndex, ['items', i]);
    });
  }

  private toJs(doc: Document.Parsed, docIndex: number, offset: number): unknown {
    try {
      return doc.toJS({ maxAliasCount: 10_000 });
    } catch (err) {
      this.brokenDocs.add(docIndex);
      this.errors.push({
        fileName: this.fileName,
        line: doc.range ? this.source.positionAt(doc.range[0] + offset).line + 1 : 1,
        code: 'conversion',
        message: `cannot read this YAML document: ${(err as Error).message}`,
      });
      return undefined;
    }
  }

  private pushObject(value: unknown, docIndex: number, itemPath: JsonPath): void {
    if (!isObj(value)) return;
    const apiVersion = value['apiVersion'];
    const kind = value['kind'];
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return;
    const meta = isObj(value['metadata']) ? value['metadata'] : {};
    const obj: ManifestObject = { apiVersion, kind, value, origin: { type: 'file', fileName: this.fileName, docIndex, itemPath } };
    if (typeof meta['name'] === 'string') obj.name = meta['name'];
    if (typeof meta['namespace'] === 'string') obj.namespace = meta['namespace'];
    this.objects.push(obj);
  }

  /** Walk a path from a document's root through maps, sequences, aliases and merge keys. */
  locateNode(docIndex: number, path: JsonPath): LocatedNode | undefined {
    const doc = this.docs[docIndex];
    return doc && locateIn(doc, path);
  }

  /** `locate` as offsets. */
  private locateOffsets(docIndex: number, path: JsonPath, part: NodePart = 'key'): [number, number] | undefined {
    const doc = this.stream?.[docIndex];
    if (!doc) return locateInYaml(this.docs[docIndex], path, part);
    if (doc.type === 'left') {
      const left = this.leftDocs.get(docIndex);
      const at = left && locateInYaml(left.doc, path, part);
      return at && [at[0] + doc.from, at[1] + doc.from];
    }
    const found = locateSimple(doc.node, path, part);
    if (!found || !(doc.hasLineComments && found.collection)) return found?.offsets;
    // Full-line comments can stretch a collection's range in `yaml`: ask it, for this document only.
    let slice = this.slices[docIndex];
    if (!slice) {
      slice = parseSegment(this.source.text, doc.from, doc.to);
      this.slices[docIndex] = slice;
    }
    const at = locateInYaml(slice, path, part);
    return at && [at[0] + doc.from, at[1] + doc.from];
  }

  /** Source range of a path: its key, its value, or both. Falls back to the nearest located ancestor. */
  locate(docIndex: number, path: JsonPath, part: NodePart = 'key'): Range | undefined {
    const at = this.locateOffsets(docIndex, path, part);
    return at && this.source.rangeAt(at[0], at[1]);
  }
}

/** How many documents a text holds, counted by its `---` lines, for text `yaml` is not given. */
function countDocuments(text: string): number {
  const markers = text.match(/^---(?=[ \t\r\n]|$)/gm)?.length ?? 0;
  return markers + (text.startsWith('---') ? 0 : 1);
}

/**
 * `yaml`'s parse of the one document in text[from, to), ended by a `---` line as in the whole text
 * (where a document ends decides how far some ranges reach); undefined if it is broken or several.
 */
function parseSegment(text: string, from: number, to: number): Document.Parsed | undefined {
  const last = to >= text.length;
  const docs = parseDocuments(last ? text.slice(from) : `${text.slice(from, to)}---\n`);
  if (docs.length !== (last ? 1 : 2) || docs.some((d) => d.errors.length > 0)) return undefined;
  return docs[0];
}

/** Parse a text into `yaml`'s documents. */
function parseDocuments(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: false }) as Document.Parsed[];
  return Array.isArray(docs) ? docs : [];
}

/** Walk a path from a document's root through maps, sequences, aliases and merge keys. */
function locateIn(doc: Document.Parsed, path: JsonPath): LocatedNode | undefined {
  let node: Node | null = doc.contents;
  let pair: Pair<unknown, unknown> | undefined;
  let parent: Node | undefined;
  let viaAlias = false;
  for (const seg of path) {
    if (node && isAlias(node)) {
      node = (node.resolve(doc) as Node | undefined) ?? null;
      viaAlias = true;
    }
    if (!node) return undefined;
    parent = node;
    if (typeof seg === 'number') {
      if (!isSeq(node)) return undefined;
      node = (node.items[seg] as Node | undefined) ?? null;
      pair = undefined;
      if (node === undefined) return undefined;
    } else {
      if (!isMap(node)) return undefined;
      const found = findPair(doc, node, seg);
      if (!found) return undefined;
      pair = found.pair;
      if (found.viaMerge) viaAlias = true;
      parent = found.map;
      node = (found.pair.value as Node | null) ?? null;
    }
  }
  if (node && isAlias(node)) {
    node = (node.resolve(doc) as Node | undefined) ?? null;
    viaAlias = true;
  }
  const located: LocatedNode = { node, viaAlias };
  if (pair) located.pair = pair;
  if (parent) located.parent = parent;
  return located;
}

/** `locate` in one of `yaml`'s documents. */
function locateInYaml(doc: Document.Parsed | undefined, path: JsonPath, part: NodePart): [number, number] | undefined {
  if (!doc) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const loc = locateIn(doc, path.slice(0, n));
    if (!loc) continue;
    const keyNode = loc.pair && isScalar(loc.pair.key) ? loc.pair.key : undefined;
    const at = pick(keyNode?.range ?? undefined, loc.node?.range ?? undefined, part);
    if (at) return at;
  }
  return undefined;
}

/** The offsets `locate` answers from a key's and a value's range. */
function pick(key: readonly number[] | undefined, value: readonly number[] | undefined, part: NodePart): [number, number] | undefined {
  if (part === 'key' && key) return [key[0] as number, key[1] as number];
  if (part === 'value' && value) return [value[0] as number, value[1] as number];
  if (!key && !value) return undefined;
  return [(key ?? value)?.[0] as number, (value ?? key)?.[1] as number];
}

/** `locate` in the fast reader's tree; `collection` tells whether a collection's range was used. */
function locateSimple(root: SimpleNode | null, path: JsonPath, part: NodePart): { offsets: [number, number]; collection: boolean } | undefined {
  // The deepest node the path reaches, with the key that led to it.
  const nodes: (SimpleNode | null)[] = [root];
  const keys: ([number, number] | undefined)[] = [undefined];
  let node = root;
  for (const seg of path) {
    let next: SimpleNode | undefined;
    let key: [number, number] | undefined;
    if (node?.type === 'seq' && typeof seg === 'number') next = node.items[seg];
    else if (node?.type === 'map' && typeof seg === 'string') {
      const entry = node.entries.find((e) => e.key === seg);
      if (entry) {
        next = entry.value;
        key = [entry.keyStart, entry.keyEnd];
      }
    }
    if (!next) break;
    node = next;
    nodes.push(next);
    keys.push(key);
  }
  for (let n = nodes.length - 1; n >= 0; n--) {
    const v = nodes[n];
    const key = keys[n];
    const value = v ? [v.start, v.end] : undefined;
    const offsets = pick(key, value, part);
    if (offsets) return { offsets, collection: v !== null && v !== undefined && v.type !== 'scalar' && !(part === 'key' && key) };
  }
  return undefined;
}

export function findPair(doc: Document.Parsed, map: YAMLMap, key: string, depth = 0): { pair: Pair<unknown, unknown>; map: YAMLMap; viaMerge: boolean } | undefined {
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && !isMergeKey(item.key) && String(item.key.value) === key) return { pair: item, map, viaMerge: false };
  }
  if (depth > 20) return undefined;
  // YAML merge keys (<<: *base or <<: [*a, *b]): a later source never overrides an earlier one.
  for (const item of map.items) {
    if (!isPair(item) || !isScalar(item.key) || !isMergeKey(item.key)) continue;
    const sources = isSeq(item.value) ? item.value.items : [item.value];
    for (const src of sources) {
      const resolved = isAlias(src) ? src.resolve(doc) : src;
      if (isMap(resolved)) {
        const found = findPair(doc, resolved, key, depth + 1);
        if (found) return { ...found, viaMerge: true };
      }
    }
  }
  return undefined;
}

/**
 * `key: #@ data.values.x` (and `- #@ ...`) is null to a YAML reader but set once ytt renders it: give such keys a
 * placeholder value so rules do not report them as missing. The placeholder has no source range.
 */
function fillYttValues(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Pair(_k, pair) {
      const value = pair.value as Node | null;
      const keyEnd = isScalar(pair.key) ? pair.key.range?.[1] : undefined;
      if (keyEnd === undefined || (value !== null && !(isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]))) return;
      const lineEnd = text.indexOf('\n', keyEnd);
      const rest = text.slice(keyEnd, lineEnd === -1 ? text.length : lineEnd);
      const m = /^\s*:\s*#@\s*(.*?)\s*$/.exec(rest);
      if (m) pair.value = new Scalar(`#@ ${m[1] ?? ''}`);
    },
    // `- #@ data.values.x` likewise.
    Seq(_k, seq) {
      seq.items.forEach((item, i) => {
        const node = item as Node | null;
        if (!isScalar(node) || node.value !== null || !node.range || node.range[0] !== node.range[1]) return;
        const lineStart = text.lastIndexOf('\n', node.range[0] - 1) + 1;
        const lineEnd = text.indexOf('\n', node.range[0]);
        const m = /^\s*-\s*#@\s*(.*?)\s*$/.exec(text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd));
        if (m) seq.items[i] = new Scalar(`#@ ${m[1] ?? ''}`);
      });
    },
  });
}

function isMergeKey(key: Scalar): boolean {
  return typeof key.value === 'symbol' || (key.value === '<<' && key.type === Scalar.PLAIN);
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i === -1 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}
