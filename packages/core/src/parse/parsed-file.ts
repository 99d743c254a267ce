import { isMap, isScalar, isSeq, visit, Scalar } from 'yaml';
import type { Document } from 'yaml';
import type { JsonPath, ManifestObject } from '../model/manifest-object.js';
import { isObj } from '../model/value.js';
import { SourceText } from '../text/source-text.js';
import type { Range } from '../text/source-text.js';
import { documentSpans, parseSpan } from './document-spans.js';
import type { DocumentSpan } from './document-spans.js';
import type { InputError } from './input-error.js';
import { jsonStream } from './json-stream.js';
import { locateIn, locateInYaml, locateSimple } from './locate-path.js';
import type { LocatedNode, NodePart } from './locate-path.js';
import { excessNesting, MAX_NESTING_DEPTH } from './nesting.js';
import { simpleValue, topLevelScalar } from './simple-yaml/nodes.js';
import type { StreamDocument } from './simple-yaml/nodes.js';
import { readSimpleYaml } from './simple-yaml/read-stream.js';
import { findTemplateMarker, templateMessage } from './template-markers.js';
import { countDocuments, parseDocuments, parseSegment } from './yaml-documents.js';
import { fillYttValues } from './ytt-values.js';

/** Kinds whose plain value the rules read; other documents are parsed but never converted. */
const RELEVANT_KINDS = new Set([
  'Issuer', 'ClusterIssuer', 'Certificate', 'CertificateRequest', 'Order', 'Challenge',
  'Ingress', 'Gateway', 'ServiceAccount', 'Secret', 'Namespace',
  // Kyverno policies that patch ServiceAccounts' pull secrets.
  'ClusterPolicy', 'Policy',
]);

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
  /** `yaml`'s parse of one document on its own, ranges in the whole text, made when a fix asks for it. */
  private readonly alone = new Map<number, Document.Parsed | undefined>();

  constructor(fileName: string, text: string, options: { yamlOnly?: boolean } = {}) {
    this.fileName = fileName;
    this.source = new SourceText(text);
    this.isYtt = false;
    try {
      // Objects one after another are a JSON stream to kubectl, whichever reader reads each of them.
      this.stream = jsonStream(text) ?? (options.yamlOnly ? undefined : readSimpleYaml(text));
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

  /** Each document's share of the text, when the fast reader split it (see DocumentSpan). */
  get spans(): DocumentSpan[] | undefined {
    return this.stream && documentSpans(this.stream, this.source.text.length);
  }

  /**
   * `yaml`'s document `docIndex`, as in `docs`, with ranges in the whole text. When the fast reader
   * split the text and `docs` is not parsed yet, only this document is parsed: what fixes of big files use.
   */
  doc(docIndex: number): Document.Parsed | undefined {
    const stream = this.stream;
    if (this.yamlDocs || !stream || docIndex < 0 || docIndex >= stream.length) return this.docs[docIndex];
    if (!this.alone.has(docIndex)) {
      const spans = documentSpans(stream, this.source.text.length);
      this.alone.set(docIndex, parseSpan(this.source.text, spans[docIndex] as DocumentSpan));
    }
    return this.alone.get(docIndex) ?? this.docs[docIndex];
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
    const doc = this.doc(docIndex);
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

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i === -1 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}
