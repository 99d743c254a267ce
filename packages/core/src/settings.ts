import type { RuleId, Severity } from './rules/rule.js';

/** Every user-facing setting, defined once; the CLI flags and the editor settings map onto it. */
export interface Settings {
  /** ServiceAccount the solver Pods should run as. */
  serviceAccountName: string;
  /** Pull secret the emitted ServiceAccounts name. */
  pullSecretName: string;
  /** The cert-manager version the issuers are checked against ("1.11", "v1.11.5"); the newest known when unset. */
  certManagerVersion?: string;
  /** The nodes pull the solver image on their own (an integrated registry): no pull secrets are needed. */
  integratedRegistry: boolean;
  /** Per-rule severity override, or 'off'. */
  rules: Partial<Record<RuleId, Severity | 'off'>>;
}

export const DEFAULT_SERVICE_ACCOUNT = 'tap-acme-http01-solver';
export const DEFAULT_PULL_SECRET = 'registry-credentials';

export const defaultSettings: Readonly<Settings> = Object.freeze({
  serviceAccountName: DEFAULT_SERVICE_ACCOUNT,
  pullSecretName: DEFAULT_PULL_SECRET,
  integratedRegistry: false,
  rules: {},
});

export function resolveSettings(partial?: Partial<Settings>): Settings {
  return {
    serviceAccountName: partial?.serviceAccountName || DEFAULT_SERVICE_ACCOUNT,
    pullSecretName: partial?.pullSecretName || DEFAULT_PULL_SECRET,
    ...(partial?.certManagerVersion ? { certManagerVersion: partial.certManagerVersion } : {}),
    integratedRegistry: partial?.integratedRegistry === true,
    rules: { ...(partial?.rules ?? {}) },
  };
}
