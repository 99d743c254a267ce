import { apiGroup, issuerKey } from './issuer.js';
import type { JsonPath, ManifestObject } from './manifest-object.js';
import { memoByValue } from './memo-by-value.js';
import { asString, getIn, isObj } from './value.js';

/** Why we believe a namespace obtains certificates from an issuer. */
export interface ConsumerEvidence {
  /** Certificate (or CertificateRequest/Order/Challenge) issuerRef, an ingress-shim annotation, or a namespaced Issuer's own namespace. */
  via: 'issuerRef' | 'annotation' | 'namespaced-issuer';
  object: ManifestObject;
  /** Where in the object the reference is written. */
  path: JsonPath;
}

/** Namespace -> evidence, for one issuer. Objects without a namespace are keyed by ''. */
export type NamespaceEvidence = Map<string, ConsumerEvidence[]>;

const ISSUER_REF_KINDS = new Set(['Certificate', 'CertificateRequest', 'Order', 'Challenge']);
const SHIM_KINDS = new Set(['Ingress', 'Gateway']);
const ANNOTATION_PREFIXES = ['cert-manager.io/', 'certmanager.k8s.io/'];

/**
 * For every issuer that some object refers to, which namespaces obtain certificates from it and why.
 * cert-manager creates the solver Pod in the Challenge's namespace, which is the Certificate's namespace.
 * `only` limits the answer to those issuer keys.
 */
export function certificateConsumers(objects: readonly ManifestObject[], only?: ReadonlySet<string>): Map<string, NamespaceEvidence> {
  const byIssuer = new Map<string, NamespaceEvidence>();
  const add = (key: string, ns: string, ev: ConsumerEvidence): void => {
    let perNs = byIssuer.get(key);
    if (!perNs) byIssuer.set(key, (perNs = new Map()));
    const list = perNs.get(ns);
    if (list) list.push(ev);
    else perNs.set(ns, [ev]);
  };
  for (const o of objects) {
    for (const r of issuerRefsOf(o)) if (!only || only.has(r.key)) add(r.key, o.namespace ?? '', { via: r.via, object: o, path: r.path });
  }
  return byIssuer;
}

export interface IssuerRef {
  key: string;
  via: ConsumerEvidence['via'];
  path: JsonPath;
}

/** The issuers one object obtains certificates from, and where it says so. */
export const issuerRefsOf: (o: ManifestObject) => readonly IssuerRef[] = memoByValue(readIssuerRefs);

function readIssuerRefs(o: ManifestObject): IssuerRef[] {
  const ns = o.namespace ?? '';
  const group = apiGroup(o.apiVersion);
  if (ISSUER_REF_KINDS.has(o.kind) && (group === 'cert-manager.io' || group === 'acme.cert-manager.io' || group === 'certmanager.k8s.io')) {
    const ref = getIn(o.value, ['spec', 'issuerRef']);
    if (!isObj(ref)) return [];
    const name = asString(ref['name']);
    const refGroup = asString(ref['group']) ?? 'cert-manager.io';
    if (!name || (refGroup !== 'cert-manager.io' && refGroup !== 'certmanager.k8s.io')) return [];
    const kind = asString(ref['kind']) ?? 'Issuer';
    if (kind !== 'Issuer' && kind !== 'ClusterIssuer') return [];
    return [{ key: issuerKey(kind, name, ns), via: 'issuerRef', path: ['spec', 'issuerRef'] }];
  }
  if (SHIM_KINDS.has(o.kind)) return shimIssuerKeys(o).map(([key, path]) => ({ key, via: 'annotation', path }));
  if (o.kind === 'Issuer' && (group === 'cert-manager.io' || group === 'certmanager.k8s.io')) {
    return [{ key: issuerKey('Issuer', o.name ?? '', ns), via: 'namespaced-issuer', path: ['metadata', 'namespace'] }];
  }
  return [];
}

/** Issuers that ingress-shim / gateway-shim would use for this object, from its annotations. */
function shimIssuerKeys(o: ManifestObject): [string, JsonPath][] {
  const ann = getIn(o.value, ['metadata', 'annotations']);
  if (!isObj(ann)) return [];
  const out: [string, JsonPath][] = [];
  for (const prefix of ANNOTATION_PREFIXES) {
    const cluster = asString(ann[`${prefix}cluster-issuer`]);
    if (cluster) out.push([issuerKey('ClusterIssuer', cluster, undefined), ['metadata', 'annotations', `${prefix}cluster-issuer`]]);
    const issuer = asString(ann[`${prefix}issuer`]);
    const group = asString(ann[`${prefix}issuer-group`]);
    if (issuer && (!group || group === 'cert-manager.io')) {
      const kind = asString(ann[`${prefix}issuer-kind`]) ?? 'Issuer';
      if (kind === 'Issuer' || kind === 'ClusterIssuer') {
        out.push([issuerKey(kind, issuer, o.namespace ?? ''), ['metadata', 'annotations', `${prefix}issuer`]]);
      }
    }
  }
  return out;
}
