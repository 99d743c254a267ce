// `kubectl tapacme watch`: keeps the solver ServiceAccount and pull secret present in every namespace that
// obtains certificates from the chosen issuers, as Certificates, annotated Ingresses/Gateways and namespaces
// appear. Informers feed a debounced reconcile; only the Lease holder writes; SIGTERM/SIGINT stop it cleanly.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { crdFactsFromIssuerCrd, parseFixPullSecretSource } from '@tapacme/core/live';
import type { CrdFacts, FixPullSecretSource } from '@tapacme/core/live';
import type { ParsedArgs } from '../args.js';
import type { KubeClient } from '../cluster/client.js';
import { connect, reportClusterError } from '../cluster/connect.js';
import { CRD_NAMES, RESOURCES } from '../cluster/resources.js';
import type { Resource } from '../cluster/resources.js';
import { parseDuration } from '../duration.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../output/io.js';
import { UsageError } from '../usage-error.js';
import { printDeployment } from './deployment.js';
import { parseAddr, startHealthServer } from './health.js';
import type { HealthServer } from './health.js';
import { startInformer, watchKit } from './informers.js';
import type { Informer, InformerSpec } from './informers.js';
import { LeaderElector } from './leader.js';
import { jsonLogger } from './log.js';
import type { Level } from './log.js';
import { Reconciler } from './reconciler.js';
import type { Caches } from './reconciler.js';
import type { Obj } from '../json-object.js';

const NAMESPACES: Resource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, scan: [], fix: [], why: 'skip namespaces being deleted' };

/** A duration flag: "15s", "500ms", "2m", "1m30s", or plain seconds. */
export function durationFlag(name: string, text: string): number {
  const ms = parseDuration(text.trim());
  if (ms === undefined) throw new UsageError(`--${name} must be a duration such as 500ms, 15s or 2m, got "${text}"`);
  return ms;
}

interface WatchSettings {
  issuers: string[];
  pullSecretSource: FixPullSecretSource;
  copyFrom?: { namespace: string; name: string };
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  resyncMs: number;
  debounceMs: number;
  health: { host: string; port: number } | undefined;
  leaderElect: boolean;
  identity: string;
  level: Level;
}

