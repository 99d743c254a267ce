import { describe, expect, it } from 'vitest';
import { certManagerReport, compareVersions, flagValue, solverImageReport } from '../src/live/index.js';
import type { ControllerInfo, CrdFacts } from '../src/live/index.js';
import { FIELDS_1_11, FIELDS_1_21 } from './live-fixtures.js';

const crds = (over: Partial<CrdFacts> = {}): CrdFacts => ({ certManagerInstalled: true, podTemplateSpecFields: FIELDS_1_21, secretExport: false, gateway: false, ...over });
const controller = (args: string[], image = 'quay.io/jetstack/cert-manager-controller:v1.12.3'): ControllerInfo => ({ namespace: 'cert-manager', name: 'cert-manager', image, args });

describe('flagValue', () => {
  it('reads --flag=value and --flag value; the last wins', () => {
    expect(flagValue(['--a=1', '--b', '2', '--a=3'], '--a')).toBe('3');
    expect(flagValue(['--a=1', '--b', '2'], '--b')).toBe('2');
    expect(flagValue(['--ab=1'], '--a')).toBeUndefined();
    expect(flagValue(['--a'], '--a')).toBeUndefined();
  });
});

describe('certManagerReport', () => {
  it('prefers the CRD label, then the controller image tag, then the schema range', () => {
    expect(certManagerReport(crds({ versionLabel: 'v1.21.1' }), controller([])).version).toBe('v1.21.1');
    const byImage = certManagerReport(crds(), controller([]));
    expect([byImage.version, byImage.versionSource, byImage.versionRange]).toEqual(['v1.12.3', 'controller-image', '>=v1.19']);
    const bySchema = certManagerReport(crds({ podTemplateSpecFields: FIELDS_1_11 }), undefined);
    expect([bySchema.version, bySchema.versionSource, bySchema.versionRange, bySchema.podTemplateImagePullSecrets]).toEqual([null, 'crd-schema', '<v1.12', false]);
  });

  it('decides podTemplate.spec.imagePullSecrets by the served schema, not by a version claim', () => {
    expect(certManagerReport(crds({ podTemplateSpecFields: FIELDS_1_11, versionLabel: 'v1.13.0' }), undefined).podTemplateImagePullSecrets).toBe(false);
    expect(certManagerReport(crds({ podTemplateSpecFields: [] }), controller([], 'x/cert-manager-controller:v1.12.0')).podTemplateImagePullSecrets).toBe(true);
    expect(certManagerReport(crds({ podTemplateSpecFields: [] }), controller([], 'x/cert-manager-controller:v1.11.4')).podTemplateImagePullSecrets).toBe(false);
  });

  it('reads the running controller\'s version from the option, else its image tag, else its version label', () => {
    const labelled = { ...controller([], 'registry.example.com/tap/cert-manager-controller@sha256:0123'), labels: { 'app.kubernetes.io/version': 'v1.11.5' } };
    expect(certManagerReport(crds(), labelled)).toMatchObject({ controllerVersion: 'v1.11.5', controllerVersionSource: 'controller-label' });
    expect(certManagerReport(crds(), controller([], 'x/cert-manager-controller:v1.11.4'))).toMatchObject({ controllerVersion: 'v1.11.4', controllerVersionSource: 'controller-image' });
    expect(certManagerReport(crds(), controller([]), { certManagerVersion: '1.11' })).toMatchObject({ controllerVersion: 'v1.11', controllerVersionSource: 'option' });
    expect(certManagerReport(crds(), undefined)).toMatchObject({ controllerVersion: null, controllerVersionSource: null });
  });

  it('treats podTemplate pull secrets as absent when the controller is older than 1.12, whatever the CRDs serve', () => {
    const r = certManagerReport(crds({ versionLabel: 'v1.21.1' }), controller([], 'quay.io/jetstack/cert-manager-controller:v1.11.5'));
    expect([r.version, r.controllerVersion, r.podTemplateImagePullSecrets]).toEqual(['v1.21.1', 'v1.11.5', false]);
    expect(certManagerReport(crds({ versionLabel: 'v1.21.1' }), undefined).podTemplateImagePullSecrets).toBe(true);
  });

  it('resolves the cluster resource namespace', () => {
    expect(certManagerReport(crds(), controller(['--cluster-resource-namespace=$(POD_NAMESPACE)'])).clusterResourceNamespace).toBe('cert-manager');
    expect(certManagerReport(crds(), controller(['--cluster-resource-namespace=tap-certs'])).clusterResourceNamespace).toBe('tap-certs');
    expect(certManagerReport(crds(), controller([])).clusterResourceNamespace).toBe('cert-manager');
    expect(certManagerReport(crds(), undefined).clusterResourceNamespace).toBeNull();
  });

  it('compares versions', () => {
    expect(compareVersions('v1.12.3', 'v1.12')).toBeGreaterThan(0);
    expect(compareVersions('v1.11.9', 'v1.12')).toBeLessThan(0);
    expect(compareVersions('1.12.0', 'v1.12')).toBe(0);
  });
});

describe('solverImageReport', () => {
  it('takes the image from the controller flag', () => {
    expect(solverImageReport(controller(['--acme-http01-solver-image=registry.example.com/tap/acmesolver:v1']), 'v1.12.3', undefined).report)
      .toEqual({ image: 'registry.example.com/tap/acmesolver:v1', registry: 'registry.example.com', source: 'controller-flag', public: false });
  });
  it('knows the default is public, but only when the controller was seen', () => {
    expect(solverImageReport(controller([]), 'v1.12.3', undefined).report).toEqual({ image: 'quay.io/jetstack/cert-manager-acmesolver:v1.12.3', registry: 'quay.io', source: 'default', public: true });
    expect(solverImageReport(undefined, null, undefined).report).toMatchObject({ source: 'unknown', public: false });
  });
  it('lets an option override everything', () => {
    expect(solverImageReport(controller(['--acme-http01-solver-image=a.io/b']), null, 'c.io/d:1').report).toMatchObject({ image: 'c.io/d:1', registry: 'c.io', source: 'option' });
  });
});
