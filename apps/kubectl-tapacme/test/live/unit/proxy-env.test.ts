// HTTPS_PROXY/NO_PROXY with Go's rules (golang.org/x/net/http/httpproxy), which kubectl uses.
import { describe, expect, it } from 'vitest';
import { noProxyMatches, proxyForUrl } from '../../../src/cluster/proxy-env.js';

const proxied = (server: string, env: NodeJS.ProcessEnv): string | undefined => proxyForUrl(server, env)?.href;

describe('proxy from the environment', () => {
  it('uses HTTPS_PROXY for https servers, upper case before lower case, http:// when no scheme is given', () => {
    expect(proxied('https://api.example.com:6443', { HTTPS_PROXY: 'http://proxy:3128', https_proxy: 'http://other:1' })).toBe('http://proxy:3128/');
    expect(proxied('https://api.example.com', { https_proxy: 'proxy:3128' })).toBe('http://proxy:3128/');
    expect(proxied('https://api.example.com', { HTTP_PROXY: 'http://proxy:3128' })).toBeUndefined();
    expect(proxied('http://api.example.com', { HTTP_PROXY: 'http://proxy:3128' })).toBe('http://proxy:3128/');
  });

  it('never proxies localhost or loopback addresses', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128' };
    for (const s of ['https://localhost:6443', 'https://127.0.0.1:6443', 'https://127.5.6.7', 'https://[::1]:6443']) expect(proxied(s, env)).toBeUndefined();
    expect(proxied('https://localhost.example.com', env)).toBe('http://proxy:3128/');
  });

  it('reads NO_PROXY as Go does', () => {
    const cases: [string, string, string, boolean][] = [
      ['*', 'anything', '443', true],
      ['example.com', 'example.com', '443', true],
      ['example.com', 'api.example.com', '443', true],
      ['example.com', 'badexample.com', '443', false],
      ['.example.com', 'example.com', '443', false],
      ['.example.com', 'api.example.com', '443', true],
      ['*.example.com', 'api.example.com', '443', true],
      ['example.com:6443', 'example.com', '6443', true],
      ['example.com:6443', 'example.com', '443', false],
      ['10.0.0.0/8', '10.1.2.3', '443', true],
      ['10.0.0.0/8', '11.1.2.3', '443', false],
      ['10.1.2.3', '10.1.2.3', '443', true],
      ['fd00::/8', 'fd12::1', '443', true],
      [' foo.com , Example.COM ', 'example.com', '443', true],
      ['', 'example.com', '443', false],
    ];
    for (const [list, host, port, want] of cases) expect([list, host, port, noProxyMatches(list, host, port)]).toEqual([list, host, port, want]);
    expect(proxied('https://api.internal:6443', { HTTPS_PROXY: 'http://p:1', no_proxy: 'internal' })).toBeUndefined();
  });

  it('fails on a proxy address that is not a URL, as Go does, naming the variable and never its value', () => {
    const bad = 'http://user:s3cret@[proxy';
    expect(() => proxyForUrl('https://api.example.com', { https_proxy: bad })).toThrow(/^invalid proxy address in https_proxy: it is not a URL; set it to http:\/\/HOST:PORT, or unset it/);
    expect(() => proxyForUrl('https://api.example.com', { HTTPS_PROXY: bad })).not.toThrow(/s3cret/);
    // An exempt or loopback server never reads the proxy, so a bad one does not matter there.
    expect(proxied('https://127.0.0.1:6443', { HTTPS_PROXY: bad })).toBeUndefined();
    expect(proxied('https://api.internal', { HTTPS_PROXY: bad, NO_PROXY: 'internal' })).toBeUndefined();
  });
});
