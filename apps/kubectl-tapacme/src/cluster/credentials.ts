// Static kubeconfig credentials (certificates, tokens, basic auth) are read here directly; only
// users with an exec plugin or an auth provider, and clusters behind a proxy-url, need
// @kubernetes/client-node's machinery, which costs about a second and tens of MB to load.
import { readFileSync } from 'node:fs';
import { KubeconfigError } from './kubeconfig.js';
import type { ResolvedConfig } from './kubeconfig.js';

type Obj = Record<string, unknown>;

export interface StaticCredentials {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
  headers: Record<string, string>;
}

function parts(config: ResolvedConfig): { cluster: Obj; user: Obj } {
  const clusters = config.kubeconfig['clusters'] as { cluster: Obj }[];
  const users = config.kubeconfig['users'] as { user: Obj }[];
  return { cluster: clusters[0]?.cluster ?? {}, user: users[0]?.user ?? {} };
}

/** Whether loading credentials needs client-node (exec plugins, auth providers, proxies). */
export function needsClientNode(config: ResolvedConfig): boolean {
  const { cluster, user } = parts(config);
  return user['exec'] !== undefined || user['auth-provider'] !== undefined || typeof cluster['proxy-url'] === 'string';
}

function material(data: unknown, file: unknown, what: string): Buffer | undefined {
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  if (typeof file === 'string' && file !== '') {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new KubeconfigError(`cannot read the ${what} file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  return undefined;
}

export function staticCredentials(config: ResolvedConfig): StaticCredentials {
  const { cluster, user } = parts(config);
  const headers: Record<string, string> = {};
  const tokenFile = material(undefined, user['token-file'], 'token');
  const token = typeof user['token'] === 'string' && user['token'] !== '' ? user['token'] : tokenFile?.toString('utf8').trim();
  if (token) headers['Authorization'] = `Bearer ${token}`;
  else if (typeof user['username'] === 'string' && user['username'] !== '') {
    headers['Authorization'] = `Basic ${Buffer.from(`${user['username']}:${typeof user['password'] === 'string' ? user['password'] : ''}`).toString('base64')}`;
  }
  if (typeof user['as'] === 'string' && user['as'] !== '') headers['Impersonate-User'] = user['as'];
  const creds: StaticCredentials = { rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true, headers };
  const ca = material(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority');
  const cert = material(user['client-certificate-data'], user['client-certificate'], 'client certificate');
  const key = material(user['client-key-data'], user['client-key'], 'client key');
  if (ca) creds.ca = ca;
  if (cert) creds.cert = cert;
  if (key) creds.key = key;
  if (typeof cluster['tls-server-name'] === 'string' && cluster['tls-server-name'] !== '') creds.servername = cluster['tls-server-name'];
  return creds;
}
