import { describe, expect, it } from 'vitest';
import { scanCluster } from '../src/live/index.js';
import type { NamespaceReport, ScanReport } from '../src/live/index.js';
import { FIELDS_1_11, REGISTRY, SOLVER_IMAGE, certificate, clusterIssuer, controllerYaml, docs, pullSecret, serviceAccount, snapshot } from './live-fixtures.js';

const SA = 'tap-acme-http01-solver';
const withSa = `{spec: {serviceAccountName: ${SA}}}`;

const scenario = docs(
  controllerYaml(),
  clusterIssuer('letsencrypt'),
  certificate('team-a', 'web'),
  certificate('team-a', 'api'),
  `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: team-b, annotations: {cert-manager.io/cluster-issuer: letsencrypt}}`,
  `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: plain, namespace: team-c}`,
  certificate('team-c', 'elsewhere', 'other-issuer'),
  `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: local, namespace: team-d}
spec:
  acme:
    server: https://acme.example.com
    privateKeySecretRef: {name: k}
    solvers:
    - selector: {dnsZones: [example.com]}
      http01:
        gatewayHTTPRoute:
          parentRefs: [{name: gw, kind: Gateway}]
          podTemplate: ${withSa}`,
  serviceAccount('team-d', SA, ['other-creds', 'registry-credentials']),
  pullSecret('team-d', 'registry-credentials', REGISTRY),
);

const ns = (r: ScanReport, issuer: string, name: string): NamespaceReport | undefined => r.issuers.find((i) => `${i.kind}/${i.namespace ? `${i.namespace}/` : ''}${i.name}` === issuer)?.namespaces.find((n) => n.name === name);

