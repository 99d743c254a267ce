import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';

const broken = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-key
    solvers:
    - http01:
        ingress:
          class: contour
`;

describe('analyze', () => {
  it('reports an http01 solver without ServiceAccount at its http01 key', () => {
    const r = analyze(broken, { fileName: 'issuer.yaml' });
    expect(r.errors).toEqual([]);
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    expect(f?.rule).toBe('http01-solver-missing-service-account');
    expect(f?.severity).toBe('error');
    expect(f?.object).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'letsencrypt' });
    expect(f?.range?.start).toMatchObject({ line: 10, character: 6 });
    expect(f?.range?.end).toMatchObject({ line: 10, character: 12 });
    expect(f?.fixes).toEqual(['serviceaccount', 'dns01']);
  });

  it('is quiet once serviceAccountName is set', () => {
    const fixed = broken.replace('          class: contour\n', '          class: contour\n          podTemplate:\n            spec:\n              serviceAccountName: sa\n');
    expect(analyze(fixed, { fileName: 'x.yaml' }).findings).toEqual([]);
  });
});
