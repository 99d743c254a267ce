// /healthz and /readyz for the kubelet's probes (and for people): liveness says the control loop still
// turns, readiness that every informer has listed once, so a replica can take over the moment it leads.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthState {
  /** Every informer has completed its first list. */
  synced(): boolean;
  /** The last time the leader-election loop completed a round (ms since epoch). */
  lastTick(): number;
  leader(): boolean;
  /** Anything else worth showing in the body. */
  details(): Record<string, unknown>;
}

export interface HealthServer {
  /** The address actually bound (port 0 picks a free one). */
  address: { host: string; port: number };
  close(): Promise<void>;
}

/** Parses `--health-addr`: "PORT", ":PORT" (every interface), "HOST:PORT" or "[v6]:PORT". */
export function parseAddr(text: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new Error(`--health-addr must be PORT, :PORT or HOST:PORT, got "${text}"`);
  const host = m[1] === undefined ? '127.0.0.1' : m[1] === '' ? '0.0.0.0' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

export async function startHealthServer(addr: { host: string; port: number }, state: HealthState, stallMs: number): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body = (ok: boolean, extra: Record<string, unknown>): void => {
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ status: ok ? 'ok' : 'failing', ...extra })}\n`);
    };
    if (path === '/healthz' || path === '/livez') {
      const age = Date.now() - state.lastTick();
      body(age <= stallMs, { loopAgeMs: age, leader: state.leader() });
    } else if (path === '/readyz') {
      body(state.synced(), { synced: state.synced(), leader: state.leader(), ...state.details() });
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: /healthz, /readyz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    address: { host: a.address, port: a.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
