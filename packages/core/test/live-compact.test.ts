import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compactor, scanCluster } from '../src/live/index.js';
import { certificate, clusterIssuer, controllerYaml, docs, pullSecret, serviceAccount, snapshot } from './live-fixtures.js';

const raw = (text: string): Record<string, unknown>[] => parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);

const notReady = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: broken, namespace: team-b, uid: u-1}
spec: {secretName: s, issuerRef: {name: letsencrypt, kind: ClusterIssuer, group: cert-manager.io}}
status: {conditions: [{type: Ready, status: "False", reason: Failed, message: the order failed}]}`;
const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: team-c
  annotations: {cert-manager.io/cluster-issuer: letsencrypt, kubectl.kubernetes.io/last-applied-configuration: '{"big": "blob"}', other: x}
spec: {rules: [{host: web.example.com}]}`;

describe('compactor', () => {
  it('keeps what the model reads and shares repeated issuerRefs and namespaces', () => {
    const c = compactor();
    const [a, b] = raw(docs(certificate('team-a', 'one'), certificate('team-a', 'two'))).map((o) => c.certificate(o));
    expect(a?.value).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'one', namespace: 'team-a' }, spec: { issuerRef: (a?.value['spec'] as Record<string, unknown>)['issuerRef'] } });
    expect((a?.value['spec'] as Record<string, unknown>)['issuerRef']).toBe((b?.value['spec'] as Record<string, unknown>)['issuerRef']);
    expect(a?.namespace).toBe('team-a');
    // Not Ready: its status and uid stay, for the report's chain.
    const broken = c.certificate(raw(notReady)[0] as Record<string, unknown>);
    expect(broken.origin).toMatchObject({ uid: 'u-1' });
    expect(broken.value['status']).toEqual({ conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: 'the order failed' }] });
    const ing = c.shimObject(raw(ingress)[0] as Record<string, unknown>, 'Ingress', 'networking.k8s.io/v1');
    expect(ing.value['metadata']).toEqual({ name: 'web', namespace: 'team-c', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } });
  });

  it('gives the same scan report as the full objects', () => {
    const text = docs(controllerYaml(), clusterIssuer(), certificate('team-a', 'one'), certificate('team-a', 'two'), notReady, ingress,
      serviceAccount('team-a', 'default', ['registry-credentials']), pullSecret('team-a', 'registry-credentials', 'registry.example.com'));
    const full = snapshot(text);
    const c = compactor();
    const compact = {
      ...full,
      certificates: raw(text).filter((o) => o['kind'] === 'Certificate').map((o) => c.certificate(o)),
      ingresses: raw(text).filter((o) => o['kind'] === 'Ingress').map((o) => c.shimObject(o, 'Ingress', 'networking.k8s.io/v1')),
    };
    const report = scanCluster(full).report;
    expect(report.issuers[0]?.namespaces.map((n) => n.name)).toEqual(['team-a', 'team-b', 'team-c']);
    expect(report.issuers[0]?.namespaces[1]?.certificates.map((x) => x.name)).toEqual(['broken']);
    expect(scanCluster(compact).report).toEqual(report);
  });
});
