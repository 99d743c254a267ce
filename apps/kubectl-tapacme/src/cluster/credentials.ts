// Static kubeconfig credentials (certificates, tokens, basic auth) are read here directly; only
// users with an exec plugin or an auth provider, and clusters behind a proxy-url, need
// @kubernetes/client-node's machinery, which costs about a second and tens of MB to load.
import { readFileSync } from 'node:fs';
import { KubeconfigError } from './kubeconfig.js';
import type { ResolvedConfig } from './kubeconfig.js';
import type { Obj } from '../json-object.js';

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

const set = (o: Obj, key: string): boolean => o[key] !== undefined && o[key] !== null && o[key] !== '';

/**
 * client-go's checks of the cluster and user a context picks (clientcmd validation, plus the transport's
 * "token or basic auth"), so that both credential paths refuse what kubectl refuses, with its words:
 * data and file both set for the CA, client certificate or client key; a certificate without a key;
 * two ways to authenticate.
 */
export function validateCredentials(config: ResolvedConfig): void {
  const { cluster, user } = parts(config);
  const errors: string[] = [];
  const c = config.clusterName;
  const u = config.userName;
  if (set(cluster, 'certificate-authority') && set(cluster, 'certificate-authority-data')) errors.push(`certificate-authority-data and certificate-authority are both specified for ${c}. certificate-authority-data will override.`);
  const basic = set(user, 'username') || set(user, 'password');
  if (set(user, 'client-certificate') || set(user, 'client-certificate-data')) {
    if (set(user, 'client-certificate') && set(user, 'client-certificate-data')) errors.push(`client-cert-data and client-cert are both specified for ${u}. client-cert-data will override.`);
    if (set(user, 'client-key') && set(user, 'client-key-data')) errors.push(`client-key-data and client-key are both specified for ${u}; client-key-data will override`);
    if (!set(user, 'client-key') && !set(user, 'client-key-data')) errors.push(`client-key-data or client-key must be specified for ${u} to use the clientCert authentication method.`);
  }
  if (user['exec'] !== undefined && user['auth-provider'] !== undefined) errors.push(`authProvider cannot be provided in combination with an exec plugin for ${u}`);
  if (set(user, 'token') && basic) errors.push(`more than one authentication method found for ${u}; found [token basicAuth], only one is allowed`);
  if (errors.length > 0) throw new KubeconfigError(`invalid configuration: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`} (in ${config.source})`);
  if (set(user, 'token-file') && basic) throw new KubeconfigError(`username/password or bearer token may be set, but not both (user ${u} in ${config.source})`);
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
  // As kubectl 1.36 does (measured): an inline token is sent, and a token file beside it is not read.
  const inline = typeof user['token'] === 'string' && user['token'] !== '' ? user['token'] : undefined;
  const token = inline ?? material(undefined, user['token-file'], 'token')?.toString('utf8').trim();
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
