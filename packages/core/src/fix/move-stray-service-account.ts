import { isMap, isScalar } from 'yaml';
import type { Node } from 'yaml';
import type { JsonPath } from '../model/manifest-object.js';
import { findPair } from '../parse/locate-path.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { TextEdit } from '../text/text-edit.js';
import type { SkipCode } from './fix-outcome.js';
import { setNestedScalar } from './set-nested-scalar.js';
import type { TextStyle } from './text-style.js';

export type MoveResult = { edits: TextEdit[]; name: string } | { code: SkipCode; reason: string } | undefined;

/**
 * `podTemplate.serviceAccountName` (the spec level left out, which the schema rejects) moved to
 * `podTemplate.spec.serviceAccountName`, keeping the name the user chose. Undefined when the
 * podTemplate has no such stray key.
 */
export function moveStrayServiceAccount(file: ParsedFile, docIndex: number, podTemplatePath: JsonPath, style: TextStyle): MoveResult {
  const doc = file.doc(docIndex);
  const at = file.locateNode(docIndex, podTemplatePath);
  if (!doc || !at?.node || !isMap(at.node)) return undefined;
  const pt = at.node;
  const stray = findPair(doc, pt, 'serviceAccountName');
  const value = stray?.pair.value as Node | null | undefined;
  if (!stray || !isScalar(value) || typeof value.value !== 'string' || value.value === '') return undefined;
  const name = value.value;
  if (at.viaAlias || stray.viaMerge) return { code: 'through-alias', reason: 'podTemplate.serviceAccountName is written through an alias; move it under spec by hand' };
  const key = stray.pair.key as Node;
  const ks = key.range?.[0];
  const ve = value.range?.[1];
  if (ks === undefined || ve === undefined) return { code: 'stray-key-not-movable', reason: 'podTemplate.serviceAccountName has no source position' };
  const src = file.source;
  const specKey = style.keyQuote === 'plain' ? 'spec' : JSON.stringify('spec');
  if (!findPair(doc, pt, 'spec')) {
    // Wrap the key in a spec level where it stands: its comment and quotes stay as they are.
    if (pt.flow) return { edits: [edit(file, ks, 0, `${specKey}: {`), edit(file, ve, 0, '}')], name };
    return { edits: [edit(file, ks, 0, `${specKey}:${src.eol}${' '.repeat(src.columnOf(ks) + style.indentStep)}`)], name };
  }
  if (pt.flow) return { code: 'stray-key-not-movable', reason: 'podTemplate has both spec and a stray serviceAccountName in flow style; move it under spec by hand' };
  const line = src.positionAt(ks).line;
  if (src.positionAt(ve).line !== line) return { code: 'stray-key-not-movable', reason: 'podTemplate.serviceAccountName spans several lines; move it under spec by hand' };
  const set = setNestedScalar(file, docIndex, podTemplatePath, ['spec', 'serviceAccountName'], name, style);
  if (!set.ok) return { code: 'stray-key-not-movable', reason: `cannot move podTemplate.serviceAccountName under spec: ${set.reason}` };
  const end = line + 1 < src.lineCount ? src.lineStart(line + 1) : src.text.length;
  const remove = edit(file, src.lineStart(line), end - src.lineStart(line), '');
  return { edits: set.edit ? [set.edit, remove] : [remove], name };
}

function edit(file: ParsedFile, offset: number, length: number, newText: string): TextEdit {
  return { offset, length, newText, range: file.source.rangeAt(offset, offset + length) };
}