describe('scanCluster: which namespaces, with what evidence', () => {
  const { report } = scanCluster(snapshot(scenario));

  it('lists every ACME issuer with its solvers', () => {
    expect(report.issuers.map((i) => [i.kind, i.namespace, i.name, i.needsFix])).toEqual([
      ['ClusterIssuer', null, 'letsencrypt', true],
      ['Issuer', 'team-d', 'local', false],
    ]);
    expect(report.issuers[0]?.solvers).toEqual([{ index: 0, type: 'http01', variant: 'ingress', serviceAccountName: null, imagePullSecrets: [], dns01Provider: null, selector: null }]);
    expect(report.issuers[1]?.solvers[0]).toMatchObject({ type: 'http01', variant: 'gatewayHTTPRoute', serviceAccountName: SA, selector: { dnsZones: ['example.com'] } });
  });

  it('finds exactly the namespaces that obtain certificates, each with its evidence', () => {
    expect(report.issuers[0]?.namespaces.map((n) => [n.name, n.evidence])).toEqual([
      ['team-a', [{ via: 'issuerRef', kind: 'Certificate', name: 'api' }, { via: 'issuerRef', kind: 'Certificate', name: 'web' }]],
      ['team-b', [{ via: 'annotation', kind: 'Ingress', name: 'shop' }]],
    ]);
    expect(report.issuers[1]?.namespaces.map((n) => [n.name, n.evidence])).toEqual([['team-d', [{ via: 'namespaced-issuer', kind: 'Issuer', name: 'local' }]]]);
  });

  it('reports the Pod running as a missing "default" ServiceAccount when the issuer names none', () => {
    expect(ns(report, 'ClusterIssuer/letsencrypt', 'team-a')?.serviceAccount).toEqual({ name: 'default', configured: false, exists: false, imagePullSecrets: [] });
    expect(ns(report, 'ClusterIssuer/letsencrypt', 'team-a')?.problems.map((p) => p.rule)).toEqual(['service-account-missing-in-namespace']);
  });

  it('reports a working ServiceAccount with all its pull secrets and which covers the registry', () => {
    const d = ns(report, 'Issuer/team-d/local', 'team-d');
    expect(d?.serviceAccount).toEqual({
      name: SA, configured: true, exists: true,
      imagePullSecrets: [
        { name: 'other-creds', from: 'serviceAccount', exists: false, type: null, dockerConfigJson: false, placeholder: false, coversRegistry: null },
        { name: 'registry-credentials', from: 'serviceAccount', exists: true, type: 'kubernetes.io/dockerconfigjson', dockerConfigJson: true, placeholder: false, coversRegistry: true },
      ],
    });
    expect(d?.problems).toEqual([]);
  });

  it('gives offline findings with the object and path, and live ones with the object they concern', () => {
    expect(report.findings.map((f) => [f.rule, f.severity, f.kind, f.namespace, f.name, f.path, f.issuer])).toEqual([
      ['http01-solver-missing-service-account', 'error', 'ClusterIssuer', null, 'letsencrypt', 'spec.acme.solvers[0].http01', 'ClusterIssuer/letsencrypt'],
      ['service-account-missing-in-namespace', 'error', 'ServiceAccount', 'team-a', 'default', null, 'ClusterIssuer/letsencrypt'],
      ['service-account-missing-in-namespace', 'error', 'ServiceAccount', 'team-b', 'default', null, 'ClusterIssuer/letsencrypt'],
    ]);
    expect(report.summary).toEqual({ issuers: 2, namespaces: 3, errors: 3, warnings: 0, infos: 0 });
  });

  it('knows the cert-manager version and the solver image', () => {
    expect(report.certManager).toMatchObject({ version: 'v1.21.1', versionSource: 'controller-image', podTemplateImagePullSecrets: true, clusterResourceNamespace: 'cert-manager', secretgen: false });
    expect(report.solverImage).toEqual({ image: SOLVER_IMAGE, registry: REGISTRY, source: 'controller-flag', public: false });
    expect(report.noFixNeeded).toBeNull();
    expect(report.warnings).toEqual([]);
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('scanCluster: pull secrets in a namespace', () => {
  const issuer = clusterIssuer('le', withSa);
  const problems = (...extra: string[]): string[] => {
    const { report } = scanCluster(snapshot(docs(controllerYaml(), issuer, certificate('app', 'web', 'le'), ...extra)));
    return ns(report, 'ClusterIssuer/le', 'app')?.problems.map((p) => `${p.rule}: ${p.message}`) ?? ['(no namespace)'];
  };

  it('accepts a ServiceAccount whose pull secret covers the registry', () => {
    expect(problems(serviceAccount('app', SA, ['r']), pullSecret('app', 'r', `https://${REGISTRY}/v1/`))).toEqual([]);
  });
  it('names the ServiceAccount that does not exist', () => {
    expect(problems()).toEqual([`service-account-missing-in-namespace: namespace "app": the solver Pod runs as ServiceAccount "${SA}", which does not exist there, so the API server rejects it ("error looking up service account app/${SA}")`]);
  });
  it('reports a ServiceAccount without pull secrets', () => {
    expect(problems(serviceAccount('app', SA))).toEqual([`solver-no-pull-secrets: namespace "app": ServiceAccount "${SA}" has no imagePullSecrets, so the solver Pod cannot pull ${SOLVER_IMAGE} from ${REGISTRY} (ErrImagePull)`]);
  });
  it('reports a missing pull secret', () => {
    expect(problems(serviceAccount('app', SA, ['r']))).toEqual([`solver-pull-secret-missing: namespace "app": pull secret "r" named by ServiceAccount "${SA}" does not exist`]);
  });
  it('reports a pull secret of the wrong type', () => {
    expect(problems(serviceAccount('app', SA, ['r']), 'apiVersion: v1\nkind: Secret\nmetadata: {name: r, namespace: app}\ntype: Opaque\ndata: {a: Yg==}')).toEqual([
      'solver-pull-secret-wrong-type: namespace "app": pull secret "r" named by ServiceAccount "tap-acme-http01-solver" cannot be used: it is of type Opaque, not kubernetes.io/dockerconfigjson',
    ]);
  });
  it('reports a pull secret for another registry', () => {
    expect(problems(serviceAccount('app', SA, ['r']), pullSecret('app', 'r', 'ghcr.io'))).toEqual([
      `solver-pull-secret-wrong-registry: namespace "app": pull secret "r" has no credentials for ${REGISTRY} (it names ghcr.io)`,
    ]);
  });
  it('is satisfied when any one of several pull secrets covers the registry', () => {
    expect(problems(serviceAccount('app', SA, ['gone', 'other', 'r']), pullSecret('app', 'other', 'ghcr.io'), pullSecret('app', 'r', REGISTRY))).toEqual([]);
  });
  it('reports a secretgen placeholder nothing has filled', () => {
    const placeholder = 'apiVersion: v1\nkind: Secret\nmetadata: {name: r, namespace: app, annotations: {secretgen.carvel.dev/image-pull-secret: ""}}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: e30K}';
    expect(problems(serviceAccount('app', SA, ['r']), placeholder)[0]).toMatch(/^solver-pull-secret-not-filled: .*placeholder that has not been filled/);
  });
  it('uses the podTemplate\'s own pull secrets where cert-manager serves them (the ServiceAccount\'s are then ignored)', () => {
    const own = clusterIssuer('le', `{spec: {serviceAccountName: ${SA}, imagePullSecrets: [{name: own}]}}`);
    const text = docs(controllerYaml(), own, certificate('app', 'web', 'le'), serviceAccount('app', SA, ['r']), pullSecret('app', 'r', REGISTRY));
    const served = scanCluster(snapshot(text)).report;
    expect(ns(served, 'ClusterIssuer/le', 'app')?.serviceAccount?.imagePullSecrets.map((s) => [s.name, s.from])).toEqual([['own', 'podTemplate']]);
    expect(ns(served, 'ClusterIssuer/le', 'app')?.problems.map((p) => p.rule)).toEqual(['solver-pull-secret-missing']);
    const old = scanCluster(snapshot(text, { podTemplateSpecFields: FIELDS_1_11 })).report;
    expect(ns(old, 'ClusterIssuer/le', 'app')?.serviceAccount?.imagePullSecrets.map((s) => [s.name, s.from])).toEqual([['r', 'serviceAccount']]);
    expect(ns(old, 'ClusterIssuer/le', 'app')?.problems).toEqual([]);
  });
  it('cannot judge coverage without the controller, and says so', () => {
    const { report } = scanCluster(snapshot(docs(issuer, certificate('app', 'web', 'le'), serviceAccount('app', SA, ['r']), pullSecret('app', 'r', 'ghcr.io'))));
    expect(report.warnings.join()).toMatch(/controller Deployment was not found/);
    expect(ns(report, 'ClusterIssuer/le', 'app')?.serviceAccount?.imagePullSecrets[0]?.coversRegistry).toBeNull();
    expect(ns(report, 'ClusterIssuer/le', 'app')?.problems).toEqual([]);
  });
});

describe('scanCluster: live failure evidence', () => {
  const failing = docs(
    controllerYaml(),
    clusterIssuer('le'),
    certificate('app', 'web', 'le'),
    `apiVersion: acme.cert-manager.io/v1
kind: Challenge
metadata: {name: web-1-2-3, namespace: app, uid: ch-1}
spec: {issuerRef: {name: le, kind: ClusterIssuer, group: cert-manager.io}}
status: {state: pending, processing: true, reason: 'pods "cm-acme-http-solver-" is forbidden: error looking up service account app/default: serviceaccount "default" not found'}`,
    `apiVersion: acme.cert-manager.io/v1
kind: Challenge
metadata: {name: web-4-5-6, namespace: app, uid: ch-2}
spec: {issuerRef: {name: le, kind: ClusterIssuer}}
status: {state: pending, processing: true, reason: Waiting for HTTP-01 challenge propagation}`,
    `apiVersion: v1
kind: Pod
metadata: {name: cm-acme-http-solver-abcde, namespace: app, labels: {acme.cert-manager.io/http01-solver: "true"}, ownerReferences: [{uid: ch-2, kind: Challenge, name: web-4-5-6}]}
spec: {containers: [{name: acmesolver, image: ${SOLVER_IMAGE}}]}
status: {phase: Pending, containerStatuses: [{name: acmesolver, imageID: "", state: {waiting: {reason: ImagePullBackOff, message: 'Back-off pulling image "${SOLVER_IMAGE}"'}}}]}`,
    `apiVersion: v1
kind: Event
metadata: {name: e1, namespace: app}
type: Warning
reason: PresentError
message: 'Error presenting challenge: pods "cm-acme-http-solver-" is forbidden: error looking up service account app/default: serviceaccount "default" not found'
involvedObject: {kind: Challenge, name: web-1-2-3}`,
    `apiVersion: v1
kind: Event
metadata: {name: e2, namespace: app}
type: Warning
reason: Failed
message: 'Failed to pull image "${SOLVER_IMAGE}": unauthorized'
involvedObject: {kind: Pod, name: cm-acme-http-solver-abcde}`,
    `apiVersion: v1
kind: Event
metadata: {name: e3, namespace: app}
type: Warning
reason: BackOff
message: unrelated
involvedObject: {kind: Pod, name: web-7d9f}`,
  );
  const { report } = scanCluster(snapshot(failing));
  const app = ns(report, 'ClusterIssuer/le', 'app');

  it('attributes Pods, Challenges and Events to the issuer and namespace', () => {
    expect(app?.failures.map((f) => [f.kind, f.name, f.reason])).toEqual([
      ['Pod', 'cm-acme-http-solver-abcde', 'ImagePullBackOff'],
      ['Challenge', 'web-1-2-3', 'pending'],
      ['Challenge', 'web-4-5-6', 'pending'],
      ['Event', 'Challenge/web-1-2-3', 'PresentError'],
      ['Event', 'Pod/cm-acme-http-solver-abcde', 'Failed'],
    ]);
    expect(report.unattributedFailures).toEqual([]);
  });

  it('turns them into problems', () => {
    expect(app?.problems.map((p) => [p.rule, p.severity])).toEqual([
      ['service-account-missing-in-namespace', 'error'],
      ['solver-image-pull-failed', 'error'],
      ['solver-pod-forbidden', 'error'],
      ['challenge-pending', 'warning'],
      ['solver-pod-forbidden', 'error'],
    ]);
    expect(app?.problems[1]?.message).toBe(`namespace "app": solver Pod cm-acme-http-solver-abcde cannot pull ${SOLVER_IMAGE} (ImagePullBackOff): Back-off pulling image "${SOLVER_IMAGE}"`);
  });

  it('never concludes "no fix needed" while a solver Pod fails to pull', () => {
    expect(report.noFixNeeded).toBeNull();
  });

  it('leaves a failure it cannot attribute at the top level', () => {
    const r = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('a'), clusterIssuer('b'), certificate('app', 'x', 'a'), certificate('app', 'y', 'b'),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: cm-acme-http-solver-q, namespace: app, labels: {acme.cert-manager.io/http01-solver: "true"}}\nspec: {containers: [{name: c, image: ${SOLVER_IMAGE}}]}\nstatus: {containerStatuses: [{name: c, state: {waiting: {reason: ErrImagePull}}}]}`))).report;
    expect(r.unattributedFailures).toEqual([
      { kind: 'Pod', name: 'cm-acme-http-solver-q', reason: 'ErrImagePull', message: `cannot pull ${SOLVER_IMAGE}`, serviceAccountName: 'default', imagePullSecrets: [], namespace: 'app' },
    ]);
  });

  it('shows a solver Pod that is not scheduled, who it runs as, and every warning about it', () => {
    const r = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('le'), certificate('app', 'web', 'le'),
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: app}`,
      `apiVersion: acme.cert-manager.io/v1
kind: Challenge
metadata: {name: web-1-2-3, namespace: app, uid: ch-1}
spec: {issuerRef: {name: le, kind: ClusterIssuer, group: cert-manager.io}}
status: {state: pending, processing: true, reason: 'Waiting for HTTP-01 challenge propagation: failed to perform self check GET request'}`,
      `apiVersion: v1
kind: Pod
metadata: {name: cm-acme-http-solver-x1, namespace: app, labels: {acme.cert-manager.io/http01-solver: "true"}, ownerReferences: [{uid: ch-1, kind: Challenge, name: web-1-2-3}]}
spec: {serviceAccountName: default, containers: [{name: acmesolver, image: ${SOLVER_IMAGE}}]}
status: {phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: 'no nodes available to schedule pods'}]}`,
      `apiVersion: v1
kind: Event
metadata: {name: e1, namespace: app}
type: Warning
reason: FailedScheduling
message: 'no nodes available to schedule pods'
involvedObject: {kind: Pod, name: cm-acme-http-solver-x1}`))).report;
    const app = ns(r, 'ClusterIssuer/le', 'app');
    expect(app?.failures).toEqual([
      { kind: 'Pod', name: 'cm-acme-http-solver-x1', reason: 'Unschedulable', message: 'no nodes available to schedule pods', serviceAccountName: 'default', imagePullSecrets: [] },
      { kind: 'Challenge', name: 'web-1-2-3', reason: 'pending', message: 'Waiting for HTTP-01 challenge propagation: failed to perform self check GET request' },
      { kind: 'Event', name: 'Pod/cm-acme-http-solver-x1', reason: 'FailedScheduling', message: 'no nodes available to schedule pods' },
    ]);
    expect(app?.problems.map((p) => p.rule)).toEqual(['solver-no-pull-secrets', 'challenge-pending']);
  });

  it('does not list a running solver Pod as a failure', () => {
    const r = scanCluster(snapshot(docs(controllerYaml(), clusterIssuer('le'), certificate('app', 'web', 'le'),
      `apiVersion: v1
kind: Pod
metadata: {name: cm-acme-http-solver-ok, namespace: app, labels: {acme.cert-manager.io/http01-solver: "true"}}
spec: {serviceAccountName: tap-acme-http01-solver, imagePullSecrets: [{name: registry-credentials}], containers: [{name: acmesolver, image: ${SOLVER_IMAGE}}]}
status: {phase: Running, containerStatuses: [{name: acmesolver, imageID: "x@sha256:1", state: {running: {}}}]}`))).report;
    expect(ns(r, 'ClusterIssuer/le', 'app')?.failures ?? []).toEqual([]);
  });
});

