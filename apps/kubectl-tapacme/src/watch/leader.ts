// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: a lease is
// expired when its record has not changed for leaseDuration by OUR clock (no trust in other replicas'
// clocks); writes carry the resourceVersion read, so two candidates can never both win a round.
import { WATCH_ISSUERS_ALL, ISSUERS_ANNOTATION, WATCH_LEASE_NAME } from '@tapacme/core/policies';
import type { KubeClient } from '../cluster/client.js';
import { ApiError } from '../cluster/errors.js';
import { resourcePath } from '../cluster/resources.js';
import type { Resource } from '../cluster/resources.js';
import type { Logger } from './log.js';
import type { Obj } from '../json-object.js';

export const LEASES: Resource = {
  group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true, scan: [], fix: [],
  why: 'leader election between watch replicas',
};

export interface LeaderOptions {
  namespace: string;
  name?: string;
  identity: string;
  leaseDurationMs: number;
  /** A leader that could not renew for this long stops acting as leader (< leaseDuration). */
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Issuer keys the watch covers (none: every ACME issuer), written on the Lease for `scan`. */
  issuers: readonly string[];
  /** Whether the watch was started for every ACME issuer (then the Lease says "*"). */
  allIssuers: boolean;
}

export interface LeaderEvents {
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onTick?(): void;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observedRecord = '';
  private observedAt = 0;
  private lastRenew = 0;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  readonly name: string;
  /** The resolved issuer keys; updated after each reconcile (arguments may be plain names). */
  issuers: readonly string[];

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaderOptions,
    private readonly events: LeaderEvents,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.name = opts.name ?? WATCH_LEASE_NAME;
    this.issuers = opts.issuers;
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.round();
      } catch (e) {
        this.log.warn('lease round failed', { lease: `${this.opts.namespace}/${this.name}`, error: e });
      }
      if (this.leading && this.now() - this.lastRenew > this.opts.renewDeadlineMs) this.setLeading(false, 'could not renew the lease within the renew deadline');
      this.events.onTick?.();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.opts.retryPeriodMs);
      });
    }
  }

  private path(name?: string): string {
    return resourcePath(LEASES, this.opts.namespace, name);
  }

  private info(verb: string, name?: string): Parameters<KubeClient['request']>[0] {
    const method = verb === 'get' ? 'GET' : verb === 'create' ? 'POST' : 'PUT';
    return { method, path: this.path(name), verb, resource: LEASES.resource, group: LEASES.group, namespace: this.opts.namespace, ...(name ? { name } : {}), dryRun: false };
  }

  private spec(acquireMs: number, transitions: number): Obj {
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.opts.leaseDurationMs / 1000)),
      acquireTime: iso(acquireMs),
      renewTime: iso(this.now()),
      leaseTransitions: transitions,
    };
  }

  private metadata(current?: Obj): Obj {
    const { managedFields: _m, ...kept } = (current?.['metadata'] as Obj | undefined) ?? {};
    const meta: Obj = { ...kept, name: this.name, namespace: this.opts.namespace };
    const annotations = { ...((meta['annotations'] as Obj | undefined) ?? {}) };
    annotations[ISSUERS_ANNOTATION] = this.opts.allIssuers ? WATCH_ISSUERS_ALL : this.issuers.join(',');
    meta['annotations'] = annotations;
    return meta;
  }

  /** One try to acquire or renew, client-go's tryAcquireOrRenew. */
  private async round(): Promise<void> {
    let current: Obj | undefined;
    try {
      current = await this.client.request(this.info('get', this.name));
    } catch (e) {
      if (!(e instanceof ApiError && e.notFound)) throw e;
    }
    const now = this.now();
    if (!current) {
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: this.metadata(), spec: this.spec(now, 0) };
      try {
        await this.client.request(this.info('create'), { body: JSON.stringify(body) });
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) return; // another candidate created it first
        throw e;
      }
      this.renewed(this.now(), 'created the lease');
      return;
    }
    const spec = (current['spec'] as Obj | undefined) ?? {};
    const holder = typeof spec['holderIdentity'] === 'string' ? spec['holderIdentity'] : '';
    const record = JSON.stringify([holder, spec['renewTime'], spec['acquireTime']]);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
    const duration = typeof spec['leaseDurationSeconds'] === 'number' ? spec['leaseDurationSeconds'] * 1000 : this.opts.leaseDurationMs;
    const mine = holder === this.opts.identity;
    if (!mine && holder !== '' && this.observedAt + duration > now) {
      if (this.leading) this.setLeading(false, `the lease is held by ${holder}`);
      return;
    }
    const transitions = typeof spec['leaseTransitions'] === 'number' ? spec['leaseTransitions'] : 0;
    const acquire = mine && typeof spec['acquireTime'] === 'string' ? Date.parse(spec['acquireTime']) : now;
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: this.metadata(current), spec: this.spec(acquire, mine ? transitions : transitions + 1) };
    try {
      await this.client.request(this.info('update', this.name), { body: JSON.stringify(body) });
    } catch (e) {
      if (e instanceof ApiError && e.conflict) return; // someone wrote it since we read it: look again next round
      throw e;
    }
    this.renewed(this.now(), mine ? 'renewed' : holder ? `took over from ${holder} (lease expired)` : 'took the released lease');
  }

  /** `now` is taken after the write succeeded: a slow round must not count against the renew deadline. */
  private renewed(now: number, how: string): void {
    this.lastRenew = now;
    if (!this.leading) this.setLeading(true, how);
  }

  private setLeading(v: boolean, why: string): void {
    if (this.leading === v) return;
    this.leading = v;
    this.log.info(v ? 'became leader' : 'stopped leading', { lease: `${this.opts.namespace}/${this.name}`, identity: this.opts.identity, why });
    if (v) this.events.onStartedLeading();
    else this.events.onStoppedLeading();
  }

  /** Stop the loop; a leader releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (!this.leading) return;
    this.setLeading(false, 'shutting down');
    try {
      const current = await this.client.request(this.info('get', this.name));
      const spec = (current['spec'] as Obj | undefined) ?? {};
      if (spec['holderIdentity'] !== this.opts.identity) return;
      const body = { ...current, spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: iso(this.now()) } };
      await this.client.request(this.info('update', this.name), { body: JSON.stringify(body) });
      this.log.info('released the lease', { lease: `${this.opts.namespace}/${this.name}` });
    } catch (e) {
      this.log.warn('could not release the lease; another replica takes over when it expires', { error: e });
    }
  }
}
