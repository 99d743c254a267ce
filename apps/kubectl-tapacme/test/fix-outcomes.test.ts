// What file fix exits with, what it replaces, and how --write treats files it must not simply replace.
import { chmod, link, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, scratch } from './helpers/cli.js';
import { writeFileUnder } from './helpers/files.js';
import { brokenYaml, issuerFixed, issuerMissingSa } from './helpers/manifests.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

const put = (name: string, text: string): Promise<string> => writeFileUnder(dir, name, text);

/** issuerMissingSa with text added under its ingress mapping. */
const withIngress = (tail: string): string => `${issuerMissingSa}${tail}`;
const route53 = ['--route53-region', 'eu-west-1'];

describe('fix exit codes: 0 fixed or nothing to fix, 1 a finding left unfixed, 2 an input error (2 wins)', () => {
  const unfixable: [string, string, string[], string][] = [
    ['serviceAccountName: 42', withIngress('            podTemplate:\n              spec:\n                serviceAccountName: 42\n'), [], 'podTemplate.spec.serviceAccountName is already set to the value 42, which this fix does not replace; set it by hand to a ServiceAccount name'],
    ['serviceAccountName: [a, b]', withIngress('            podTemplate:\n              spec:\n                serviceAccountName: [a, b]\n'), [], 'podTemplate.spec.serviceAccountName is already set to a sequence, which this fix does not replace'],
    ['podTemplate: "str"', withIngress('            podTemplate: "str"\n'), [], 'podTemplate is the string "str", not a mapping; make it a mapping (or remove it) and run again'],
    ['spec: []', withIngress('            podTemplate:\n              spec: []\n'), [], 'podTemplate.spec is a sequence, not a mapping'],
    [
      'a DNS01 conversion whose anchor is used elsewhere',
      `${issuerMissingSa.replace('ingressClassName: contour', 'ingressClassName: &cls contour')}      - dns01:\n          route53: {region: *cls}\n`,
      route53,
      'anchor &cls in this http01 entry is still used by *cls at line 15; convert that use too, or move the anchor, then run again',
    ],
    [
      'a DNS01 conversion of a solver that has dns01 already',
      issuerMissingSa.replace('      - http01:\n', '      - dns01:\n          route53: {region: eu-west-1}\n        http01:\n'),
      route53,
      'this solver already has a dns01 entry beside http01 (cert-manager rejects that); remove one of them by hand',
    ],
  ];
  for (const [name, text, flags, reason] of unfixable) {
    it(`${name}: exit 1 with the reason, nothing written`, async () => {
      const p = await put('issuer.yaml', text);
      const r = await run(['fix', '--write', ...flags, 'issuer.yaml'], { cwd: dir });
      expect(r.stderr).toContain(reason);
      expect(r.stderr).toMatch(/issuer\.yaml:\d+:\d+ {2}warning {2}not-fixed {2}/);
      expect(r.stderr).toContain('1 file could not be fixed (the reasons are above)');
      expect(r.code).toBe(1);
      expect(await readFile(p, 'utf8')).toBe(text);
      const check = await run(['check', 'issuer.yaml'], { cwd: dir });
      expect(check.code).not.toBe(0);
    });
  }

  it('fixes what it can in a file with one unfixable solver, and still exits 1', async () => {
    const text = `${issuerMissingSa}      - http01:\n          ingress:\n            podTemplate: "str"\n`;
    const p = await put('issuer.yaml', text);
    const r = await run(['fix', '--write', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fixed 1 file; 1 file could not be fixed (the reasons are above)');
    expect(await readFile(p, 'utf8')).toContain('serviceAccountName: tap-acme-http01-solver');
  });

  it('an input error wins over an unfixed finding', async () => {
    await put('str.yaml', withIngress('            podTemplate: "str"\n'));
    await put('broken.yaml', brokenYaml);
    const r = await run(['fix', '--write', 'str.yaml', 'broken.yaml'], { cwd: dir });
    expect(r.stderr).toContain('1 file could not be fixed');
    expect(r.stderr).toContain('1 file could not be processed');
    expect(r.code).toBe(2);
  });

  it('0 when everything was fixed or nothing needed it', async () => {
    await put('a.yaml', issuerMissingSa);
    await put('b.yaml', issuerFixed);
    const r = await run(['fix', '--write', 'a.yaml', 'b.yaml'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: 'fixed 1 file; 1 file had nothing to fix\n' });
  });
});

describe('fix replaces a null where the name goes, through the CLI', () => {
  for (const value of ['~', 'null', 'Null', '!!null', '{spec: null}', '{spec: ~}', '{spec: }']) {
    it(`podTemplate: ${value}`, async () => {
      await put('issuer.yaml', withIngress(`            podTemplate: ${value}\n`));
      const r = await run(['fix', '--write', 'issuer.yaml'], { cwd: dir });
      expect(r).toMatchObject({ code: 0, stderr: 'fixed 1 file\n' });
      const check = await run(['check', 'issuer.yaml'], { cwd: dir });
      expect(check.code).toBe(0);
      expect(await readFile(join(dir, 'issuer.yaml'), 'utf8')).not.toContain('null');
    });
  }
});

describe('fix --write and --force', () => {
  it('refuses a read-only file with the reason; --force replaces it and keeps the mode', async () => {
    const p = await put('issuer.yaml', issuerMissingSa);
    await chmod(p, 0o444);
    const r = await run(['fix', '--write', 'issuer.yaml'], { cwd: dir });
    expect(r.stderr).toContain('issuer.yaml  error  not-written  the file is read-only (mode 0444); make it writable, or add --force to replace it (the mode is kept)\n');
    expect(r.code).toBe(1);
    expect(await readFile(p, 'utf8')).toBe(issuerMissingSa);
    const forced = await run(['fix', '--write', '--force', 'issuer.yaml'], { cwd: dir });
    expect(forced.stderr).toBe('issuer.yaml  note  write  it was read-only (mode 0444); replaced with --force, mode kept\nfixed 1 file\n');
    expect(forced.code).toBe(0);
    expect(await readFile(p, 'utf8')).toBe(issuerFixed);
    expect((await stat(p)).mode & 0o777).toBe(0o444);
  });

  it('refuses a hard-linked file with the reason; --force says the links were split', async () => {
    const p = await put('issuer.yaml', issuerMissingSa);
    await link(p, join(dir, 'copy.yaml'));
    const r = await run(['fix', '--write', 'issuer.yaml'], { cwd: dir });
    expect(r.stderr).toContain('issuer.yaml  error  not-written  the file has 1 other hard link; replacing it would split them');
    expect(r.code).toBe(1);
    expect(await readFile(p, 'utf8')).toBe(issuerMissingSa);
    const forced = await run(['fix', '--write', '--force', 'issuer.yaml'], { cwd: dir });
    expect(forced.stderr).toContain('issuer.yaml  note  write  the links were split: its 1 other hard link still holds the old text\n');
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'copy.yaml'), 'utf8')).toBe(issuerMissingSa);
  });

  it('--force on files needs --write', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const r = await run(['fix', '--force', 'issuer.yaml'], { cwd: dir });
    expect(r.stderr).toContain('--force on files goes with --write');
    expect(r.code).toBe(2);
  });

  it('8 processes fixing one file at once: exactly one wins and its edit stays (2 rounds)', async () => {
    const p = join(dir, 'issuer.yaml');
    for (let round = 0; round < 2; round++) {
      await writeFile(p, issuerMissingSa);
      const results = await Promise.all(Array.from({ length: 8 }, (_, w) => run(['fix', '--write', '--service-account', `writer-${w}`, 'issuer.yaml'], { cwd: dir })));
      const winners = results.flatMap((r, w) => (r.code === 0 && r.stderr === 'fixed 1 file\n' ? [w] : []));
      expect(winners).toHaveLength(1);
      expect(await readFile(p, 'utf8')).toBe(issuerFixed.replace('tap-acme-http01-solver', `writer-${winners[0]}`));
      for (const r of results) {
        // The others read the fixed file (nothing to fix) or found it changed under them.
        if (r.stderr === 'fixed 1 file\n') continue;
        expect(r.stderr).toMatch(/had nothing to fix|changed while it was being fixed/);
      }
      expect((await readdir(dir)).sort()).toEqual(['issuer.yaml']);
    }
  }, 180_000);
});
