import type { Obj } from '../model/value.js';
import { COVERAGE_LABEL, EMPTY_DOCKERCONFIGJSON, ISSUERS_ANNOTATION, SECRETGEN_PLACEHOLDER_ANNOTATION, SERVICE_ACCOUNTS_ANNOTATION } from './labels.js';
import type { DurableOptions } from './options.js';
import type { DurableTarget } from './targets.js';

export const KYVERNO_POLICY_PREFIX = 'tapacme-acme-solver-';

/** Kinds whose creation means "this namespace obtains certificates from an issuer" (cert-manager.io/v1 and the shims' sources). */
const CERTIFICATE_KIND = 'cert-manager.io/v1/Certificate';
const CHALLENGE_KIND = 'acme.cert-manager.io/v1/Challenge';
const INGRESS_KIND = 'networking.k8s.io/v1/Ingress';
const GATEWAY_KIND = 'gateway.networking.k8s.io/v1/Gateway';

/** ClusterPolicy names end up in label values on every generated object: at most 63 characters. */
export function kyvernoPolicyName(t: DurableTarget): string {
  const base = `${KYVERNO_POLICY_PREFIX}${t.namespace ? `${t.namespace}-` : ''}${t.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (base.length <= 63) return base;
  const hash = fnv1a(t.key);
  return `${base.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

/** 32-bit FNV-1a as 8 hex digits: core stays free of Node APIs (the editor has a web build). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** JMESPath for an annotation of the trigger; keys with '/' and '.' must be quoted. */
const annotation = (key: string, fallback: string): string => `{{ request.object.metadata.annotations."${key}" || '${fallback}' }}`;

/** Preconditions (any) that hold when the trigger obtains certificates from this issuer. */
function issuerPreconditions(t: DurableTarget): Obj[] {
  const issuerRef =
    "{{ request.object.spec.issuerRef.kind || 'Issuer' }}/{{ request.object.spec.issuerRef.name || '' }}/{{ request.object.spec.issuerRef.group || 'cert-manager.io' }}";
  const conditions: Obj[] = [
    // Certificate and Challenge: spec.issuerRef (kind defaults to Issuer, group to cert-manager.io).
    { key: issuerRef, operator: 'Equals', value: `${t.kind}/${t.name}/cert-manager.io` },
    // Ingress and Gateway: the annotations ingress-shim and gateway-shim read.
    {
      key: `${annotation('cert-manager.io/issuer', '')}/${annotation('cert-manager.io/issuer-kind', 'Issuer')}/${annotation('cert-manager.io/issuer-group', 'cert-manager.io')}`,
      operator: 'Equals',
      value: `${t.name}/${t.kind}/cert-manager.io`,
    },
  ];
  if (t.kind === 'ClusterIssuer') conditions.splice(1, 0, { key: annotation('cert-manager.io/cluster-issuer', ''), operator: 'Equals', value: t.name });
  return conditions;
}

function match(t: DurableTarget, kinds: string[]): Obj {
  const resources: Obj = { kinds };
  // A namespaced Issuer only serves its own namespace.
  if (t.namespace) resources['namespaces'] = [t.namespace];
  return { any: [{ resources }] };
}

function generatedLabels(t: DurableTarget): Obj {
  return { labels: { [COVERAGE_LABEL]: 'kyverno' }, annotations: { [ISSUERS_ANNOTATION]: t.key } };
}

function serviceAccountData(t: DurableTarget, o: DurableOptions): Obj {
  return { metadata: generatedLabels(t), imagePullSecrets: [{ name: o.pullSecretName }] };
}

/** The pull secret part of a generate rule; undefined when the secret is expected to exist already. */
function pullSecretGenerate(t: DurableTarget, o: DurableOptions): Obj | undefined {
  const src = o.pullSecretSource;
  const base = { apiVersion: 'v1', kind: 'Secret', name: o.pullSecretName, namespace: '{{ request.object.metadata.namespace }}' };
  if (src.kind === 'clone') return { ...base, synchronize: true, clone: { namespace: src.namespace, name: src.name } };
  if (src.kind === 'placeholder') {
    // Not synchronized: secretgen-controller writes the exported credentials into the placeholder, and a
    // synchronized rule would put the empty placeholder back on every change (the two would fight forever).
    return {
      ...base,
      synchronize: false,
      data: {
        metadata: { ...generatedLabels(t), annotations: { ...(generatedLabels(t)['annotations'] as Obj), [SECRETGEN_PLACEHOLDER_ANNOTATION]: '' } },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': EMPTY_DOCKERCONFIGJSON },
      },
    };
  }
  return undefined;
}

/**
 * A Kyverno ClusterPolicy that creates the solver ServiceAccount (and the pull secret) in every namespace where a
 * Certificate for the issuer, or an Ingress/Gateway annotated for it, appears — and keeps it there (synchronize).
 *
 * Kyverno deletes a synchronized object when the trigger that last wrote it is deleted, even if other Certificates
 * in the namespace still need it. So a second, unsynchronized set of rules creates it again from the Challenge that
 * cert-manager makes before every solver Pod: the ServiceAccount is back whenever a solver actually needs it.
 */
export function kyvernoPolicy(t: DurableTarget, o: DurableOptions): Obj {
  const triggerKinds = [CERTIFICATE_KIND, INGRESS_KIND, ...(o.gateways ? [GATEWAY_KIND] : [])];
  const preconditions = { any: issuerPreconditions(t) };
  const rules: Obj[] = [];
  const secret = pullSecretGenerate(t, o);
  const suffix = (sa: string): string => (t.serviceAccounts.length > 1 ? `-${t.serviceAccounts.indexOf(sa)}` : '');
  for (const sa of t.serviceAccounts) {
    const generate = { apiVersion: 'v1', kind: 'ServiceAccount', name: sa, namespace: '{{ request.object.metadata.namespace }}' };
    rules.push({
      name: `solver-service-account${suffix(sa)}`,
      match: match(t, triggerKinds),
      preconditions,
      generate: { generateExisting: true, synchronize: true, ...generate, data: serviceAccountData(t, o) },
    });
    rules.push({
      name: `solver-service-account${suffix(sa)}-on-challenge`,
      match: match(t, [CHALLENGE_KIND]),
      preconditions,
      generate: { synchronize: false, ...generate, data: serviceAccountData(t, o) },
    });
  }
  if (secret) {
    rules.push({ name: 'solver-pull-secret', match: match(t, triggerKinds), preconditions, generate: { generateExisting: true, ...secret } });
    rules.push({ name: 'solver-pull-secret-on-challenge', match: match(t, [CHALLENGE_KIND]), preconditions, generate: { ...secret, synchronize: false } });
  }
  const sas = t.serviceAccounts.join(', ');
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: kyvernoPolicyName(t),
      labels: { [COVERAGE_LABEL]: 'kyverno' },
      annotations: {
        [ISSUERS_ANNOTATION]: t.key,
        [SERVICE_ACCOUNTS_ANNOTATION]: t.serviceAccounts.join(','),
        'policies.kyverno.io/title': `ACME HTTP01 solver ServiceAccount for ${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`,
        'policies.kyverno.io/category': 'cert-manager',
        'policies.kyverno.io/subject': secret ? 'ServiceAccount, Secret' : 'ServiceAccount',
        'policies.kyverno.io/description':
          `cert-manager runs the ACME HTTP01 solver Pod of ${t.kind} ${t.name} as ServiceAccount ${sas} in the namespace of each ` +
          `Certificate. This policy creates that ServiceAccount, naming pull secret ${o.pullSecretName}, in every namespace where a ` +
          `Certificate, Challenge${o.gateways ? ', Ingress or Gateway' : ' or Ingress'} refers to the issuer, so the solver image can be pulled from the private registry.`,
      },
    },
    spec: { background: true, useServerSideApply: true, rules },
  };
}

/**
 * Since Kyverno 1.10 its background controller may only create what its ClusterRole allows, and Kyverno rejects a
 * generate policy it lacks permissions for; ServiceAccounts and Secrets are not in the default role. These roles
 * are aggregated into Kyverno's own through its aggregation labels.
 */
export function kyvernoRbac(o: DurableOptions): Obj[] {
  const generated = o.pullSecretSource.kind === 'existing' ? ['serviceaccounts'] : ['serviceaccounts', 'secrets'];
  const triggers: Obj[] = [
    { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['acme.cert-manager.io'], resources: ['challenges'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
    ...(o.gateways ? [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'list', 'watch'] }] : []),
  ];
  const labels = { [COVERAGE_LABEL]: 'kyverno' };
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'tapacme:kyverno:background-controller', labels: { ...labels, 'rbac.kyverno.io/aggregate-to-background-controller': 'true' } },
      rules: [{ apiGroups: [''], resources: generated, verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }, ...triggers],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'tapacme:kyverno:admission-controller', labels: { ...labels, 'rbac.kyverno.io/aggregate-to-admission-controller': 'true' } },
      rules: [{ apiGroups: [''], resources: generated, verbs: ['get', 'list', 'watch'] }, ...triggers],
    },
  ];
}
