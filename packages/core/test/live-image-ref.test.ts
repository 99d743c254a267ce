import { describe, expect, it } from 'vitest';
import { formatImageRef, normalizeRegistryHost, parseImageRef } from '../src/live/index.js';

describe('parseImageRef', () => {
  it.each([
    ['registry.example.com/tap/cert-manager-acmesolver:v1.12.3', { registry: 'registry.example.com', repository: 'tap/cert-manager-acmesolver', tag: 'v1.12.3' }],
    ['registry.example.com:5000/a/b@sha256:abc', { registry: 'registry.example.com:5000', repository: 'a/b', digest: 'sha256:abc' }],
    ['Registry.Example.COM/a:1@sha256:d', { registry: 'registry.example.com', repository: 'a', tag: '1', digest: 'sha256:d' }],
    ['localhost/solver', { registry: 'localhost', repository: 'solver' }],
    ['localhost:5000/solver:1', { registry: 'localhost:5000', repository: 'solver', tag: '1' }],
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['jetstack/cert-manager-acmesolver:v1', { registry: 'docker.io', repository: 'jetstack/cert-manager-acmesolver', tag: 'v1' }],
    ['docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/bitnami/x', { registry: 'docker.io', repository: 'bitnami/x' }],
    ['registry-1.docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['quay.io/jetstack/cert-manager-acmesolver', { registry: 'quay.io', repository: 'jetstack/cert-manager-acmesolver' }],
  ])('%s', (image, expected) => {
    expect(parseImageRef(image)).toEqual(expected);
  });

  it('rejects what is no image reference', () => {
    expect(parseImageRef('')).toBeUndefined();
    expect(parseImageRef('a b')).toBeUndefined();
    expect(parseImageRef('registry.example.com/')).toBeUndefined();
  });

  it('formats with the registry written out', () => {
    expect(formatImageRef(parseImageRef('nginx:1') ?? { registry: '', repository: '' })).toBe('docker.io/library/nginx:1');
  });

  it('folds Docker Hub aliases', () => {
    expect(['docker.io', 'INDEX.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'].map(normalizeRegistryHost)).toEqual(['docker.io', 'docker.io', 'docker.io', 'docker.io']);
    expect(normalizeRegistryHost('ghcr.io')).toBe('ghcr.io');
  });
});
