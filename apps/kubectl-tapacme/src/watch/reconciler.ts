// One reconcile: the informers' caches become the same LiveSnapshot `scan` reads, and core's scanCluster +
// planFix decide what to write, exactly as `fix` would; the namespace operations (pull secret, then
// ServiceAccount) are executed with fix's executor by server-side apply (field manager kubectl-tapacme).
import type { ManifestObject } from '@tapacme/core';
import { http01PodConfigs, keepIssuer, keepIssuerRefAndStatus, keepMetadata, keepServiceAccount, planFix, scanCluster, summarizeSecret, toManifestObject } from '@tapacme/core/live';
import type { ApiOp, CrdFacts, FixPullSecretSource, LiveSnapshot, PlanOptions } from '@tapacme/core/live';
import type { KubeClient } from '../cluster/client.js';
import { executePlan } from '../cluster/execute.js';
import type { Applier, OpResult } from '../cluster/execute.js';
import { resourceOfKind } from '../cluster/resources.js';
import type { Logger } from './log.js';
import type { Obj } from '../json-object.js';

/** What the reconciler reads: the informers' current objects by kind. */
export interface Caches {
  clusterIssuers(): Obj[];
  issuers(): Obj[];
  certificates(): Obj[];
  challenges(): Obj[];
  ingresses(): Obj[];
  gateways(): Obj[];
  namespaces(): Obj[];
  serviceAccounts(): Obj[];
  /** Pull secrets (by name) and the copy source. */
  secrets(): Obj[];
}

export interface ReconcileOptions {
  /** Issuer arguments as `fix` takes them; none: every ACME issuer with an HTTP01 solver. */
  issuers: readonly string[];
  namespace: string;
  serviceAccountName?: string;
  pullSecretName?: string;
  pullSecretSource: FixPullSecretSource;
  /** The copy source, when --pull-secret-source copy:NS/NAME. */
  copyFrom?: { namespace: string; name: string };
  solverImage?: string;
  force: boolean;
  /** Also set serviceAccountName on the issuers (off: the watch only keeps namespaces covered). */
  fixIssuers: boolean;
  concurrency: number;
  crds: CrdFacts;
}

export interface ReconcileResult {
  writes: number;
  failed: number;
  /** ServiceAccount names the chosen issuers need: the watch keeps an informer per name. */
  serviceAccountNames: string[];
  /** Issuer keys the plan covered. */
  issuers: string[];
}

const meta = (o: Obj): Obj => (o['metadata'] as Obj | undefined) ?? {};
const terminating = (ns: Obj): boolean => (ns['status'] as Obj | undefined)?.['phase'] === 'Terminating' || meta(ns)['deletionTimestamp'] !== undefined;

export function snapshotOf(c: Caches, crds: CrdFacts): LiveSnapshot {
  const objs = (list: Obj[], kind: string, apiVersion: string, keep: (o: Obj) => Obj): ManifestObject[] => list.map((o) => toManifestObject(o, kind, apiVersion, keep));
  return {
    issuers: [...objs(c.clusterIssuers(), 'ClusterIssuer', 'cert-manager.io/v1', keepIssuer), ...objs(c.issuers(), 'Issuer', 'cert-manager.io/v1', keepIssuer)],
    certificates: objs(c.certificates(), 'Certificate', 'cert-manager.io/v1', keepIssuerRefAndStatus),
    challenges: objs(c.challenges(), 'Challenge', 'acme.cert-manager.io/v1', keepIssuerRefAndStatus),
    ingresses: objs(c.ingresses(), 'Ingress', 'networking.k8s.io/v1', keepMetadata),
    gateways: objs(c.gateways(), 'Gateway', 'gateway.networking.k8s.io/v1', keepMetadata),
    serviceAccounts: objs(c.serviceAccounts(), 'ServiceAccount', 'v1', keepServiceAccount),
    secrets: c.secrets().map(summarizeSecret),
    pods: [],
    events: [],
    crds,
  };
}

