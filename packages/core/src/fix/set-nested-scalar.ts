import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import type { JsonPath } from '../model/manifest-object.js';
import { findPair } from '../parse/locate-path.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { TextEdit } from '../text/text-edit.js';
import { blockMapEnd, linesAt } from './block-layout.js';
import { formatScalar } from './text-style.js';
import type { TextStyle } from './text-style.js';

export type SetResult =
  | { ok: true; edit: TextEdit | undefined; key: string }
  | { ok: false; code: 'value-conflict' | 'layout-unsupported'; reason: string };

/**
 * An edit that makes `basePath.keys...` equal `value`, creating the missing mappings.
 * It only inserts text, in the style of the mapping it lands in, except where the edit policy of the
 * README allows a replacement: a null (`~`, `null`, `!!null`, nothing) on the way, or a null or empty
 * final value. Through an alias or merge key it edits the anchored mapping, so every alias follows.
 */
export function setNestedScalar(file: ParsedFile, docIndex: number, basePath: JsonPath, keys: readonly string[], value: string, style: TextStyle): SetResult {
  const doc = file.doc(docIndex);
  const base = file.locateNode(docIndex, basePath);
  if (!doc || !base || !base.node || !isMap(base.node)) return { ok: false, code: 'value-conflict', reason: `${basePath.join('.')} is not a mapping` };
  let map: YAMLMap = base.node;
  let parentKeyStart = keyStart(base.pair);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const found = findPair(doc, map, k);
    if (!found) return insertInto(file, map, parentKeyStart, keys.slice(i), value, style);
    let v = found.pair.value as Node | null;
    if (v && isAlias(v)) v = (v.resolve(doc) as Node | undefined) ?? null;
    const last = i === keys.length - 1;
    const where = keys.slice(0, i + 1).join('.');
    if (last) {
      if (isScalar(v) && v.value === value) return { ok: true, edit: undefined, key: dedupeKey(docIndex, v) };
      if (isNullNode(v) || (isScalar(v) && v.value === '')) return replaceNull(file, found.map, found.pair, v, [], value, style, where);
      return { ok: false, code: 'value-conflict', reason: `${where} is already set to ${describeNode(v)}, which this fix does not replace; set it by hand to a ServiceAccount name` };
    }
    if (isNullNode(v)) return replaceNull(file, found.map, found.pair, v, keys.slice(i + 1), value, style, where);
    if (!isMap(v)) return { ok: false, code: 'value-conflict', reason: `${where} is ${describeNode(v)}, not a mapping; make it a mapping (or remove it) and run again` };
    parentKeyStart = keyStart(found.pair);
    map = v;
  }
  return { ok: false, code: 'layout-unsupported', reason: 'nothing to set' };
}

/** No value, or a scalar whose value is null (`~`, `null`, `Null`, `!!null`). */
function isNullNode(v: Node | null): boolean {
  return v === null || (isScalar(v) && v.value === null);
}

