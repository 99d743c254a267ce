import type { ManifestObject } from './manifest-object.js';

/** Namespace ('' when unset) -> ServiceAccount names defined in the set. */
export function serviceAccountsByNamespace(objects: readonly ManifestObject[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of objects) {
    if (o.kind !== 'ServiceAccount' || o.apiVersion !== 'v1' || !o.name) continue;
    const ns = o.namespace ?? '';
    let names = out.get(ns);
    if (!names) out.set(ns, (names = new Set()));
    names.add(o.name);
  }
  return out;
}
