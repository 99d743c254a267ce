// kubeconfig loading with kubectl's rules (client-go's ClientConfigLoadingRules), not client-node's
// loadFromDefault: first file wins for every key including current-context, missing files in
// KUBECONFIG are skipped, relative paths resolve against the file that holds them, and no config at
// all is an error instead of a silent http://localhost:8080.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseDuration } from '../duration.js';
import type { Obj } from '../json-object.js';

/** kubectl's connection flags (genericclioptions.ConfigFlags). */
export interface ConnectionFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  token?: string;
  as?: string;
  asGroups?: string[];
  requestTimeout?: string;
  insecureSkipTlsVerify?: boolean;
  certificateAuthority?: string;
}

export interface ResolvedConfig {
  /** A one-context kubeconfig (kubeconfig file format) with every override applied and absolute paths. */
  kubeconfig: Obj;
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  /** Whether the namespace came from -n or the context (not the fallback). */
  namespaceExplicit: boolean;
  /** Impersonated groups (--as-group), sent as headers by the client. */
  asGroups: string[];
  /** Request timeout in milliseconds; 0 means none. */
  timeoutMs: number;
  /** Where the configuration came from, for messages. */
  source: string;
  /** In a Pod without kubeconfig: the service account token mounted into it. */
  inCluster: boolean;
}

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

export interface LoadEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  readFile(path: string): string;
  exists(path: string): boolean;
}

const defaultEnv = (): LoadEnv => ({ env: process.env, home: homedir(), readFile: (p) => readFileSync(p, 'utf8'), exists: existsSync });

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Named {
  name: string;
  value: Obj;
}

interface Merged {
  clusters: Map<string, Obj>;
  users: Map<string, Obj>;
  contexts: Map<string, Obj>;
  currentContext: string;
  files: string[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function namedList(config: Obj, key: 'clusters' | 'users' | 'contexts', inner: 'cluster' | 'user' | 'context', file: string): Named[] {
  const list = config[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`${file}: "${key}" must be a list`);
  return list.flatMap((e, i) => {
    if (!isObj(e) || typeof e['name'] !== 'string' || e['name'] === '') throw new KubeconfigError(`${file}: ${key}[${i}] has no name`);
    const value = e[inner];
    return [{ name: e['name'], value: isObj(value) ? value : {} }];
  });
}

/** Paths in a kubeconfig are relative to the file they are written in. */
const PATH_FIELDS: Record<'cluster' | 'user', string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'token-file'],
};

function absolutize(value: Obj, kind: 'cluster' | 'user', dir: string): Obj {
  const out: Obj = { ...value };
  for (const f of PATH_FIELDS[kind]) {
    const p = out[f];
    if (typeof p === 'string' && p !== '' && !isAbsolute(p)) out[f] = resolve(dir, p);
  }
  if (kind === 'user' && isObj(out['exec'])) {
    const exec = { ...out['exec'] };
    const cmd = exec['command'];
    // client-go resolves a relative exec command (one with a path separator) against the file too.
    if (typeof cmd === 'string' && (cmd.includes('/') || cmd.includes('\\')) && !isAbsolute(cmd)) exec['command'] = resolve(dir, cmd);
    out['exec'] = exec;
  }
  return out;
}

