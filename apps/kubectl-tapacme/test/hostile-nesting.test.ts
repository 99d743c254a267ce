// YAML nested past the reader's limit: the file is refused with a named error at file:line:col, and
// every other file is still checked and fixed, in every output format. No stack trace, ever.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, scratch } from './helpers/cli.js';
import { writeFileUnder } from './helpers/files.js';
import { issuerFixed, issuerMissingSa } from './helpers/manifests.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

const put = async (name: string, text: string): Promise<void> => {
  await writeFileUnder(dir, name, text);
};

const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n';
// Each hostile text starts at line 6, after a ServiceAccount and a `---` line; the nesting passes the limit further on.
const hostile: [string, string, RegExp][] = [
  ['a block mapping 4,000 levels deep', Array.from({ length: 4000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + '\n', /^deep\.yaml:\d{3}:\d+ /m],
  ['flow sequences 100,000 deep', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /^deep\.yaml:6:\d+ /m],
  ['unclosed flow mappings 100,000 deep', `a: ${'{a: '.repeat(100_000)}\n`, /^deep\.yaml:6:\d+ /m],
  ['block sequences 100,000 deep on one line', `${'- '.repeat(100_000)}x\n`, /^deep\.yaml:6:\d+ /m],
];

interface JsonOut {
  findings: { file: string; rule: string }[];
  errors: { file: string; line: number | null; column: number | null; code: string; message: string }[];
}

describe.each(hostile)('%s', (_name, deep, position) => {
  it('check names the file, line and column with the nesting error, and checks the other file, exit 2', async () => {
    await put('deep.yaml', `${sa}---\n${deep}`);
    await put('issuer.yaml', issuerMissingSa);
    const r = await run(['check', 'deep.yaml', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(position);
    expect(r.stderr).toMatch(/^deep\.yaml:\d+:\d+ {2}error {2}nesting {2}YAML nested more than 256 levels deep; no manifest needs that many: check what generated this file$/m);
    expect(r.stdout).toMatch(/^issuer\.yaml:11:9 {2}error {2}http01-solver-missing-service-account/m);
    expect(r.stderr).toContain('in 2 files; 1 input could not be processed');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/internal error|RangeError|\n\s+at /);
  });

  it('check -o json prints the report, with the error and its code', async () => {
    await put('deep.yaml', `${sa}---\n${deep}`);
    await put('issuer.yaml', issuerMissingSa);
    const r = await run(['check', '-o', 'json', 'deep.yaml', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.findings.map((f) => [f.file, f.rule])).toEqual([['issuer.yaml', 'http01-solver-missing-service-account']]);
    expect(out.errors).toEqual([{ file: 'deep.yaml', line: expect.any(Number) as unknown, column: expect.any(Number) as unknown, code: 'nesting', message: expect.stringContaining('nested more than 256 levels deep') as unknown }]);
    expect(out.errors[0]?.line).toBeGreaterThanOrEqual(6);
  });

  it('fix --write fixes the other file and leaves the deep one byte for byte, exit 2', async () => {
    await put('deep.yaml', `${sa}---\n${deep}`);
    await put('issuer.yaml', issuerMissingSa);
    const r = await run(['fix', '--write', 'deep.yaml', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^deep\.yaml:\d+:\d+ {2}error {2}nesting {2}/m);
    expect(r.stderr).not.toMatch(/internal error|RangeError|\n\s+at /);
    expect(await readFile(join(dir, 'issuer.yaml'), 'utf8')).toBe(issuerFixed);
    expect(await readFile(join(dir, 'deep.yaml'), 'utf8')).toBe(`${sa}---\n${deep}`);
  });
});
