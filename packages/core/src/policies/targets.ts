import { hasHttp01Solver, isIssuer, issuerKeyOf, podTemplateSpec, solverServiceAccounts, solversOf } from '../model/issuer.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';

/** One issuer whose HTTP01 solver Pods need a ServiceAccount in every namespace that obtains certificates from it. */
export interface DurableTarget {
  /** "ClusterIssuer/x" or "Issuer/ns/x", as certificateConsumers keys issuers. */
  key: string;
  kind: 'ClusterIssuer' | 'Issuer';
  name: string;
  /** Set for a namespaced Issuer: only its own namespace can use it. */
  namespace?: string;
  /** The ServiceAccounts its solver Pods run as once the issuer change (if any) is applied. */
  serviceAccounts: string[];
  /** The issuer with serviceAccountName set on every HTTP01 solver that lacked it; undefined when none did. */
  changedIssuer?: Obj;
}

/**
 * The issuers that durable coverage is for: every Issuer/ClusterIssuer with an HTTP01 solver.
 * An issuer that already names ServiceAccounts keeps them; solvers that name none get `serviceAccountName`.
 */
export function durableTargets(objects: readonly ManifestObject[], serviceAccountName: string): DurableTarget[] {
  const out: DurableTarget[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    if (!isIssuer(o) || !o.name || !hasHttp01Solver(o)) continue;
    const key = issuerKeyOf(o);
    if (seen.has(key)) continue;
    seen.add(key);
    const changed = withServiceAccount(o, serviceAccountName);
    const names = new Set(solverServiceAccounts(o));
    if (changed) names.add(serviceAccountName);
    if (names.size === 0) continue; // only issuer-level (v1alpha1) http01: nothing a ServiceAccount can be named on
    const t: DurableTarget = {
      key,
      kind: o.kind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer',
      name: o.name,
      serviceAccounts: [...names].sort(),
    };
    if (o.kind !== 'ClusterIssuer') t.namespace = o.namespace ?? 'default';
    if (changed) t.changedIssuer = changed;
    out.push(t);
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Server-populated metadata that must not be written back (apply would fail or fight over it). */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A clean copy of the issuer with podTemplate.spec.serviceAccountName set on every HTTP01 solver variant that
 * has none; undefined when every solver already names one. Only serviceAccountName is written: a podTemplate
 * imagePullSecrets would stop ServiceAccount admission from copying the ServiceAccount's pull secrets.
 */
export function withServiceAccount(issuer: ManifestObject, serviceAccountName: string): Obj | undefined {
  const copy = structuredClone(issuer.value);
  let changed = false;
  const solvers = isObj(copy['spec']) && isObj(copy['spec']['acme']) ? copy['spec']['acme']['solvers'] : undefined;
  for (const s of solversOf(issuer)) {
    for (const variant of s.http01Variants) {
      const sa = podTemplateSpec(s, variant)?.['serviceAccountName'];
      if (typeof sa === 'string' && sa.length > 0) continue;
      const target = Array.isArray(solvers) ? solvers[s.index] : undefined;
      const http01 = isObj(target) ? target['http01'] : undefined;
      if (!isObj(http01)) continue;
      const v = (http01[variant] = isObj(http01[variant]) ? http01[variant] : {});
      const tpl = (v['podTemplate'] = isObj(v['podTemplate']) ? v['podTemplate'] : {});
      const spec = (tpl['spec'] = isObj(tpl['spec']) ? tpl['spec'] : {});
      spec['serviceAccountName'] = serviceAccountName;
      changed = true;
    }
  }
  if (!changed) return undefined;
  delete copy['status'];
  const meta = copy['metadata'];
  if (isObj(meta)) {
    for (const k of SERVER_METADATA) delete meta[k];
    const ann = meta['annotations'];
    if (isObj(ann)) {
      delete ann[LAST_APPLIED];
      if (Object.keys(ann).length === 0) delete meta['annotations'];
    }
  }
  return copy;
}
