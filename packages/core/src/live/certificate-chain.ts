import type { ManifestObject } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { CertificateChainReport, ConditionReport } from './report.js';

/** A status condition of a listed object (kept by keepIssuerRefAndStatus / keepIssuer), reduced. */
export function conditionOf(o: ManifestObject | undefined, type: string): ConditionReport | null {
  const conds = getIn(o?.value, ['status', 'conditions']);
  const c = Array.isArray(conds) ? conds.find((x) => isObj(x) && x['type'] === type) : undefined;
  if (!isObj(c)) return null;
  return { status: asString(c['status']) ?? 'Unknown', reason: asString(c['reason']) ?? null, message: asString(c['message']) ?? null };
}

const uidOf = (o: ManifestObject): string | undefined => (o.origin.type === 'cluster' ? o.origin.uid : undefined);

function ownerUids(o: ManifestObject): string[] {
  const refs = getIn(o.value, ['metadata', 'ownerReferences']);
  return Array.isArray(refs) ? refs.map((r) => (isObj(r) ? asString(r['uid']) : undefined)).filter((u): u is string => !!u) : [];
}

function byOwner(list: readonly ManifestObject[]): Map<string, ManifestObject[]> {
  const out = new Map<string, ManifestObject[]>();
  for (const o of list) {
    for (const uid of ownerUids(o)) {
      let l = out.get(uid);
      if (!l) out.set(uid, (l = []));
      l.push(o);
    }
  }
  return out;
}

const revision = (o: ManifestObject): number => Number(asString(getIn(o.value, ['metadata', 'annotations', 'cert-manager.io/certificate-revision'])) ?? 0) || 0;

/**
 * For each Certificate that is not Ready, what cmctl's `status certificate` walks: its newest
 * CertificateRequest, that request's Order, and the Order's Challenges (linked by owner references,
 * as cert-manager creates them).
 */
export class CertificateChains {
  private readonly requests: Map<string, ManifestObject[]>;
  private readonly orders: Map<string, ManifestObject[]>;
  private readonly challenges: Map<string, ManifestObject[]>;

  constructor(requests: readonly ManifestObject[], orders: readonly ManifestObject[], challenges: readonly ManifestObject[]) {
    this.requests = byOwner(requests);
    this.orders = byOwner(orders);
    this.challenges = byOwner(challenges);
  }

  of(cert: ManifestObject): CertificateChainReport {
    const uid = uidOf(cert);
    const request = uid ? [...(this.requests.get(uid) ?? [])].sort((a, b) => revision(b) - revision(a))[0] : undefined;
    const requestUid = request ? uidOf(request) : undefined;
    const order = requestUid ? this.orders.get(requestUid)?.[0] : undefined;
    const orderUid = order ? uidOf(order) : undefined;
    return {
      name: cert.name ?? '',
      ready: conditionOf(cert, 'Ready'),
      request: request ? { name: request.name ?? '', approved: conditionOf(request, 'Approved'), ready: conditionOf(request, 'Ready') } : null,
      order: order ? { name: order.name ?? '', state: asString(getIn(order.value, ['status', 'state'])) ?? null, reason: asString(getIn(order.value, ['status', 'reason'])) ?? null } : null,
      challenges: (orderUid ? this.challenges.get(orderUid) ?? [] : []).map((ch) => ({
        name: ch.name ?? '',
        type: asString(getIn(ch.value, ['spec', 'type'])) ?? null,
        state: asString(getIn(ch.value, ['status', 'state'])) ?? null,
        reason: asString(getIn(ch.value, ['status', 'reason'])) ?? null,
      })),
    };
  }
}