describe('scanCluster: no fix needed', () => {
  const base = [clusterIssuer('le'), certificate('app', 'web', 'le'), serviceAccount('app', 'default')];
  it('when the solver image is cert-manager\'s public default', () => {
    const { report, context } = scanCluster(snapshot(docs(controllerYaml([]), ...base)));
    expect(report.noFixNeeded?.reason).toMatch(/public default/);
    expect(context.pullNeedsCredentials).toBe(false);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['http01-solver-missing-service-account', 'info']]);
    expect(report.issuers[0]?.needsFix).toBe(false);
  });
  it('when solver Pods pulled the image without any pull secret', () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: cm-acme-http-solver-ok, namespace: app, labels: {acme.cert-manager.io/http01-solver: "true"}}\nspec: {containers: [{name: c, image: ${SOLVER_IMAGE}}]}\nstatus: {containerStatuses: [{name: c, imageID: "${REGISTRY}/tap/x@sha256:1", state: {running: {}}}]}`;
    const { report } = scanCluster(snapshot(docs(controllerYaml(), ...base, pod)));
    expect(report.noFixNeeded).toMatchObject({ reason: `solver Pods pulled their image from ${REGISTRY} without any pull secret`, evidence: [`Pod app/cm-acme-http-solver-ok (${SOLVER_IMAGE})`], strength: 'weak' });
  });
  it('when other Pods run images from that registry without any pull secret', () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {containers: [{name: c, image: ${REGISTRY}/apps/web:1}]}\nstatus: {containerStatuses: [{name: c, imageID: x, state: {running: {}}}]}`;
    const { report } = scanCluster(snapshot(docs(controllerYaml(), ...base, pod)));
    expect(report.noFixNeeded?.reason).toBe(`nodes pull from ${REGISTRY} without credentials: Pods run images from it without any pull secret`);
    expect(report.noFixNeeded?.evidence).toEqual([`Pod shop/web (${REGISTRY}/apps/web:1)`]);
    expect(report.noFixNeeded?.strength).toBe('weak');
  });
  it('but not from Pods that carry pull secrets, or run images from elsewhere', () => {
    const withSecret = `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec: {imagePullSecrets: [{name: r}], containers: [{name: c, image: ${REGISTRY}/apps/web:1}]}\nstatus: {containerStatuses: [{name: c, imageID: x, state: {running: {}}}]}`;
    const elsewhere = 'apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\nspec: {containers: [{name: c, image: nginx}]}\nstatus: {containerStatuses: [{name: c, imageID: x, state: {running: {}}}]}';
    expect(scanCluster(snapshot(docs(controllerYaml(), ...base, withSecret, elsewhere))).report.noFixNeeded).toBeNull();
  });
});

