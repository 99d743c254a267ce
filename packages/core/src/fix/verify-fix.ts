import { parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import type { DocumentSpan } from '../parse/document-spans.js';
import { documentValue } from '../parse/document-value.js';
import { ParsedFile } from '../parse/parsed-file.js';
import type { TextEdit } from '../text/text-edit.js';
import { editedSpans } from './edited-spans.js';
import type { EditedStream } from './edited-spans.js';
import type { FixStrategy } from './fix.js';
import { expectPullSecrets } from './pull-secret-edits.js';
import type { PullSecretChange } from './pull-secret-edits.js';

export interface FixExpectation {
  strategy: FixStrategy;
  serviceAccountName: string;
  dns01?: Obj;
  emitted: number;
  /** ServiceAccounts whose imagePullSecrets the fix changes. */
  pullSecretChanges?: readonly PullSecretChange[];
}

/**
 * Check that `result` (`before`'s text with `edits` and then `appended` applied) holds exactly
 * `before`'s documents plus the intended change: no other value moved, nothing was dropped. Returns
 * what is wrong, or undefined. When the fast reader split the text, only the documents an edit falls
 * in are parsed again, each on its own, and every other one is checked to stand byte for byte; the
 * whole result is parsed only when that cannot settle it.
 */
export function verifyFix(before: ParsedFile, result: string, edits: readonly TextEdit[], appended: TextEdit | undefined, exp: FixExpectation): string | undefined {
  const spans = before.spans;
  const stream = spans && editedSpans(before.source.text, spans, result, edits, appended);
  const verdict = stream && verifyEdited(before, spans, stream, exp);
  if (verdict !== undefined) return verdict === true ? undefined : verdict;
  return verifyWhole(before, new ParsedFile(before.fileName, result), exp);
}

/** true, a problem, or undefined when some document does not parse on its own as it did in the stream. */
function verifyEdited(before: ParsedFile, spans: readonly DocumentSpan[], stream: EditedStream, exp: FixExpectation): true | string | undefined {
  const text = before.source.text;
  for (const e of stream.edited) {
    const span = spans[e.index] as DocumentSpan;
    const b = documentValue(text.slice(span.from, span.to), e.index === spans.length - 1);
    const a = documentValue(e.after, e.lastAfter);
    if (!a || !b) return undefined;
    const problem = valueProblem(e.index, b.value, a.value, exp);
    if (problem) return problem;
  }
  const added = stream.appended === '' ? [] : (parseAllDocuments(stream.appended) as Document.Parsed[]);
  if (!Array.isArray(added) || added.length !== exp.emitted || added.some((d) => d.errors.length > 0)) return undefined;
  const notAccount = added.findIndex((d) => !isServiceAccount(d.toJS()));
  return notAccount === -1 ? true : `document ${spans.length + notAccount + 1} is not the ServiceAccount that was to be added`;
}

function verifyWhole(before: ParsedFile, after: ParsedFile, exp: FixExpectation): string | undefined {
  const err = after.errors[0];
  if (err) return `the result does not parse at line ${err.line}: ${err.message}`;
  const count = before.docCount;
  if (after.docCount !== count + exp.emitted) return `expected ${count + exp.emitted} documents, got ${after.docCount}`;
  for (let i = 0; i < count; i++) {
    const problem = documentProblem(i, before.doc(i), after.doc(i), exp);
    if (problem) return problem;
  }
  for (let i = count; i < after.docCount; i++) {
    if (!isServiceAccount(after.doc(i)?.toJS())) return `document ${i + 1} is not the ServiceAccount that was to be added`;
  }
  return undefined;
}

function documentProblem(i: number, before: Document.Parsed | undefined, after: Document.Parsed | undefined, exp: FixExpectation): string | undefined {
  return valueProblem(i, before?.toJS({ maxAliasCount: 10_000 }) as unknown, after?.toJS({ maxAliasCount: 10_000 }) as unknown, exp);
}

/** Document `i` after the fix, with the intended change undone, must equal it before. */
function valueProblem(i: number, before: unknown, a: unknown, exp: FixExpectation): string | undefined {
  const b = expectPullSecrets(before, exp.pullSecretChanges ?? [], i);
  const undone = exp.strategy === 'serviceaccount' ? undoServiceAccount(a, b, exp.serviceAccountName) : undoDns01(a, b, exp.dns01);
  return deepEqual(undone, b) ? undefined : `document ${i + 1} changed beyond the fix`;
}

function isServiceAccount(v: unknown): boolean {
  return isObj(v) && v['kind'] === 'ServiceAccount';
}

/** `after` with the serviceAccountName settings the fix may add taken out again. */
function undoServiceAccount(a: unknown, b: unknown, name: string): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => undoServiceAccount(x, b[i], name));
  if (!isObj(a)) return a;
  const bo = isObj(b) ? b : undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(a)) {
    const had = bo !== undefined && k in bo;
    if (k === 'serviceAccountName' && v === name) {
      // Added, or written in place of a null or empty name (the only value the fix replaces).
      if (!had) continue;
      out[k] = bo[k] === null || bo[k] === '' ? bo[k] : v;
      continue;
    }
    if (k === 'podTemplate' && isObj(v) && bo && isObj(bo[k])) {
      out[k] = undoServiceAccount(unmoveStray(v, bo[k]), bo[k], name);
      continue;
    }
    if (onlyAddsServiceAccount(k, v, name)) {
      // Added where there was nothing, or written under a key that held only null.
      if (!had) continue;
      if (bo[k] === null) {
        out[k] = null;
        continue;
      }
    }
    out[k] = undoServiceAccount(v, bo?.[k], name);
  }
  return out;
}

