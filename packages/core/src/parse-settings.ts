import { isDns1123Subdomain } from './model/dns1123.js';
import { ruleIds } from './rules/registry.js';
import { parseCertManagerVersion } from './schema/cert-manager-version.js';
import type { RuleId, Severity } from './rules/rule.js';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from './settings.js';
import type { Settings } from './settings.js';

/** A setting that was given but could not be used; its default is used instead. */
export interface SettingsProblem {
  /** The Settings key, with the rule id for `rules`: 'serviceAccountName', 'rules.invalid-solver'. */
  key: string;
  value: unknown;
  /** Completes "<where the value came from> <value>": `is not a valid ServiceAccount name: ...`. */
  message: string;
}

const SEVERITIES: readonly (Severity | 'off')[] = ['error', 'warning', 'info', 'off'];
const NAME_RULE = "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";

/**
 * The one reader of user-written settings (CLI flags, the editor's `tapacme.*` configuration, the
 * live plan's options): each value is checked as the API server would check it, and anything that
 * cannot be used becomes a problem and falls back to its default, so the caller decides whether a
 * problem stops the command (CLI) or is only logged (editor). Absent values take their defaults.
 */
export function parseSettings(raw: unknown): { settings: Settings; problems: SettingsProblem[] } {
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const problems: SettingsProblem[] = [];
  const name = (key: 'serviceAccountName' | 'pullSecretName', what: string, fallback: string): string => {
    const v = input[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string' && isDns1123Subdomain(v)) return v;
    problems.push({ key, value: v, message: `is not a valid ${what} name: ${NAME_RULE}` });
    return fallback;
  };
  const settings: Settings = {
    serviceAccountName: name('serviceAccountName', 'ServiceAccount', DEFAULT_SERVICE_ACCOUNT),
    pullSecretName: name('pullSecretName', 'Secret', DEFAULT_PULL_SECRET),
    integratedRegistry: false,
    rules: {},
  };
  const version = input['certManagerVersion'];
  if (typeof version === 'string' && parseCertManagerVersion(version)) settings.certManagerVersion = version;
  else if (version !== undefined) problems.push({ key: 'certManagerVersion', value: version, message: 'is not a cert-manager version such as 1.11 or v1.11.5' });
  const integrated = input['integratedRegistry'];
  if (typeof integrated === 'boolean') settings.integratedRegistry = integrated;
  else if (integrated !== undefined) problems.push({ key: 'integratedRegistry', value: integrated, message: 'is not true or false' });
  const rules = input['rules'];
  if (typeof rules === 'object' && rules !== null) {
    for (const [id, value] of Object.entries(rules)) {
      if (!(ruleIds as readonly string[]).includes(id)) problems.push({ key: `rules.${id}`, value, message: `is not a rule (rules: ${ruleIds.join(', ')})` });
      else if (!(SEVERITIES as readonly unknown[]).includes(value)) problems.push({ key: `rules.${id}`, value, message: `is not a severity (${SEVERITIES.join(', ')})` });
      else settings.rules[id as RuleId] = value as Severity | 'off';
    }
  } else if (rules !== undefined) {
    problems.push({ key: 'rules', value: rules, message: 'is not a map from rule id to severity' });
  }
  return { settings, problems };
}
