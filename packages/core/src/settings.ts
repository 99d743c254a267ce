import type { RuleId, Severity } from './rules/rule.js';

/** Every user-facing setting, defined once; the CLI flags and the editor settings map onto it. */
export interface Settings {
  /** ServiceAccount the solver Pods should run as. */
  serviceAccountName: string;
  /** Pull secret the emitted ServiceAccounts name. */
  pullSecretName: string;
  /** Per-rule severity override, or 'off'. */
  rules: Partial<Record<RuleId, Severity | 'off'>>;
}

export const DEFAULT_SERVICE_ACCOUNT = 'tap-acme-http01-solver';
export const DEFAULT_PULL_SECRET = 'registry-credentials';

export const defaultSettings: Readonly<Settings> = Object.freeze({
  serviceAccountName: DEFAULT_SERVICE_ACCOUNT,
  pullSecretName: DEFAULT_PULL_SECRET,
  rules: {},
});

export function resolveSettings(partial?: Partial<Settings>): Settings {
  return {
    serviceAccountName: partial?.serviceAccountName || DEFAULT_SERVICE_ACCOUNT,
    pullSecretName: partial?.pullSecretName || DEFAULT_PULL_SECRET,
    rules: { ...(partial?.rules ?? {}) },
  };
}
