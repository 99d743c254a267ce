// Runs a fix plan: namespace objects first with bounded concurrency, each after the objects it
// depends on, the issuers last and only when everything they depend on is in place. Conflicts are
// retried against a fresh read; every operation ends with exactly one outcome.
import { reconcileOp } from '@tapacme/core';
import type { ApiOp, FixPlan, PlanOptions } from '@tapacme/core';
import { ApiError } from './errors.js';

type Obj = Record<string, unknown>;

export type Outcome = 'created' | 'updated' | 'unchanged' | 'failed' | 'blocked' | 'skipped';

export interface OpResult {
  op: ApiOp;
  outcome: Outcome;
  /** Why it failed, was blocked or skipped; or a note (e.g. "changed meanwhile"). */
  message?: string;
  attempts: number;
}

/** What the executor needs from the cluster: write one op's body, read one op's object. */
export interface Applier {
  apply(op: ApiOp): Promise<void>;
  read(op: ApiOp): Promise<Obj | undefined>;
}

export interface ExecuteOptions {
  concurrency: number;
  copySource?: PlanOptions['copySource'];
  /** Called after each operation completes. */
  onResult?(result: OpResult, done: number, total: number): void;
  maxAttempts?: number;
}

const OK: ReadonlySet<Outcome> = new Set(['created', 'updated', 'unchanged']);

export async function executePlan(plan: FixPlan, applier: Applier, options: ExecuteOptions): Promise<OpResult[]> {
  const total = plan.ops.length;
  const results = new Map<string, Promise<OpResult>>();
  let done = 0;
  const limit = semaphore(Math.max(1, options.concurrency));
  const maxAttempts = options.maxAttempts ?? 4;

  const runOne = async (op: ApiOp): Promise<OpResult> => {
    const deps = await Promise.all(op.dependsOn.map((id) => results.get(id) ?? Promise.resolve(undefined)));
    const failedDeps = deps.filter((d): d is OpResult => d !== undefined && !OK.has(d.outcome));
    if (op.action === 'blocked') return { op, outcome: 'blocked', message: op.reason, attempts: 0 };
    // Nothing to send: whatever happened elsewhere, this object already is as the fix needs.
    if (op.action === 'unchanged' || !op.body) return { op, outcome: 'unchanged', attempts: 0 };
    if (failedDeps.length > 0) {
      return { op, outcome: 'skipped', message: `not done because ${failedDeps.map((d) => `${d.op.id} ${d.outcome === 'skipped' ? 'was skipped' : d.outcome}`).join(', ')}`, attempts: 0 };
    }
    return limit(() => applyWithRetry(op, applier, options, maxAttempts));
  };

  // Issuers only start once every namespace op has settled (their dependsOn lists them all anyway).
  const namespaceOps = plan.ops.filter((o) => o.phase === 'namespace');
  const issuerOps = plan.ops.filter((o) => o.phase !== 'namespace');
  const track = (op: ApiOp): Promise<OpResult> => {
    const p = runOne(op).then((r) => {
      done++;
      options.onResult?.(r, done, total);
      return r;
    });
    results.set(op.id, p);
    return p;
  };
  await Promise.all(namespaceOps.map(track));
  await Promise.all(issuerOps.map(track));
  return Promise.all(plan.ops.map((o) => results.get(o.id) as Promise<OpResult>));
}

async function applyWithRetry(initial: ApiOp, applier: Applier, options: ExecuteOptions, maxAttempts: number): Promise<OpResult> {
  let op = initial;
  let note: string | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await applier.apply(op);
      const r: OpResult = { op, outcome: op.action === 'create' ? 'created' : 'updated', attempts: attempt };
      if (note) r.message = note;
      return r;
    } catch (e) {
      const conflict = e instanceof ApiError && e.conflict;
      if (!conflict || attempt >= maxAttempts) {
        return { op, outcome: 'failed', message: e instanceof Error ? e.message : String(e), attempts: attempt };
      }
      // Someone changed the object since it was read: merge with what it holds now and try again.
      let current: Obj | undefined;
      try {
        current = await applier.read(op);
      } catch (re) {
        return { op, outcome: 'failed', message: `${e.message}; re-reading it failed: ${re instanceof Error ? re.message : String(re)}`, attempts: attempt };
      }
      op = reconcileOp(op, current, options.copySource ? { copySource: options.copySource } : {});
      note = 'changed meanwhile; merged with the current object';
      if (op.action === 'unchanged') return { op, outcome: 'unchanged', message: 'changed meanwhile; it already holds what the fix needs', attempts: attempt };
      if (op.action === 'blocked' || !op.body) return { op, outcome: 'blocked', message: op.reason, attempts: attempt };
    }
  }
}

/** At most n tasks at a time; a finished task hands its slot straight to the next waiting one. */
function semaphore(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export function countOutcomes(results: readonly OpResult[]): Record<Outcome, number> {
  const c: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, failed: 0, blocked: 0, skipped: 0 };
  for (const r of results) c[r.outcome]++;
  return c;
}
