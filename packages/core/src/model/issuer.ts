import type { JsonPath, ManifestObject, ObjectRef } from './manifest-object.js';
import { memoByValue } from './memo-by-value.js';
import { getIn, isObj, isSet } from './value.js';
import type { Obj } from './value.js';

export const ISSUER_KINDS = ['Issuer', 'ClusterIssuer'] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];

/** API versions current cert-manager no longer serves (it serves cert-manager.io/v1 only). */
export const LEGACY_ISSUER_API_VERSIONS = [
  'certmanager.k8s.io/v1alpha1',
  'cert-manager.io/v1alpha2',
  'cert-manager.io/v1alpha3',
  'cert-manager.io/v1beta1',
] as const;

export function apiGroup(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i === -1 ? '' : apiVersion.slice(0, i);
}

export function isIssuer(o: ObjectRef): boolean {
  const group = apiGroup(o.apiVersion);
  return (o.kind === 'Issuer' || o.kind === 'ClusterIssuer') && (group === 'cert-manager.io' || group === 'certmanager.k8s.io');
}

export function isLegacyIssuerVersion(apiVersion: string): boolean {
  return (LEGACY_ISSUER_API_VERSIONS as readonly string[]).includes(apiVersion);
}

/** The key naming an issuer as certificates refer to it: "ClusterIssuer/x" or "Issuer/ns/x". */
export function issuerKey(kind: string, name: string, namespace: string | undefined): string {
  return kind === 'ClusterIssuer' ? `ClusterIssuer/${name}` : `Issuer/${namespace ?? ''}/${name}`;
}

export function issuerKeyOf(o: ManifestObject): string {
  return issuerKey(o.kind, o.name ?? '', o.namespace);
}

export function acmeOf(issuer: ManifestObject): Obj | undefined {
  const acme = getIn(issuer.value, ['spec', 'acme']);
  return isObj(acme) ? acme : undefined;
}

export type Http01Variant = 'ingress' | 'gatewayHTTPRoute';

/** One entry of spec.acme.solvers, read as cert-manager reads it. */
export interface SolverView {
  index: number;
  path: JsonPath;
  value: Obj;
  hasHttp01: boolean;
  hasDns01: boolean;
  /** Which http01 variants are set (normally exactly one). */
  http01Variants: Http01Variant[];
}

/** The issuer's solvers; the same (read-only) array for the same parsed value. */
export const solversOf: (issuer: ManifestObject) => readonly SolverView[] = memoByValue(readSolvers);

function readSolvers(issuer: ManifestObject): SolverView[] {
  const solvers = getIn(issuer.value, ['spec', 'acme', 'solvers']);
  if (!Array.isArray(solvers)) return [];
  const out: SolverView[] = [];
  solvers.forEach((s, index) => {
    if (!isObj(s)) return;
    const http01 = isObj(s['http01']) ? s['http01'] : undefined;
    const variants: Http01Variant[] = [];
    if (isSet(http01, 'ingress')) variants.push('ingress');
    if (isSet(http01, 'gatewayHTTPRoute')) variants.push('gatewayHTTPRoute');
    out.push({
      index,
      path: ['spec', 'acme', 'solvers', index],
      value: s,
      hasHttp01: isSet(s, 'http01'),
      hasDns01: isSet(s, 'dns01'),
      http01Variants: variants,
    });
  });
  return out;
}

/** podTemplate.spec of an http01 variant, when written. */
export function podTemplateSpec(solver: SolverView, variant: Http01Variant): Obj | undefined {
  const spec = getIn(solver.value, ['http01', variant, 'podTemplate', 'spec']);
  return isObj(spec) ? spec : undefined;
}

/** The ServiceAccount names the issuer's http01 solver Pods run as. */
export const solverServiceAccounts: (issuer: ManifestObject) => readonly string[] = memoByValue(readServiceAccounts);

function readServiceAccounts(issuer: ManifestObject): string[] {
  const names = new Set<string>();
  for (const s of solversOf(issuer)) {
    for (const v of s.http01Variants) {
      const sa = podTemplateSpec(s, v)?.['serviceAccountName'];
      if (typeof sa === 'string' && sa.length > 0) names.add(sa);
    }
  }
  return [...names];
}

/** True when some solver runs an HTTP01 Pod (the only kind of solver that pulls an image in the user's namespace). */
export function hasHttp01Solver(issuer: ManifestObject): boolean {
  if (solversOf(issuer).some((s) => s.hasHttp01)) return true;
  // certmanager.k8s.io/v1alpha1 issuers could enable HTTP01 at issuer level.
  return isSet(acmeOf(issuer), 'http01');
}
