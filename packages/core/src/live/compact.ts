import type { ManifestObject } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { conditionOf } from './certificate-chain.js';
import { keepIssuerRefAndStatus, toManifestObject } from './summarize.js';

const CLUSTER_ORIGIN = Object.freeze({ type: 'cluster' as const });
const SHIM_PREFIXES = ['cert-manager.io/', 'certmanager.k8s.io/'];

/**
 * The forms a scan keeps of its most numerous objects (100,000 Certificates, 20,000 Ingresses):
 * only what the model reads, with repeated strings and issuerRefs shared, so memory grows with what
 * differs between objects rather than with their count. One compactor per read, dropped with it.
 */
export function compactor(): { certificate(raw: Obj): ManifestObject; shimObject(raw: Obj, kind: string, apiVersion: string): ManifestObject } {
  const strings = new Map<string, string>();
  const intern = (s: string | undefined): string | undefined => {
    if (s === undefined) return undefined;
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  const refs = new Map<string, Obj>();
  const sharedRef = (ref: unknown): unknown => {
    if (!isObj(ref)) return ref;
    const name = asString(ref['name']);
    const kind = asString(ref['kind']);
    const group = asString(ref['group']);
    if (Object.keys(ref).some((k) => k !== 'name' && k !== 'kind' && k !== 'group')) return ref;
    const key = `${name ?? ''}\u0000${kind ?? ''}\u0000${group ?? ''}`;
    let shared = refs.get(key);
    if (!shared) {
      shared = Object.freeze({ ...(name !== undefined ? { name } : {}), ...(kind !== undefined ? { kind } : {}), ...(group !== undefined ? { group } : {}) });
      refs.set(key, shared);
    }
    return shared;
  };
  const identity = (raw: Obj, kind: string, apiVersion: string, value: Obj): ManifestObject => {
    const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
    const v = asString(raw['apiVersion']);
    const o: ManifestObject = { apiVersion: v === undefined || v === apiVersion ? apiVersion : v, kind, value: { apiVersion, kind, ...value }, origin: CLUSTER_ORIGIN };
    const name = asString(meta['name']);
    const ns = intern(asString(meta['namespace']));
    if (name !== undefined) o.name = name;
    if (ns !== undefined) o.namespace = ns;
    return o;
  };
  return {
    /** A Ready (or not yet reported) Certificate keeps its name, namespace and issuerRef; any other keeps its status and uid for the report's chain. */
    certificate(raw: Obj): ManifestObject {
      const probe: ManifestObject = { apiVersion: '', kind: 'Certificate', value: raw, origin: CLUSTER_ORIGIN };
      if ((conditionOf(probe, 'Ready')?.status ?? 'True') !== 'True') return toManifestObject(raw, 'Certificate', 'cert-manager.io/v1', keepIssuerRefAndStatus);
      const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
      return identity(raw, 'Certificate', 'cert-manager.io/v1', {
        metadata: { name: meta['name'], namespace: intern(asString(meta['namespace'])) },
        spec: { issuerRef: sharedRef(getIn(raw, ['spec', 'issuerRef'])) },
      });
    },
    /** Ingresses and Gateways: name, namespace and only the cert-manager annotations ingress-shim and gateway-shim read. */
    shimObject(raw: Obj, kind: string, apiVersion: string): ManifestObject {
      const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
      const all = isObj(meta['annotations']) ? meta['annotations'] : {};
      const annotations: Obj = {};
      for (const [k, v] of Object.entries(all)) if (SHIM_PREFIXES.some((p) => k.startsWith(p))) annotations[intern(k) as string] = typeof v === 'string' ? intern(v) : v;
      return identity(raw, kind, apiVersion, { metadata: { name: meta['name'], namespace: intern(asString(meta['namespace'])), annotations } });
    },
  };
}
