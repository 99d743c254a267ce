import type { JsonPath } from '../model/manifest-object.js';
import { isObj, nonEmptyString } from '../model/value.js';
import type { Obj } from '../model/value.js';

/** A field of a provider's config that a user can set from flags or a snippet. */
export interface ProviderField {
  /** Path below the provider key, e.g. ['accessKeyIDSecretRef']. */
  path: readonly string[];
  type: 'string' | 'secretRef' | 'enum' | 'list';
  /** Shown in --help and the editor snippet. */
  description: string;
  /** Required in every valid config (for snippets; validation below is the real check). */
  required?: boolean;
  values?: readonly string[];
}

/** Where cert-manager versions' webhooks differ in their DNS01 checks. */
export interface Dns01WebhookRules {
  /** route53.region is required (1.11). */
  route53NeedsRegion: boolean;
  /** managedIdentity.tenantID is checked against clientID and resourceID (after 1.11). */
  azureManagedIdentityTenant: boolean;
}

export interface FieldError {
  path: JsonPath;
  message: string;
}

/** One DNS01 provider of cert-manager's ACMEChallengeSolverDNS01. */
export interface Dns01Provider {
  /** The key under dns01, as cert-manager spells it. */
  key: string;
  title: string;
  fields: readonly ProviderField[];
  /** The checks cert-manager's webhook makes; paths are relative to the dns01 block. */
  validate(config: Obj, version: Dns01WebhookRules): FieldError[];
}

/** cert-manager requires both name and key on a SecretKeySelector it validates. */
export function validateSecretRef(value: unknown, path: JsonPath): FieldError[] {
  if (!isObj(value)) return [{ path, message: 'must be a secret reference {name, key}' }];
  const errs: FieldError[] = [];
  if (!nonEmptyString(value['name'])) errs.push({ path: [...path, 'name'], message: 'secret name is required' });
  if (!nonEmptyString(value['key'])) errs.push({ path: [...path, 'key'], message: 'secret key is required' });
  return errs;
}

export function required(config: Obj, field: string, base: JsonPath): FieldError[] {
  return nonEmptyString(config[field]) ? [] : [{ path: [...base, field], message: `${field} is required` }];
}

/** Present and not null, as a Go pointer field is "set". */
export function present(config: Obj, field: string): boolean {
  return config[field] !== undefined && config[field] !== null;
}
