import { isObj } from '../model/value.js';
import { certManagerProfile } from '../schema/cert-manager-version.js';
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
