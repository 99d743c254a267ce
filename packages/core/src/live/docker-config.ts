import { isObj } from '../model/value.js';
import { DOCKER_HUB, normalizeRegistryHost } from './image-ref.js';
import type { ImageRef } from './image-ref.js';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';

/**
 * The registry keys of a pull secret, from its base64 data. Only the keys are returned; credentials
 * are never looked at beyond deciding that an entry exists.
 */
export function dockerConfigRegistries(type: string, data: Readonly<Record<string, unknown>>): { registries: string[]; error?: string } {
  const { entries, error } = dockerConfigEntries(type, data);
  return { registries: Object.keys(entries), ...(error ? { error } : {}) };
}

/** The registry entries of a pull secret's docker config ({} and why, when it cannot be read). */
export function dockerConfigEntries(type: string, data: Readonly<Record<string, unknown>>): { entries: Record<string, unknown>; error?: string } {
  const field = type === DOCKER_CFG_TYPE ? '.dockercfg' : '.dockerconfigjson';
  const raw = data[field];
  if (typeof raw !== 'string') return { entries: {}, error: `has no ${field} key` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBase64(raw));
  } catch {
    return { entries: {}, error: `${field} is not valid base64-encoded JSON` };
  }
  if (!isObj(parsed)) return { entries: {}, error: `${field} is not a JSON object` };
  const auths = type === DOCKER_CFG_TYPE ? parsed : parsed['auths'];
  if (auths === undefined) return { entries: {} };
  if (!isObj(auths)) return { entries: {}, error: `${field} "auths" is not a JSON object` };
  return { entries: auths };
}

interface CredentialKey {
  host: string;
  port: string;
  path: string;
}

/** A credential key as kubelet's keyring stores it: scheme and /v1/ or /v2/ dropped, port kept as written. */
function parseCredentialKey(key: string): CredentialKey | undefined {
  const value = key.trim().replace(/^https?:\/\//i, '');
  const m = /^([^/?#]+)([^?#]*)/.exec(value);
  if (!m?.[1]) return undefined;
  const { host, port } = splitHostPort(m[1].replace(/^[^@]*@/, ''));
  if (!host || /[^a-zA-Z0-9.*\-[\]:]/.test(host)) return undefined;
  let path = m[2] ?? '';
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  path = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return { host: normalizeRegistryHost(host), port, path };
}

function splitHostPort(registry: string): { host: string; port: string } {
  const m = /^(.*?)(?::(\d+))?$/.exec(registry);
  return { host: m?.[1] ?? registry, port: m?.[2] ?? '' };
}

/** kubelet's host glob: "*.example.com" matches "a.example.com", segment by segment, same count. */
function hostMatches(glob: string, host: string): boolean {
  const g = glob.split('.');
  const h = host.split('.');
  if (g.length !== h.length) return false;
  return g.every((part, i) => {
    const target = h[i] ?? '';
    if (!part.includes('*')) return part === target;
    const re = new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*')}$`);
    return re.test(target);
  });
}

/** Would kubelet use a credential stored under `key` to pull `image`? */
export function credentialCovers(key: string, image: ImageRef): boolean {
  const k = parseCredentialKey(key);
  if (!k) return false;
  const target = splitHostPort(image.registry);
  if (k.port !== target.port) return false;
  if (!hostMatches(k.host, target.host === DOCKER_HUB ? DOCKER_HUB : target.host)) return false;
  if (!k.path) return true;
  // A path-scoped key ("registry.example.com/tap") covers repositories below that path.
  return image.repository === k.path || image.repository.startsWith(`${k.path}/`);
}

/** The first of the keys that covers the image, if any. */
export function coveringKey(keys: readonly string[], image: ImageRef): string | undefined {
  return keys.find((k) => credentialCovers(k, image));
}

/** Base64 to UTF-8 without Node's Buffer, so the editor's web build can use this too. */
export function decodeBase64(b64: string): string {
  const binary = atob(b64.replace(/\s+/g, ''));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
