import { describe, expect, it } from 'vitest';
import { analyzeFiles, applyEdits, fixAll, resolveSettings } from '../src/index.js';
import type { SourceFile } from '../src/index.js';
import { issuer } from './helpers.js';

const ISSUER = issuer('    - http01:\n        ingress:\n          class: contour\n');
const CERT = (ns: string): string =>
  `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  secretName: web-tls\n  dnsNames: [web.example.com]\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n`;
const SA = (ns: string, secret = 'registry-credentials'): string =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: ${ns}\nimagePullSecrets:\n- name: ${secret}\n`;

function run(files: SourceFile[], options: Parameters<typeof fixAll>[3], settings = resolveSettings()) {
  const { findings } = analyzeFiles(files, settings);
  return fixAll(files, findings, settings, options);
}

describe('fixAll', () => {
  it('returns edits per file against the original text, and the text they give', () => {
    const files = [
      { fileName: 'issuer.yaml', text: ISSUER },
      { fileName: 'certs.yaml', text: CERT('team-a') },
    ];
    const r = run(files, { strategy: 'serviceaccount' });
    expect(r.notes).toEqual([]);
    expect(r.files.map((f) => [f.fileName, f.changed])).toEqual([['issuer.yaml', true], ['certs.yaml', false]]);
    const [fixed] = r.files;
    expect(applyEdits(ISSUER, fixed?.edits ?? [])).toBe(fixed?.text);
    expect(analyzeFiles([{ fileName: 'issuer.yaml', text: fixed?.text ?? '' }]).findings).toEqual([]);
  });

  it("'consumers' appends the ServiceAccount this fix sets to the issuer's file, for each namespace lacking it", () => {
    const files = [
      { fileName: 'issuer.yaml', text: ISSUER },
      { fileName: 'certs.yaml', text: [CERT('team-a'), CERT('team-b'), SA('team-a', 'harbor')].join('---\n') },
    ];
    const r = run(files, { strategy: 'serviceaccount', emitServiceAccounts: 'consumers' });
    const fixed = r.files.find((f) => f.fileName === 'issuer.yaml');
    // Only team-b lacks it; the pull secret is copied from the existing definition.
    expect(fixed?.text).toContain('  namespace: team-b\nimagePullSecrets:\n- name: harbor\n');
    expect(fixed?.text).not.toContain('namespace: team-a');
    expect(fixed?.edits.every((e) => e.offset <= ISSUER.length)).toBe(true);
    expect(applyEdits(ISSUER, fixed?.edits ?? [])).toBe(fixed?.text);
    expect(r.files.find((f) => f.fileName === 'certs.yaml')?.changed).toBe(false);
  });

  it("'consumers' says, as data, why an issuer gets no ServiceAccount", () => {
    const r = run([{ fileName: 'issuer.yaml', text: ISSUER }], { strategy: 'serviceaccount', emitServiceAccounts: 'consumers' });
    expect(r.notes.map((n) => [n.code, n.fileName])).toEqual([['no-consumers', 'issuer.yaml']]);
    const blocked = run([{ fileName: 'issuer.yaml', text: ISSUER }, { fileName: 'c.yaml', text: CERT('x') }], { strategy: 'serviceaccount', emitServiceAccounts: 'consumers', blocked: new Set(['issuer.yaml']) });
    expect(blocked.notes.map((n) => n.code)).toEqual(['file-has-errors']);
    expect(blocked.files.map((f) => f.fileName)).toEqual(['c.yaml']);
  });

  it("'findings' adds only what service-account-missing-in-namespace asks for, with the given pull secret", () => {
    const fixedIssuer = ISSUER.replace('class: contour\n', 'class: contour\n          podTemplate: {spec: {serviceAccountName: tap-acme-http01-solver}}\n');
    const text = [fixedIssuer, SA('team-a'), CERT('team-b')].join('---\n');
    const r = run([{ fileName: 'm.yaml', text }], { strategy: 'serviceaccount', emitServiceAccounts: 'findings', pullSecretName: 'reg' });
    const [file] = r.files;
    expect(file?.edits).toHaveLength(1);
    expect(file?.text.endsWith('  namespace: team-b\nimagePullSecrets:\n- name: reg\n')).toBe(true);
    expect(analyzeFiles([{ fileName: 'm.yaml', text: file?.text ?? '' }]).findings).toEqual([]);
  });

  it('leaves a file that does not parse unchanged and says why', () => {
    const r = run([{ fileName: 'bad.yaml', text: `${ISSUER}---\na: [\n` }], { strategy: 'serviceaccount' });
    const [file] = r.files;
    expect(file?.edits).toEqual([]);
    expect(file?.changed).toBe(false);
    expect(file?.failed?.code).toBe('fix-failed');
    expect(file?.failed?.message).toMatch(/nothing was changed/);
  });

  it('notes a finding the strategy cannot fix, with the finding, and fixes the rest', () => {
    const text = ISSUER + '    - http01:\n        ingress:\n          class: nginx\n';
    const settings = resolveSettings();
    const { findings } = analyzeFiles([{ fileName: 'two.yaml', text }], settings);
    expect(findings).toHaveLength(2);
    // A finding from an older text: its solver is no longer where it says.
    const stale = findings.map((f, i) => (i === 1 ? { ...f, docIndex: 3 } : f));
    const r = fixAll([{ fileName: 'two.yaml', text }], stale, settings, { strategy: 'serviceaccount' });
    const [file] = r.files;
    expect(file?.notes.map((n) => [n.code, n.finding?.rule])).toEqual([['not-fixed', 'http01-solver-missing-service-account']]);
    expect(file?.changed).toBe(true);
  });

  it('fails a dns01 fix that has no dns01 block', () => {
    const r = run([{ fileName: 'i.yaml', text: ISSUER }], { strategy: 'dns01' });
    expect(r.files[0]?.failed?.code).toBe('fix-failed');
    expect(r.files[0]?.failed?.message).toMatch(/dns01 block/);
  });

  it('gives pull secrets in the same run to a ServiceAccount that the fix makes the solver\'s, so a second run changes nothing', () => {
    // Found by the fix fuzz target: the empty imagePullSecrets only matter once the issuer names this ServiceAccount.
    const text = `${ISSUER}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-a\nimagePullSecrets: []\n---\n${CERT('team-a')}`;
    const files = [{ fileName: 'all.yaml', text }];
    const first = run(files, { strategy: 'serviceaccount' });
    const fixed = first.files[0]?.text ?? '';
    expect(fixed).toContain('serviceAccountName: tap-acme-http01-solver');
    expect(fixed).toContain('imagePullSecrets: [{name: registry-credentials}]');
    expect(analyzeFiles([{ fileName: 'all.yaml', text: fixed }]).findings).toEqual([]);
    expect(run([{ fileName: 'all.yaml', text: fixed }], { strategy: 'serviceaccount' }).files[0]?.changed).toBe(false);
  });
});
