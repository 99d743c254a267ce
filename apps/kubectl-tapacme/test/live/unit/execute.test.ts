// The executor's ordering, dependency, retry and outcome logic, driven by an in-memory applier (the
// API server itself is exercised by the live tests).
import { describe, expect, it } from 'vitest';
import type { ApiOp, FixPlan } from '@tapacme/core/live';
import { ApiError } from '../../../src/cluster/errors.js';
import { countOutcomes, executePlan } from '../../../src/cluster/execute.js';
import type { Applier } from '../../../src/cluster/execute.js';

const op = (id: string, over: Partial<ApiOp> = {}): ApiOp => {
  const [kind = 'ServiceAccount', rest = ''] = id.split(' ');
  const [namespace, name] = rest.includes('/') ? rest.split('/') : [null, rest];
  return {
    id, phase: kind === 'ClusterIssuer' ? 'issuer' : 'namespace', action: 'create', apiVersion: 'v1', kind, resource: 'x', namespace: namespace ?? null, name: name ?? '',
    body: { metadata: { name } }, force: false, reason: 'r', sensitive: false, manifest: null, dependsOn: [], intent: { type: 'service-account', pullSecrets: ['p'] }, ...over,
  };
};
const plan = (ops: ApiOp[]): FixPlan => ({ strategy: 'serviceaccount', issuers: ['ClusterIssuer/le'], namespaces: [], ops, errors: [], warnings: [], noFixNeeded: null });
const conflict = (): ApiError => new ApiError(409, 'Conflict', 'the object has been modified', 'patch', 'serviceaccounts', '', 'a', 'sa');
const forbidden = (): ApiError => new ApiError(403, 'Forbidden', 'User "x" cannot create resource "serviceaccounts" in API group "" in the namespace "b"', 'patch', 'serviceaccounts', '', 'b', 'sa');

function recorder(fail: (op: ApiOp, n: number) => Error | undefined = () => undefined): Applier & { applied: string[]; inFlight: number; maxInFlight: number } {
  const calls = new Map<string, number>();
  const r = {
    applied: [] as string[], inFlight: 0, maxInFlight: 0,
    async apply(o: ApiOp): Promise<void> {
      const n = (calls.get(o.id) ?? 0) + 1;
      calls.set(o.id, n);
      r.inFlight++;
      r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
      await new Promise((res) => setTimeout(res, 5));
      r.inFlight--;
      const e = fail(o, n);
      if (e) throw e;
      r.applied.push(o.id);
    },
    read: async (o: ApiOp): Promise<Record<string, unknown> | undefined> => ({ metadata: { name: o.name, resourceVersion: '99' }, imagePullSecrets: [{ name: 'other' }] }),
  };
  return r;
}

