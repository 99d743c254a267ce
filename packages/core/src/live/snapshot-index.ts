import type { ManifestObject } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { LiveSnapshot, PodSummary, SecretSummary } from './snapshot.js';
import { SOLVER_POD_LABEL } from './summarize.js';

const key = (ns: string, name: string): string => `${ns}/${name}`;

/** Lookups over one snapshot, built once (scan and plan both use them). */
export class SnapshotIndex {
  private readonly sas = new Map<string, ManifestObject>();
  private readonly secretsByKey = new Map<string, SecretSummary>();
  private readonly challengesByUid = new Map<string, ManifestObject>();
  private readonly challengesByName = new Map<string, ManifestObject>();
  private readonly podsByName = new Map<string, PodSummary>();
  readonly solverPods: PodSummary[];

  constructor(readonly snapshot: LiveSnapshot) {
    for (const sa of snapshot.serviceAccounts) if (sa.name) this.sas.set(key(sa.namespace ?? '', sa.name), sa);
    for (const s of snapshot.secrets) this.secretsByKey.set(key(s.namespace, s.name), s);
    for (const c of snapshot.challenges) {
      if (c.origin.type === 'cluster' && c.origin.uid) this.challengesByUid.set(c.origin.uid, c);
      if (c.name) this.challengesByName.set(key(c.namespace ?? '', c.name), c);
    }
    for (const p of snapshot.pods) this.podsByName.set(key(p.namespace, p.name), p);
    this.solverPods = snapshot.pods.filter(isSolverPod);
  }

  serviceAccount(ns: string, name: string): ManifestObject | undefined {
    return this.sas.get(key(ns, name));
  }

  secret(ns: string, name: string): SecretSummary | undefined {
    return this.secretsByKey.get(key(ns, name));
  }

  challengeByUid(uid: string): ManifestObject | undefined {
    return this.challengesByUid.get(uid);
  }

  challenge(ns: string, name: string): ManifestObject | undefined {
    return this.challengesByName.get(key(ns, name));
  }

  pod(ns: string, name: string): PodSummary | undefined {
    return this.podsByName.get(key(ns, name));
  }
}

export function isSolverPod(p: PodSummary): boolean {
  return p.labels[SOLVER_POD_LABEL] === 'true';
}

/** imagePullSecrets names of a ServiceAccount, in order, without duplicates. */
export function serviceAccountPullSecrets(sa: ManifestObject | undefined): string[] {
  const list = sa ? sa.value['imagePullSecrets'] : undefined;
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    const n = isObj(e) ? asString(e['name']) : undefined;
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

/** "ClusterIssuer/x" or "Issuer/ns/x" of a Challenge's issuerRef. */
export function challengeIssuerKey(ch: ManifestObject): string | undefined {
  const ref = getIn(ch.value, ['spec', 'issuerRef']);
  if (!isObj(ref)) return undefined;
  const name = asString(ref['name']);
  if (!name) return undefined;
  const kind = asString(ref['kind']) ?? 'Issuer';
  return kind === 'ClusterIssuer' ? `ClusterIssuer/${name}` : `Issuer/${ch.namespace ?? ''}/${name}`;
}
