// A small REST client over node:https: requests, pagination and server-side apply are done here so
// that every request is counted, paginated lists are reduced page by page, and the apply content type
// is right. Credentials and agents come from transport.ts, watch streams from watch-stream.ts.
import http from 'node:http';
import { FIELD_MANAGER } from '@tapacme/core/live';
import { ApiError } from './errors.js';
import { idleTimer } from './idle-timer.js';
import { pageReader } from './list-stream.js';
import type { ResolvedConfig } from './kubeconfig.js';
import type { Middleware, RequestInfo, RetryNotice } from './request-info.js';
import { RequestStats } from './request-info.js';
import { resourcePath } from './resources.js';
import type { Resource } from './resources.js';
import { DEFAULT_RETRY, isTransientNetworkError, isTransientStatus, nextDelayMs } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { connectTransport } from './transport.js';
import type { Transport } from './transport.js';
import { Throttle } from './throttle.js';
import { openWatchStream } from './watch-stream.js';
import type { Obj } from '../json-object.js';

/** A request that receives no byte for this long has failed (kubectl's --request-timeout stays 0 = none). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_SOCKETS = 16;
/** The metadata-only list form, with plain JSON as the fallback of a server (or aggregated API) that has none. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
/** Verbs that change nothing: safe to send again whatever happened to the first attempt. */
const READS = new Set(['get', 'list', 'watch']);

interface Answer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

export interface ClientOptions {
  middleware?: Middleware[];
  /** Parallel connections to the API server. */
  maxSockets?: number;
  retry?: RetryPolicy;
  /** How long a request may receive nothing before it fails (default 30 s). */
  idleTimeoutMs?: number;
  /** Told before each retry, so a command can say what it is waiting for. */
  onRetry?(notice: RetryNotice): void;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (limit); 0 lists in one response. */
  limit: number;
  /** The API version to list, when not the resource's default. */
  version?: string;
  /** Only each item's metadata (PartialObjectMetadataList): where the rules read nothing else, the server sends less. */
  metadataOnly?: boolean;
}

export interface ApplyOptions {
  dryRun: boolean;
  force: boolean;
}

export class KubeClient {
  readonly stats = new RequestStats();
  /** Phase durations a command records, printed with the request stats. */
  timings?: Record<string, number>;
  /** How credentials were loaded: read directly, or through client-node (exec plugin, auth provider, proxy). */
  credentialSource: 'static' | 'client-node' = 'static';
  private readonly middleware: Middleware[];
  private readonly retryPolicy: RetryPolicy;
  private readonly idleMs: number;
  private readonly onRetry: ((notice: RetryNotice) => void) | undefined;
  /** Requests in flight, halved on a 429 and paused for its Retry-After (watches are not counted). */
  readonly throttle: Throttle;

  private constructor(
    readonly config: ResolvedConfig,
    private transport: Transport,
    private readonly refresh: () => Promise<Transport>,
    options: ClientOptions,
  ) {
    this.middleware = [this.stats, ...(options.middleware ?? [])];
    this.retryPolicy = options.retry ?? DEFAULT_RETRY;
    this.idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.onRetry = options.onRetry;
    this.throttle = new Throttle(options.maxSockets ?? DEFAULT_MAX_SOCKETS);
  }

  /**
   * Load credentials for the resolved kubeconfig: static ones directly, exec plugins, auth providers
   * and proxies through client-node, imported only then.
   */
  static async connect(config: ResolvedConfig, options: ClientOptions = {}): Promise<KubeClient> {
    const connection = await connectTransport(config, options.maxSockets ?? DEFAULT_MAX_SOCKETS);
    const client = new KubeClient(config, connection.transport, connection.refresh, options);
    client.credentialSource = connection.credentialSource;
    return client;
  }

  /** Close idle connections so the process can exit. */
  close(): void {
    this.transport.agent.destroy();
    this.transport.watchAgent.destroy();
  }

