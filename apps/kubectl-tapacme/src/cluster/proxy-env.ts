// HTTPS_PROXY / HTTP_PROXY / NO_PROXY read as kubectl reads them (Go's net/http ProxyFromEnvironment,
// golang.org/x/net/http/httpproxy): the upper-case name first, then the lower-case one; localhost and
// loopback addresses never go through a proxy; NO_PROXY holds "*", IP addresses, CIDR ranges and
// domain names ("example.com" matches it and its subdomains, ".example.com" only subdomains), each
// optionally with a port. A kubeconfig's proxy-url takes precedence (client-node handles that one).
import { isIP } from 'node:net';

/** A proxy variable that cannot be used: the user must fix or unset it. */
export class ProxyEnvError extends Error {
  override readonly name = 'ProxyEnvError';
}

function getenv(env: NodeJS.ProcessEnv, name: string): string {
  return env[name.toUpperCase()] || env[name.toLowerCase()] || '';
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function expandV6(ip: string): bigint {
  const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const v = isIP(ip);
  if (v === 0 || v !== isIP(base) || !Number.isInteger(bits)) return false;
  if (v === 4) {
    if (bits === 0) return true;
    const mask = (~0 << (32 - bits)) >>> 0;
    return ((ipv4Number(ip) & mask) >>> 0) === ((ipv4Number(base) & mask) >>> 0);
  }
  const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  return (expandV6(ip) & mask) === (expandV6(base) & mask);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const v = isIP(host);
  return (v === 4 && host.startsWith('127.')) || (v === 6 && inCidr(host, '::1/128'));
}

/** Whether NO_PROXY exempts this host (lower-case, without brackets) and port. */
export function noProxyMatches(noProxy: string, host: string, port: string): boolean {
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    let entryPort = '';
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && isIP(entry) !== 6) {
      entry = m[1] ?? '';
      entryPort = m[2] ?? '';
    }
    entry = entry.replace(/^\[(.*)\]$/, '$1');
    if (entryPort && entryPort !== port) continue;
    if (isIP(entry)) {
      if (isIP(host) && (entry === host || (isIP(entry) === 6 && isIP(host) === 6 && expandV6(entry) === expandV6(host)))) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
      continue;
    }
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy for a request to this server URL, or undefined for a direct connection. */
export function proxyForUrl(server: string, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const url = new URL(server);
  const https = url.protocol === 'https:';
  const name = https ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const proxy = getenv(env, name);
  if (!proxy) return undefined;
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isLoopback(host)) return undefined;
  const port = url.port || (https ? '443' : '80');
  if (noProxyMatches(getenv(env, 'NO_PROXY'), host, port)) return undefined;
  // As Go: a proxy without a scheme is http://, and one that cannot be parsed fails the request
  // (kubectl: "invalid proxy address") rather than going direct behind the user's back.
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
  } catch {
    const which = env[name] ? name : name.toLowerCase();
    throw new ProxyEnvError(`invalid proxy address in ${which}: it is not a URL; set it to http://HOST:PORT, or unset it (NO_PROXY exempts hosts)`);
  }
}
