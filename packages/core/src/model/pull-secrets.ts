import { SECRETGEN_PLACEHOLDER_ANNOTATION } from '../policies/labels.js';
import { apiGroup } from './issuer.js';
import type { JsonPath, ManifestObject } from './manifest-object.js';
import { asString, getIn, isObj, nonEmptyString } from './value.js';

/** The Secret types a kubelet reads registry credentials from. */
export const PULL_SECRET_TYPES = ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'] as const;

export function isServiceAccount(o: ManifestObject): boolean {
  return o.kind === 'ServiceAccount' && o.apiVersion === 'v1';
}

export function isSecret(o: ManifestObject): boolean {
  return o.kind === 'Secret' && o.apiVersion === 'v1';
}

/** One entry of a ServiceAccount's imagePullSecrets, as the API server would decode it. */
export type PullSecretEntry =
  | { index: number; form: 'ok'; name: string }
  /** `- registry-credentials`: a string where a LocalObjectReference belongs (rejected: cannot unmarshal string). */
  | { index: number; form: 'string'; value: string }
  /** `- name: ""`, `- {}`, `- name:`, `-`: decodes, but names no Secret. */
  | { index: number; form: 'no-name' }
  /** A number, a list: rejected like a string. */
  | { index: number; form: 'other' };

/** How imagePullSecrets is written on a ServiceAccount. */
export type PullSecretsField =
  | { state: 'missing' }
  /** `imagePullSecrets:` (null) or `[]`. */
  | { state: 'empty' }
  | { state: 'list'; entries: PullSecretEntry[] }
  /** A mapping or a scalar where a list belongs. */
  | { state: 'not-a-list' }
  /** Computed by ytt at render time (`imagePullSecrets: #@ ...`). */
  | { state: 'templated' };

export const PULL_SECRETS_PATH: JsonPath = ['imagePullSecrets'];

export function pullSecretsOf(sa: ManifestObject): PullSecretsField {
  const v = sa.value['imagePullSecrets'];
  if (v === undefined) return { state: 'missing' };
  if (isYttValue(v)) return { state: 'templated' };
  if (v === null || (Array.isArray(v) && v.length === 0)) return { state: 'empty' };
  if (!Array.isArray(v)) return { state: 'not-a-list' };
  return {
    state: 'list',
    entries: v.map((e, index): PullSecretEntry => {
      if (isYttValue(e)) return { index, form: 'ok', name: '' };
      if (typeof e === 'string') return { index, form: 'string', value: e };
      // A null entry decodes to an empty reference, like {}.
      if (e === null) return { index, form: 'no-name' };
      if (!isObj(e)) return { index, form: 'other' };
      return nonEmptyString(e['name']) ? { index, form: 'ok', name: e['name'] } : { index, form: 'no-name' };
    }),
  };
}

/** What the parser holds for `key: #@ expr` and `- #@ expr`: ytt computes the value at render time. */
function isYttValue(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('#@ ');
}

/** A secretgen-controller placeholder: secretgen fills it with exported registry credentials at run time. */
export function isSecretgenPlaceholder(o: ManifestObject): boolean {
  if (!isSecret(o)) return false;
  const ann = getIn(o.value, ['metadata', 'annotations']);
  return isObj(ann) && ann[SECRETGEN_PLACEHOLDER_ANNOTATION] !== undefined;
}

/**
 * A Kyverno policy that patches ServiceAccounts' imagePullSecrets (a mutate rule matching
 * ServiceAccount whose patch writes imagePullSecrets): the pull secrets arrive at admission.
 * Returns the namespaces it covers ('*' for a ClusterPolicy without a namespace list).
 */
export function serviceAccountPatcher(o: ManifestObject): string[] {
  if (apiGroup(o.apiVersion) !== 'kyverno.io' || (o.kind !== 'ClusterPolicy' && o.kind !== 'Policy')) return [];
  const rules = getIn(o.value, ['spec', 'rules']);
  if (!Array.isArray(rules)) return [];
  const namespaces = new Set<string>();
  for (const r of rules) {
    if (!isObj(r) || !isObj(r['mutate'])) continue;
    const match = JSON.stringify(r['match'] ?? {});
    if (!/"ServiceAccount"|\/ServiceAccount"/.test(match)) continue;
    if (!JSON.stringify(r['mutate']).includes('imagePullSecrets')) continue;
    if (o.kind === 'Policy') {
      namespaces.add(o.namespace ?? '');
      continue;
    }
    const listed = [...match.matchAll(/"namespaces":\[([^\]]*)\]/g)].flatMap((m) => (m[1] ?? '').split(',').map((s) => s.replace(/"/g, '')));
    if (listed.length === 0) namespaces.add('*');
    for (const ns of listed) namespaces.add(ns);
  }
  return [...namespaces];
}

/** Namespaces ('' when unset) -> Secrets defined there, by name, with their type ('Opaque' when unset, as the API server defaults it). */
export function secretTypesByNamespace(objects: readonly ManifestObject[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const o of objects) {
    if (!isSecret(o) || !o.name) continue;
    const ns = o.namespace ?? '';
    let m = out.get(ns);
    if (!m) out.set(ns, (m = new Map()));
    m.set(o.name, asString(o.value['type']) ?? 'Opaque');
  }
  return out;
}
