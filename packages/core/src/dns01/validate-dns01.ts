import { isObj } from '../model/value.js';
import { certManagerProfile } from '../schema/cert-manager-version.js';
import { solverSchemas } from '../schema/solver-schemas.generated.js';
import { applyDefaults, schemaAt, validateSchema } from '../schema/structural-schema.js';
import type { Dns01WebhookRules, FieldError } from './provider.js';
import { dns01Providers } from './registry.js';

/** Validate a dns01 block as cert-manager's webhook does (the newest known version's by default); paths are relative to the block. */
export function validateDns01(block: unknown, version: Dns01WebhookRules = certManagerProfile()): FieldError[] {
  if (!isObj(block)) return [{ path: [], message: 'dns01 must be a mapping with one provider' }];
  const errs: FieldError[] = [];
  const cname = block['cnameStrategy'];
  if (cname !== undefined && cname !== '' && cname !== 'None' && cname !== 'Follow') {
    errs.push({ path: ['cnameStrategy'], message: 'cnameStrategy must be "None" or "Follow"' });
  }
  const configured = dns01Providers.filter((p) => block[p.key] !== undefined && block[p.key] !== null);
  if (configured.length === 0) {
    const unknown = Object.keys(block).filter((k) => k !== 'cnameStrategy');
    const hint = unknown.length > 0 ? ` (unknown key ${unknown.map((k) => `"${k}"`).join(', ')}; keys are case-sensitive)` : '';
    errs.push({ path: [], message: `no DNS01 provider configured${hint}; use one of ${dns01Providers.map((p) => p.key).join(', ')}` });
  }
  configured.forEach((p, i) => {
    if (i > 0) {
      errs.push({ path: [p.key], message: 'may not specify more than one provider type' });
      return;
    }
    const cfg = block[p.key];
    errs.push(...(isObj(cfg) ? p.validate(cfg, version) : [{ path: [p.key], message: `${p.key} must be a mapping` }]));
  });
  return errs;
}

/**
 * A dns01 block as the API server and the webhook of one cert-manager version take it (the newest
 * known by default): the CRD schema first (unknown or misspelled fields, wrong types, missing
 * required fields), then the webhook's checks. Paths are relative to the block.
 */
export function validateDns01Block(block: unknown, version?: string): FieldError[] {
  const profile = certManagerProfile(version);
  const schema = schemaAt(solverSchemas, profile.solvers, [0, 'dns01']);
  if (!schema) return validateDns01(block, profile);
  const defaulted = applyDefaults(solverSchemas, block, schema);
  const problems = validateSchema(solverSchemas, defaulted, schema);
  if (problems.length > 0) return problems.map((p) => ({ path: p.path, message: p.message }));
  return validateDns01(defaulted, profile);
}
