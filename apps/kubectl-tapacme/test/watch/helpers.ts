// Helpers for the watch tests: start `kubectl-tapacme watch` as a real process against the real API server,
// read its JSON log lines, and poll objects through the API server directly (no kubectl process per poll,
// so the 2-second bound measures the watch, not the test).
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runProcess } from '../helpers/process.js';
import type { ProcessResult } from '../helpers/process.js';

export type Obj = Record<string, unknown>;
export const CLI = fileURLToPath(new URL('../../dist/kubectl-tapacme.cjs', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const SA = 'tap-acme-http01-solver';

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/test-watch.sh (the cluster globalSetup sets it)`);
  return v;
}

export function run(cmd: string, args: readonly string[], input = '', extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return runProcess(cmd, args, { env: { ...process.env, NO_COLOR: '1', ...extraEnv }, input });
}

export async function kubectl(args: readonly string[], input = '', kubeconfig = env('KUBECONFIG')): Promise<string> {
  const r = await run(env('TAPACME_KUBECTL'), ['--kubeconfig', kubeconfig, ...args], input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export const apply = (yaml: string): Promise<string> => kubectl(['apply', '--server-side', '--field-manager=test-setup', '-f', '-'], yaml);

/** A minimal API client from the admin kubeconfig (client certificate, embedded CA). */
export class Api {
  private readonly server: URL;
  private readonly agent: https.Agent;
  constructor(kubeconfig = env('KUBECONFIG')) {
    const kc = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: Obj }[]; users: { user: Obj }[] };
    const cluster = kc.clusters[0]?.cluster ?? {};
    const user = kc.users[0]?.user ?? {};
    const b64 = (k: string, o: Obj): Buffer => Buffer.from(String(o[k] ?? ''), 'base64');
    this.server = new URL(String(cluster['server']));
    this.agent = new https.Agent({ keepAlive: true, ca: b64('certificate-authority-data', cluster), cert: b64('client-certificate-data', user), key: b64('client-key-data', user) });
  }
  request(method: string, path: string, body?: unknown): Promise<{ status: number; json: Obj }> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(new URL(path, this.server), { method, agent: this.agent, headers: { Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Obj) : {} }));
      });
      req.on('error', reject);
      req.end(data);
    });
  }
  async get(path: string): Promise<Obj | undefined> {
    const r = await this.request('GET', path);
    return r.status === 200 ? r.json : undefined;
  }
  serviceAccount = (ns: string, name = SA): Promise<Obj | undefined> => this.get(`/api/v1/namespaces/${ns}/serviceaccounts/${name}`);
  secret = (ns: string, name: string): Promise<Obj | undefined> => this.get(`/api/v1/namespaces/${ns}/secrets/${name}`);
  lease = (ns: string): Promise<Obj | undefined> => this.get(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/kubectl-tapacme-watch`);
  close(): void {
    this.agent.destroy();
  }
}

/** Poll until `probe` returns a value (every 25 ms); the elapsed time is part of the answer. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return { value: v, ms: performance.now() - start };
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface LogLine {
  ts: string;
  level: string;
  msg: string;
  [k: string]: unknown;
}

/** A running `kubectl-tapacme watch`, its parsed log lines, and its health address. */
export class WatchProcess {
  readonly logs: LogLine[] = [];
  readonly raw: string[] = [];
  private child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout = '';

  constructor(args: readonly string[], kubeconfig = env('KUBECONFIG')) {
    this.child = spawn(process.execPath, [CLI, 'watch', '--kubeconfig', kubeconfig, '--health-addr', '127.0.0.1:0', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.child.stderr.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.raw.push(line);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line (an error before logging started): kept in raw
        }
      }
    });
    this.child.stdout.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  has(msg: string | RegExp): boolean {
    return this.logs.some((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));
  }

  count(msg: string): number {
    return this.logs.filter((l) => l.msg === msg).length;
  }

  async waitLog(msg: string | RegExp, timeoutMs = 30_000): Promise<LogLine> {
    const r = await until(async () => this.logs.find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg))), timeoutMs, `log "${String(msg)}"\n${this.raw.join('\n')}`);
    return r.value;
  }

  /** The health URL from the "watching" log line. */
  async healthUrl(): Promise<string> {
    const l = await this.waitLog('watching');
    return String(l['health']);
  }

  async probe(path: string): Promise<{ status: number; body: Obj }> {
    const url = `${await this.healthUrl()}${path}`;
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as Obj };
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

export const clusterIssuer = (name: string): string => `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: ${name}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: ${name}-key
    solvers:
    - http01:
        ingress:
          ingressClassName: contour
          podTemplate:
            spec:
              serviceAccountName: ${SA}
`;

export const certificate = (ns: string, name: string, issuer: string): string => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  secretName: ${name}-tls
  dnsNames: [${name}.${ns}.example.com]
  issuerRef:
    name: ${issuer}
    kind: ClusterIssuer
`;

export const namespace = (ns: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;

let counter = 0;
/** Unique names: the test cluster never finishes deleting namespaces (no controllers). */
export const unique = (prefix: string): string => `${prefix}-${process.pid.toString(36)}-${(counter++).toString(36)}-${Date.now().toString(36).slice(-4)}`;
