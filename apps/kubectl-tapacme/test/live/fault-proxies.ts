// The fault injectors of tools/faults, started in front of the test cluster's API server: Toxiproxy for
// TCP faults and the TLS-terminating fault proxy for HTTP status faults and resets aimed at one request.
// Each gets a kubeconfig that points the CLI at it. Everything listens on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

type Obj = Record<string, unknown>;

export function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the live tier through scripts/test-cluster.sh (it builds tools/faults and exports it)`);
  return v;
}

/** The admin kubeconfig's server, CA and client certificate, and a copy pointing at another address. */
export class AdminConfig {
  readonly doc: Obj;
  readonly server: URL;
  constructor(readonly path: string) {
    this.doc = parse(readFileSync(path, 'utf8')) as Obj;
    this.server = new URL(String(this.cluster()['server']));
  }
  cluster(): Obj {
    return ((this.doc['clusters'] as Obj[])[0]?.['cluster'] ?? {}) as Obj;
  }
  user(): Obj {
    return ((this.doc['users'] as Obj[])[0]?.['user'] ?? {}) as Obj;
  }
  /** Write the CA and client credentials as files (the fault proxy forwards with them). */
  files(dir: string): { ca: string; cert: string; key: string } {
    const out = { ca: join(dir, 'upstream-ca.crt'), cert: join(dir, 'admin.crt'), key: join(dir, 'admin.key') };
    writeFileSync(out.ca, Buffer.from(String(this.cluster()['certificate-authority-data']), 'base64'));
    writeFileSync(out.cert, Buffer.from(String(this.user()['client-certificate-data']), 'base64'));
    writeFileSync(out.key, Buffer.from(String(this.user()['client-key-data']), 'base64'), { mode: 0o600 });
    return out;
  }
  /** A kubeconfig like the admin one with another server (and CA, when the proxy serves its own certificate). */
  writeVariant(file: string, server: string, caPem?: Buffer): string {
    const doc = structuredClone(this.doc);
    const cluster = ((doc['clusters'] as Obj[])[0] as Obj)['cluster'] as Obj;
    cluster['server'] = server;
    if (caPem) cluster['certificate-authority-data'] = caPem.toString('base64');
    writeFileSync(file, stringify(doc), { mode: 0o600 });
    return file;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Start a program that prints one JSON line with its addresses first. */
function startWithAddresses(cmd: string, args: string[]): Promise<{ child: ChildProcess; addrs: Record<string, string>; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let done = false;
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const nl = out.indexOf('\n');
      if (!done && nl >= 0) {
        done = true;
        resolve({ child, addrs: JSON.parse(out.slice(0, nl)) as Record<string, string>, output: () => out });
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('exit', (code) => {
      if (!done) reject(new Error(`${cmd} exited with ${String(code)}: ${err}`));
    });
  });
}

/** A self-signed serving certificate for 127.0.0.1 (and any other names), made with openssl. */
export function servingCert(dir: string, names: string[] = []): { cert: string; key: string; pem: Buffer } {
  const cert = join(dir, 'serving.crt');
  const key = join(dir, 'serving.key');
  const san = ['IP:127.0.0.1', 'DNS:localhost', ...names.map((n) => `DNS:${n}`)].join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-keyout', key, '-out', cert, '-subj', '/CN=tapacme-fault-proxy', '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
  return { cert, key, pem: readFileSync(cert) };
}

export interface Toxic {
  type: 'latency' | 'timeout' | 'reset_peer' | 'limit_data' | 'bandwidth' | 'slow_close' | 'slicer';
  stream?: 'upstream' | 'downstream';
  toxicity?: number;
  attributes: Record<string, number>;
}

/** toxiproxy-server with one proxy in front of the API server. */
export class Toxiproxy {
  private constructor(private readonly child: ChildProcess, private readonly api: string, readonly listen: string) {}

  static async start(upstream: URL): Promise<Toxiproxy> {
    const port = await freePort();
    const child = spawn(need('TAPACME_TOXIPROXY'), ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
    const api = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`${api}/version`);
        if (r.ok) break;
      } catch {
        if (i > 100) throw new Error('toxiproxy-server did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await fetch(`${api}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'apiserver', listen: '127.0.0.1:0', upstream: upstream.host, enabled: true }) });
    if (!r.ok) throw new Error(`toxiproxy: ${r.status} ${await r.text()}`);
    const proxy = (await r.json()) as { listen: string };
    return new Toxiproxy(child, api, proxy.listen);
  }

  async add(name: string, toxic: Toxic): Promise<void> {
    const r = await fetch(`${this.api}/proxies/apiserver/toxics`, { method: 'POST', body: JSON.stringify({ name, stream: 'downstream', toxicity: 1, ...toxic }) });
    if (!r.ok) throw new Error(`toxiproxy: ${r.status} ${await r.text()}`);
  }

  async remove(name: string): Promise<void> {
    await fetch(`${this.api}/proxies/apiserver/toxics/${name}`, { method: 'DELETE' });
  }

  /** Cut every connection through the proxy (disabling it closes them all), and let new ones in again. */
  async cut(): Promise<void> {
    for (const enabled of [false, true]) {
      const r = await fetch(`${this.api}/proxies/apiserver`, { method: 'POST', body: JSON.stringify({ enabled }) });
      if (!r.ok) throw new Error(`toxiproxy: ${r.status} ${await r.text()}`);
    }
  }

  async clear(): Promise<void> {
    const r = await fetch(`${this.api}/proxies/apiserver/toxics`);
    for (const t of (await r.json()) as { name: string }[]) await this.remove(t.name);
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

export interface FaultRule {
  method?: string;
  path?: string;
  query?: string;
  action: 'status' | 'reset-before' | 'reset-after' | 'cut-body';
  status?: number;
  retryAfter?: string;
  skip?: number;
  times?: number;
}

export interface FaultEntry {
  at: number;
  method: string;
  path: string;
  query: string;
  action: string;
  status?: number;
}

/** The TLS-terminating fault proxy (tools/faults/faultproxy). */
export class FaultProxy {
  private constructor(private readonly child: ChildProcess, private readonly control: string, readonly listen: string, readonly caPem: Buffer) {}

  static async start(admin: AdminConfig, dir: string): Promise<FaultProxy> {
    const up = admin.files(dir);
    const serving = servingCert(dir);
    const { child, addrs } = await startWithAddresses(need('TAPACME_FAULTPROXY'), [
      '-cert', serving.cert, '-key', serving.key, '-upstream', admin.server.origin, '-upstream-ca', up.ca, '-upstream-cert', up.cert, '-upstream-key', up.key,
    ]);
    return new FaultProxy(child, `http://${addrs['control'] ?? ''}`, addrs['proxy'] ?? '', serving.pem);
  }

  async rules(rules: FaultRule[]): Promise<void> {
    const r = await fetch(`${this.control}/rules`, { method: 'PUT', body: JSON.stringify(rules) });
    if (!r.ok) throw new Error(`faultproxy: ${r.status} ${await r.text()}`);
    await fetch(`${this.control}/log`, { method: 'DELETE' });
  }

  async log(): Promise<FaultEntry[]> {
    return (await (await fetch(`${this.control}/log`)).json()) as FaultEntry[];
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
