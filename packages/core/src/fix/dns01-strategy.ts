import { isAlias, isCollection, isMap, isScalar, stringify, visit } from 'yaml';
import type { Node, Pair } from 'yaml';
import { validateDns01 } from '../dns01/validate-dns01.js';
import type { Obj } from '../model/value.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { Finding } from '../service/finding.js';
import type { TextEdit } from '../text/text-edit.js';
import { pairContentEnd } from './block-layout.js';
import { solverTarget } from './finding-target.js';
import type { FixOutcome, SkippedFix } from './fix-outcome.js';
import { documentStyle } from './text-style.js';
import type { TextStyle } from './text-style.js';

/** Why one region is left alone. */
type Skip = Omit<SkippedFix, 'finding'>;

interface Region {
  finding: Finding;
  docIndex: number;
  pair: Pair<unknown, unknown>;
  start: number;
  end: number;
  flow: boolean;
}

/**
 * Replace the `http01` entry of each solver the findings name with `dns01: <block>`.
 * Everything else in the solver (selector, comments around it) stays; comments inside the removed
 * entry are kept below the new one. A solver is left alone, with a reason, when removing its http01
 * entry would leave an alias pointing at a removed anchor, or would cut through ytt annotations.
 */
export function dns01Edits(file: ParsedFile, findings: readonly Finding[], block: Obj): FixOutcome {
  const skipped: FixOutcome['skipped'] = [];
  const problems = validateDns01(block);
  if (problems.length > 0) {
    return { edits: [], skipped: [{ code: 'dns01-block-invalid', reason: `the dns01 block is invalid: ${problems.map((p) => `${['dns01', ...p.path].join('.')}: ${p.message}`).join('; ')}` }] };
  }
  const regions = collectRegions(file, findings, skipped);
  const edits: TextEdit[] = [];
  for (const r of regions) {
    const skip = danglingAlias(file, r, regions) ?? cutsTemplate(file, r);
    if (skip) {
      skipped.push({ finding: r.finding, ...skip });
      continue;
    }
    const doc = file.doc(r.docIndex);
    if (!doc) continue;
    const newText = replacementText(file, r, block, documentStyle(doc, file.source));
    edits.push({ offset: r.start, length: r.end - r.start, newText, range: file.source.rangeAt(r.start, r.end) });
  }
  return { edits, skipped };
}

function collectRegions(file: ParsedFile, findings: readonly Finding[], skipped: FixOutcome['skipped']): Region[] {
  const regions = new Map<number, Region>();
  for (const f of findings) {
    if (f.rule !== 'http01-solver-missing-service-account') continue;
    const t = solverTarget(file, f);
    if (!t) {
      skipped.push({ finding: f, code: 'solver-moved', reason: 'the solver is no longer where the finding says; analyse the file again' });
      continue;
    }
    const loc = file.locateNode(t.docIndex, [...t.itemPath, ...t.solver.path, 'http01']);
    const key = loc?.pair?.key;
    const start = isScalar(key) ? key.range?.[0] : undefined;
    if (!loc?.pair || start === undefined) {
      skipped.push({ finding: f, code: 'http01-entry-not-found', reason: 'cannot find the http01 entry in the text' });
      continue;
    }
    if (regions.has(start)) continue;
    if (t.solver.hasDns01) {
      // Two dns01 keys would not parse; cert-manager's webhook rejects the solver as it is anyway.
      skipped.push({ finding: f, code: 'solver-has-dns01', reason: 'this solver already has a dns01 entry beside http01 (cert-manager rejects that); remove one of them by hand' });
      continue;
    }
    const parentFlow = isMap(loc.parent) && loc.parent.flow === true;
    const valueFlow = isCollection(loc.node) && loc.node.flow === true;
    regions.set(start, { finding: f, docIndex: t.docIndex, pair: loc.pair, start, end: pairContentEnd(file.source.text, loc.pair), flow: parentFlow || valueFlow || isAlias(loc.pair.value) });
  }
  return [...regions.values()];
}