describe('scanCluster: fields the running controller ignores', () => {
  const issuer = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: skew}
spec:
  acme:
    server: https://acme.example/dir
    privateKeySecretRef: {name: k}
    solvers:
    - http01:
        ingress:
          ingressClassName: nginx
          podTemplate: {spec: {serviceAccountName: ${SA}, imagePullSecrets: [{name: registry-credentials}], securityContext: {runAsNonRoot: true}}}
    - dns01: {route53: {region: eu-west-1}}`;
  const old = controllerYaml().replace('cert-manager-controller:v1.21.1', 'cert-manager-controller:v1.11.5');

  it('names each one with its path and the release that reads it', () => {
    const r = scanCluster(snapshot(docs(old, issuer, certificate('app', 'web', 'skew')))).report;
    expect(r.findings.filter((f) => f.rule === 'field-ignored-by-controller').map((f) => [f.path, f.severity])).toEqual([
      ['spec.acme.solvers[0].http01.ingress.ingressClassName', 'warning'],
      ['spec.acme.solvers[0].http01.ingress.podTemplate.spec.imagePullSecrets', 'warning'],
      ['spec.acme.solvers[0].http01.ingress.podTemplate.spec.securityContext', 'warning'],
    ]);
    expect(r.findings.find((f) => f.rule === 'field-ignored-by-controller')?.message).toContain('cert-manager controller v1.11.5 (read from v1.12)');
    expect(r.warnings.join('\n')).toContain('accept http01.ingress.podTemplate.spec.imagePullSecrets (v1.12+), http01.ingress.podTemplate.spec.securityContext (v1.16+), http01.ingress.podTemplate.spec.resources (v1.19+), which the running controller v1.11.5 ignores');
  });

  it('judges the Pod\'s pull secrets by the ServiceAccount, since the controller drops the podTemplate\'s', () => {
    const r = scanCluster(snapshot(docs(old, issuer, certificate('app', 'web', 'skew'), serviceAccount('app', SA, [])))).report;
    expect(ns(r, 'ClusterIssuer/skew', 'app')?.problems.map((p) => p.rule)).toEqual(['solver-no-pull-secrets']);
  });

  it('says nothing when the controller reads them, or when --cert-manager-version says it does', () => {
    const current = scanCluster(snapshot(docs(controllerYaml(), issuer))).report;
    expect(current.findings.filter((f) => f.rule === 'field-ignored-by-controller')).toEqual([]);
    expect(current.warnings).toEqual([]);
    const told = scanCluster(snapshot(docs(old, issuer)), { certManagerVersion: '1.16' }).report;
    expect(told.findings.filter((f) => f.rule === 'field-ignored-by-controller').map((f) => f.path)).toEqual([]);
    expect(told.warnings.join()).toContain('resources (v1.19+)');
  });
});

describe('scanCluster: other issuers', () => {
  it('lists a DNS01-only issuer without ServiceAccount checks', () => {
    const dns = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: dns}\nspec:\n  acme:\n    server: s\n    privateKeySecretRef: {name: k}\n    solvers:\n    - dns01: {route53: {region: eu-west-1}}\n';
    const { report } = scanCluster(snapshot(docs(controllerYaml(), dns, certificate('app', 'x', 'dns'))));
    expect(report.issuers[0]?.solvers[0]).toMatchObject({ type: 'dns01', dns01Provider: 'route53' });
    expect(report.issuers[0]?.namespaces).toEqual([{ name: 'app', evidence: [{ via: 'issuerRef', kind: 'Certificate', name: 'x' }], certificates: [], serviceAccount: null, failures: [], problems: [] }]);
    expect(report.issuers[0]?.needsFix).toBe(false);
  });
  it('ignores CA and self-signed issuers', () => {
    const ca = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ca}\nspec: {ca: {secretName: s}}\n';
    expect(scanCluster(snapshot(docs(controllerYaml(), ca))).report.issuers).toEqual([]);
  });
  it('warns when cert-manager is not installed', () => {
    expect(scanCluster(snapshot('', { certManagerInstalled: false })).report.warnings[0]).toMatch(/CRDs are not installed/);
  });
});

describe('scanCluster: the chain behind a Certificate that is not Ready', () => {
  const chain = docs(controllerYaml(), clusterIssuer('le'),
    `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: le2}
