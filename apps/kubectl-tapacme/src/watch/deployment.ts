// `watch --print-deployment`: the manifests that run the watch in the cluster: Namespace, ServiceAccount,
// least-privilege RBAC (names restricted with resourceNames wherever Kubernetes allows it), and a
// two-replica Deployment with leader election, probes and a locked-down security context.
import { Document } from 'yaml';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from '@tapacme/core';
import { parseFixPullSecretSource } from '@tapacme/core/live';
import { WATCH_LEASE_NAME } from '@tapacme/core/policies';
import type { ParsedArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../output/io.js';
import { UsageError } from '../usage-error.js';
import { VERSION } from '../version.js';
import { imageReference } from './image-reference.js';
import type { Obj } from '../json-object.js';

const NAME = 'tapacme-watch';
const HEALTH_PORT = 8081;

export interface DeploymentOptions {
  namespace: string;
  image: string;
  replicas: number;
  issuers: readonly string[];
  /** Extra names the solver ServiceAccounts may have (the issuers may name their own). */
  serviceAccountNames: readonly string[];
  pullSecretName: string;
  pullSecretSource: string;
  /** Also write serviceAccountName into issuers. */
  fixIssuers: boolean;
  imagePullSecret?: string;
}

const labels = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'tapacme' };

/** The RBAC rules the watch needs, and only those. */
export function watchRules(o: DeploymentOptions): { cluster: Obj[]; lease: Obj[]; copySource?: { namespace: string; rules: Obj[] } } {
  const watch = ['list', 'watch'];
  const cluster: Obj[] = [
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], resourceNames: ['clusterissuers.cert-manager.io', 'secretexports.secretgen.carvel.dev', 'gateways.gateway.networking.k8s.io'], verbs: ['get'] },
    { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: watch },
    { apiGroups: ['cert-manager.io'], resources: ['clusterissuers', 'issuers'], verbs: o.fixIssuers ? [...watch, 'get', 'patch'] : watch },
    { apiGroups: ['acme.cert-manager.io'], resources: ['challenges'], verbs: watch },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: watch },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], verbs: watch },
    { apiGroups: [''], resources: ['namespaces'], verbs: watch },
    // list/watch with fieldSelector metadata.name=X are authorised against resourceNames: only these objects are ever read.
    { apiGroups: [''], resources: ['serviceaccounts'], resourceNames: [...o.serviceAccountNames], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [o.pullSecretName], verbs: ['get', 'list', 'watch', 'patch'] },
    // create cannot be limited by name (the object does not exist yet); server-side apply of a new object is a create.
    { apiGroups: [''], resources: o.pullSecretSource === 'existing' ? ['serviceaccounts'] : ['serviceaccounts', 'secrets'], verbs: ['create'] },
  ];
  const lease = [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [WATCH_LEASE_NAME], verbs: ['get', 'update'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  ];
  const src = parseFixPullSecretSource(o.pullSecretSource);
  if ('type' in src && src.type === 'copy') {
    return { cluster, lease, copySource: { namespace: src.namespace, rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [src.name], verbs: ['get', 'list', 'watch'] }] } };
  }
  return { cluster, lease };
}

export function deploymentManifests(o: DeploymentOptions): Obj[] {
  const rules = watchRules(o);
  const meta = (name: string, namespace?: string): Obj => ({ name, ...(namespace ? { namespace } : {}), labels });
  const subject = [{ kind: 'ServiceAccount', name: NAME, namespace: o.namespace }];
  const args = ['watch', ...o.issuers, '--health-addr', `:${HEALTH_PORT}`, '--lease-namespace', '$(POD_NAMESPACE)', '--pull-secret', o.pullSecretName, '--pull-secret-source', o.pullSecretSource];
  if (o.fixIssuers) args.push('--fix-issuers');
  const probe = (path: string, period: number): Obj => ({ httpGet: { path, port: 'health' }, periodSeconds: period, timeoutSeconds: 2, failureThreshold: 3 });
  const docs: Obj[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(o.namespace) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NAME, o.namespace), automountServiceAccountToken: true },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(NAME), rules: rules.cluster },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta(NAME), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME }, subjects: subject },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(`${NAME}-leader-election`, o.namespace), rules: rules.lease },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(`${NAME}-leader-election`, o.namespace), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${NAME}-leader-election` }, subjects: subject },
  ];
  if (rules.copySource) {
    docs.push(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(`${NAME}-copy-source`, rules.copySource.namespace), rules: rules.copySource.rules },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(`${NAME}-copy-source`, rules.copySource.namespace), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${NAME}-copy-source` }, subjects: subject },
    );
  }
  docs.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(NAME, o.namespace),
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: NAME,
          ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'watch',
              image: o.image,
              args,
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              ports: [{ name: 'health', containerPort: HEALTH_PORT }],
              livenessProbe: probe('/healthz', 10),
              readinessProbe: probe('/readyz', 5),
              resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  });
  return docs;
}

export function printDeployment(args: ParsedArgs, io: Io): number {
  const source = args.string('pull-secret-source') ?? 'placeholder';
  const parsed = parseFixPullSecretSource(source);
  if ('error' in parsed) throw new UsageError(parsed.error);
  if (parsed.type === 'auto') throw new UsageError('--print-deployment needs an explicit --pull-secret-source (existing, placeholder or copy:NAMESPACE/NAME): its RBAC depends on it');
  const replicas = Number(args.string('replicas') ?? '2');
  if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`--replicas must be a whole number of at least 1, got "${args.string('replicas') ?? ''}"`);
  const sa = args.string('service-account') ?? DEFAULT_SERVICE_ACCOUNT;
  const o: DeploymentOptions = {
    namespace: args.string('deployment-namespace') ?? 'tapacme-system',
    image: imageReference(args.string('image')),
    replicas,
    issuers: args.positionals,
    serviceAccountNames: [...new Set([sa, ...args.strings('solver-service-account')])],
    pullSecretName: args.string('pull-secret') ?? DEFAULT_PULL_SECRET,
    pullSecretSource: source,
    fixIssuers: args.bool('fix-issuers'),
    ...(args.string('image-pull-secret') ? { imagePullSecret: args.string('image-pull-secret') as string } : {}),
  };
  if (args.has('service-account')) o.serviceAccountNames = [sa, ...args.strings('solver-service-account').filter((n) => n !== sa)];
  const header = [
    `Generated by \`kubectl tapacme watch --print-deployment\` (tapacme ${VERSION}): runs the watch in the cluster with leader election.`,
    'ServiceAccount and Secret permissions are limited to the names below; if an issuer names another solver ServiceAccount, add it with --solver-service-account.',
  ];
  const docs = deploymentManifests(o).map((d, i) => {
    const doc = new Document(d, { aliasDuplicateObjects: false });
    if (i === 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
    return `---\n${doc.toString({ lineWidth: 0 })}`;
  });
  io.out(docs.join(''));
  return ExitCode.ok;
}
