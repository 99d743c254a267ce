import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT, parseCertManagerVersion, ruleIds } from '@tapacme/core';
import type { RuleId, Settings, Severity } from '@tapacme/core';

/** The extension's settings after validation: what every provider and command reads. */
export interface ExtensionConfig {
  enable: boolean;
  /** The core settings the `tapacme.*` keys map onto. */
  settings: Settings;
}

/** Reads one `tapacme.<key>` setting; the host passes VS Code's configuration lookup. */
export type ConfigLookup = (key: 'enable' | 'serviceAccountName' | 'pullSecretName' | 'integratedRegistry' | 'certManagerVersion' | 'rules') => unknown;

const SEVERITIES: readonly (Severity | 'off')[] = ['error', 'warning', 'info', 'off'];

/**
 * The only place that turns `tapacme.*` settings into core `Settings`. Wrong types fall back to the
 * defaults (a hand-edited settings.json must not break the diagnostics); unknown rule ids are ignored.
 */
export function configFrom(get: ConfigLookup): ExtensionConfig {
  const enable = get('enable');
  const rules: Partial<Record<RuleId, Severity | 'off'>> = {};
  const raw = get('rules');
  if (typeof raw === 'object' && raw !== null) {
    for (const [id, value] of Object.entries(raw)) {
      if ((ruleIds as readonly string[]).includes(id) && (SEVERITIES as readonly unknown[]).includes(value)) rules[id as RuleId] = value as Severity | 'off';
    }
  }
  const version = nonEmpty(get('certManagerVersion'));
  return {
    enable: enable !== false,
    settings: {
      serviceAccountName: nonEmpty(get('serviceAccountName')) ?? DEFAULT_SERVICE_ACCOUNT,
      pullSecretName: nonEmpty(get('pullSecretName')) ?? DEFAULT_PULL_SECRET,
      ...(version !== undefined && parseCertManagerVersion(version) ? { certManagerVersion: version } : {}),
      integratedRegistry: get('integratedRegistry') === true,
      rules,
    },
  };
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
