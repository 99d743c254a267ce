import http from 'node:http';
import { ApiError } from './errors.js';
import { idleTimer } from './idle-timer.js';
import type { Middleware, RequestInfo } from './request-info.js';
import type { Obj } from '../json-object.js';

export interface WatchRequest {
  info: RequestInfo;
  /** Sends the GET; the stream reads its answer. */
  send(onResponse: (res: http.IncomingMessage) => void): http.ClientRequest;
  middleware: readonly Middleware[];
  idleMs: number;
  /** Told when the stream is ended for silence. */
  onIdle(): void;
}

/**
 * A watch stream (the shape client-node's ListWatch expects of its Watch): events as they come,
 * with bookmarks. A stream that goes silent for the idle bound is ended as if the server had closed
 * it, so the informer resumes from its last resourceVersion instead of waiting on a dead connection.
 */
export function openWatchStream(w: WatchRequest, onEvent: (type: string, obj: Obj) => void, done: (err: unknown) => void): { abort(): void } {
  const { info } = w;
  for (const m of w.middleware) m.pre?.(info);
  let finished = false;
  const finish = (err: unknown): void => {
    idle.stop();
    if (finished) return;
    finished = true;
    done(err);
  };
  // Silence for the idle bound ends the stream as if the server had closed it: the informer resumes.
  const idle = idleTimer(w.idleMs, () => {
    w.onIdle();
    finish(null);
    req.destroy();
  });
  const req = w.send((res) => {
    idle.touch();
    const status = res.statusCode ?? 0;
    for (const m of w.middleware) m.post?.(info, status, 0);
    res.setEncoding('utf8');
    let buf = '';
    if (status !== 200) {
      res.on('error', finish);
      res.on('data', (c: string) => (buf += c));
      // ApiError carries statusCode, which ListWatch reads (410: list again).
      res.on('end', () => finish(new ApiError(status, http.STATUS_CODES[status] ?? 'Error', buf.slice(0, 300), 'watch', info.resource, '', undefined, undefined)));
      return;
    }
    res.on('data', (c: string) => {
      idle.touch();
      buf += c;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        let event: { type?: string; object?: Obj };
        try {
          event = JSON.parse(line) as { type?: string; object?: Obj };
        } catch (e) {
          req.destroy(e as Error);
          return;
        }
        if (event.type && event.object) onEvent(event.type, event.object);
      }
    });
    res.on('error', finish);
    res.on('close', () => finish(res.complete ? null : Object.assign(new Error('the watch stream was cut'), { code: 'ECONNRESET' })));
  });
  req.on('error', finish);
  req.end();
  return {
    abort: () => {
      finished = true;
      idle.stop();
      req.destroy();
    },
  };
}
