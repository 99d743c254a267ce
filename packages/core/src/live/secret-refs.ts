import type { JsonPath } from '../model/manifest-object.js';
import { asString, isObj } from '../model/value.js';

export interface DnsReference {
  kind: 'Secret' | 'ServiceAccount';
  name: string;
  /** The key the solver reads from the Secret, when it names one. */
  key?: string;
  path: JsonPath;
}

/**
 * Secrets (every `*SecretRef`) and ServiceAccounts (route53's `auth.kubernetes.serviceAccountRef`)
 * a dns01 block makes cert-manager read, found by walking it, so the webhook provider's free-form
 * config is covered too.
 */
export function dns01References(block: unknown, path: JsonPath = []): DnsReference[] {
  const out: DnsReference[] = [];
  if (Array.isArray(block)) {
    block.forEach((v, i) => out.push(...dns01References(v, [...path, i])));
    return out;
  }
  if (!isObj(block)) return out;
  for (const [k, v] of Object.entries(block)) {
    const here = [...path, k];
    if (isObj(v) && /secretref$/i.test(k) && asString(v['name'])) {
      const key = asString(v['key']);
      out.push({ kind: 'Secret', name: asString(v['name']) ?? '', ...(key ? { key } : {}), path: here });
    } else if (isObj(v) && k === 'serviceAccountRef' && asString(v['name'])) {
      out.push({ kind: 'ServiceAccount', name: asString(v['name']) ?? '', path: here });
    } else {
      out.push(...dns01References(v, here));
    }
  }
  return out;
}
