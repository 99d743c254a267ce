// The pure half of asking a registry whether a pull secret's credentials may pull the solver image,
// as containerd does for kubelet: GET /v2/ for the challenge, then Basic, or a Bearer token for
// scope repository:<repo>:pull, then the image's manifest. The CLI does the requests.
import { isObj } from '../model/value.js';
import { credentialCovers, decodeBase64, dockerConfigEntries } from './docker-config.js';
import { DOCKER_HUB } from './image-ref.js';
import type { ImageRef } from './image-ref.js';
import type { PullSecretCheck } from './report.js';

export interface AuthChallenge {
  /** Lower-case: "basic", "bearer". */
  scheme: string;
  /** Parameter names lower-case, values unquoted. */
  params: Record<string, string>;
}

/** RFC 7235 challenges: `Bearer realm="https://auth/token",service="registry",scope="…", Basic realm="x"`. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skip = (re: RegExp): void => {
    while (i < n && re.test(header[i] ?? '')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < n) {
    skip(/[\s,]/);
    const start = i;
    const name = token();
    if (!name) {
      i++;
      continue;
    }
    skip(/\s/);
    if (header[i] === '=' && current) {
      i++;
      skip(/\s/);
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < n && header[i] !== ',') i++;
        value = header.slice(vs, i).trim();
      }
      current.params[name.toLowerCase()] = value;
      continue;
    }
    // A token not followed by "=" starts the next challenge (token68 values are not used by registries).
    i = start + name.length;
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}

/** Docker Hub's API is not at docker.io. */
export function registryApiHost(ref: ImageRef): string {
  return ref.registry === DOCKER_HUB ? 'registry-1.docker.io' : ref.registry;
}

export function pullScope(ref: ImageRef): string {
  return `repository:${ref.repository}:pull`;
}

export function pingUrl(ref: ImageRef): string {
  return `https://${registryApiHost(ref)}/v2/`;
}

export function manifestUrl(ref: ImageRef): string {
  return `https://${registryApiHost(ref)}/v2/${ref.repository}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
}

/** What containerd accepts for a manifest: OCI and Docker, single and multi-platform. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * The token request for a Bearer challenge. The realm is the registry's choice (Docker Hub's is
 * auth.docker.io); credentials go to it only over HTTPS.
 */
export function tokenUrl(challenge: AuthChallenge, ref: ImageRef): { url: string } | { error: string } {
  const realm = challenge.params['realm'];
  if (!realm) return { error: 'the registry\'s Bearer challenge names no realm' };
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { error: `the registry's token realm "${realm}" is not a URL` };
  }
  if (url.protocol !== 'https:') return { error: `the registry's token realm ${url.origin} is not HTTPS; credentials are not sent to it` };
  if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
  url.searchParams.set('scope', pullScope(ref));
  return { url: url.toString() };
}

export interface RegistryCredential {
  username: string;
  password: string;
}

/**
 * The credentials kubelet would try for the image from one pull secret's data, in its order: the
 * most specific location first ("registry/tap" before "registry"), "auth" winning over username/password.
 */
export function credentialsFor(type: string, data: Readonly<Record<string, unknown>>, image: ImageRef): { credentials: RegistryCredential[]; error?: string } {
  const { entries, error } = dockerConfigEntries(type, data);
  if (error) return { credentials: [], error };
  const keys = Object.keys(entries).filter((k) => credentialCovers(k, image)).sort().reverse();
  const credentials: RegistryCredential[] = [];
  for (const k of keys) {
    const e = entries[k];
    if (!isObj(e)) continue;
    if (typeof e['auth'] === 'string' && e['auth'] !== '') {
      let decoded: string;
      try {
        decoded = decodeBase64(e['auth']);
      } catch {
        return { credentials, error: `the entry for ${k} has an "auth" that is not base64` };
      }
      const colon = decoded.indexOf(':');
      if (colon < 0) return { credentials, error: `the entry for ${k} has an "auth" that is not username:password` };
      credentials.push({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    } else {
      credentials.push({ username: typeof e['username'] === 'string' ? e['username'] : '', password: typeof e['password'] === 'string' ? e['password'] : '' });
    }
  }
  return { credentials };
}

/** The verdict of the manifest request (or the token request) made with a credential. */
export function verdictOfStatus(status: number): PullSecretCheck['verdict'] {
  if (status >= 200 && status < 400) return 'authenticated';
  if (status === 401) return 'rejected';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  return 'error';
}

/** The registry's own error codes from a JSON error body ({"errors":[{"code":"UNAUTHORIZED",…}]}), never the body itself. */
export function registryErrorCodes(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    const errors = isObj(parsed) && Array.isArray(parsed['errors']) ? parsed['errors'] : [];
    return errors.map((e) => (isObj(e) && typeof e['code'] === 'string' ? e['code'] : '')).filter((c) => /^[A-Z_]{1,40}$/.test(c));
  } catch {
    return [];
  }
}