export class Reconciler {
  /** Last message logged per operation, so a blocked op is reported when it changes, not every round. */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly client: KubeClient,
    private readonly caches: Caches,
    private readonly opts: ReconcileOptions,
    private readonly log: Logger,
  ) {}

  /** Every HTTP01 issuer's key, when no issuer was named. */
  private keys(issuers: Map<string, ManifestObject>): string[] {
    if (this.opts.issuers.length > 0) return [...this.opts.issuers];
    return [...issuers].filter(([, i]) => http01PodConfigs(i).length > 0).map(([k]) => k);
  }

  async reconcile(): Promise<ReconcileResult> {
    const snapshot = snapshotOf(this.caches, this.opts.crds);
    const { report, context } = scanCluster(snapshot, this.opts.solverImage ? { solverImage: this.opts.solverImage } : {});
    const keys = this.keys(context.issuers);
    const names = new Set<string>();
    for (const k of keys) {
      const issuer = context.issuers.get(k) ?? [...context.issuers.values()].find((i) => i.name === k);
      for (const c of issuer ? http01PodConfigs(issuer) : []) if (c.serviceAccountName) names.add(c.serviceAccountName);
    }
    if (this.opts.serviceAccountName) names.add(this.opts.serviceAccountName);
    const result: ReconcileResult = { writes: 0, failed: 0, serviceAccountNames: [...names].sort(), issuers: keys };
    if (keys.length === 0) {
      this.once('plan', 'no ACME issuer with an HTTP01 solver yet; waiting', 'info');
      return result;
    }
    const copySource = this.copySource();
    const options: PlanOptions = {
      strategy: 'serviceaccount', issuers: keys, namespace: this.opts.namespace, pullSecretSource: this.opts.pullSecretSource, force: this.opts.force,
      ...(this.opts.serviceAccountName ? { serviceAccountName: this.opts.serviceAccountName } : {}),
      ...(this.opts.pullSecretName ? { pullSecretName: this.opts.pullSecretName } : {}),
      ...(copySource ? { copySource } : {}),
    };
    const plan = planFix(report, context, options);
    for (const e of plan.errors) this.once(`error:${e}`, e, 'warn');
    for (const w of plan.warnings) this.once(`warning:${w}`, w, 'warn');
    if (plan.errors.length > 0) return result;
    result.issuers = plan.issuers;
    // The default plan names the SA it will create even where the issuer names none yet.
    for (const op of plan.ops) if (op.kind === 'ServiceAccount' && op.phase === 'namespace') names.add(op.name);
    result.serviceAccountNames = [...names].sort();

    const gone = new Set(this.caches.namespaces().filter(terminating).map((n) => String(meta(n)['name'])));
    const live = new Set(this.caches.namespaces().map((n) => String(meta(n)['name'])));
    const ops = plan.ops.filter((op) => {
      if (op.phase === 'issuer') {
        if (!this.opts.fixIssuers && op.action === 'update') this.once(`issuer:${op.id}`, `${op.id}: ${op.reason}; the watch does not change issuers: run \`kubectl tapacme fix\` once, or start the watch with --fix-issuers`, 'warn');
        return this.opts.fixIssuers;
      }
      // Writing into a namespace being deleted is refused; one that is not listed yet will be seen soon.
      return op.namespace !== null && live.has(op.namespace) && !gone.has(op.namespace);
    });
    const todo = ops.filter((o) => o.action !== 'unchanged');
    for (const op of ops) if (op.action === 'blocked') this.once(`op:${op.id}`, `${op.id}: ${op.reason}`, 'warn');
    if (todo.length === 0) return result;

    const results = await executePlan({ ...plan, ops }, this.applier(), { concurrency: this.opts.concurrency, ...(copySource ? { copySource } : {}) });
    for (const r of results) this.report(r, result);
    return result;
  }

  private copySource(): PlanOptions['copySource'] {
    const from = this.opts.copyFrom;
    if (!from) return undefined;
    const src = this.caches.secrets().find((s) => meta(s)['namespace'] === from.namespace && meta(s)['name'] === from.name);
    if (!src) return undefined;
    const data = (src['data'] as Record<string, string> | undefined) ?? {};
    return { type: typeof src['type'] === 'string' ? src['type'] : 'Opaque', data };
  }

  private applier(): Applier {
    const resource = (op: ApiOp) => {
      const r = resourceOfKind(op.kind);
      if (!r) throw new Error(`no REST resource for kind ${op.kind}`);
      return r;
    };
    return {
      apply: async (op) => {
        await this.client.apply(resource(op), op.body ?? {}, { dryRun: false, force: op.force });
      },
      read: (op) => this.client.get(resource(op), op.name, op.namespace ?? undefined),
    };
  }

  private report(r: OpResult, acc: ReconcileResult): void {
    const fields = { object: r.op.id, reason: r.op.reason, attempts: r.attempts, ...(r.message ? { message: r.message } : {}) };
    if (r.outcome === 'created' || r.outcome === 'updated') {
      acc.writes++;
      this.reported.delete(`op:${r.op.id}`);
      this.log.info(r.outcome, fields);
    } else if (r.outcome === 'failed' || r.outcome === 'skipped' || r.outcome === 'blocked') {
      acc.failed++;
      this.once(`op:${r.op.id}`, `${r.op.id}: ${r.outcome}: ${r.message ?? r.op.reason}`, r.outcome === 'failed' ? 'error' : 'warn');
    }
  }

  private once(key: string, msg: string, level: 'info' | 'warn' | 'error'): void {
    if (this.reported.get(key) === msg) return;
    this.reported.set(key, msg);
    this.log[level](msg);
  }
}
