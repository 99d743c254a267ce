import { describe, expect, it } from 'vitest';
import { credentialsFor, manifestUrl, parseImageRef, parseWwwAuthenticate, pingUrl, registryErrorCodes, tokenUrl, verdictOfStatus } from '../src/live/index.js';
import type { ImageRef } from '../src/live/index.js';
import { b64 } from './live-fixtures.js';

const ref = (s: string): ImageRef => parseImageRef(s) as ImageRef;
const tap = ref('registry.example.com/tap/cert-manager-acmesolver:v1.11.5');

describe('parseWwwAuthenticate', () => {
  it('reads Bearer with quoted parameters, commas inside quotes included', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' } },
    ]);
  });
  it('reads Basic (distribution with htpasswd), several challenges, unquoted values and escapes', () => {
    expect(parseWwwAuthenticate('Basic realm="registry.tapacme-e2e.test"')).toEqual([{ scheme: 'basic', params: { realm: 'registry.tapacme-e2e.test' } }]);
    expect(parseWwwAuthenticate('Basic realm=x, BEARER Realm="https://a/t", Service=s, error="a \\"b\\""')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'https://a/t', service: 's', error: 'a "b"' } },
    ]);
  });
  it('gives nothing for an empty header', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});

describe('the requests', () => {
  it('ask the image\'s registry for its manifest by digest, else tag; Docker Hub at its API host', () => {
    expect(pingUrl(tap)).toBe('https://registry.example.com/v2/');
    expect(manifestUrl(tap)).toBe('https://registry.example.com/v2/tap/cert-manager-acmesolver/manifests/v1.11.5');
    expect(manifestUrl(ref(`r.example.com:5000/a/b:1@sha256:${'a'.repeat(64)}`))).toBe(`https://r.example.com:5000/v2/a/b/manifests/sha256:${'a'.repeat(64)}`);
    expect(manifestUrl(ref('nginx'))).toBe('https://registry-1.docker.io/v2/library/nginx/manifests/latest');
  });
  it('ask a Bearer realm for a pull token of the image\'s repository, over HTTPS only', () => {
    expect(tokenUrl({ scheme: 'bearer', params: { realm: 'https://auth.example.com/token?x=1', service: 'registry.example.com' } }, tap))
      .toEqual({ url: 'https://auth.example.com/token?x=1&service=registry.example.com&scope=repository%3Atap%2Fcert-manager-acmesolver%3Apull' });
    expect(tokenUrl({ scheme: 'bearer', params: { realm: 'http://auth.example.com/token' } }, tap)).toEqual({ error: 'the registry\'s token realm http://auth.example.com is not HTTPS; credentials are not sent to it' });
    expect(tokenUrl({ scheme: 'bearer', params: {} }, tap)).toHaveProperty('error');
    expect(tokenUrl({ scheme: 'bearer', params: { realm: 'not a url' } }, tap)).toHaveProperty('error');
  });
});

describe('credentialsFor', () => {
  const data = (auths: Record<string, unknown>): Record<string, string> => ({ '.dockerconfigjson': b64(JSON.stringify({ auths })) });
  it('takes the entries kubelet would match, most specific first, "auth" winning', () => {
    const { credentials } = credentialsFor('kubernetes.io/dockerconfigjson', data({
      'registry.example.com': { username: 'broad', password: 'p1' },
      'registry.example.com/tap': { auth: b64('specific:p:2'), username: 'ignored' },
      'other.example.com': { username: 'other', password: 'p3' },
      'registry.example.com:5000': { username: 'port', password: 'p4' },
    }), tap);
    expect(credentials).toEqual([{ username: 'specific', password: 'p:2' }, { username: 'broad', password: 'p1' }]);
  });
  it('reads the legacy dockercfg, and says why a config cannot be used', () => {
    expect(credentialsFor('kubernetes.io/dockercfg', { '.dockercfg': b64(JSON.stringify({ 'https://registry.example.com': { username: 'u', password: 'p' } })) }, tap).credentials).toEqual([{ username: 'u', password: 'p' }]);
    expect(credentialsFor('kubernetes.io/dockerconfigjson', {}, tap)).toEqual({ credentials: [], error: 'has no .dockerconfigjson key' });
    expect(credentialsFor('kubernetes.io/dockerconfigjson', data({ 'registry.example.com': { auth: b64('no-colon') } }), tap).error).toBe('the entry for registry.example.com has an "auth" that is not username:password');
  });
});

describe('verdicts', () => {
  it('from the status of the manifest or token request', () => {
    expect([200, 307, 401, 403, 404, 500].map(verdictOfStatus)).toEqual(['authenticated', 'authenticated', 'rejected', 'forbidden', 'not-found', 'error']);
  });
  it('keep only the registry\'s error codes from a body, never its text', () => {
    expect(registryErrorCodes('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":"secret-ish"}]}')).toEqual(['UNAUTHORIZED']);
    expect(registryErrorCodes('<html>')).toEqual([]);
    expect(registryErrorCodes('{"errors":[{"code":"a lot of text that is not a code"}]}')).toEqual([]);
  });
});
