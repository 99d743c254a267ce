import { isMap, isPair, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import type { SourceText } from '../text/source-text.js';

export type QuoteStyle = 'plain' | 'double' | 'single';

/** How a document writes things, so new text looks like the text around it. */
export interface TextStyle {
  /** Indentation step between a key and its children (2 when nothing tells). */
  indentStep: number;
  /** Quote style of string values (plain unless most values are quoted). */
  valueQuote: QuoteStyle;
  /** Whether keys are quoted (JSON files). */
  keyQuote: QuoteStyle;
  /** Whether block sequences are indented under their key (`key:\n  - a`) or not (`key:\n- a`). */
  indentSequences: boolean;
  /** How flow collections are spaced: `{"a":1,"b":2}` (compact JSON) or `{ a: 1, b: 2 }`. */
  flow: FlowSpacing;
}

export interface FlowSpacing {
  /** After a key: ':' only where keys are quoted and the text writes them so. */
  colon: ': ' | ':';
  comma: ', ' | ',';
  /** `{ a: b }` rather than `{a: b}`. */
  padded: boolean;
}

/** A one-line flow mapping in the document's flow spacing. */
export function flowMapping(pairs: readonly (readonly [key: string, value: string])[], flow: FlowSpacing): string {
  const inner = pairs.map(([k, v]) => `${k}${flow.colon}${v}`).join(flow.comma);
  return flow.padded && inner ? `{ ${inner} }` : `{${inner}}`;
}

/** Read the style of one document from its nodes and their columns. */
export function documentStyle(doc: Document.Parsed, source: SourceText): TextStyle {
  const quotes = { plain: 0, double: 0, single: 0 };
  const keyQuotes = { plain: 0, double: 0, single: 0 };
  const steps = new Map<number, number>();
  let seqIndented = 0;
  let seqFlush = 0;
  const count = (tally: Record<QuoteStyle, number>, node: unknown): void => {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    if (node.type === Scalar.QUOTE_DOUBLE) tally.double++;
    else if (node.type === Scalar.QUOTE_SINGLE) tally.single++;
    else if (node.type === Scalar.PLAIN) tally.plain++;
  };
  visit(doc, {
    Pair(_k, pair) {
      count(keyQuotes, pair.key);
      count(quotes, pair.value);
      const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      const value = pair.value as Node | null;
      if (keyStart === undefined || !value || (!isMap(value) && !isSeq(value)) || value.flow) return;
      const childStart = firstChildOffset(value);
      if (childStart === undefined) return;
      const keyLine = source.positionAt(keyStart).line;
      if (source.positionAt(childStart).line === keyLine) return;
      const delta = source.columnOf(childStart) - source.columnOf(keyStart);
      if (isSeq(value)) {
        if (delta > 0) seqIndented++;
        else seqFlush++;
      } else if (delta > 0) steps.set(delta, (steps.get(delta) ?? 0) + 1);
    },
  });
  const keyQuote = majorityQuote(keyQuotes);
  return {
    indentStep: mostCommon(steps) ?? 2,
    valueQuote: majorityQuote(quotes),
    keyQuote,
    indentSequences: seqIndented > seqFlush,
    flow: flowSpacing(doc.range ? source.text.slice(doc.range[0], doc.range[2]) : '', keyQuote !== 'plain'),
  };
}

/** The flow spacing most of the text uses; YAML's usual `{a: b, c: d}` when it shows none. */
function flowSpacing(text: string, quotedKeys: boolean): FlowSpacing {
  const count = (re: RegExp): number => text.match(re)?.length ?? 0;
  return {
    colon: quotedKeys && count(/["']:[^\s]/g) > count(/["']:[ \t]/g) ? ':' : ': ',
    comma: count(/,[^\s]/g) > count(/,[ \t]/g) ? ',' : ', ',
    padded: count(/[{[][ \t]+[^\s}\]]/g) > count(/[{[][^\s}\]]/g),
  };
}

function firstChildOffset(node: YAMLMap | Node): number | undefined {
  if (isMap(node)) {
    const first = node.items[0];
    return first && isPair(first) && isScalar(first.key) ? first.key.range?.[0] : undefined;
  }
  if (isSeq(node)) {
    // A block sequence item's node starts after "- "; the dash is two columns earlier.
    const first = node.items[0] as Node | undefined;
    const start = first?.range?.[0];
    return start === undefined ? undefined : start - 2;
  }
  return undefined;
}

function mostCommon(m: Map<number, number>): number | undefined {
  let best: number | undefined;
  let bestCount = 0;
  for (const [k, c] of m) if (c > bestCount || (c === bestCount && best !== undefined && k < best)) [best, bestCount] = [k, c];
  return best;
}

function majorityQuote(t: Record<QuoteStyle, number>): QuoteStyle {
  if (t.double > t.plain && t.double >= t.single) return 'double';
  if (t.single > t.plain && t.single > t.double) return 'single';
  return 'plain';
}

/** A string as a YAML scalar in the wanted style; plain falls back to double quotes when plain would not read back the same. */
export function formatScalar(value: string, style: QuoteStyle): string {
  if (style === 'single') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'double' || !isSafePlain(value)) return JSON.stringify(value);
  return value;
}

/** Plain scalars we write are names and simple words; anything else is quoted. */
function isSafePlain(value: string): boolean {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value)) return false;
  // Words YAML would read as something other than a string.
  return !/^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+)$/i.test(value);
}
