import { describe, expect, it } from 'vitest';
import { coveringKey, credentialCovers, dockerConfigRegistries, parseImageRef } from '../src/live/index.js';
import type { ImageRef } from '../src/live/index.js';
import { b64, dockerConfig } from './live-fixtures.js';

const img = (s: string): ImageRef => {
  const r = parseImageRef(s);
  if (!r) throw new Error(s);
  return r;
};

describe('dockerConfigRegistries', () => {
  it('lists the registry keys of a dockerconfigjson, never the credentials', () => {
    const r = dockerConfigRegistries('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': dockerConfig('registry.example.com', 'https://index.docker.io/v1/') });
    expect(r).toEqual({ registries: ['registry.example.com', 'https://index.docker.io/v1/'] });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('reads the legacy dockercfg shape (no auths wrapper)', () => {
    const data = { '.dockercfg': b64(JSON.stringify({ 'registry.example.com': { auth: 'x' } })) };
    expect(dockerConfigRegistries('kubernetes.io/dockercfg', data)).toEqual({ registries: ['registry.example.com'] });
  });

  it('treats the secretgen placeholder e30K ("{}") as naming no registry', () => {
    expect(dockerConfigRegistries('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': 'e30K' })).toEqual({ registries: [] });
  });

  it('says why a docker config cannot be read', () => {
    expect(dockerConfigRegistries('kubernetes.io/dockerconfigjson', {}).error).toBe('has no .dockerconfigjson key');
    expect(dockerConfigRegistries('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('not json') }).error).toMatch(/not valid base64-encoded JSON/);
    expect(dockerConfigRegistries('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('[1]') }).error).toMatch(/not a JSON object/);
    expect(dockerConfigRegistries('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{"auths":[]}') }).error).toMatch(/"auths" is not a JSON object/);
  });
});

describe('credentialCovers (kubelet keyring matching)', () => {
  const solver = img('registry.example.com/tap/cert-manager-acmesolver:v1.12');
  it.each([
    ['registry.example.com', true],
    ['https://registry.example.com', true],
    ['https://registry.example.com/v2/', true],
    ['http://registry.example.com/v1/', true],
    ['REGISTRY.example.com', true],
    ['*.example.com', true],
    ['registry.example.com/tap', true],
    ['registry.example.com/tap/cert-manager-acmesolver', true],
    ['registry.example.com/other', false],
    ['registry.example.com/ta', false],
    ['registry.example.com:443', false],
    ['example.com', false],
    ['*.com', false],
    ['other.example.com', false],
    ['', false],
  ])('%s -> %s', (key, expected) => {
    expect(credentialCovers(key, solver)).toBe(expected);
  });

  it('matches ports exactly', () => {
    expect(credentialCovers('registry.example.com:5000', img('registry.example.com:5000/a'))).toBe(true);
    expect(credentialCovers('registry.example.com', img('registry.example.com:5000/a'))).toBe(false);
  });

  it('treats Docker Hub names as one registry', () => {
    for (const key of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(credentialCovers(key, img('nginx'))).toBe(true);
      expect(credentialCovers(key, img('docker.io/jetstack/x'))).toBe(true);
    }
    expect(credentialCovers('quay.io', img('nginx'))).toBe(false);
  });

  it('finds the covering key among several', () => {
    expect(coveringKey(['ghcr.io', '*.example.com'], solver)).toBe('*.example.com');
    expect(coveringKey(['ghcr.io'], solver)).toBeUndefined();
  });
});
