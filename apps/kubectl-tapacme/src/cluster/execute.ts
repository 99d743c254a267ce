// Runs a fix plan: namespace objects first with bounded concurrency, each after the objects it
// depends on, the issuers last and only when everything they depend on is in place. Conflicts are
// retried against a fresh read; every operation ends with exactly one outcome. A write whose
// connection failed after it was sent is read back: applied, not applied (sent again), or unknown
// when the object cannot be read either.
import { reconcileOp } from '@tapacme/core/live';
import type { ApiOp, FixPlan, PlanOptions } from '@tapacme/core/live';
import { ApiError } from './errors.js';
import type { Obj } from '../json-object.js';

export type OpOutcome = 'created' | 'updated' | 'unchanged' | 'failed' | 'blocked' | 'skipped' | 'unknown';

export interface OpResult {
  op: ApiOp;
  outcome: OpOutcome;
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
  /** Server dry run: nothing is stored, so a write without an answer is simply sent again. */
  dryRun?: boolean;
  /** Once aborted (Ctrl-C), operations not yet started are skipped; those in flight finish. */
  signal?: AbortSignal;
}

const OK: ReadonlySet<OpOutcome> = new Set(['created', 'updated', 'unchanged']);

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
    return limit(async (): Promise<OpResult> => (options.signal?.aborted ? { op, outcome: 'skipped', message: 'not started: interrupted', attempts: 0 } : applyWithRetry(op, applier, options, maxAttempts)));
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
  const done = (o: ApiOp): OpOutcome => (o.action === 'create' ? 'created' : 'updated');
  for (let attempt = 1; ; attempt++) {
    try {
      await applier.apply(op);
      const r: OpResult = { op, outcome: done(op), attempts: attempt };
      if (note) r.message = note;
      return r;
    } catch (e) {
      if (e instanceof ApiError && e.outcomeUnknown && !options.dryRun) {
        // Sent, but no answer came back: only the object itself can say whether the write happened.
        let current: Obj | undefined;
        try {
          current = await applier.read(op);
        } catch (re) {
          return { op, outcome: 'unknown', message: `${e.message}; reading it back failed too (${re instanceof Error ? re.message : String(re)}), so it may or may not have been applied`, attempts: attempt };
        }
        const now = reconcileOp(op, current, options.copySource ? { copySource: options.copySource } : {});
        if (now.action === 'unchanged') return { op, outcome: done(op), message: 'no answer came back, but reading it back shows it was applied', attempts: attempt };
        if (attempt >= maxAttempts || options.signal?.aborted) return { op, outcome: 'failed', message: `${e.message}; reading it back shows it was not applied`, attempts: attempt };
        if (now.action === 'blocked' || !now.body) return { op, outcome: 'blocked', message: now.reason, attempts: attempt };
        op = now;
        note = 'no answer came back the first time; reading it back showed it was not applied, so it was sent again';
        continue;
      }
      const conflict = e instanceof ApiError && e.conflict;
      const unanswered = e instanceof ApiError && e.outcomeUnknown;
      if ((!conflict && !unanswered) || attempt >= maxAttempts) {
        return { op, outcome: 'failed', message: e instanceof Error ? e.message : String(e), attempts: attempt };
      }
      if (unanswered) continue; // a server dry run stores nothing: send it again
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

export function countOutcomes(results: readonly OpResult[]): Record<OpOutcome, number> {
  const c: Record<OpOutcome, number> = { created: 0, updated: 0, unchanged: 0, failed: 0, blocked: 0, skipped: 0, unknown: 0 };
  for (const r of results) c[r.outcome]++;
  return c;
}
