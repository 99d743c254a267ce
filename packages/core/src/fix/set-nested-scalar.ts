import { isAlias, isMap, isScalar } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import type { JsonPath } from '../model/manifest-object.js';
import { findPair } from '../parse/parsed-file.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { TextEdit } from '../text/text-edit.js';
import { afterLine, blockMapEnd, linesAt } from './block-layout.js';
import { formatScalar } from './text-style.js';
import type { TextStyle } from './text-style.js';

export type SetResult =
  | { ok: true; edit: TextEdit | undefined; key: string }
  | { ok: false; code: 'value-conflict' | 'layout-unsupported'; reason: string };

/**
 * An edit that makes `basePath.keys...` equal `value`, creating the missing mappings.
 * It only inserts text (or replaces a null/empty scalar), in the style of the mapping it lands in;
 * through an alias or merge key it edits the anchored mapping, so every alias follows.
 */
export function setNestedScalar(file: ParsedFile, docIndex: number, basePath: JsonPath, keys: readonly string[], value: string, style: TextStyle): SetResult {
  const doc = file.docs[docIndex];
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
    if (last) {
      if (isScalar(v) && v.value === value) return { ok: true, edit: undefined, key: dedupeKey(docIndex, v) };
      if (v === null || (isScalar(v) && (v.value === null || v.value === ''))) return replaceEmpty(file, found.pair, v, [], value, style);
      return { ok: false, code: 'value-conflict', reason: `${k} is already set to something else` };
    }
    if (v === null || (isScalar(v) && v.value === null)) return replaceEmpty(file, found.pair, v, keys.slice(i + 1), value, style);
    if (!isMap(v)) return { ok: false, code: 'value-conflict', reason: `${k} is not a mapping` };
    parentKeyStart = keyStart(found.pair);
    map = v;
  }
  return { ok: false, code: 'layout-unsupported', reason: 'nothing to set' };
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
    const inner = flowText(keys, value, style, padded);
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

/** A key whose value is null: write the mapping under it (block) or in place of an explicit null. */
function replaceEmpty(file: ParsedFile, pair: Pair<unknown, unknown>, v: Node | null, keys: readonly string[], value: string, style: TextStyle): SetResult {
  const src = file.source;
  const ks = keyStart(pair);
  if (ks === undefined) return { ok: false, code: 'layout-unsupported', reason: 'key has no source position' };
  const key = `${dedupeKey(-1, pair.key as Node)}:${keys.join('.')}`;
  if (v && v.range && v.range[1] > v.range[0]) {
    // An explicit null or empty string: replace just that scalar.
    const newText = keys.length === 0 ? formatScalar(value, style.valueQuote) : flowText(keys, value, style, false);
    return { ok: true, key, edit: edit(file, v.range[0], v.range[1] - v.range[0], newText) };
  }
  if (keys.length === 0) {
    const colonEnd = (pair.key as Node).range?.[1] ?? ks;
    const colon = src.text.indexOf(':', colonEnd);
    return { ok: true, key, edit: edit(file, colon + 1, 0, ` ${formatScalar(value, style.valueQuote)}`) };
  }
  const column = src.columnOf(ks) + style.indentStep;
  const point = afterLine(src, src.positionAt(ks).line);
  return { ok: true, key, edit: edit(file, point.offset, 0, linesAt(point, blockLines(keys, value, style, column, style.indentStep), src.eol)) };
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

function flowText(keys: readonly string[], value: string, style: TextStyle, padded: boolean): string {
  const [open, close] = padded ? ['{ ', ' }'] : ['{', '}'];
  let out = formatScalar(value, style.valueQuote);
  for (let j = keys.length - 1; j >= 0; j--) {
    const pair = `${formatKey(keys[j] as string, style)}: ${out}`;
    out = j === 0 ? pair : `${open}${pair}${close}`;
  }
  return out;
}

function edit(file: ParsedFile, offset: number, length: number, newText: string): TextEdit {
  return { offset, length, newText, range: file.source.rangeAt(offset, offset + length) };
}