describe('executePlan', () => {
  const issuer = op('ClusterIssuer le', { action: 'update', dependsOn: ['Secret a/p', 'ServiceAccount a/sa', 'Secret b/p', 'ServiceAccount b/sa'] });
  const full = (): ApiOp[] => [op('Secret a/p'), op('ServiceAccount a/sa', { dependsOn: ['Secret a/p'] }), op('Secret b/p'), op('ServiceAccount b/sa', { dependsOn: ['Secret b/p'] }), issuer];

  it('applies dependencies before dependents and the issuer last, within the concurrency bound', async () => {
    const r = recorder();
    const results = await executePlan(plan(full()), r, { concurrency: 2 });
    expect(results.map((x) => x.outcome)).toEqual(['created', 'created', 'created', 'created', 'updated']);
    expect(r.applied.at(-1)).toBe('ClusterIssuer le');
    expect(r.applied.indexOf('Secret a/p')).toBeLessThan(r.applied.indexOf('ServiceAccount a/sa'));
    expect(r.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('sends nothing for unchanged ops', async () => {
    const r = recorder();
    const results = await executePlan(plan([op('ServiceAccount a/sa', { action: 'unchanged', body: null })]), r, { concurrency: 4 });
    expect(results[0]?.outcome).toBe('unchanged');
    expect(r.applied).toEqual([]);
  });

  it('on a partial failure reports exactly what was and was not done, and never touches the issuer', async () => {
    const r = recorder((o) => (o.id === 'ServiceAccount b/sa' ? forbidden() : undefined));
    const results = await executePlan(plan(full()), r, { concurrency: 4 });
    expect(results.map((x) => [x.op.id, x.outcome])).toEqual([
      ['Secret a/p', 'created'], ['ServiceAccount a/sa', 'created'], ['Secret b/p', 'created'], ['ServiceAccount b/sa', 'failed'], ['ClusterIssuer le', 'skipped'],
    ]);
    expect(results[3]?.message).toMatch(/^forbidden: cannot create serviceaccounts in namespace "b"/);
    expect(results[4]?.message).toBe('not done because ServiceAccount b/sa failed');
    expect(r.applied).not.toContain('ClusterIssuer le');
    expect(countOutcomes(results)).toEqual({ created: 3, updated: 0, unchanged: 0, failed: 1, blocked: 0, skipped: 1, unknown: 0 });
  });

  it('skips what depends on a blocked op', async () => {
    const r = recorder();
    const results = await executePlan(plan([op('Secret a/p', { action: 'blocked', body: null, reason: 'missing' }), op('ServiceAccount a/sa', { dependsOn: ['Secret a/p'] })]), r, { concurrency: 1 });
    expect(results.map((x) => [x.outcome, x.message])).toEqual([['blocked', 'missing'], ['skipped', 'not done because Secret a/p blocked']]);
  });

  it('retries a conflict against a fresh read, merging what is there now', async () => {
    const seen: unknown[] = [];
    const r = recorder((o, n) => {
      seen.push(o.body);
      return n === 1 ? conflict() : undefined;
    });
    const results = await executePlan(plan([op('ServiceAccount a/sa', { action: 'update', force: true })]), r, { concurrency: 1 });
    expect(results[0]).toMatchObject({ outcome: 'updated', attempts: 2, message: 'changed meanwhile; merged with the current object' });
    expect(seen[1]).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'a', resourceVersion: '99' }, imagePullSecrets: [{ name: 'other' }, { name: 'p' }] });
  });

  it('gives up after repeated conflicts', async () => {
    const r = recorder(() => conflict());
    const results = await executePlan(plan([op('ServiceAccount a/sa')]), r, { concurrency: 1, maxAttempts: 3 });
    expect(results[0]).toMatchObject({ outcome: 'failed', attempts: 3 });
  });

  it('reports progress once per op', async () => {
    const done: number[] = [];
    await executePlan(plan(full()), recorder(), { concurrency: 3, onResult: (_r, n) => done.push(n) });
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  describe('a write sent without an answer (outcome unknown)', () => {
    const unanswered = (): ApiError => new ApiError(0, 'ECONNRESET', 'socket hang up', 'patch', 'serviceaccounts', '', 'a', 'sa', { attempts: 1, transient: true, outcomeUnknown: true });
    const sa = (): ApiOp => op('ServiceAccount a/sa');
    const applier = (read: () => Promise<Record<string, unknown> | undefined>, fails = 1): Applier & { sent: number } => {
      const a = {
        sent: 0,
        apply: async (): Promise<void> => {
          a.sent++;
          if (a.sent <= fails) throw unanswered();
        },
        read,
      };
      return a;
    };

    it('is done when reading the object back shows the write took effect', async () => {
      const a = applier(async () => ({ metadata: { name: 'sa', resourceVersion: '5' }, imagePullSecrets: [{ name: 'p' }] }));
      const [r] = await executePlan(plan([sa()]), a, { concurrency: 1 });
      expect([r?.outcome, r?.message, a.sent]).toEqual(['created', 'no answer came back, but reading it back shows it was applied', 1]);
    });

    it('is sent again when reading back shows it did not', async () => {
      const a = applier(async () => undefined);
      const [r] = await executePlan(plan([sa()]), a, { concurrency: 1 });
      expect([r?.outcome, a.sent]).toEqual(['created', 2]);
      expect(r?.message).toContain('was not applied, so it was sent again');
    });

    it('is unknown when the object cannot be read back either, and blocks what depends on it', async () => {
      const a = applier(async () => {
        throw new ApiError(0, 'ECONNREFUSED', 'connect ECONNREFUSED', 'get', 'serviceaccounts', '', 'a', 'sa', { attempts: 6, transient: true, outcomeUnknown: false });
      });
      const results = await executePlan(plan([sa(), op('ClusterIssuer le', { action: 'update', dependsOn: ['ServiceAccount a/sa'] })]), a, { concurrency: 1 });
      expect(results.map((x) => x.outcome)).toEqual(['unknown', 'skipped']);
      expect(results[0]?.message).toMatch(/socket hang up.*reading it back failed too.*may or may not have been applied/);
      expect(results[1]?.message).toBe('not done because ServiceAccount a/sa unknown');
      expect(countOutcomes(results).unknown).toBe(1);
    });

    it('is simply sent again in a server dry run, which stores nothing to read back', async () => {
      const a = applier(async () => {
        throw new Error('must not read');
      });
      const [r] = await executePlan(plan([sa()]), a, { concurrency: 1, dryRun: true });
      expect([r?.outcome, a.sent]).toEqual(['created', 2]);
    });
  });

  it('starts nothing more once interrupted, and lets what is in flight finish', async () => {
    const interrupt = new AbortController();
    const r = recorder();
    const apply = r.apply.bind(r);
    r.apply = async (o: ApiOp): Promise<void> => {
      interrupt.abort(); // Ctrl-C while the first write is in flight
      await apply(o);
    };
    const results = await executePlan(plan([op('Secret a/p'), op('Secret b/p'), op('Secret c/p')]), r, { concurrency: 1, signal: interrupt.signal });
    expect(results.map((x) => x.outcome)).toEqual(['created', 'skipped', 'skipped']);
    expect(results[1]?.message).toBe('not started: interrupted');
  });
});
