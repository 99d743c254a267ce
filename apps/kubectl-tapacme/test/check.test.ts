import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { examplesDir, run, scratch } from './helpers/cli.js';
import { writeFileUnder } from './helpers/files.js';
import { brokenYaml, certificateIn, helmTemplate, issuerFixed, issuerMissingSa, legacyIssuerWithSa, serviceAccountIn } from './helpers/manifests.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

const put = (name: string, text: string | Buffer): Promise<string> => writeFileUnder(dir, name, text);

interface JsonOut {
  findings: Record<string, unknown>[];
  errors: { file: string; line: number | null; message: string }[];
}

describe('check: text output and exit codes', () => {
  it('reports a finding as file:line:col  severity  rule  message, with a summary on stderr, exit 1', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const r = await run(['check', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^issuer\.yaml:11:9 {2}error {2}http01-solver-missing-service-account {2}ClusterIssuer letsencrypt: .+\n$/);
    expect(r.stderr).toBe('1 error, 0 warnings in 1 file\n');
  });

  it('exits 0 and prints no findings when nothing is wrong', async () => {
    await put('issuer.yaml', issuerFixed);
    const r = await run(['check', 'issuer.yaml'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '0 errors, 0 warnings in 1 file\n' });
  });

  it('--fail-on decides which severity fails the run', async () => {
    await put('legacy.yaml', legacyIssuerWithSa);
    const byDefault = await run(['check', 'legacy.yaml'], { cwd: dir });
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toContain('warning  legacy-api-version');
    expect((await run(['check', '--fail-on', 'warning', 'legacy.yaml'], { cwd: dir })).code).toBe(1);
    await put('issuer.yaml', issuerMissingSa);
    expect((await run(['check', '--fail-on=none', 'legacy.yaml', 'issuer.yaml'], { cwd: dir })).code).toBe(0);
    expect((await run(['check', '--fail-on', 'error', 'legacy.yaml', 'issuer.yaml'], { cwd: dir })).code).toBe(1);
  });

  it('reads stdin for -, alone or with files, as <stdin>', async () => {
    await put('fixed.yaml', issuerFixed);
    const r = await run(['check', '-', 'fixed.yaml'], { cwd: dir, stdin: issuerMissingSa });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<stdin>:11:9 {2}error/);
    expect(r.stderr).toContain('in 2 files');
    const viaFlag = await run(['check', '-f', '-', '-o', 'json'], { cwd: dir, stdin: issuerMissingSa });
    expect((JSON.parse(viaFlag.stdout) as JsonOut).findings[0]?.['file']).toBe('<stdin>');
  });

  it('reads a directory\'s .yaml, .yml and .json files, and subdirectories only with -R', async () => {
    await put('a.yaml', issuerMissingSa);
    await put('b.yml', issuerMissingSa.replace('name: letsencrypt', 'name: b'));
    await put('c.json', JSON.stringify({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'c' }, spec: { acme: { server: 's', privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: {} } }] } } }));
    await put('notes.txt', helmTemplate);
    await put('sub/d.yaml', issuerMissingSa.replace('name: letsencrypt', 'name: d'));
    const flat = await run(['check', '.', '-o', 'json'], { cwd: dir });
    const files = (JSON.parse(flat.stdout) as JsonOut).findings.map((f) => f['file']);
    expect(files).toEqual(['a.yaml', 'b.yml', 'c.json']);
    expect(flat.code).toBe(1);
    const deep = await run(['check', '-R', '-f', '.', '-o', 'json'], { cwd: dir });
    expect((JSON.parse(deep.stdout) as JsonOut).findings.map((f) => f['file'])).toEqual(['a.yaml', 'b.yml', 'c.json', join('sub', 'd.yaml')]);
  });

  it('analyses all files together: a ServiceAccount in one file, Certificates in others', async () => {
    await put('issuer.yaml', issuerFixed);
    await put('sa.yaml', serviceAccountIn('team-a'));
    await put('certs.yaml', `${certificateIn('team-a')}---\n${certificateIn('team-b')}`);
    const r = await run(['check', '-f', 'issuer.yaml,sa.yaml', '-f', 'certs.yaml', '-o', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ rule: 'service-account-missing-in-namespace', file: 'certs.yaml', namespace: 'team-b', kind: 'Certificate' });
    expect(r.code).toBe(1);
    // Checked one at a time, the cross-file rule has nothing to compare.
    expect((await run(['check', 'certs.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('checks the bundled examples: three errors, exit 1', async () => {
    const r = await run(['check', examplesDir, '-o', 'json']);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(r.code).toBe(1);
    expect(out.findings.map((f) => f['rule']).sort()).toEqual(['http01-solver-missing-service-account', 'http01-solver-missing-service-account', 'service-account-missing-in-namespace']);
    expect(out.errors).toEqual([]);
  });
});

describe('check: -o json', () => {
  it('prints findings with exactly the contract fields, 1-based positions', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const r = await run(['check', '-o', 'json', 'issuer.yaml'], { cwd: dir });
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(Object.keys(out)).toEqual(['findings', 'errors']);
    expect(out.findings).toEqual([
      {
        rule: 'http01-solver-missing-service-account',
        severity: 'error',
        message: expect.stringContaining('ClusterIssuer letsencrypt') as unknown,
        file: 'issuer.yaml',
        line: 11,
        column: 9,
        endLine: 11,
        endColumn: 15,
        kind: 'ClusterIssuer',
        name: 'letsencrypt',
        namespace: null,
      },
    ]);
    // "http01" starts at line 11, column 9 and ends before column 15.
    expect(issuerMissingSa.split('\n')[10]?.slice(8, 14)).toBe('http01');
  });

  it('counts columns without a BOM and reports namespaced objects', async () => {
    await put('bom.yaml', `\ufeff${issuerMissingSa.replace('kind: ClusterIssuer', 'kind: Issuer').replace('  name: letsencrypt', '  name: letsencrypt\n  namespace: team-a')}`);
    const out = JSON.parse((await run(['check', '-ojson', 'bom.yaml'], { cwd: dir })).stdout) as JsonOut;
    expect(out.findings[0]).toMatchObject({ line: 12, column: 9, namespace: 'team-a', kind: 'Issuer' });
  });
});

describe('check: broken input', () => {
  it('reports unparsable YAML and templates with file and line, still checks the other files, exit 2', async () => {
    await put('good.yaml', issuerMissingSa);
    await put('broken.yaml', brokenYaml);
    await put('chart.yaml', helmTemplate);
    const r = await run(['check', 'good.yaml', 'broken.yaml', 'chart.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('good.yaml:11:9  error  http01-solver-missing-service-account');
    expect(r.stderr).toMatch(/^broken\.yaml:\d+(:\d+)? {2}error {2}syntax {2}YAML syntax error: .+fix the YAML/m);
    expect(r.stderr).toMatch(/^chart\.yaml:4:\d+ {2}error {2}template {2}.*render it first/m);
    expect(r.stderr).toContain('1 error, 0 warnings in 3 files; 2 inputs could not be processed');
    const json = JSON.parse((await run(['check', '-o', 'json', 'good.yaml', 'broken.yaml', 'chart.yaml'], { cwd: dir })).stdout) as JsonOut;
    expect(json.findings).toHaveLength(1);
    expect(new Set(json.errors.map((e) => e.file))).toEqual(new Set(['broken.yaml', 'chart.yaml']));
    for (const e of json.errors.filter((x) => x.file === 'broken.yaml')) expect(e.line).toBeGreaterThanOrEqual(6);
    expect(json.errors.filter((e) => e.file === 'chart.yaml')).toEqual([{ file: 'chart.yaml', line: 4, column: expect.any(Number) as unknown, code: 'template', message: expect.stringContaining('Helm') as unknown }]);
  });

  it('reports a document that parses but cannot become a value (an alias bomb) as a conversion error, exit 2', async () => {
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    await put('bomb.yaml', `${issuerFixed}---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: bomb}\n${levels.join('\n')}\n`);
    const r = await run(['check', 'bomb.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bomb\.yaml:\d+(:\d+)? {2}error {2}conversion {2}cannot read this YAML document: .*alias/m);
  });

  it('reports missing files, dangling symlinks and non-UTF-8 files as read errors', async () => {
    await put('good.yaml', issuerFixed);
    await symlink(join(dir, 'gone.yaml'), join(dir, 'link.yaml'));
    await put('binary.yaml', Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    const r = await run(['check', 'good.yaml', 'missing.yaml', 'link.yaml', 'binary.yaml', '-o', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.errors).toEqual([
      { file: 'missing.yaml', line: null, column: null, code: 'read', message: 'no such file or directory; check the path' },
      { file: 'link.yaml', line: null, column: null, code: 'read', message: 'no such file or directory; check the path' },
      { file: 'binary.yaml', line: 1, column: 7, code: 'read', message: expect.stringContaining('not UTF-8: byte 0xFF at line 1, column 7') as unknown },
    ]);
    expect(r.stderr).toMatch(/^missing\.yaml {2}error {2}read {2}no such file/m);
  });

  it.skipIf(process.getuid?.() === 0)('reports a file it may not read', async () => {
    const p = await put('secret.yaml', issuerMissingSa);
    await chmod(p, 0o000);
    const r = await run(['check', 'secret.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("secret.yaml  error  read  permission denied; check the file's permissions");
  });

  it('says so when a directory has no manifests, and suggests -R when it has subdirectories', async () => {
    await put('only/sub/x.yaml', issuerFixed);
    const r = await run(['check', 'only'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('only  error  read  no .yaml, .yml or .json files in this directory (add -R to include its subdirectories)');
  });

  it('rejects bad flag values with the flag named and exit 2', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const cases: [string[], RegExp][] = [
      [['check', '-o', 'xml', 'issuer.yaml'], /error: -o\/--output must be one of text, json, sarif, got "xml"/],
      [['check', '--fail-on', 'sometimes', 'issuer.yaml'], /error: --fail-on must be one of error, warning, none, got "sometimes"/],
      [['check', '--frobnicate', 'issuer.yaml'], /error: unknown flag or argument: frobnicate/],
      [['check', 'issuer.yaml', '-o'], /error: flag needs a value: -o/],
      [['check'], /error: give the files or directories to check, or - to read stdin/],
      [['chekc', 'issuer.yaml'], /error: unknown command "chekc" for "kubectl tapacme"; did you mean "check"\?/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toMatch(/See 'kubectl tapacme( \w+)? --help'\./);
      expect(r.stdout).toBe('');
    }
  });
});
