import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFactsFromIssuerCrd, findCertManagerController, summarizeEvent, summarizePod, summarizeSecret, toManifestObject, keepIssuerRefAndStatus } from '../src/live/index.js';
import { crdDir } from './crd-schema.js';
import { dockerConfig } from './live-fixtures.js';

describe('summarizeSecret', () => {
  it('keeps type, key names and registries, and drops the data', () => {
    const raw = {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'registry-credentials', namespace: 'a', resourceVersion: '5', annotations: { 'secretgen.carvel.dev/image-pull-secret': '' } },
      data: { '.dockerconfigjson': dockerConfig('registry.example.com') },
    };
    const s = summarizeSecret(raw);
    expect(s).toEqual({ namespace: 'a', name: 'registry-credentials', type: 'kubernetes.io/dockerconfigjson', keys: ['.dockerconfigjson'], registries: ['registry.example.com'], placeholder: true, resourceVersion: '5' });
    const text = JSON.stringify(s);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(raw.data['.dockerconfigjson']);
  });

  it('reads no docker config from other types, and reports a broken one', () => {
    expect(summarizeSecret({ metadata: { name: 'x', namespace: 'a' }, type: 'Opaque', data: { token: 'c2VjcmV0' } })).toEqual({ namespace: 'a', name: 'x', type: 'Opaque', keys: ['token'], placeholder: false });
    expect(summarizeSecret({ metadata: { name: 'x', namespace: 'a' }, data: {} }).type).toBe('Opaque');
    expect(summarizeSecret({ metadata: { name: 'x', namespace: 'a' }, type: 'kubernetes.io/dockerconfigjson', data: {} }).dockerConfigError).toBe('has no .dockerconfigjson key');
  });
});

describe('summarizePod', () => {
  it('keeps images, pull state, pull secrets and owners', () => {
    const p = summarizePod({
      metadata: { name: 'cm-acme-http-solver-x', namespace: 'a', uid: 'u1', labels: { 'acme.cert-manager.io/http01-solver': 'true' }, ownerReferences: [{ uid: 'ch1', kind: 'Challenge' }] },
      spec: { serviceAccountName: 'sa', imagePullSecrets: [{ name: 'r' }, {}], containers: [{ name: 'acmesolver', image: 'registry.example.com/s:1' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'acmesolver', imageID: '', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] },
    });
    expect(p).toEqual({
      namespace: 'a', name: 'cm-acme-http-solver-x', uid: 'u1', labels: { 'acme.cert-manager.io/http01-solver': 'true' }, serviceAccountName: 'sa', imagePullSecrets: ['r'],
      phase: 'Pending', ownerUids: ['ch1'], containers: [{ name: 'acmesolver', image: 'registry.example.com/s:1', running: false, waitingReason: 'ImagePullBackOff', waitingMessage: 'Back-off pulling image' }],
    });
  });

  it('marks a running container with its image ID', () => {
    const p = summarizePod({ metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { containerStatuses: [{ name: 'c', imageID: 'sha256:1', state: { running: {} } }] } });
    expect(p.containers).toEqual([{ name: 'c', image: 'i', imageID: 'sha256:1', running: true }]);
  });
});

describe('summarizeEvent', () => {
  it('keeps what identifies the failure', () => {
    expect(summarizeEvent({ metadata: { namespace: 'a' }, type: 'Warning', reason: 'PresentError', message: 'm', involvedObject: { kind: 'Challenge', name: 'c', uid: 'u' }, count: 3, lastTimestamp: 't' }))
      .toEqual({ namespace: 'a', type: 'Warning', reason: 'PresentError', message: 'm', involvedKind: 'Challenge', involvedName: 'c', involvedUid: 'u', count: 3, lastTimestamp: 't' });
  });
});

describe('findCertManagerController', () => {
  const dep = (name: string, image: string, args: string[] = []): Record<string, unknown> => ({ metadata: { name, namespace: 'cm' }, spec: { template: { spec: { containers: [{ name: 'c', image, args }] } } } });
  it('recognises the controller by its flags first, then by its image', () => {
    expect(findCertManagerController([dep('web', 'nginx'), dep('ctl', 'my/ctl:1', ['--acme-http01-solver-image=r/s:1'])])?.name).toBe('ctl');
    expect(findCertManagerController([dep('cainjector', 'quay.io/jetstack/cert-manager-cainjector:v1'), dep('cert-manager', 'quay.io/jetstack/cert-manager-controller:v1.12.0')]))
      .toEqual({ namespace: 'cm', name: 'cert-manager', image: 'quay.io/jetstack/cert-manager-controller:v1.12.0', args: [] });
    expect(findCertManagerController([dep('web', 'nginx')])).toBeUndefined();
  });
});

describe('crdFactsFromIssuerCrd', () => {
  it('reads the podTemplate.spec fields of the served v1 schema and the version label', () => {
    const crd = {
      metadata: { labels: { 'app.kubernetes.io/version': 'v1.13.2' } },
      spec: { versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { properties: { spec: { properties: { acme: { properties: { solvers: { items: { properties: { http01: { properties: { ingress: { properties: { podTemplate: { properties: { spec: { properties: { serviceAccountName: {}, imagePullSecrets: {} } } } } } } } } } } } } } } } } } } }] },
    };
    expect(crdFactsFromIssuerCrd(crd)).toEqual({ certManagerInstalled: true, versionLabel: 'v1.13.2', podTemplateSpecFields: ['imagePullSecrets', 'serviceAccountName'] });
    expect(crdFactsFromIssuerCrd(undefined)).toEqual({ certManagerInstalled: false, podTemplateSpecFields: [] });
  });

  // The CRDs as cert-manager publishes them, from each release's Go module.
  it('tells 1.11 from 1.21 by the served schema', () => {
    const read = (release: string, file: string): Record<string, unknown> => {
      const docs = readFileSync(join(crdDir(release), file), 'utf8').split(/^---$/m).map((d) => parse(d) as Record<string, unknown> | null).filter((d) => d);
      return docs[0] ?? {};
    };
    expect(crdFactsFromIssuerCrd(read('v1.21.1', 'cert-manager.io_clusterissuers.yaml')).podTemplateSpecFields).toContain('imagePullSecrets');
    const old = crdFactsFromIssuerCrd(read('v1.11.0', 'crd-clusterissuers.yaml')).podTemplateSpecFields;
    expect(old).toContain('serviceAccountName');
    expect(old).not.toContain('imagePullSecrets');
  });
});

describe('toManifestObject', () => {
  it('keeps identity and the cluster origin, trimmed by the keep function', () => {
    const o = toManifestObject({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'a', uid: 'u', resourceVersion: '3', managedFields: [{}] }, spec: { issuerRef: { name: 'i' }, dnsNames: ['x'] }, status: { conditions: [] } }, 'Certificate', 'cert-manager.io/v1', keepIssuerRefAndStatus);
    expect(o).toEqual({
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'c', namespace: 'a', origin: { type: 'cluster', resourceVersion: '3', uid: 'u' },
      value: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'a', uid: 'u', resourceVersion: '3' }, spec: { issuerRef: { name: 'i' } }, status: {} },
    });
  });
});
