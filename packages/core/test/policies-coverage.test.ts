import { describe, expect, it } from 'vitest';
import type { ManifestObject } from '../src/index.js';
import { durableCoverage, emitDurableCoverage } from '../src/policies/index.js';
import { clusterIssuer, objectsOf } from './policies-helpers.js';

const live = (value: Record<string, unknown>): ManifestObject => {
  const meta = value['metadata'] as { name?: string; namespace?: string };
  return { apiVersion: String(value['apiVersion']), kind: String(value['kind']), name: meta.name, namespace: meta.namespace, value, origin: { type: 'cluster' } };
};
const emittedPolicy = (status?: unknown): ManifestObject => {
  const r = emitDurableCoverage('kyverno', objectsOf(clusterIssuer()));
  const body = structuredClone(r.documents.find((d) => d.role === 'policy')?.body) as Record<string, unknown>;
  if (status) body['status'] = status;
  return live(body);
};
const lease = (renewTime: string, issuers = '*', holder = 'pod-a'): ManifestObject =>
  live({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kubectl-tapacme-watch', namespace: 'tap-system', annotations: { 'tapacme.dev/issuers': issuers } },
    spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime },
  });
const now = new Date('2026-01-01T00:00:30Z');

describe('durable coverage', () => {
  it('finds the policy fix --emit kyverno wrote, and whether Kyverno says it is Ready', () => {
    const ready = durableCoverage(['ClusterIssuer/letsencrypt', 'ClusterIssuer/other'], { kyvernoPolicies: [emittedPolicy({ conditions: [{ type: 'Ready', status: 'True' }] })] });
    expect(ready.get('ClusterIssuer/letsencrypt')).toEqual([
      { engine: 'kyverno', source: 'ClusterPolicy tapacme-acme-solver-letsencrypt', active: true, detail: 'generates ServiceAccount tap-acme-http01-solver (Ready)' },
    ]);
    expect(ready.get('ClusterIssuer/other')).toEqual([]);
    const notReady = durableCoverage(['ClusterIssuer/letsencrypt'], { kyvernoPolicies: [emittedPolicy({ conditions: [{ type: 'Ready', status: 'False' }] })] });
    expect(notReady.get('ClusterIssuer/letsencrypt')?.[0]?.active).toBe(false);
  });

  it('recognises a hand-written policy that generates the same ServiceAccount from Certificates', () => {
    const p = live({
      apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'solver-sa' },
      spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Certificate'] } }] }, generate: { kind: 'ServiceAccount', name: 'tap-acme-http01-solver', apiVersion: 'v1' } }] },
    });
    const names = new Map([['ClusterIssuer/le', ['tap-acme-http01-solver']], ['ClusterIssuer/x', ['other-sa']]]);
    const c = durableCoverage(['ClusterIssuer/le', 'ClusterIssuer/x'], { kyvernoPolicies: [p], serviceAccountNames: names });
    expect(c.get('ClusterIssuer/le')?.[0]).toMatchObject({ engine: 'kyverno', source: 'ClusterPolicy solver-sa', active: true });
    expect(c.get('ClusterIssuer/le')?.[0]?.detail).toMatch(/not written by tapacme/);
    expect(c.get('ClusterIssuer/x')).toEqual([]);
  });

  it('sees a Namespace Provisioner source through the ServiceAccounts it labelled', () => {
    const sa = (ns: string): ManifestObject => live({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's', namespace: ns, labels: { 'tapacme.dev/durable-coverage': 'namespace-provisioner' }, annotations: { 'tapacme.dev/issuers': 'ClusterIssuer/le,Issuer/a/b' } } });
    const plain = live({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's', namespace: 'z' } });
    const c = durableCoverage(['ClusterIssuer/le'], { serviceAccounts: [sa('dev-2'), sa('dev-1'), plain] });
    expect(c.get('ClusterIssuer/le')).toEqual([
      { engine: 'namespace-provisioner', source: 'ServiceAccounts in 2 namespaces', active: true, detail: 'the Namespace Provisioner adds the ServiceAccount to every namespace it manages (seen in dev-1, dev-2)' },
    ]);
  });

  it('counts a watch only while its lease is fresh, and only for the issuers it watches', () => {
    const fresh = durableCoverage(['ClusterIssuer/le'], { leases: [lease('2026-01-01T00:00:20Z')], now });
    expect(fresh.get('ClusterIssuer/le')).toEqual([{ engine: 'watch', source: 'Lease tap-system/kubectl-tapacme-watch', active: true, detail: 'kubectl tapacme watch is running (leader pod-a)' }]);
    const stale = durableCoverage(['ClusterIssuer/le'], { leases: [lease('2026-01-01T00:00:00Z')], now });
    expect(stale.get('ClusterIssuer/le')?.[0]).toMatchObject({ active: false, detail: 'kubectl tapacme watch is not running: its lease was last renewed 30 s ago' });
    const other = durableCoverage(['ClusterIssuer/le'], { leases: [lease('2026-01-01T00:00:20Z', 'ClusterIssuer/other')], now });
    expect(other.get('ClusterIssuer/le')).toEqual([]);
    const released = durableCoverage(['ClusterIssuer/le'], { leases: [lease('2026-01-01T00:00:20Z', '*', '')], now });
    expect(released.get('ClusterIssuer/le')?.[0]).toMatchObject({ active: false, detail: 'kubectl tapacme watch is not running (lease released)' });
  });
});