/** An anchor inside the removed text that an alias outside every removed region still uses. */
function danglingAlias(file: ParsedFile, r: Region, all: readonly Region[]): Skip | undefined {
  const doc = file.doc(r.docIndex);
  if (!doc) return undefined;
  // Only anchors on nodes inside the removed value; an anchor on the solver itself stays.
  const anchors = new Set<string>();
  const value = r.pair.value as Node | null;
  if (value && !isAlias(value)) {
    if (value.anchor) anchors.add(value.anchor);
    visit(value, {
      Node(_k, node: Node) {
        if (node.anchor) anchors.add(node.anchor);
      },
    });
  }
  if (anchors.size === 0) return undefined;
  let skip: Skip | undefined;
  visit(doc, {
    Alias(_k, alias) {
      const at = alias.range?.[0] ?? -1;
      const removed = all.some((o) => o.docIndex === r.docIndex && at >= o.start && at < o.end);
      if (!removed && anchors.has(alias.source)) {
        skip = { code: 'anchor-still-used', reason: `anchor &${alias.source} in this http01 entry is still used by *${alias.source} at line ${file.source.positionAt(at).line + 1}; convert that use too, or move the anchor, then run again` };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return skip;
}

function cutsTemplate(file: ParsedFile, r: Region): Skip | undefined {
  const text = file.source.text.slice(r.start, r.end);
  return /^[ \t]*#@/m.test(text) ? { code: 'ytt-annotations', reason: 'this http01 entry contains ytt annotations (#@); convert it by hand so the template logic stays intact' } : undefined;
}

function replacementText(file: ParsedFile, r: Region, block: Obj, style: TextStyle): string {
  const src = file.source;
  const keyText = style.keyQuote === 'double' ? '"dns01"' : style.keyQuote === 'single' ? "'dns01'" : 'dns01';
  const stringType = style.valueQuote === 'double' ? 'QUOTE_DOUBLE' : style.valueQuote === 'single' ? 'QUOTE_SINGLE' : 'PLAIN';
  if (r.flow || style.keyQuote === 'double') {
    const padded = flowPadded(src.text, r);
    const flow = style.keyQuote === 'double'
      ? inlineJson(block, /"\s*:\s/.test(src.text.slice(r.start, r.end + 1)), padded)
      : stringify(block, { collectionStyle: 'flow', flowCollectionPadding: padded, defaultStringType: stringType, defaultKeyType: 'PLAIN', lineWidth: 0 }).trim();
    return `${keyText}: ${flow}`;
  }
  const keyColumn = src.columnOf(r.start);
  const step = childStep(file, r) ?? style.indentStep;
  const body = stringify(block, { indent: step, indentSeq: style.indentSequences, defaultStringType: stringType, defaultKeyType: 'PLAIN', lineWidth: 0 })
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => ' '.repeat(keyColumn + step) + l);
  const kept = commentsIn(file, r).map((c) => ' '.repeat(keyColumn + step) + c);
  return [`${keyText}:`, ...body, ...kept].join(src.eol);
}

/** Whether the flow collections around the entry are written `{ a: b }` rather than `{a: b}`. */
function flowPadded(text: string, r: Region): boolean {
  const value = r.pair.value as Node | null;
  const range = value?.range;
  const own = range && isCollection(value) && value.flow ? text.slice(range[0], range[1]) : text.slice(Math.max(0, r.start - 2), r.start);
  return /^\{[ \t]|\{[ \t]$/.test(own);
}

/** JSON on one line, spaced as the file spaces it. */
function inlineJson(v: unknown, spaced: boolean, padded: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => inlineJson(x, spaced, padded)).join(spaced ? ', ' : ',')}]`;
  if (v !== null && typeof v === 'object') {
    const inner = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${spaced ? ': ' : ':'}${inlineJson(x, spaced, padded)}`).join(spaced ? ', ' : ',');
    return inner && padded ? `{ ${inner} }` : `{${inner}}`;
  }
  return JSON.stringify(v);
}

/** Indentation step the original http01 entry used for its children. */
function childStep(file: ParsedFile, r: Region): number | undefined {
  const value = r.pair.value;
  if (!isMap(value) || value.flow) return undefined;
  const first = value.items[0];
  const childStart = first && isScalar(first.key) ? first.key.range?.[0] : undefined;
  if (childStart === undefined) return undefined;
  const d = file.source.columnOf(childStart) - file.source.columnOf(r.start);
  return d > 0 ? d : undefined;
}

/** Comments (whole-line and trailing) inside the removed entry, so none is lost; `#` inside scalars is text. */
function commentsIn(file: ParsedFile, r: Region): string[] {
  const text = file.source.text;
  const scalars: [number, number][] = [];
  const value = r.pair.value as Node | null;
  if (value) {
    visit(value, {
      Scalar(_k, node) {
        if (node.range) scalars.push([node.range[0], node.range[1]]);
      },
    });
  }
  const inScalar = (i: number): boolean => scalars.some(([s, e]) => i >= s && i < e);
  const out: string[] = [];
  let lineStart = r.start;
  while (lineStart < r.end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > r.end) lineEnd = r.end;
    for (let i = lineStart; i < lineEnd; i++) {
      if (text[i] === '#' && (i === lineStart || /\s/.test(text[i - 1] ?? '')) && !inScalar(i)) {
        out.push(text.slice(i, lineEnd).trimEnd());
        break;
      }
    }
    lineStart = lineEnd + 1;
  }
  return out;
}
