import type { ManifestObject } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { COVERAGE_LABEL, ISSUERS_ANNOTATION } from './labels.js';

/** The Lease a running `kubectl tapacme watch` holds (leader election), in the namespace it runs in. */
export const WATCH_LEASE_NAME = 'kubectl-tapacme-watch';
/** Written on the Lease by the watch: the issuer keys it keeps covered, or "*" for every ACME issuer. */
export const WATCH_ISSUERS_ALL = '*';

/** One thing that keeps an issuer's solver ServiceAccount present in namespaces that appear later. */
export interface DurableCoverage {
  engine: 'kyverno' | 'namespace-provisioner' | 'watch';
  /** "ClusterPolicy tapacme-acme-solver-x", "Lease tap-system/kubectl-tapacme-watch", "ServiceAccounts in 3 namespaces". */
  source: string;
  /** False when the object exists but does not work now: a policy not Ready, a watch whose lease has expired. */
  active: boolean;
  detail: string;
}

export interface CoverageInput {
  /** Kyverno ClusterPolicies (kyverno.io/v1 or v2beta1), when Kyverno's CRD is served. */
  kyvernoPolicies?: readonly ManifestObject[];
  /** ServiceAccounts, with labels and annotations (the live scan lists them anyway). */
  serviceAccounts?: readonly ManifestObject[];
  /** coordination.k8s.io Leases named kubectl-tapacme-watch. */
  leases?: readonly ManifestObject[];
  /** The ServiceAccount names each issuer's solvers run as, to recognise policies tapacme did not write. */
  serviceAccountNames?: ReadonlyMap<string, readonly string[]>;
  now?: Date;
}

const issuersOf = (o: ManifestObject): string[] => {
  const v = asString(getIn(o.value, ['metadata', 'annotations', ISSUERS_ANNOTATION]));
  return v ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
};
const labelOf = (o: ManifestObject, key: string): string | undefined => asString(getIn(o.value, ['metadata', 'labels', key]));

/** A Kyverno policy is Ready when its status says so (Kyverno >= 1.9: status.conditions[type=Ready]). */
function policyReady(p: ManifestObject): boolean | undefined {
  const conditions = getIn(p.value, ['status', 'conditions']);
  if (Array.isArray(conditions)) {
    const ready = conditions.find((c) => isObj(c) && c['type'] === 'Ready');
    if (isObj(ready)) return ready['status'] === 'True';
  }
  const legacy = getIn(p.value, ['status', 'ready']);
  return typeof legacy === 'boolean' ? legacy : undefined;
}

/** Generate rules of a policy that create a ServiceAccount from Certificates (a hand-written policy counts too). */
function generatedServiceAccounts(p: ManifestObject): string[] {
  const rules = getIn(p.value, ['spec', 'rules']);
  if (!Array.isArray(rules)) return [];
  const names: string[] = [];
  for (const r of rules) {
    if (!isObj(r) || !isObj(r['generate'])) continue;
    const g: Obj = r['generate'];
    if (g['kind'] !== 'ServiceAccount' || typeof g['name'] !== 'string') continue;
    const kinds = JSON.stringify(getIn(r, ['match']) ?? {});
    if (/Certificate|Challenge/.test(kinds) && !names.includes(g['name'])) names.push(g['name']);
  }
  return names;
}

/**
 * Per issuer key, what keeps its solver ServiceAccount present in namespaces created later: a Kyverno policy
 * (one `fix --emit kyverno` wrote, or any that generates the same ServiceAccount from Certificates), a Namespace
 * Provisioner source (recognised by the ServiceAccounts it created), or a running `watch` (its Lease).
 */
export function durableCoverage(issuerKeys: readonly string[], input: CoverageInput): Map<string, DurableCoverage[]> {
  const out = new Map<string, DurableCoverage[]>(issuerKeys.map((k) => [k, []]));
  const add = (key: string, c: DurableCoverage): void => {
    out.get(key)?.push(c);
  };
  const now = input.now ?? new Date();

  for (const p of input.kyvernoPolicies ?? []) {
    const ready = policyReady(p);
    const source = `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name ?? ''}`;
    const state = ready === false ? 'not Ready' : ready === true ? 'Ready' : 'readiness unknown';
    const named = issuersOf(p);
    const generated = generatedServiceAccounts(p);
    for (const key of issuerKeys) {
      if (named.includes(key)) {
        add(key, { engine: 'kyverno', source, active: ready !== false, detail: `generates ServiceAccount ${generated.join(', ') || '?'} (${state})` });
      } else if (named.length === 0) {
        const wanted = input.serviceAccountNames?.get(key) ?? [];
        const hit = generated.filter((n) => wanted.includes(n));
        if (hit.length > 0) add(key, { engine: 'kyverno', source, active: ready !== false, detail: `generates ServiceAccount ${hit.join(', ')} from Certificates; not written by tapacme, so it may not match exactly this issuer (${state})` });
      }
    }
  }

  const nsp = new Map<string, Set<string>>();
  for (const sa of input.serviceAccounts ?? []) {
    if (labelOf(sa, COVERAGE_LABEL) !== 'namespace-provisioner') continue;
    for (const key of issuersOf(sa)) {
      const set = nsp.get(key) ?? new Set<string>();
      set.add(sa.namespace ?? '');
      nsp.set(key, set);
    }
  }
  for (const [key, namespaces] of nsp) {
    add(key, { engine: 'namespace-provisioner', source: `ServiceAccounts in ${namespaces.size} namespace${namespaces.size === 1 ? '' : 's'}`, active: true, detail: `the Namespace Provisioner adds the ServiceAccount to every namespace it manages (seen in ${[...namespaces].sort().slice(0, 5).join(', ')}${namespaces.size > 5 ? ', ...' : ''})` });
  }

  for (const l of input.leases ?? []) {
    if (l.name !== WATCH_LEASE_NAME) continue;
    const holder = asString(getIn(l.value, ['spec', 'holderIdentity']));
    const renew = asString(getIn(l.value, ['spec', 'renewTime']));
    const duration = getIn(l.value, ['spec', 'leaseDurationSeconds']);
    const seconds = typeof duration === 'number' ? duration : 15;
    const age = renew ? (now.getTime() - Date.parse(renew)) / 1000 : Number.POSITIVE_INFINITY;
    const active = !!holder && age <= seconds;
    const covered = issuersOf(l);
    const source = `Lease ${l.namespace ?? ''}/${l.name}`;
    const detail = active
      ? `kubectl tapacme watch is running (leader ${holder})`
      : holder ? `kubectl tapacme watch is not running: its lease was last renewed ${Number.isFinite(age) ? `${Math.round(age)} s ago` : 'never'}` : 'kubectl tapacme watch is not running (lease released)';
    for (const key of issuerKeys) if (covered.includes(WATCH_ISSUERS_ALL) || covered.includes(key)) add(key, { engine: 'watch', source, active, detail });
  }
  return out;
}