function settings(args: ParsedArgs): WatchSettings {
  const source = parseFixPullSecretSource(args.string('pull-secret-source'));
  if ('error' in source) throw new UsageError(source.error);
  const dur = (name: string, fallback: string): number => durationFlag(name, args.string(name) ?? fallback);
  const leaseDurationMs = dur('lease-duration', '15s');
  const renewDeadlineMs = dur('renew-deadline', '10s');
  const retryPeriodMs = dur('retry-period', '2s');
  if (!(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs)) throw new UsageError('--retry-period < --renew-deadline < --lease-duration is needed, so a leader steps down before another may take over');
  const addr = args.string('health-addr') ?? '127.0.0.1:8081';
  let health: WatchSettings['health'];
  if (addr !== '' && addr !== '0' && addr !== 'off') {
    try {
      health = parseAddr(addr);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const s: WatchSettings = {
    issuers: [...args.positionals],
    pullSecretSource: source,
    leaseDurationMs, renewDeadlineMs, retryPeriodMs,
    resyncMs: dur('resync-period', '5m'),
    debounceMs: dur('debounce', '50ms'),
    health,
    leaderElect: args.string('leader-elect') !== 'false',
    identity: args.string('identity') ?? process.env['POD_NAME'] ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    level: args.choice('log-level', ['debug', 'info', 'warn', 'error'] as const, 'info'),
  };
  if (source.type === 'copy') s.copyFrom = { namespace: source.namespace, name: source.name };
  return s;
}

async function crdFacts(client: KubeClient): Promise<{ crds: CrdFacts; gatewayVersion?: string }> {
  const get = (name: string): Promise<Obj | undefined> => client.get(RESOURCES.crds, name);
  const [issuerCrd, secretExport, gateway] = await Promise.all([get(CRD_NAMES.clusterIssuers), get(CRD_NAMES.secretExports), get(CRD_NAMES.gateways)]);
  const versions = ((gateway?.['spec'] as Obj | undefined)?.['versions'] as Obj[] | undefined) ?? [];
  const served = versions.filter((v) => v['served'] === true).map((v) => String(v['name']));
  const gatewayVersion = served.includes('v1') ? 'v1' : served[0];
  return { crds: { ...crdFactsFromIssuerCrd(issuerCrd), secretExport: secretExport !== undefined, gateway: gatewayVersion !== undefined }, ...(gatewayVersion ? { gatewayVersion } : {}) };
}

export async function runWatch(args: ParsedArgs, io: Io): Promise<number> {
  if (args.bool('print-deployment')) return printDeployment(args, io);
  const s = settings(args);
  const log = jsonLogger((line) => io.err(line), s.level);
  // Node prints its warnings (e.g. a dependency's deprecated url.parse) as plain text: log them as JSON like the rest.
  process.removeAllListeners('warning');
  process.on('warning', (w) => log.warn('node warning', { name: w.name, warning: w.message, ...((w as NodeJS.ErrnoException).code ? { code: (w as NodeJS.ErrnoException).code } : {}) }));
  let client: KubeClient;
  try {
    client = await connect(args, { onRetry: (n) => log.warn('retrying', { request: `${n.request.verb} ${n.request.resource}`, ...(n.request.namespace ? { namespace: n.request.namespace } : {}), cause: n.cause, attempt: n.attempt + 1, of: n.attempts, inMs: n.delayMs, ...(n.why === 'Retry-After' ? { retryAfter: true } : {}) }) });
  } catch (e) {
    const code = reportClusterError(e, io);
    if (code !== undefined) return code;
    throw e;
  }
  const namespace = client.config.namespace;
  const leaseNamespace = args.string('lease-namespace') ?? namespace;
  let facts: Awaited<ReturnType<typeof crdFacts>>;
  try {
    facts = await crdFacts(client);
  } catch (e) {
    client.close();
    const code = reportClusterError(e, io);
    if (code !== undefined) return code;
    throw e;
  }
  if (!facts.crds.certManagerInstalled) log.warn('cert-manager\'s CRDs are not installed; waiting for nothing until they are (restart the watch after installing cert-manager)');

  const kit = await watchKit();
  const informers = new Map<string, Informer>();
  let stopping = false;
  let elector: LeaderElector | undefined;
  const leading = (): boolean => !s.leaderElect || (elector?.isLeader() ?? false);

  // ---- the reconcile loop: debounced, never two at once, again when something changed meanwhile.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  /** Changes seen since the last reconcile began: many events, one reconcile (the logs say how many were folded). */
  let events = 0;
  let lastTick = Date.now();
  const schedule = (delay = s.debounceMs): void => {
    if (stopping || !leading()) return;
    if (running) {
      dirty = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = reconcileOnce().finally(() => {
        running = undefined;
        if (dirty) {
          dirty = false;
          schedule();
        }
      });
    }, delay);
  };

  const by = (prefix: string): Obj[] => [...informers.values()].filter((i) => i.spec.id === prefix || i.spec.id.startsWith(`${prefix}/`)).flatMap((i) => i.list());
  const caches: Caches = {
    clusterIssuers: () => by('clusterissuers'), issuers: () => by('issuers'), certificates: () => by('certificates'), challenges: () => by('challenges'),
    ingresses: () => by('ingresses'), gateways: () => by('gateways'), namespaces: () => by('namespaces'), serviceAccounts: () => by('serviceaccounts'), secrets: () => by('secrets'),
  };
  const serviceAccount = args.string('service-account');
  const pullSecret = args.string('pull-secret');
  const reconciler = new Reconciler(client, caches, {
    issuers: s.issuers, namespace, pullSecretSource: s.pullSecretSource, force: args.bool('force'), fixIssuers: args.bool('fix-issuers'), concurrency: 8, crds: facts.crds,
    ...(serviceAccount ? { serviceAccountName: serviceAccount } : {}), ...(pullSecret ? { pullSecretName: pullSecret } : {}),
    ...(s.copyFrom ? { copyFrom: s.copyFrom } : {}), ...(args.string('solver-image') ? { solverImage: args.string('solver-image') as string } : {}),
  }, log);

  const hooks = {
    onChange: (spec: InformerSpec, type: string, obj: Obj) => {
      const m = (obj['metadata'] as Obj | undefined) ?? {};
      log.debug('event', { informer: spec.id, type, namespace: m['namespace'], name: m['name'] });
      events++;
      schedule();
    },
    onConnect: () => schedule(),
  };
  const add = (spec: InformerSpec): void => {
    if (informers.has(spec.id)) return;
    informers.set(spec.id, startInformer(kit, client, spec, hooks, log));
  };
  const secretName = pullSecret || 'registry-credentials';
  const synced = (): boolean => [...informers.values()].every((i) => i.synced());

  async function reconcileOnce(): Promise<void> {
    if (!synced()) {
      // Planning from a half-filled cache would "create" ServiceAccounts that exist (and drop their other pull secrets).
      timer ??= setTimeout(() => {
        timer = undefined;
        schedule();
      }, 200);
      return;
    }
    const folded = events;
    events = 0;
    const started = performance.now();
    try {
      const r = await reconciler.reconcile();
      const ms = Math.round(performance.now() - started);
      log.debug('reconcile', { events: folded, ms, writes: r.writes });
      if (elector && r.issuers.length > 0) elector.issuers = r.issuers;
      // A ServiceAccount name the issuers need but no informer watches yet: watch it, then plan again.
      let added = false;
      for (const name of r.serviceAccountNames) {
        if (informers.has(`serviceaccounts/${name}`)) continue;
        add({ id: `serviceaccounts/${name}`, resource: RESOURCES.serviceAccounts, fieldSelector: `metadata.name=${name}` });
        added = true;
      }
      if (added) dirty = true;
      if (r.writes > 0 || r.failed > 0) log.info('reconciled', { issuers: r.issuers, writes: r.writes, failed: r.failed, events: folded, ms });
      if (r.failed > 0) setTimeout(() => schedule(), 5000).unref();
    } catch (e) {
      log.error('reconcile failed; retrying', { error: e });
      setTimeout(() => schedule(), 2000).unref();
    }
  }

  // ---- informers: the kinds that say which namespaces obtain certificates, and what we keep there.
  if (facts.crds.certManagerInstalled) {
    add({ id: 'clusterissuers', resource: RESOURCES.clusterIssuers });
    add({ id: 'issuers', resource: RESOURCES.issuers });
    add({ id: 'certificates', resource: RESOURCES.certificates });
    add({ id: 'challenges', resource: RESOURCES.challenges });
  }
  add({ id: 'ingresses', resource: RESOURCES.ingresses });
  if (facts.gatewayVersion) add({ id: 'gateways', resource: RESOURCES.gateways, version: facts.gatewayVersion });
  add({ id: 'namespaces', resource: NAMESPACES });
  const defaultSa = serviceAccount || 'tap-acme-http01-solver';
  add({ id: `serviceaccounts/${defaultSa}`, resource: RESOURCES.serviceAccounts, fieldSelector: `metadata.name=${defaultSa}` });
  add({ id: `secrets/${secretName}`, resource: RESOURCES.secrets, fieldSelector: `metadata.name=${secretName}` });
  if (s.copyFrom) add({ id: `secrets/${s.copyFrom.namespace}/${s.copyFrom.name}`, resource: RESOURCES.secrets, namespace: s.copyFrom.namespace, fieldSelector: `metadata.name=${s.copyFrom.name}` });

  // ---- leader election, health, resync.
  if (s.leaderElect) {
    elector = new LeaderElector(client, {
      namespace: leaseNamespace, identity: s.identity, leaseDurationMs: s.leaseDurationMs, renewDeadlineMs: s.renewDeadlineMs, retryPeriodMs: s.retryPeriodMs, issuers: s.issuers, allIssuers: s.issuers.length === 0,
    }, { onStartedLeading: () => schedule(0), onStoppedLeading: () => undefined, onTick: () => (lastTick = Date.now()) }, log);
    elector.start();
  }
  const tick = setInterval(() => {
    if (!s.leaderElect) lastTick = Date.now();
  }, 1000);
  const resync = setInterval(() => schedule(), s.resyncMs);
  let health: HealthServer | undefined;
  if (s.health) {
    try {
      health = await startHealthServer(s.health, {
        synced, lastTick: () => lastTick, leader: leading,
        details: () => ({ identity: s.identity, informers: Object.fromEntries([...informers.values()].map((i) => [i.spec.id, i.synced()])) }),
      }, Math.max(3 * s.retryPeriodMs, 10_000));
    } catch (e) {
      log.error('cannot listen for health checks', { addr: `${s.health.host}:${s.health.port}`, error: e });
    }
  }
  log.info('watching', {
    issuers: s.issuers.length > 0 ? s.issuers : 'every ACME issuer with an HTTP01 solver', identity: s.identity, leaderElection: s.leaderElect ? `${leaseNamespace}/kubectl-tapacme-watch` : 'off',
    ...(health ? { health: `http://${health.address.host.includes(':') ? `[${health.address.host}]` : health.address.host}:${health.address.port}` } : {}),
  });

  // ---- graceful shutdown on SIGTERM / SIGINT.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (sig: NodeJS.Signals): void => resolve(sig);
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
  stopping = true;
  log.info('shutting down', { signal });
  if (timer) clearTimeout(timer);
  clearInterval(tick);
  clearInterval(resync);
  await running; // let a reconcile in flight finish its writes
  await elector?.stop();
  await Promise.all([...informers.values()].map((i) => i.stop()));
  await health?.close();
  client.close();
  log.info('stopped');
  // SIGTERM is how Kubernetes stops a Pod: a normal end. Ctrl-C is an interruption, reported as 130.
  return signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
}
