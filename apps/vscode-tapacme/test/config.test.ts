import { readFileSync } from 'node:fs';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT, DNS1123_SUBDOMAIN_PATTERN, rules } from '@tapacme/core';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../src/logic/config.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; pattern?: string; properties?: Record<string, { enum: string[]; markdownDescription: string }> }> } };
};
const props = pkg.contributes.configuration.properties;

describe('configFrom', () => {
  it('maps the defaults onto the core defaults', () => {
    expect(configFrom(() => undefined)).toEqual({ enable: true, settings: { serviceAccountName: DEFAULT_SERVICE_ACCOUNT, pullSecretName: DEFAULT_PULL_SECRET, integratedRegistry: false, rules: {} } });
  });

  it('maps every tapacme.* setting', () => {
    const values: Record<string, unknown> = { enable: false, serviceAccountName: ' solver-sa ', pullSecretName: 'harbor', integratedRegistry: true, certManagerVersion: 'v1.11.5', rules: { 'legacy-api-version': 'off', 'invalid-solver': 'info' } };
    expect(configFrom((k) => values[k])).toEqual({ enable: false, settings: { serviceAccountName: 'solver-sa', pullSecretName: 'harbor', certManagerVersion: 'v1.11.5', integratedRegistry: true, rules: { 'legacy-api-version': 'off', 'invalid-solver': 'info' } } });
  });

  it('falls back to the defaults for values of the wrong type, and drops unknown rules and severities', () => {
    const values: Record<string, unknown> = { enable: 'yes', serviceAccountName: 42, pullSecretName: '', integratedRegistry: 'yes', certManagerVersion: 'latest', rules: { 'no-such-rule': 'error', 'invalid-solver': 'fatal', 'legacy-api-version': 'warning' } };
    expect(configFrom((k) => values[k])).toEqual({ enable: true, settings: { serviceAccountName: DEFAULT_SERVICE_ACCOUNT, pullSecretName: DEFAULT_PULL_SECRET, integratedRegistry: false, rules: { 'legacy-api-version': 'warning' } } });
  });
});

describe('package.json settings', () => {
  it('declare the core defaults', () => {
    expect(props['tapacme.serviceAccountName']?.default).toBe(DEFAULT_SERVICE_ACCOUNT);
    expect(props['tapacme.pullSecretName']?.default).toBe(DEFAULT_PULL_SECRET);
    expect(props['tapacme.enable']?.default).toBe(true);
  });

  it('check names with the core\'s own DNS-1123 pattern', () => {
    expect(props['tapacme.serviceAccountName']?.pattern).toBe(DNS1123_SUBDOMAIN_PATTERN);
    expect(props['tapacme.pullSecretName']?.pattern).toBe(DNS1123_SUBDOMAIN_PATTERN);
  });

  it('list exactly the core rules, each with its default severity', () => {
    const declared = props['tapacme.rules']?.properties ?? {};
    expect(Object.keys(declared).sort()).toEqual(rules.map((r) => r.id).sort());
    for (const r of rules) {
      expect(declared[r.id]?.enum).toEqual(['error', 'warning', 'info', 'off']);
      expect(declared[r.id]?.markdownDescription).toContain(`(default \`${r.defaultSeverity}\`)`);
    }
  });
});
