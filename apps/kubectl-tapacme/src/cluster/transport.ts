// How requests reach the API server: agents, TLS material and auth headers from the kubeconfig.
// @kubernetes/client-node (ESM-only, large) is imported lazily, only to turn kubeconfig users with
// exec plugins or auth providers (and proxied clusters) into credentials.
import http from 'node:http';
import https from 'node:https';
import { HttpsProxyAgent } from 'hpagent';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { needsClientNode, staticCredentials, validateCredentials } from './credentials.js';
import type { ResolvedConfig } from './kubeconfig.js';
import { KubeconfigError } from './kubeconfig.js';
import { proxyForUrl } from './proxy-env.js';

const USER_AGENT = 'kubectl-tapacme';

export interface Transport {
  module: typeof https | typeof http;
  agent: http.Agent;
  /** Watch streams hold their connection for minutes: they get their own, so they never starve requests. */
  watchAgent: http.Agent;
  headers: Record<string, string>;
  auth?: string;
}

export interface Connection {
  transport: Transport;
  /** Loads the credentials again (a 401 asks for a fresh short-lived token). */
  refresh(): Promise<Transport>;
  /** How credentials were loaded: read directly, or through client-node (exec plugin, auth provider, proxy). */
  credentialSource: 'static' | 'client-node';
}

type Credentials = { ca?: Buffer | string | (Buffer | string)[]; cert?: unknown; key?: unknown; rejectUnauthorized?: boolean; servername?: string };

/**
 * Load credentials for the resolved kubeconfig: static ones directly, exec plugins, auth providers
 * and proxies through client-node, imported only then.
 */
export async function connectTransport(config: ResolvedConfig, maxSockets: number): Promise<Connection> {
  validateCredentials(config);
  const plain = config.server.startsWith('http:');
  const proxied = typeof (config.kubeconfig['clusters'] as { cluster: Record<string, unknown> }[])[0]?.cluster['proxy-url'] === 'string';
  // HTTPS_PROXY/NO_PROXY as kubectl reads them, unless the kubeconfig names its own proxy-url.
  const envProxy = plain || proxied ? undefined : proxyForUrl(config.server);
  const transport = (creds: Credentials, headers: Record<string, string>, auth?: string, agent?: http.Agent): Transport => {
    const tls: https.AgentOptions = {
      keepAlive: true, maxSockets,
      ...(creds.ca ? { ca: creds.ca } : {}), ...(creds.cert ? { cert: creds.cert as Buffer } : {}), ...(creds.key ? { key: creds.key as Buffer } : {}),
      ...(creds.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}), ...(creds.servername ? { servername: creds.servername } : {}),
    };
    const makeAgent = (max: number): http.Agent => {
      const opts = { ...tls, maxSockets: max, keepAlive: max !== Infinity };
      return plain ? new http.Agent(opts) : envProxy ? new HttpsProxyAgent({ ...opts, proxy: envProxy }) : new https.Agent(opts);
    };
    const t: Transport = {
      module: plain ? http : https,
      agent: agent ?? makeAgent(maxSockets),
      watchAgent: agent ?? makeAgent(Infinity),
      headers: { 'User-Agent': USER_AGENT, Accept: 'application/json', ...headers },
    };
    if (auth) t.auth = auth;
    return t;
  };
  if (!needsClientNode(config)) {
    const refresh = async (): Promise<Transport> => {
      const c = staticCredentials(config);
      return transport(c, c.headers);
    };
    return { transport: await refresh(), refresh, credentialSource: 'static' };
  }
  const kc = await loadKubeConfig(config);
  const refresh = async (): Promise<Transport> => {
    const opts: https.RequestOptions = { headers: {} };
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new KubeconfigError(`cannot load credentials for user "${config.userName}": ${(e as Error).message}`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
    return transport(opts, headers, opts.auth ?? undefined, proxied && opts.agent instanceof http.Agent ? opts.agent : undefined);
  };
  return { transport: await refresh(), refresh, credentialSource: 'client-node' };
}

/** client-node's KubeConfig from the entries the project's kubeconfig rules resolved (client-node is loaded here, on first use). */
async function loadKubeConfig(config: ResolvedConfig): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node/dist/config.js');
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromString(JSON.stringify(config.kubeconfig));
  } catch (e) {
    throw new KubeconfigError(`the kubeconfig entry for context "${config.contextName}" is invalid: ${(e as Error).message}`);
  }
  return kc;
}
