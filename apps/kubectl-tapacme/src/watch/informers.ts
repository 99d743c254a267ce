// Informers (list + watch caches): client-node's ListWatch keeps the cache; every list and every watch
// stream goes through the project's KubeClient (counted, paginated, retried, same credentials and proxy as
// scan/fix; a silent stream is ended after the idle bound and resumed). client-node stops an informer
// after a watch error (an API server restart, a dropped connection): we start it again with backoff, and
// it resumes from the last resourceVersion or re-lists after 410 Gone.
import type { ListWatch } from '@kubernetes/client-node/dist/cache.js';
import type { KubeClient } from '../cluster/client.js';
import { resourcePath } from '../cluster/resources.js';
import type { Resource } from '../cluster/resources.js';
import type { Logger } from './log.js';
import type { Obj } from '../json-object.js';

type KubeObject = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } } & Obj;

export interface InformerSpec {
  /** Shown in logs: "certificates", "serviceaccounts/tap-acme-http01-solver". */
  id: string;
  resource: Resource;
  /** The API version to list and watch (served CRD version), when not the resource's. */
  version?: string;
  namespace?: string;
  /** metadata.name=X keeps RBAC to resourceNames and the cache to what we need. */
  fieldSelector?: string;
}

export interface Informer {
  spec: InformerSpec;
  /** The cached objects, as the API server sent them. */
  list(): Obj[];
  /** The first list has completed. */
  synced(): boolean;
  stop(): Promise<void>;
}

export interface InformerHooks {
  /** Any add, update or delete (and the initial list). */
  onChange(spec: InformerSpec, type: 'add' | 'update' | 'delete', obj: Obj): void;
  /** A (re)connect finished its list or resumed its watch. */
  onConnect?(spec: InformerSpec): void;
}

/** client-node's cache, from its module (not its index, which loads every API client). */
export interface WatchKit {
  ListWatch: typeof ListWatch;
}

export async function watchKit(): Promise<WatchKit> {
  const { ListWatch } = await import('@kubernetes/client-node/dist/cache.js');
  return { ListWatch };
}

export function startInformer(kit: WatchKit, client: KubeClient, spec: InformerSpec, hooks: InformerHooks, log: Logger): Informer {
  const res = spec.resource;
  const version = spec.version ?? res.version;
  const path = resourcePath(res, spec.namespace, undefined, version);
  let synced = false;
  let stopped = false;
  let failures = 0;
  let errors = 0;
  let retry: NodeJS.Timeout | undefined;
  // The initial and every re-list: the client's paginated list, with the collection's resourceVersion.
  const listFn = async (): Promise<{ items: KubeObject[]; metadata: { resourceVersion: string } }> => {
    const { items, resourceVersion } = await client.listCollection(res, { limit: 500, version, ...(spec.namespace ? { namespace: spec.namespace } : {}), ...(spec.fieldSelector ? { fieldSelector: spec.fieldSelector } : {}) }, (o) => o as KubeObject);
    return { items, metadata: { resourceVersion } };
  };
  // ListWatch only calls watch(path, query, onEvent, done) on its Watch.
  const watch = { watch: (p: string, q: Record<string, unknown>, cb: (type: string, obj: Obj, raw: Obj) => void, done: (err: unknown) => void) => client.watch(p, q, (type, obj) => cb(type, obj, { type, object: obj }), done) };
  const lw = new kit.ListWatch<KubeObject & { metadata: { name?: string } }>(path, watch as never, listFn as never, false, undefined, spec.fieldSelector);
  const apiVersion = res.group ? `${res.group}/${version}` : version;
  // Watch events carry apiVersion/kind; list items got them from the client's list.
  const fill = (o: Obj): Obj => {
    o['apiVersion'] ??= apiVersion;
    o['kind'] ??= res.kind;
    return o;
  };
  lw.on('add', (o) => hooks.onChange(spec, 'add', fill(o)));
  lw.on('update', (o) => hooks.onChange(spec, 'update', fill(o)));
  lw.on('delete', (o) => hooks.onChange(spec, 'delete', fill(o)));
  lw.on('connect', () => {
    if (failures > 0) log.info('informer reconnecting', { informer: spec.id, after: failures });
  });
  lw.on('error', (err: unknown) => {
    errors++;
    if (stopped) return;
    failures++;
    // 1 s, 2 s, 4 s ... capped at 10 s: an API server restart takes seconds; don't hammer it meanwhile.
    const delay = Math.min(10_000, 1000 * 2 ** Math.min(failures - 1, 4));
    log.warn('informer stopped; restarting', { informer: spec.id, error: describe(err), retryInMs: delay });
    retry = setTimeout(() => void begin(), delay);
  });
  const begin = async (): Promise<void> => {
    const before = errors;
    try {
      // start() resolves even when its list or watch failed (it reports through 'error' instead).
      await lw.start();
      if (errors !== before || stopped) return;
      if (!synced) {
        synced = true;
        log.debug('informer synced', { informer: spec.id, objects: lw.list().length });
      }
      if (failures > 0) log.info('informer watching again', { informer: spec.id, objects: lw.list().length });
      failures = 0;
      hooks.onConnect?.(spec);
    } catch (e) {
      // start() rejects when the list fails; the error callback has already scheduled the retry.
      log.debug('informer start failed', { informer: spec.id, error: describe(e) });
    }
  };
  void begin();
  return {
    spec,
    list: () => [...lw.list()] as Obj[],
    synced: () => synced,
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await lw.stop();
    },
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const status = (e as { statusCode?: number }).statusCode;
    return `${e.message}${code ? ` (${code})` : ''}${status ? ` (HTTP ${status})` : ''}`;
  }
  return String(e);
}
