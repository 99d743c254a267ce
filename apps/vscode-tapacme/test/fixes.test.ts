import { analyze, defaultSettings, resolveSettings } from '@tapacme/core';
import type { Finding } from '@tapacme/core';
import { describe, expect, it } from 'vitest';
import { emitPlan, fixAllPlan, quickFixesFor, serviceAccountPlan, TITLES } from '../src/logic/fixes.js';
import { applyAll, BROKEN, CERT_IN, SA_IN, TAP_DOCS_SERVICE_ACCOUNT, TAP_DOCS_SERVICE_ACCOUNT_FIXED, withServiceAccount } from './fixtures.js';

const settings = resolveSettings({});

function only<T>(xs: readonly T[]): T {
  if (xs.length !== 1) throw new Error(`expected one, got ${xs.length}`);
  return xs[0] as T;
}

describe('quickFixesFor', () => {
  it('offers the ServiceAccount fix (preferred), DNS01 and the manifest for a solver without ServiceAccount', () => {
    const finding = only(analyze(BROKEN, { fileName: 'a.yaml' }).findings);
    const offers = quickFixesFor(BROKEN, 'a.yaml', finding, settings);
    expect(offers.map((o) => [o.kind, o.title, o.isPreferred])).toEqual([
      ['serviceaccount', 'Add podTemplate ServiceAccount', true],
      ['dns01', 'Convert solver to DNS01…', false],
      ['emit-service-account', 'Add ServiceAccount manifest…', false],
    ]);
    expect(offers[0]?.plan?.edits.length).toBe(1);
  });

  it('writes the configured ServiceAccount name in the file\'s indentation, and the finding is gone', () => {
    const finding = only(analyze(BROKEN, { fileName: 'a.yaml' }).findings);
    const plan = serviceAccountPlan(BROKEN, 'a.yaml', [finding], { ...settings, serviceAccountName: 'solver-sa' });
    const fixed = applyAll(BROKEN, plan.edits);
    expect(fixed).toBe(withServiceAccount('solver-sa'));
    expect(analyze(fixed, { fileName: 'a.yaml' }).findings).toEqual([]);
  });

  it('offers no ServiceAccount fix where the core has no edit (podTemplate pull secrets)', () => {
    const text = BROKEN.replace('class: contour\n', 'class: contour\n          podTemplate:\n            spec:\n              imagePullSecrets: [{name: reg}]\n');
    const finding = only(analyze(text, { fileName: 'a.yaml' }).findings);
    expect(finding.rule).toBe('solver-pull-secrets-need-cert-manager-1.12');
    expect(quickFixesFor(text, 'a.yaml', finding, settings)).toEqual([]);
  });

  it('offers the ServiceAccount manifest for the namespace a cross-document finding names, as the preferred fix', () => {
    const text = [BROKEN.replace('class: contour\n', 'class: contour\n          podTemplate: {spec: {serviceAccountName: tap-acme-http01-solver}}\n'), SA_IN('team-a'), CERT_IN('team-b')].join('---\n');
    const finding = only(analyze(text, { fileName: 'a.yaml' }).findings);
    expect(finding.rule).toBe('service-account-missing-in-namespace');
    const [offer, ...rest] = quickFixesFor(text, 'a.yaml', finding, { ...settings, pullSecretName: 'harbor' });
    expect(rest).toEqual([]);
    expect(offer?.title).toBe(TITLES.emitFor('team-b'));
    expect(offer?.isPreferred).toBe(true);
    const fixed = applyAll(text, offer?.plan?.edits ?? []);
    expect(fixed.slice(text.length)).toContain('kind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-b\nimagePullSecrets:\n- name: harbor\n');
    expect(analyze(fixed, { fileName: 'a.yaml' }).findings).toEqual([]);
  });
});

describe('emitPlan', () => {
  it('appends a ServiceAccount document after a final line without newline, and keeps it without one', () => {
    const text = BROKEN.trimEnd();
    const plan = emitPlan(text, 'a.yaml', { namespace: 'apps', serviceAccountName: 'sa', pullSecretName: 'reg', issuer: 'ClusterIssuer letsencrypt' });
    const fixed = applyAll(text, plan.edits);
    expect(fixed.startsWith(`${text}\n---\n`)).toBe(true);
    expect(fixed.endsWith('metadata:\n  name: sa\n  namespace: apps\nimagePullSecrets:\n- name: reg')).toBe(true);
    expect(fixed).toContain('# Solver ServiceAccount for ClusterIssuer letsencrypt;');
  });

  it('explains instead of editing a file that does not parse', () => {
    const plan = emitPlan('a: [\n', 'bad.yaml', { namespace: 'apps', serviceAccountName: 'sa', pullSecretName: 'reg' });
    expect(plan.edits).toEqual([]);
    expect(plan.notes.join()).toMatch(/nothing was changed/);
  });
});