/** A podTemplate whose stray serviceAccountName the fix moved under spec, moved back. */
function unmoveStray(a: Obj, b: Obj): Obj {
  const stray = b['serviceAccountName'];
  const spec = a['spec'];
  if (typeof stray !== 'string' || 'serviceAccountName' in a || !isObj(spec) || spec['serviceAccountName'] !== stray) return a;
  const bSpec = b['spec'];
  if (isObj(bSpec) && 'serviceAccountName' in bSpec) return a;
  const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'serviceAccountName'));
  const out: Obj = { ...a, serviceAccountName: stray };
  if (isObj(bSpec) || Object.keys(rest).length > 0) out['spec'] = rest;
  else delete out['spec'];
  return out;
}

function onlyAddsServiceAccount(key: string, v: unknown, name: string): boolean {
  if (key === 'spec') return isObj(v) && Object.keys(v).length === 1 && v['serviceAccountName'] === name;
  if (key === 'podTemplate') return isObj(v) && Object.keys(v).length === 1 && onlyAddsServiceAccount('spec', v['spec'], name);
  return false;
}

/** `after` with each dns01 block that replaced an http01 entry turned back into that entry. */
function undoDns01(a: unknown, b: unknown, block: Obj | undefined): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => undoDns01(x, b[i], block));
  if (!isObj(a)) return a;
  const bo = isObj(b) ? b : undefined;
  if (bo && 'http01' in bo && !('http01' in a) && 'dns01' in a && !('dns01' in bo) && deepEqual(a['dns01'], block)) {
    const rest = Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'dns01'));
    return { ...rest, http01: bo['http01'] };
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(a)) out[k] = undoDns01(v, bo?.[k], block);
  return out;
}

/** Structural equality that ignores key order. */
export function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== typeof y || x === null || y === null || typeof x !== 'object') {
    return Number.isNaN(x) && Number.isNaN(y);
  }
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  if (x instanceof Date || y instanceof Date) return String(x) === String(y);
  const xo = x as Obj;
  const yo = y as Obj;
  const xk = Object.keys(xo);
  if (xk.length !== Object.keys(yo).length) return false;
  return xk.every((k) => Object.prototype.hasOwnProperty.call(yo, k) && deepEqual(xo[k], yo[k]));
}