  private url(path: string, query: Record<string, string>): URL {
    const url = new URL(this.config.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  private headers(): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = { ...this.transport.headers };
    if (this.config.asGroups.length > 0) headers['Impersonate-Group'] = this.config.asGroups;
    return headers;
  }

  /**
   * One HTTP exchange. Two clocks: --request-timeout bounds the whole exchange (0: none, as kubectl),
   * and the idle bound ends one that receives no byte for that long, so a silent connection cannot hang
   * a run. A failure says whether the request had been sent, i.e. whether a write may have happened.
   */
  private send(info: RequestInfo, query: Record<string, string>, body: string | undefined, contentType: string | undefined, stream?: () => (chunk: string) => void, accept?: string): Promise<Answer> {
    const headers = this.headers();
    if (accept) headers['Accept'] = accept;
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      let sent = false;
      const fail = (e: Error): void => {
        clearTimeout(total);
        idle.stop();
        reject(Object.assign(e, { sent }));
      };
      const req = this.transport.module.request(this.url(info.path, query), { method: info.method, agent: this.transport.agent, headers, ...(this.transport.auth ? { auth: this.transport.auth } : {}) }, (res) => {
        idle.touch();
        // Decoded as it arrives: a large page is never held as chunks, a joined buffer and a string at once.
        res.setEncoding('utf8');
        let text = '';
        // A successful answer to a streamed request goes to its reader chunk by chunk and is never held whole.
        const status = res.statusCode ?? 0;
        const sink = stream && status >= 200 && status < 300 ? stream() : undefined;
        res.on('data', (c: string) => {
          idle.touch();
          if (!sink) text += c;
          else {
            try {
              sink(c);
            } catch (e) {
              req.destroy(e as Error);
            }
          }
        });
        res.on('end', () => {
          clearTimeout(total);
          idle.stop();
          resolve({ status: res.statusCode ?? 0, text, retryAfter: res.headers['retry-after'] });
        });
        res.on('error', fail);
      });
      const total = this.config.timeoutMs > 0
        ? setTimeout(() => req.destroy(Object.assign(new Error(`no complete answer within ${this.config.timeoutMs / 1000} s (--request-timeout)`), { code: 'REQUEST_TIMEOUT' })), this.config.timeoutMs)
        : undefined;
      // Our own clock, from the start: a socket timeout would not cover a TLS handshake that stalls.
      const idle = idleTimer(this.idleMs, () => req.destroy(Object.assign(new Error(`no data from the API server for ${this.idleMs / 1000} s`), { code: 'IDLE_TIMEOUT' })));
      req.on('finish', () => (sent = true));
      req.on('error', fail);
      req.end(body);
    });
  }

  /**
   * One request through the middleware: a credential refresh on 401, and transient failures (429, 5xx,
   * a refused, reset or silent connection) tried again with backoff and the server's Retry-After. A
   * write whose connection failed after it was sent is not repeated here: its outcome is unknown, and
   * the caller settles it by reading the object back.
   */
  async request(info: RequestInfo, options: { query?: Record<string, string>; body?: string; contentType?: string; stream?: () => (chunk: string) => void; accept?: string } = {}): Promise<Obj> {
    const query = { ...(options.query ?? {}) };
    if (info.dryRun) query['dryRun'] = 'All';
    const policy = this.retryPolicy;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      for (const m of this.middleware) m.pre?.(info);
      const started = performance.now();
      const last = attempt + 1 >= policy.attempts;
      let res: Answer;
      await this.throttle.acquire();
      try {
        res = await this.send(info, query, options.body, options.contentType, options.stream, options.accept);
      } catch (e) {
        this.throttle.release(false);
        for (const m of this.middleware) m.post?.(info, 0, performance.now() - started);
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const sent = (e as { sent?: boolean }).sent === true;
        const outcomeUnknown = sent && !READS.has(info.verb);
        const retryable = isTransientNetworkError(code);
        const message = `${(e as Error).message} (server ${this.config.server})`;
        if (retryable && !outcomeUnknown && !last) {
          await this.pause(info, attempt, message);
          continue;
        }
        // --request-timeout is the user's own bound: never extended by retries, but not a configuration error either.
        const transient = retryable || code === 'REQUEST_TIMEOUT';
        throw new ApiError(0, code || 'NetworkError', message, info.verb, info.resource, info.group, info.namespace, info.name, { attempts: attempt + 1, transient, outcomeUnknown });
      }
      // A 429 pauses every request of this client for its Retry-After (or the backoff), not only this one.
      const delay = isTransientStatus(res.status) && !last ? nextDelayMs(attempt, res.retryAfter, policy) : undefined;
      this.throttle.release(res.status === 429, delay?.ms ?? 0);
      for (const m of this.middleware) m.post?.(info, res.status, performance.now() - started);
      if (res.status >= 200 && res.status < 300) {
        if (options.stream) return {};
        try {
          return res.text ? (JSON.parse(res.text) as Obj) : {};
        } catch {
          throw new ApiError(res.status, 'BadResponse', `the answer is not JSON: ${res.text.slice(0, 200)}`, info.verb, info.resource, info.group, info.namespace, info.name);
        }
      }
      if (res.status === 401 && !refreshed) {
        // Exec plugins and auth providers hand out short-lived tokens: get a fresh one once.
        refreshed = true;
        this.transport = await this.refresh();
        continue;
      }
      let reason = '';
      let message = res.text.slice(0, 500);
      try {
        const s = JSON.parse(res.text) as Obj;
        reason = typeof s['reason'] === 'string' ? s['reason'] : '';
        message = typeof s['message'] === 'string' ? s['message'] : message;
      } catch {
        // not a Status object
      }
      const transient = isTransientStatus(res.status);
      if (transient && delay) {
        await this.pause(info, attempt, `${res.status} ${reason || http.STATUS_CODES[res.status] || ''}`.trim(), delay);
        continue;
      }
      throw new ApiError(res.status, reason || http.STATUS_CODES[res.status] || 'Error', message, info.verb, info.resource, info.group, info.namespace, info.name, { attempts: attempt + 1, transient, outcomeUnknown: false });
    }
  }

  private async pause(info: RequestInfo, attempt: number, cause: string, delay = nextDelayMs(attempt, undefined, this.retryPolicy)): Promise<void> {
    this.onRetry?.({ request: info, cause, attempt: attempt + 1, attempts: this.retryPolicy.attempts, delayMs: delay.ms, why: delay.why });
    await sleep(delay.ms);
  }

  /** A watch stream of `path` (see watch-stream.ts), on the watch agent. */
  async watch(path: string, query: Record<string, unknown>, onEvent: (type: string, obj: Obj) => void, done: (err: unknown) => void): Promise<{ abort(): void }> {
    const q: Record<string, string> = { watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(300 + Math.floor(Math.random() * 300)) };
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q[k] = String(v);
    const info: RequestInfo = { method: 'GET', path, verb: 'watch', resource: path.split('/').pop() ?? '', group: '', dryRun: false };
    const send = (onResponse: (res: http.IncomingMessage) => void): http.ClientRequest =>
      this.transport.module.request(this.url(path, q), { method: 'GET', agent: this.transport.watchAgent, headers: this.headers(), ...(this.transport.auth ? { auth: this.transport.auth } : {}) }, onResponse);
    return openWatchStream({ info, send, middleware: this.middleware, idleMs: this.idleMs, onIdle: () => this.stats.idleWatches++ }, onEvent, done);
  }

  /** GET one object; undefined when it does not exist. */
  async get(res: Resource, name: string, namespace?: string): Promise<Obj | undefined> {
    try {
      return await this.request({ method: 'GET', path: resourcePath(res, namespace, name), verb: 'get', resource: res.resource, group: res.group, ...(namespace ? { namespace } : {}), name, dryRun: false });
    } catch (e) {
      if (e instanceof ApiError && e.notFound) return undefined;
      throw e;
    }
  }

  /**
   * List every object of a resource across all namespaces (or one), page by page, mapping each item as
   * its page arrives so that only the reduced form is kept. An expired continue token (410) starts over.
   */
  async list<T>(res: Resource, options: ListOptions, map: (item: Obj) => T | undefined): Promise<T[]> {
    return (await this.listCollection(res, options, map)).items;
  }

  /** `list`, with the collection's resourceVersion (of its first page), which a watch starts from. */
  async listCollection<T>(res: Resource, options: ListOptions, map: (item: Obj) => T | undefined): Promise<{ items: T[]; resourceVersion: string }> {
    for (let restart = 0; ; restart++) {
      const out: T[] = [];
      let cont = '';
      let resourceVersion = '';
      try {
        do {
          const query: Record<string, string> = {};
          if (options.limit > 0) query['limit'] = String(options.limit);
          if (cont) query['continue'] = cont;
          if (options.labelSelector) query['labelSelector'] = options.labelSelector;
          if (options.fieldSelector) query['fieldSelector'] = options.fieldSelector;
          // Lists leave apiVersion/kind off their items; each page is read item by item as it arrives.
          const reader = pageReader(res.group ? `${res.group}/${options.version ?? res.version}` : options.version ?? res.version, res.kind, map, options.metadataOnly === true);
          await this.request(
            { method: 'GET', path: resourcePath(res, options.namespace, undefined, options.version), verb: 'list', resource: res.resource, group: res.group, ...(options.namespace ? { namespace: options.namespace } : {}), dryRun: false },
            { query, stream: reader.stream, ...(options.metadataOnly ? { accept: METADATA_ONLY } : {}) },
          );
          let page: { items: T[]; list: Obj };
          try {
            page = reader.end();
          } catch (e) {
            throw new ApiError(200, 'BadResponse', `the list answer is not whole JSON: ${(e as Error).message}`, 'list', res.resource, res.group, options.namespace, undefined);
          }
          for (const v of page.items) out.push(v);
          const meta = page.list['metadata'] as Obj | undefined;
          if (!resourceVersion && typeof meta?.['resourceVersion'] === 'string') resourceVersion = meta['resourceVersion'];
          cont = typeof meta?.['continue'] === 'string' ? meta['continue'] : '';
        } while (cont);
        return { items: out, resourceVersion };
      } catch (e) {
        if (e instanceof ApiError && e.expired && cont && restart < 3) continue;
        throw e;
      }
    }
  }

  /** Server-side apply (application/apply-patch+yaml, field manager kubectl-tapacme). */
  async apply(res: Resource, body: Obj, options: ApplyOptions): Promise<Obj> {
    const meta = (body['metadata'] ?? {}) as Obj;
    const name = String(meta['name'] ?? '');
    const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined;
    const query: Record<string, string> = { fieldManager: FIELD_MANAGER };
    if (options.force) query['force'] = 'true';
    return this.request(
      { method: 'PATCH', path: resourcePath(res, namespace, name), verb: 'patch', resource: res.resource, group: res.group, ...(namespace ? { namespace } : {}), name, dryRun: options.dryRun },
      // JSON is YAML: the apply content type with a JSON body.
      { query, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml' },
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
