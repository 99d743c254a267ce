// What the client knows of each request, and the observers it tells: middleware, request counts, retry notices.

export interface RequestInfo {
  method: string;
  path: string;
  /** The Kubernetes verb (list, get, patch, ...), for counting and messages. */
  verb: string;
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
  dryRun: boolean;
}

/** Sees every request before it is sent and after it completes (counting, logging in tests). */
export interface Middleware {
  pre?(req: RequestInfo): void;
  post?(req: RequestInfo, status: number, ms: number): void;
}

export class RequestStats implements Middleware {
  requests = 0;
  /** Requests that could change something (dry-run ones excluded). */
  writes = 0;
  byVerb: Record<string, number> = {};
  /** Watch streams ended for silence and resumed. */
  idleWatches = 0;
  pre(req: RequestInfo): void {
    this.requests++;
    this.byVerb[req.verb] = (this.byVerb[req.verb] ?? 0) + 1;
    if (!req.dryRun && ['create', 'patch', 'update', 'delete'].includes(req.verb)) this.writes++;
  }
}

/** One transient failure about to be tried again. */
export interface RetryNotice {
  request: RequestInfo;
  cause: string;
  /** The attempt that failed (from 1) and how many there may be. */
  attempt: number;
  attempts: number;
  delayMs: number;
  why: 'Retry-After' | 'backoff';
}
