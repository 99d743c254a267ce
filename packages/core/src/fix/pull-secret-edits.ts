import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { samePath } from '../model/manifest-object.js';
import type { JsonPath } from '../model/manifest-object.js';
import { isServiceAccount } from '../model/pull-secrets.js';
import { isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { findPair } from '../parse/locate-path.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { Finding } from '../service/finding.js';
import type { TextEdit } from '../text/text-edit.js';
import { afterLine, blockMapEnd, linesAt, pairContentEnd } from './block-layout.js';
import type { FixOutcome, SkipCode } from './fix-outcome.js';
import { documentStyle, flowMapping, formatScalar } from './text-style.js';
import type { TextStyle } from './text-style.js';

export interface PullSecretFixOptions {
  /** The pull secret added to ServiceAccounts without one, and given to entries without a name. */
  pullSecretName: string;
  /** Name entries that have no name after `pullSecretName` (changes what the entry means). */
  replaceEmptyNames?: boolean;
}

/** What one ServiceAccount should hold after the fix, for the check that the edits did just that. */
export interface PullSecretChange {
  docIndex: number;
  itemPath: JsonPath;
  /** imagePullSecrets entries rewritten: index -> the name they get. */
  entries: Map<number, string>;
  /** imagePullSecrets added (or filled where it was empty) with this name. */
  added?: string;
}

export interface PullSecretOutcome extends FixOutcome {
  changes: PullSecretChange[];
}

/**
 * Minimal edits to ServiceAccounts' imagePullSecrets: `- x` becomes `- name: x` (text inserted
 * around the scalar, so its quotes, comments and line endings stay), imagePullSecrets is added
 * where it is missing or empty, and, only when asked, an entry without a name gets the pull secret.
 */
export function pullSecretEdits(file: ParsedFile, findings: readonly Finding[], options: PullSecretFixOptions): PullSecretOutcome {
  const edits: TextEdit[] = [];
  const skipped: FixOutcome['skipped'] = [];
  const changes = new Map<string, PullSecretChange>();
  const changeOf = (docIndex: number, itemPath: JsonPath): PullSecretChange => {
    const key = `${docIndex}:${JSON.stringify(itemPath)}`;
    let c = changes.get(key);
    if (!c) changes.set(key, (c = { docIndex, itemPath, entries: new Map() }));
    return c;
  };
  for (const f of findings) {
    if ((f.rule !== 'pull-secret-entry-malformed' && f.rule !== 'solver-service-account-without-pull-secrets') || f.docIndex === undefined) continue;
    const kind = f.fixes.find((k) => k === 'pull-secret-entry' || k === 'pull-secrets-add' || k === 'pull-secret-name');
    if (!kind || (kind === 'pull-secret-name' && !options.replaceEmptyNames)) continue;
    const itemPath = f.itemPath ?? [];
    const sa = file.objects.find((o) => o.origin.type === 'file' && o.origin.docIndex === f.docIndex && samePath(o.origin.itemPath, itemPath));
    const doc = file.doc(f.docIndex);
    if (!sa || !isServiceAccount(sa) || !doc) {
      skipped.push({ code: 'service-account-moved', finding: f, reason: 'the ServiceAccount is no longer where the finding says; analyse the file again' });
      continue;
    }
    const style = documentStyle(doc, file.source);
    const index = f.rule === 'pull-secret-entry-malformed' ? f.data.index : -1;
    const r =
      kind === 'pull-secrets-add'
        ? addPullSecrets(file, f.docIndex, itemPath, options.pullSecretName, style)
        : rewriteEntry(file, f.docIndex, itemPath, index, kind === 'pull-secret-entry' ? undefined : options.pullSecretName, style);
    if ('reason' in r) {
      skipped.push({ code: r.code, finding: f, reason: r.reason });
      continue;
    }
    edits.push(...r.edits);
    const change = changeOf(f.docIndex, itemPath);
    if (kind === 'pull-secrets-add') change.added = options.pullSecretName;
    else change.entries.set(index, r.name);
  }
  return { edits, skipped, changes: [...changes.values()] };
}

type EditResult = { edits: TextEdit[]; name: string } | { code: SkipCode; reason: string };

function edit(file: ParsedFile, offset: number, length: number, newText: string): TextEdit {
  return { offset, length, newText, range: file.source.rangeAt(offset, offset + length) };
}

function key(k: string, style: TextStyle): string {
  return style.keyQuote === 'plain' ? k : formatScalar(k, style.keyQuote);
}

/** `- x` -> `- name: x` (or `[x]` -> `[{name: x}]`); with `name`, an entry without a name gets it. */
function rewriteEntry(file: ParsedFile, docIndex: number, itemPath: JsonPath, index: number, name: string | undefined, style: TextStyle): EditResult {
  const seq = file.locateNode(docIndex, [...itemPath, 'imagePullSecrets']);
  const at = file.locateNode(docIndex, [...itemPath, 'imagePullSecrets', index]);
  if (!seq?.node || !isSeq(seq.node) || !at || at.viaAlias || seq.viaAlias) return { code: 'through-alias', reason: 'the entry is written through an alias; change the anchored value by hand' };
  const node = at.node;
  const range = node?.range;
  if (name === undefined) {
    if (!isScalar(node) || typeof node.value !== 'string' || !range) return { code: 'service-account-moved', reason: 'the entry is not a plain string any more' };
    const [start, end] = [range[0], range[1]];
    if (seq.node.flow) {
      const [open, close] = flowMapping([[key('name', style), '\u0000']], style.flow).split('\u0000');
      return { edits: [edit(file, start, 0, open ?? ''), edit(file, end, 0, close ?? '')], name: node.value };
    }
    return { edits: [edit(file, start, 0, `${key('name', style)}: `)], name: node.value };
  }
  const value = formatScalar(name, style.valueQuote);
  if (isMap(node)) return nameInMap(file, docIndex, node, name, value, style);
  if (node === null || (isScalar(node) && node.value === null)) {
    // `-` alone or `- null`: write the mapping in the entry's place.
    if (range && range[1] > range[0]) return { edits: [edit(file, range[0], range[1] - range[0], `${key('name', style)}: ${value}`)], name };
    const dash = seqItemDash(file, seq.node as Node, index);
    if (dash === undefined) return { code: 'layout-unsupported', reason: 'cannot find the entry in the text' };
    return { edits: [edit(file, dash + 1, 0, ` ${key('name', style)}: ${value}`)], name };
  }
  return { code: 'value-conflict', reason: 'the entry is neither a mapping nor empty' };
}

function nameInMap(file: ParsedFile, docIndex: number, map: YAMLMap, name: string, value: string, style: TextStyle): EditResult {
  const doc = file.doc(docIndex);
  const pair = doc ? findPair(doc, map, 'name')?.pair : map.items.find((p) => isScalar(p.key) && p.key.value === 'name');
  if (pair) {
    const v = pair.value as Node | null;
    if (v && v.range && v.range[1] > v.range[0]) return { edits: [edit(file, v.range[0], v.range[1] - v.range[0], value)], name };
    const end = pairContentEnd(file.source.text, pair);
    return { edits: [edit(file, end, 0, ` ${value}`)], name };
  }
  if (!map.range) return { code: 'layout-unsupported', reason: 'the entry has no source position' };
  if (map.flow) {
    const close = map.range[1] - 1;
    if (file.source.text[close] !== '}') return { code: 'layout-unsupported', reason: 'unexpected flow mapping layout' };
    const last = map.items[map.items.length - 1];
    // `{ }` is written anew; otherwise after the last pair, so `{ a: b }` becomes `{ a: b, name: x }`.
    if (!last) return { edits: [edit(file, map.range[0], close + 1 - map.range[0], flowMapping([[key('name', style), value]], style.flow))], name };
    return { edits: [edit(file, pairContentEnd(file.source.text, last), 0, `${style.flow.comma}${key('name', style)}${style.flow.colon}${value}`)], name };
  }
  return { code: 'value-conflict', reason: 'the entry has other keys but no name; set its name by hand' };
}

/** Offset of the `-` of a block sequence item. */
function seqItemDash(file: ParsedFile, seq: Node, index: number): number | undefined {
  if (!isSeq(seq) || !seq.range) return undefined;
  const text = file.source.text;
  let count = -1;
  for (let i = seq.range[0]; i < seq.range[1]; i++) {
    if (text[i] === '-' && /^-(\s|$)/.test(text.slice(i, i + 2)) && /(^|\n)[ \t]*$/.test(text.slice(Math.max(0, i - 200), i))) {
      count++;
      if (count === index) return i;
    }
  }
  return undefined;
}

/** imagePullSecrets with one entry, where it is missing, null or an empty list. */
function addPullSecrets(file: ParsedFile, docIndex: number, itemPath: JsonPath, name: string, style: TextStyle): EditResult {
  const src = file.source;
  const doc = file.doc(docIndex);
  const at = file.locateNode(docIndex, itemPath);
  if (!doc || !at?.node || !isMap(at.node) || at.viaAlias) return { code: 'layout-unsupported', reason: 'the ServiceAccount is not a mapping written in place' };
  const map = at.node;
  const value = formatScalar(name, style.valueQuote);
  const entry = flowMapping([[key('name', style), value]], style.flow);
  const found = findPair(doc, map, 'imagePullSecrets');
  if (found) {
    if (found.viaMerge) return { code: 'through-alias', reason: 'imagePullSecrets comes from a merge key; change the anchored value' };
    const v = found.pair.value as Node | null;
    if (isSeq(v) && v.items.length === 0 && v.flow && v.range) {
      // `[]` -> `[{name: x}]`
      const open = src.text.indexOf('[', v.range[0]);
      return { edits: [edit(file, open + 1, 0, entry)], name };
    }
    if (v && isScalar(v) && v.value === null && v.range && v.range[1] > v.range[0]) return { edits: [edit(file, v.range[0], v.range[1] - v.range[0], `[${entry}]`)], name };
    if (v === null || (isScalar(v) && v.value === null)) {
      const ks = isScalar(found.pair.key) ? found.pair.key.range?.[0] : undefined;
      if (ks === undefined) return { code: 'layout-unsupported', reason: 'imagePullSecrets has no source position' };
      const column = src.columnOf(ks) + (style.indentSequences ? style.indentStep : 0);
      const point = afterLine(src, src.positionAt(ks).line);
      return { edits: [edit(file, point.offset, 0, linesAt(point, [`${' '.repeat(column)}- ${key('name', style)}: ${value}`], src.eol))], name };
    }
    return { code: 'value-conflict', reason: 'imagePullSecrets is already set' };
  }
  if (map.flow) {
    if (!map.range || src.text[map.range[1] - 1] !== '}') return { code: 'layout-unsupported', reason: 'unexpected flow mapping layout' };
    const last = map.items[map.items.length - 1];
    const end = last ? pairContentEnd(src.text, last) : map.range[0] + 1;
    return { edits: [edit(file, end, 0, `${last ? style.flow.comma : ''}${key('imagePullSecrets', style)}${style.flow.colon}[${entry}]`)], name };
  }
  const first = map.items[0];
  const ks = first && isScalar(first.key) ? first.key.range?.[0] : undefined;
  if (ks === undefined) return { code: 'layout-unsupported', reason: 'the ServiceAccount has no keys' };
  const column = src.columnOf(ks);
  const point = blockMapEnd(src, map, column);
  const pad = ' '.repeat(column);
  const lines = [`${pad}${key('imagePullSecrets', style)}:`, `${pad}${style.indentSequences ? ' '.repeat(style.indentStep) : ''}- ${key('name', style)}: ${value}`];
  return { edits: [edit(file, point.offset, 0, linesAt(point, lines, src.eol))], name };
}

/** `before` (one document's plain value) with the intended pull secret changes made, to compare the result with. */
export function expectPullSecrets(before: unknown, changes: readonly PullSecretChange[], docIndex: number): unknown {
  let out = before;
  for (const c of changes) {
    if (c.docIndex !== docIndex) continue;
    out = updateAt(out, c.itemPath, (sa) => {
      if (!isObj(sa)) return sa;
      const next: Obj = { ...sa };
      if (c.added !== undefined) next['imagePullSecrets'] = [{ name: c.added }];
      const list = next['imagePullSecrets'];
      if (c.entries.size > 0 && Array.isArray(list)) {
        next['imagePullSecrets'] = list.map((e: unknown, i) => {
          const name = c.entries.get(i);
          if (name === undefined) return e;
          return isObj(e) ? { ...e, name } : { name };
        });
      }
      return next;
    });
  }
  return out;
}

function updateAt(v: unknown, path: JsonPath, f: (x: unknown) => unknown): unknown {
  if (path.length === 0) return f(v);
  const [head, ...rest] = path;
  if (typeof head === 'number' && Array.isArray(v)) return v.map((x, i) => (i === head ? updateAt(x, rest, f) : x));
  if (typeof head === 'string' && isObj(v)) return { ...v, [head]: updateAt(v[head], rest, f) };
  return v;
}

