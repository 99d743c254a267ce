import { isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import type { ParsedFile } from '../parse/parsed-file.js';
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
 * Check that `after` holds exactly `before`'s documents plus the intended change: no other value
 * moved, nothing was dropped. Returns what is wrong, or undefined.
 */
export function verifyFix(before: ParsedFile, after: ParsedFile, exp: FixExpectation): string | undefined {
  const err = after.errors[0];
  if (err) return `the result does not parse at line ${err.line}: ${err.message}`;
  if (after.docs.length !== before.docs.length + exp.emitted) {
    return `expected ${before.docs.length + exp.emitted} documents, got ${after.docs.length}`;
  }
  for (let i = 0; i < before.docs.length; i++) {
    const b = expectPullSecrets(before.docs[i]?.toJS({ maxAliasCount: 10_000 }) as unknown, exp.pullSecretChanges ?? [], i);
    const a = after.docs[i]?.toJS({ maxAliasCount: 10_000 }) as unknown;
    const undone = exp.strategy === 'serviceaccount' ? undoServiceAccount(a, b, exp.serviceAccountName) : undoDns01(a, b, exp.dns01);
    if (!deepEqual(undone, b)) return `document ${i + 1} changed beyond the fix`;
  }
  for (let i = before.docs.length; i < after.docs.length; i++) {
    const v = after.docs[i]?.toJS() as unknown;
    if (!isObj(v) || v['kind'] !== 'ServiceAccount') return `document ${i + 1} is not the ServiceAccount that was to be added`;
  }
  return undefined;
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