spec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}
status: {conditions: [{type: Ready, status: "True", reason: ACMEAccountRegistered, message: The ACME account was registered with the ACME server}]}`,
    `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: app, uid: cert-1}
spec: {issuerRef: {name: le2, kind: ClusterIssuer}}
status: {conditions: [{type: Ready, status: "False", reason: DoesNotExist, message: Issuing certificate as Secret does not exist}]}`,
    `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: done, namespace: app, uid: cert-2}
spec: {issuerRef: {name: le2, kind: ClusterIssuer}}
status: {conditions: [{type: Ready, status: "True", reason: Ready}]}`,
    ...[1, 2].map((rev) => `apiVersion: cert-manager.io/v1
kind: CertificateRequest
metadata: {name: web-${rev}, namespace: app, uid: cr-${rev}, annotations: {cert-manager.io/certificate-revision: "${rev}"}, ownerReferences: [{uid: cert-1, kind: Certificate, name: web}]}
spec: {issuerRef: {name: le2, kind: ClusterIssuer}}
status: {conditions: [{type: Approved, status: "True", reason: cert-manager.io}, {type: Ready, status: "False", reason: Pending, message: Waiting on certificate issuance from order app/web-${rev}-1}]}`),
    `apiVersion: acme.cert-manager.io/v1
