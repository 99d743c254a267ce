// cert-manager v1.11.0 CRDs (what TAP 1.5 runs): podTemplate.spec.imagePullSecrets is not served, so
// fix must get there through the ServiceAccount alone. With secretgen-controller's SecretExport CRD
// installed, the pull secret defaults to a placeholder.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './helpers.js';
import { SA, apply, controllerDeployment, createSolverPod, getJson, id, kubectl, kubectlTry, stats, tapacme } from './helpers.js';

const run = id();
const CI = `tap15-${run}`;
const NS = `o${run}`;

// secretgen-controller's SecretExport CRD (the API only: no controller fills the placeholders here).
const SECRET_EXPORT_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: secretexports.secretgen.carvel.dev}
spec:
  group: secretgen.carvel.dev
  names: {kind: SecretExport, listKind: SecretExportList, plural: secretexports, singular: secretexport}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}`;

beforeAll(async () => {
  expect(process.env['TAPACME_CERT_MANAGER_VERSION']).toBe('v1.11.0');
  await apply([controllerDeployment(), SECRET_EXPORT_CRD, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}`].join('\n---\n'));
  await kubectl(['wait', '--for=condition=Established', 'crd/secretexports.secretgen.carvel.dev', '--timeout=60s']);
  // Written with podTemplate imagePullSecrets, as TAP's docs suggest; without validation the v1.11
  // API server drops them silently (the test below shows server-side apply refuses them outright).
  await kubectl(['create', '--validate=ignore', '-f', '-'], { input: `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: ${CI}}
spec:
  acme:
    server: https://acme.example/dir
    privateKeySecretRef: {name: k}
    solvers:
    - http01:
        ingress:
          class: contour
          podTemplate: {spec: {imagePullSecrets: [{name: registry-credentials}]}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c, namespace: ${NS}}
spec: {secretName: c-tls, dnsNames: [c.example.com], issuerRef: {name: ${CI}, kind: ClusterIssuer}}
` });
});

const podTemplateOf = async (): Promise<Obj> => {
  const solvers = (((await getJson('clusterissuer', CI))?.['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[];
  return ((solvers[0]?.['http01'] as Obj)['ingress'] as Obj)['podTemplate'] as Obj;
};

describe('cert-manager v1.11.0 CRDs', () => {
  it('the API server really does not serve podTemplate.spec.imagePullSecrets', async () => {
    expect(await podTemplateOf()).toEqual({ spec: {} });
    const ssa = await kubectlTry(['apply', '--server-side', '--dry-run=server', '-f', '-'], {
      input: `{"apiVersion":"cert-manager.io/v1","kind":"ClusterIssuer","metadata":{"name":"${CI}"},"spec":{"acme":{"server":"https://acme.example/dir","privateKeySecretRef":{"name":"k"},"solvers":[{"http01":{"ingress":{"podTemplate":{"spec":{"imagePullSecrets":[{"name":"x"}]}}}}}]}}}`,
    });
    expect(ssa.stderr).toContain('.spec.acme.solvers[0].http01.ingress.podTemplate.spec.imagePullSecrets: field not declared in schema');
  });

  it('scan tells the version range from the served schema', async () => {
    const r = await tapacme(['scan', '-o', 'json']);
    const json = JSON.parse(r.stdout) as { certManager: Obj };
    expect(json.certManager).toMatchObject({ podTemplateImagePullSecrets: false, versionRange: '<v1.12', secretgen: true });
  });

  it('fix writes no imagePullSecrets into the podTemplate, and defaults to a secretgen placeholder', async () => {
    const r = await tapacme(['fix', CI, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`created Secret ${NS}/registry-credentials: create a secretgen-controller placeholder`);
    expect(await podTemplateOf()).toEqual({ spec: { serviceAccountName: SA } });
    const ci = await getJson('clusterissuer', CI);
    const ours = ((ci?.['metadata'] as Obj)['managedFields'] as Obj[]).filter((m) => m['manager'] === 'kubectl-tapacme');
    expect(ours).toHaveLength(1);
    expect(JSON.stringify(ours)).not.toContain('imagePullSecrets');
    const secret = await getJson('secret', 'registry-credentials', NS);
    expect(secret).toMatchObject({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30K' }, metadata: { annotations: { 'secretgen.carvel.dev/image-pull-secret': '' } } });
    expect(stats((await tapacme(['fix', CI, '--yes'])).stderr).writes).toBe(0);
  });

  it('the solver Pod is admitted with the ServiceAccount\'s pull secret', async () => {
    const pod = await createSolverPod((await getJson('clusterissuer', CI)) ?? {}, NS);
    expect(pod.stderr).toBe('');
    expect((pod.pod?.['spec'] as Obj)['imagePullSecrets']).toEqual([{ name: 'registry-credentials' }]);
  });

  it('scan then says the placeholder is not filled yet (no secretgen-controller runs here)', async () => {
    const r = await tapacme(['scan', '-o', 'json']);
    const json = JSON.parse(r.stdout) as { issuers: { name: string; namespaces: { problems: { rule: string }[] }[] }[] };
    expect(json.issuers.find((i) => i.name === CI)?.namespaces[0]?.problems.map((p) => p.rule)).toEqual(['solver-pull-secret-not-filled']);
  });
});
