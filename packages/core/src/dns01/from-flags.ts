import type { Obj } from '../model/value.js';
import type { Dns01Provider, ProviderField } from './provider.js';
import { dns01Provider, dns01Providers } from './registry.js';
import { validateDns01Block } from './validate-dns01.js';

/** camelCase -> kebab-case, keeping acronyms together: accessKeyIDSecretRef -> access-key-id-secret-ref. */
export function kebab(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** The command-line flag for a provider field, e.g. route53-access-key-id-secret-ref. */
export function fieldFlag(provider: Dns01Provider, field: ProviderField): string {
  return `${kebab(provider.key)}-${field.path.map(kebab).join('-')}`;
}

/** Every provider flag, for the CLI to declare. */
export function dns01Flags(): { flag: string; provider: Dns01Provider; field: ProviderField }[] {
  return dns01Providers.flatMap((provider) => provider.fields.map((field) => ({ flag: fieldFlag(provider, field), provider, field })));
}

export interface Dns01FromFlags {
  block?: Obj;
  errors: string[];
}

/**
 * Build a dns01 block from flag values (flag name -> value) and validate it as the API server and the
 * webhook of `certManagerVersion` would (the newest known by default): cert-manager 1.11 requires
 * route53.region and serves neither rfc2136.protocol nor managedIdentity.tenantID.
 * Secret references are written NAME:KEY. Errors name the flags to set.
 */
export function dns01FromFlags(providerKey: string, values: Readonly<Record<string, string | undefined>>, cnameStrategy?: string, certManagerVersion?: string): Dns01FromFlags {
  const provider = dns01Provider(providerKey) ?? dns01Providers.find((p) => kebab(p.key) === providerKey);
  if (!provider) return { errors: [`unknown DNS01 provider "${providerKey}"; use one of ${dns01Providers.map((p) => p.key).join(', ')}`] };
  const config: Obj = {};
  const errors: string[] = [];
  for (const field of provider.fields) {
    const flag = fieldFlag(provider, field);
    const raw = values[flag];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (field.type === 'secretRef') {
      const i = raw.lastIndexOf(':');
      if (i <= 0 || i === raw.length - 1) {
        errors.push(`--${flag} takes NAME:KEY (the Secret's name and the key in it), got "${raw}"`);
        continue;
      }
      value = { name: raw.slice(0, i), key: raw.slice(i + 1) };
    } else if (field.type === 'enum' && field.values && !field.values.includes(raw)) {
      errors.push(`--${flag} must be one of ${field.values.join(', ')}, got "${raw}"`);
      continue;
    }
    setPath(config, field.path, value);
  }
  if (errors.length > 0) return { errors };
  const block: Obj = { [provider.key]: config };
  if (cnameStrategy) block['cnameStrategy'] = cnameStrategy;
  const problems = validateDns01Block(block, certManagerVersion);
  if (problems.length > 0) {
    return {
      errors: problems.map((p) => {
        const field = provider.fields.find((f) => p.path.slice(1).join('.').startsWith(f.path.join('.')) && f.path.length > 0);
        // A rule about the provider as a whole ("apiKeySecretRef or apiTokenSecretRef is required") names its fields in the message.
        const named = field ? [field] : provider.fields.filter((f) => f.path.length > 0 && new RegExp(`\\b${f.path[f.path.length - 1] ?? ''}\\b`).test(p.message));
        const hint = named.length > 0 ? ` (${named.map((f) => `--${fieldFlag(provider, f)}`).join(' or ')})` : '';
        const inVersion = certManagerVersion && /^unknown field/.test(p.message) ? ` (cert-manager ${certManagerVersion} does not serve it)` : '';
        return `dns01.${p.path.join('.')}: ${p.message}${inVersion}${hint}`;
      }),
    };
  }
  return { block, errors: [] };
}

function setPath(o: Obj, path: readonly string[], value: unknown): void {
  let cur = o;
  path.forEach((k, i) => {
    if (i === path.length - 1) cur[k] = value;
    else cur = (cur[k] ??= {}) as Obj;
  });
}