kind: Order
metadata: {name: web-2-1, namespace: app, uid: order-2, ownerReferences: [{uid: cr-2, kind: CertificateRequest, name: web-2}]}
spec: {issuerRef: {name: le2, kind: ClusterIssuer}}
status: {state: pending}`,
    `apiVersion: acme.cert-manager.io/v1
kind: Challenge
metadata: {name: web-2-1-9, namespace: app, uid: ch-9, ownerReferences: [{uid: order-2, kind: Order, name: web-2-1}]}
spec: {type: HTTP-01, issuerRef: {name: le2, kind: ClusterIssuer}}
status: {state: pending, reason: Waiting for HTTP-01 challenge propagation}`);

  it('walks Certificate, newest CertificateRequest, Order and Challenges by owner, and shows the issuer\'s Ready condition', () => {
    const s = snapshot(chain);
    const { report } = scanCluster(s);
    const le2 = report.issuers.find((i) => i.name === 'le2');
    expect(le2?.ready).toEqual({ status: 'True', reason: 'ACMEAccountRegistered', message: 'The ACME account was registered with the ACME server' });
    expect(ns(report, 'ClusterIssuer/le2', 'app')?.certificates).toEqual([{
      name: 'web',
      ready: { status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist' },
      request: { name: 'web-2', approved: { status: 'True', reason: 'cert-manager.io', message: null }, ready: { status: 'False', reason: 'Pending', message: 'Waiting on certificate issuance from order app/web-2-1' } },
      order: { name: 'web-2-1', state: 'pending', reason: null },
      challenges: [{ name: 'web-2-1-9', type: 'HTTP-01', state: 'pending', reason: 'Waiting for HTTP-01 challenge propagation' }],
    }]);
  });
});
