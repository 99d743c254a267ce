import { parseSettings } from '@tapacme/core';
import type { Settings } from '@tapacme/core';

/** The extension's settings after validation: what every provider and command reads. */
export interface ExtensionConfig {
  enable: boolean;
  /** The core settings the `tapacme.*` keys map onto. */
  settings: Settings;
}

/** Reads one `tapacme.<key>` setting; the host passes VS Code's configuration lookup. */
export type ConfigLookup = (key: 'enable' | 'serviceAccountName' | 'pullSecretName' | 'integratedRegistry' | 'certManagerVersion' | 'rules') => unknown;

/**
 * The only place that turns `tapacme.*` settings into core `Settings`, through the core's
 * parseSettings. Values it cannot use fall back to the defaults (a hand-edited settings.json must
 * not break the diagnostics; the settings editor already flags them from package.json's patterns);
 * unknown rule ids are ignored. Blank names count as unset.
 */
export function configFrom(get: ConfigLookup): ExtensionConfig {
  const { settings } = parseSettings({
    serviceAccountName: trimmed(get('serviceAccountName')),
    pullSecretName: trimmed(get('pullSecretName')),
    certManagerVersion: trimmed(get('certManagerVersion')),
    integratedRegistry: get('integratedRegistry') ?? undefined,
    rules: get('rules') ?? undefined,
  });
  return { enable: get('enable') !== false, settings };
}

function trimmed(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return v.trim() === '' ? undefined : v.trim();
}