function readConfig(file: string, le: LoadEnv): Obj {
  let text: string;
  try {
    text = le.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KubeconfigError(`cannot read kubeconfig ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObj(doc)) throw new KubeconfigError(`kubeconfig ${file} is not a mapping`);
  return doc;
}

/** The files kubectl would read: --kubeconfig alone; else KUBECONFIG's list (missing ones skipped); else ~/.kube/config. */
export function kubeconfigFiles(flags: ConnectionFlags, le: LoadEnv = defaultEnv()): string[] {
  if (flags.kubeconfig) {
    if (!le.exists(flags.kubeconfig)) throw new KubeconfigError(`--kubeconfig ${flags.kubeconfig}: no such file`);
    return [flags.kubeconfig];
  }
  const list = le.env['KUBECONFIG'];
  if (list !== undefined && list !== '') {
    const files = [...new Set(list.split(delimiter).filter((f) => f !== ''))];
    return files.filter((f) => le.exists(f));
  }
  const home = join(le.home, '.kube', 'config');
  return le.exists(home) ? [home] : [];
}

function merge(files: readonly string[], le: LoadEnv): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '', files: [...files] };
  for (const file of files) {
    const config = readConfig(file, le);
    const dir = dirname(resolve(file));
    // First file wins, for every map key and for current-context.
    for (const c of namedList(config, 'clusters', 'cluster', file)) if (!m.clusters.has(c.name)) m.clusters.set(c.name, absolutize(c.value, 'cluster', dir));
    for (const u of namedList(config, 'users', 'user', file)) if (!m.users.has(u.name)) m.users.set(u.name, absolutize(u.value, 'user', dir));
    for (const x of namedList(config, 'contexts', 'context', file)) if (!m.contexts.has(x.name)) m.contexts.set(x.name, x.value);
    const cc = config['current-context'];
    if (!m.currentContext && typeof cc === 'string') m.currentContext = cc;
  }
  return m;
}

/** Parse kubectl's --request-timeout: "0" (none), a bare number of seconds, or a duration like 1m30s. */
export function parseRequestTimeout(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const ms = parseDuration(text);
  if (ms === undefined) throw new KubeconfigError(`--request-timeout "${text}" is not a duration; use e.g. 30s, 1m or 0 (no timeout)`);
  return ms;
}

/** Load and resolve the configuration the way kubectl would for these flags. */
export function resolveConfig(flags: ConnectionFlags, le: LoadEnv = defaultEnv()): ResolvedConfig {
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const files = kubeconfigFiles(flags, le);
  const m = merge(files, le);
  const source = files.length > 0 ? files.join(delimiter) : '';

  if (files.length === 0 && !flags.server) {
    const host = le.env['KUBERNETES_SERVICE_HOST'];
    const port = le.env['KUBERNETES_SERVICE_PORT'];
    if (host && port && le.exists(`${SA_DIR}/token`)) return inClusterConfig(host, port, flags, le, timeoutMs);
    const where = le.env['KUBECONFIG'] ? `none of the files in KUBECONFIG (${le.env['KUBECONFIG']}) exists` : `${join(le.home, '.kube', 'config')} does not exist and KUBECONFIG is not set`;
    throw new KubeconfigError(`no kubeconfig: ${where}; pass --kubeconfig FILE, set KUBECONFIG, or give --server`);
  }

  const contextName = flags.context || m.currentContext;
  let context: Obj = {};
  if (contextName) {
    const found = m.contexts.get(contextName);
    if (!found) {
      if (flags.context) throw new KubeconfigError(`context "${contextName}" does not exist in ${source || 'the kubeconfig'} (contexts: ${[...m.contexts.keys()].join(', ') || 'none'})`);
      if (!flags.server) throw new KubeconfigError(`current-context "${contextName}" in ${source} does not exist; pass --context (contexts: ${[...m.contexts.keys()].join(', ') || 'none'})`);
    } else {
      context = found;
    }
  } else if (!flags.server && !flags.cluster) {
    throw new KubeconfigError(`${source} sets no current-context; pass --context (contexts: ${[...m.contexts.keys()].join(', ') || 'none'})`);
  }
  const clusterName = flags.cluster || (typeof context['cluster'] === 'string' ? context['cluster'] : '');
  const userName = flags.user || (typeof context['user'] === 'string' ? context['user'] : '');
  let cluster: Obj = {};
  if (clusterName) {
    const found = m.clusters.get(clusterName);
    if (!found && !flags.server) throw new KubeconfigError(`cluster "${clusterName}" is not defined in ${source || 'the kubeconfig'}`);
    cluster = { ...(found ?? {}) };
  }
  let user: Obj = {};
  if (userName) {
    const found = m.users.get(userName);
    if (!found && flags.user) throw new KubeconfigError(`user "${userName}" is not defined in ${source || 'the kubeconfig'}`);
    user = { ...(found ?? {}) };
  }

  if (flags.server) cluster['server'] = flags.server;
  if (flags.certificateAuthority) {
    cluster['certificate-authority'] = resolve(flags.certificateAuthority);
    delete cluster['certificate-authority-data'];
  }
  if (flags.insecureSkipTlsVerify) {
    // As kubectl: the flag drops the CA instead of failing on "CA and insecure".
    cluster['insecure-skip-tls-verify'] = true;
    delete cluster['certificate-authority'];
    delete cluster['certificate-authority-data'];
  }
  if (flags.token) {
    user = { ...user, token: flags.token };
    delete user['token-file'];
  }
  if (flags.as) user['as'] = flags.as;
  const server = typeof cluster['server'] === 'string' ? cluster['server'] : '';
  if (!server) throw new KubeconfigError(`cluster "${clusterName || '(none)'}" has no server; pass --server or fix ${source || 'the kubeconfig'}`);
  if (cluster['certificate-authority'] && !le.exists(String(cluster['certificate-authority']))) {
    throw new KubeconfigError(`certificate authority file ${String(cluster['certificate-authority'])} does not exist`);
  }

  const ctxNs = typeof context['namespace'] === 'string' && context['namespace'] !== '' ? context['namespace'] : undefined;
  const namespace = flags.namespace || ctxNs || 'default';
  const name = contextName || 'tapacme';
  return {
    kubeconfig: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: clusterName || name, cluster }],
      users: [{ name: userName || name, user }],
      contexts: [{ name, context: { cluster: clusterName || name, user: userName || name, namespace } }],
      'current-context': name,
    },
    contextName: name,
    clusterName: clusterName || name,
    userName: userName || name,
    server,
    namespace,
    namespaceExplicit: !!(flags.namespace || ctxNs),
    asGroups: flags.asGroups ?? [],
    timeoutMs,
    source: source || '(flags)',
    inCluster: false,
  };
}

function inClusterConfig(host: string, port: string, flags: ConnectionFlags, le: LoadEnv, timeoutMs: number): ResolvedConfig {
  const server = flags.server || `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const nsFile = `${SA_DIR}/namespace`;
  const podNs = le.exists(nsFile) ? le.readFile(nsFile).trim() : '';
  const cluster: Obj = { server, 'certificate-authority': `${SA_DIR}/ca.crt` };
  if (flags.insecureSkipTlsVerify) {
    delete cluster['certificate-authority'];
    cluster['insecure-skip-tls-verify'] = true;
  }
  const user: Obj = flags.token ? { token: flags.token } : { 'token-file': `${SA_DIR}/token` };
  if (flags.as) user['as'] = flags.as;
  const namespace = flags.namespace || podNs || 'default';
  return {
    kubeconfig: {
      apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'in-cluster', cluster }], users: [{ name: 'in-cluster', user }],
      contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', namespace } }], 'current-context': 'in-cluster',
    },
    contextName: 'in-cluster', clusterName: 'in-cluster', userName: 'in-cluster', server, namespace, namespaceExplicit: true,
    asGroups: flags.asGroups ?? [], timeoutMs, source: 'in-cluster service account', inCluster: true,
  };
}