describe('fixAllPlan', () => {
  it('fixes every solver and adds the missing ServiceAccounts, all edits against the original text', () => {
    const issuer2 = BROKEN.replace('name: letsencrypt\n', 'name: staging\n');
    const text = [BROKEN, issuer2, SA_IN('team-a'), CERT_IN('team-b').trimEnd()].join('---\n');
    const findings = analyze(text, { fileName: 'all.yaml' }).findings;
    expect(findings.map((f) => f.rule)).toEqual(['http01-solver-missing-service-account', 'http01-solver-missing-service-account']);
    const plan = fixAllPlan(text, 'all.yaml', findings, defaultSettings);
    const fixed = applyAll(text, plan.edits);
    expect(plan.notes).toEqual([]);
    // After the ServiceAccounts are set, team-b lacks one: fix all reaches a clean file in one go?
    const after = analyze(fixed, { fileName: 'all.yaml' }).findings;
    expect(after.map((f) => f.rule)).toEqual(['service-account-missing-in-namespace']);
    const second = applyAll(fixed, fixAllPlan(fixed, 'all.yaml', after, defaultSettings).edits);
    expect(analyze(second, { fileName: 'all.yaml' }).findings).toEqual([]);
    expect(second.startsWith(fixed)).toBe(true);
  });

  it('merges the appended ServiceAccount into an edit that already ends at the end of the text', () => {
    const text = [SA_IN('team-a'), CERT_IN('team-b'), BROKEN.replace('class: contour\n', 'class: contour\n          podTemplate: {spec: {serviceAccountName: tap-acme-http01-solver}}\n').replace('https://acme-v02.api.letsencrypt.org/directory', 'https://acme.example/dir')].join('---\n');
    const findings = analyze(text, { fileName: 'm.yaml' }).findings;
    expect(findings.map((f) => f.rule)).toEqual(['service-account-missing-in-namespace']);
    const plan = fixAllPlan(text, 'm.yaml', findings, defaultSettings);
    const fixed = applyAll(text, plan.edits);
    expect(plan.edits).toHaveLength(1);
    expect(analyze(fixed, { fileName: 'm.yaml' }).findings).toEqual([]);
  });

  it('is empty for a clean file', () => {
    expect(fixAllPlan(SA_IN('x'), 'c.yaml', [], defaultSettings)).toEqual({ edits: [], notes: [] });
  });
});

describe('pull secret quick fixes', () => {
  const settings = { serviceAccountName: 'tap-acme-http01-solver', pullSecretName: 'registry-credentials', integratedRegistry: false, rules: {} };
  it('rewrites the entry TAP\'s documentation writes as a string, preferred, and fix-all does too', () => {
    const { findings } = analyze(TAP_DOCS_SERVICE_ACCOUNT, { fileName: 'sa.yaml' });
    const [finding] = findings;
    expect(finding?.rule).toBe('pull-secret-entry-malformed');
    const offers = quickFixesFor(TAP_DOCS_SERVICE_ACCOUNT, 'sa.yaml', finding as Finding, settings);
    expect(offers.map((o) => [o.kind, o.title, o.isPreferred])).toEqual([['pull-secret-entry', 'Write as "- name: registry-credentials"', true]]);
    expect(applyAll(TAP_DOCS_SERVICE_ACCOUNT, offers[0]?.plan?.edits ?? [])).toBe(TAP_DOCS_SERVICE_ACCOUNT_FIXED);
    expect(applyAll(TAP_DOCS_SERVICE_ACCOUNT, fixAllPlan(TAP_DOCS_SERVICE_ACCOUNT, 'sa.yaml', findings, settings).edits)).toBe(TAP_DOCS_SERVICE_ACCOUNT_FIXED);
  });

  it('offers to name an entry without a name, but not preferred and not in fix-all', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets:\n- name: ""\n';
    const { findings } = analyze(text, { fileName: 'sa.yaml' });
    const offers = quickFixesFor(text, 'sa.yaml', findings[0] as Finding, { ...settings, pullSecretName: 'harbor' });
    expect(offers.map((o) => [o.kind, o.title, o.isPreferred])).toEqual([['pull-secret-name', 'Name the entry "harbor"', false]]);
    expect(applyAll(text, offers[0]?.plan?.edits ?? [])).toBe(text.replace('""', 'harbor'));
    expect(fixAllPlan(text, 'sa.yaml', findings, settings).edits).toEqual([]);
  });
});