/** What a value is, for a reason a user reads. */
function describeNode(v: Node | null): string {
  if (isMap(v)) return 'a mapping';
  if (isSeq(v)) return 'a sequence';
  if (isScalar(v)) {
    const shown = typeof v.value === 'string' ? JSON.stringify(v.value) : String(v.value);
    return `${typeof v.value === 'string' ? 'the string' : 'the value'} ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
  }
  return 'something else';
}

function keyStart(pair: Pair<unknown, unknown> | undefined): number | undefined {
  return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

function dedupeKey(docIndex: number, node: { range?: [number, number, number] | null }): string {
  return `${docIndex}@${node.range?.[0] ?? -1}`;
}

function insertInto(file: ParsedFile, map: YAMLMap, parentKeyStart: number | undefined, keys: readonly string[], value: string, style: TextStyle): SetResult {
  const src = file.source;
  const text = src.text;
  const range = map.range;
  if (!range) return { ok: false, code: 'layout-unsupported', reason: 'mapping has no source position' };
  const key = `${dedupeKey(-1, map)}:${keys.join('.')}`;
  if (map.flow) {
    const close = range[1] - 1;
    if (text[close] !== '}') return { ok: false, code: 'layout-unsupported', reason: 'unexpected flow mapping layout' };
    const padded = /^\{[ \t]/.test(text.slice(range[0], range[1])) && map.items.length > 0;
    const inner = flowPairs(keys, value, style, padded);
    const lastItem = map.items[map.items.length - 1] as Pair<unknown, unknown> | undefined;
    if (!lastItem) return { ok: true, key, edit: edit(file, range[0] + 1, 0, inner) };
    const end = Math.max((lastItem.value as Node | null)?.range?.[1] ?? 0, isScalar(lastItem.key) ? (lastItem.key.range?.[1] ?? 0) : 0);
    return { ok: true, key, edit: edit(file, end, 0, `, ${inner}`) };
  }
  const first = map.items[0] as Pair<unknown, unknown> | undefined;
  const firstKey = keyStart(first);
  if (firstKey === undefined) return { ok: false, code: 'layout-unsupported', reason: 'empty block mapping' };
  const column = src.columnOf(firstKey);
  const step = parentKeyStart !== undefined && column > src.columnOf(parentKeyStart) ? column - src.columnOf(parentKeyStart) : style.indentStep;
  const point = blockMapEnd(src, map, column);
  return { ok: true, key, edit: edit(file, point.offset, 0, linesAt(point, blockLines(keys, value, style, column, step), src.eol)) };
}

/**
 * A key whose value is null (or, for the last key, an empty string): write the value, or the
 * mappings under it, in place of the null and its tag. Block style under a block key, flow style
 * in a flow mapping or JSON.
 */
function replaceNull(file: ParsedFile, parent: YAMLMap, pair: Pair<unknown, unknown>, v: Node | null, keys: readonly string[], value: string, style: TextStyle, where: string): SetResult {
  const src = file.source;
  const text = src.text;
  const ks = keyStart(pair);
  const keyEnd = isScalar(pair.key) ? pair.key.range?.[1] : undefined;
  if (ks === undefined || keyEnd === undefined) return { ok: false, code: 'layout-unsupported', reason: `${where} has no simple key; set it by hand` };
  if (v?.anchor) return { ok: false, code: 'layout-unsupported', reason: `${where} is anchored (&${v.anchor}), so aliases of it would change too; set it by hand` };
  let colon = keyEnd;
  while (text[colon] === ' ' || text[colon] === '\t') colon++;
  if (text[colon] !== ':') {
    // `{spec}`: a flow key without a colon.
    if (!parent.flow || v?.range?.[1] !== undefined && v.range[1] > keyEnd) return { ok: false, code: 'layout-unsupported', reason: `${where} is not written as "key: value"; set it by hand` };
    const key = `${dedupeKey(-1, pair.key as Node)}:${keys.join('.')}`;
    const newValue = keys.length === 0 ? formatScalar(value, style.valueQuote) : flowMapping(keys, value, style, false);
    return { ok: true, key, edit: edit(file, keyEnd, 0, `: ${newValue}`) };
  }
  // The null's text with its tag (`!!null`), which the node's range leaves out.
  const valueEnd = v?.range ? Math.max(v.range[1], colon + 1) : colon + 1;
  let valueStart = colon + 1;
  while (valueStart < valueEnd && (text[valueStart] === ' ' || text[valueStart] === '\t')) valueStart++;
  const key = `${dedupeKey(-1, pair.key as Node)}:${keys.join('.')}`;
  const pad = valueStart === colon + 1 ? ' ' : '';
  if (keys.length === 0) return { ok: true, key, edit: edit(file, valueStart, valueEnd - valueStart, pad + formatScalar(value, style.valueQuote)) };
  if (parent.flow) return { ok: true, key, edit: edit(file, valueStart, valueEnd - valueStart, pad + flowMapping(keys, value, style, false)) };
  // Block: the null goes, a trailing comment stays on the key's line, the mappings go below it.
  let lineEnd = text.indexOf('\n', valueEnd);
  if (lineEnd === -1) lineEnd = text.length;
  else if (text[lineEnd - 1] === '\r') lineEnd--;
  const rest = text.slice(valueEnd, lineEnd).trim();
  if (rest !== '' && !rest.startsWith('#')) return { ok: false, code: 'layout-unsupported', reason: `${where} is followed by "${rest}" on its line; set it by hand` };
  const column = src.columnOf(ks) + style.indentStep;
  const lines = blockLines(keys, value, style, column, style.indentStep);
  return { ok: true, key, edit: edit(file, colon + 1, lineEnd - colon - 1, `${rest === '' ? '' : ` ${rest}`}${src.eol}${lines.join(src.eol)}`) };
}

function formatKey(k: string, style: TextStyle): string {
  return style.keyQuote === 'plain' ? k : formatScalar(k, style.keyQuote);
}

function blockLines(keys: readonly string[], value: string, style: TextStyle, column: number, step: number): string[] {
  return keys.map((k, j) => {
    const indent = ' '.repeat(column + j * step);
    const tail = j === keys.length - 1 ? ` ${formatScalar(value, style.valueQuote)}` : '';
    return `${indent}${formatKey(k, style)}:${tail}`;
  });
}

/** `a: {b: value}`: the pairs to put inside an existing flow mapping. */
function flowPairs(keys: readonly string[], value: string, style: TextStyle, padded: boolean): string {
  const [open, close] = padded ? ['{ ', ' }'] : ['{', '}'];
  let out = formatScalar(value, style.valueQuote);
  for (let j = keys.length - 1; j >= 0; j--) {
    const pair = `${formatKey(keys[j] as string, style)}: ${out}`;
    out = j === 0 ? pair : `${open}${pair}${close}`;
  }
  return out;
}

/** `{a: {b: value}}`: a flow mapping in place of a value. */
function flowMapping(keys: readonly string[], value: string, style: TextStyle, padded: boolean): string {
  const [open, close] = padded ? ['{ ', ' }'] : ['{', '}'];
  return `${open}${flowPairs(keys, value, style, padded)}${close}`;
}

function edit(file: ParsedFile, offset: number, length: number, newText: string): TextEdit {
  return { offset, length, newText, range: file.source.rangeAt(offset, offset + length) };
}
