import { describe, expect, it } from 'vitest';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT, isDns1123Label, isDns1123Subdomain, parseSettings } from '../src/index.js';

describe('parseSettings', () => {
  it('takes the defaults for what is not given', () => {
    expect(parseSettings(undefined)).toEqual({ settings: { serviceAccountName: DEFAULT_SERVICE_ACCOUNT, pullSecretName: DEFAULT_PULL_SECRET, integratedRegistry: false, rules: {} }, problems: [] });
  });

  it('keeps valid names and severities', () => {
    const r = parseSettings({ serviceAccountName: 'solver.sa', pullSecretName: 'harbor-1', certManagerVersion: 'v1.11.5', integratedRegistry: true, rules: { 'invalid-solver': 'off' } });
    expect(r).toEqual({ settings: { serviceAccountName: 'solver.sa', pullSecretName: 'harbor-1', certManagerVersion: 'v1.11.5', integratedRegistry: true, rules: { 'invalid-solver': 'off' } }, problems: [] });
  });

  it('reports what it cannot use, by key, and uses the default instead', () => {
    const r = parseSettings({ serviceAccountName: 'Not_Valid', pullSecretName: 42, certManagerVersion: 'latest', integratedRegistry: 'yes', rules: { 'no-such-rule': 'error', 'invalid-solver': 'fatal' } });
    expect(r.settings).toEqual({ serviceAccountName: DEFAULT_SERVICE_ACCOUNT, pullSecretName: DEFAULT_PULL_SECRET, integratedRegistry: false, rules: {} });
    expect(r.problems.map((p) => p.key)).toEqual(['serviceAccountName', 'pullSecretName', 'certManagerVersion', 'integratedRegistry', 'rules.no-such-rule', 'rules.invalid-solver']);
    expect(r.problems[0]?.message).toMatch(/^is not a valid ServiceAccount name: /);
    expect(parseSettings({ rules: 'off' }).problems.map((p) => p.key)).toEqual(['rules']);
  });
});

describe('DNS-1123 names', () => {
  it('checks labels and subdomains as the API server does', () => {
    expect(['a', 'a-b', '0x', 'a'.repeat(63)].every(isDns1123Label)).toBe(true);
    expect(['', '-a', 'a-', 'A', 'a.b', 'a_b', 'a'.repeat(64)].some(isDns1123Label)).toBe(false);
    expect(['a.b', 'a-b.c-d', `${'a'.repeat(63)}.${'b'.repeat(63)}`].every(isDns1123Subdomain)).toBe(true);
    expect(['', 'a..b', '.a', 'a.', 'A.b', 'a'.repeat(254)].some(isDns1123Subdomain)).toBe(false);
  });
});
