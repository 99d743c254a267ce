import { describe, expect, it } from 'vitest';
import type { ManifestObject } from '../src/index.js';
import { durableTargets, parsePullSecretSource, withServiceAccount } from '../src/policies/index.js';
import { clusterIssuer, objectsOf } from './policies-helpers.js';

describe('issuer change', () => {
  it('sets serviceAccountName on every HTTP01 variant that lacks one and nothing else', () => {
    const [o] = objectsOf(clusterIssuer());
    const changed = withServiceAccount(o as ManifestObject, 'sa-x');
    expect(changed).toEqual({
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' },
      spec: { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'le-key' }, solvers: [{ http01: { ingress: { ingressClassName: 'contour', podTemplate: { spec: { serviceAccountName: 'sa-x' } } } } }] } },
    });
    // The input object is not touched.
    expect(JSON.stringify(o?.value)).not.toContain('sa-x');
  });

  it('drops what the API server owns from an issuer read from the cluster', () => {
    const live: ManifestObject = {
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'le', origin: { type: 'cluster', resourceVersion: '7' },
      value: {
        apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer',
        metadata: { name: 'le', uid: 'u', resourceVersion: '7', generation: 2, creationTimestamp: 't', managedFields: [{}], labels: { team: 'x' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        spec: { acme: { solvers: [{ http01: { ingress: {} } }] } },
        status: { conditions: [] },
      },
    };
    expect(withServiceAccount(live, 'sa')).toEqual({
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le', labels: { team: 'x' } },
      spec: { acme: { solvers: [{ http01: { ingress: { podTemplate: { spec: { serviceAccountName: 'sa' } } } } }] } },
    });
  });

  it('only targets issuers with HTTP01 solvers, once each, in a stable order', () => {
    const dns = clusterIssuer('dns').replace(/ {4}- http01:[\s\S]*$/, '    - dns01:\n        route53: {}\n');
    const ts = durableTargets(objectsOf(clusterIssuer('b'), dns, clusterIssuer('a'), clusterIssuer('b')), 'sa');
    expect(ts.map((t) => t.key)).toEqual(['ClusterIssuer/a', 'ClusterIssuer/b']);
    expect(ts[0]?.serviceAccounts).toEqual(['sa']);
  });

  it('defaults a namespaced Issuer without namespace to "default"', () => {
    const text = clusterIssuer('x').replace('kind: ClusterIssuer', 'kind: Issuer');
    expect(durableTargets(objectsOf(text), 'sa')[0]).toMatchObject({ key: 'Issuer//x', kind: 'Issuer', namespace: 'default' });
  });
});

describe('--pull-secret-source', () => {
  it('parses the three forms', () => {
    expect(parsePullSecretSource('placeholder')).toEqual({ kind: 'placeholder' });
    expect(parsePullSecretSource('existing')).toEqual({ kind: 'existing' });
    expect(parsePullSecretSource('copy:tap-install/registry-credentials')).toEqual({ kind: 'clone', namespace: 'tap-install', name: 'registry-credentials' });
  });
  it.each(['copy:', 'copy:ns', 'copy:/name', 'copy:NS/x', 'clone', ''])('rejects %j with the accepted forms', (v) => {
    expect(() => parsePullSecretSource(v)).toThrow(`--pull-secret-source must be existing, placeholder or copy:NAMESPACE/NAME, got "${v}"`);
  });
});
