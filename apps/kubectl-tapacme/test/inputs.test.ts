// How check and fix read what they are given: trees, symlinks, pipes, devices, sizes and encodings.
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliCommand, run, scratch } from './helpers/cli.js';
import { snapshot, writeFileUnder } from './helpers/files.js';
import { issuerFixed, issuerMissingSa } from './helpers/manifests.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

const put = (name: string, text: string | Buffer): Promise<string> => writeFileUnder(dir, name, text);

/** The CLI in a shell, for pipes and process substitution. */
const shell = (script: string): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const cli = cliCommand().map((a) => `'${a}'`).join(' ');
  return run([], { cwd: dir, command: ['bash', '-c', script.replace(/\bCLI\b/g, cli)] });
};

describe('-R and symlinks', () => {
  beforeEach(async () => {
    await put('repo/a.yaml', issuerMissingSa);
    await put('outside/b.yaml', issuerMissingSa);
    await put('outside/deep/c.yaml', issuerMissingSa);
    await symlink(join(dir, 'outside'), join(dir, 'repo', 'linked-dir'));
    await symlink(join(dir, 'outside', 'b.yaml'), join(dir, 'repo', 'linked-file.yaml'));
    await symlink('..', join(dir, 'repo', 'loop'));
  });

  it('check -R does not descend into symlinked directories, reads symlinked files, and cannot loop', async () => {
    const r = await run(['check', '-R', 'repo', '-o', 'json'], { cwd: dir });
    const files = (JSON.parse(r.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
    expect(files).toEqual(['repo/a.yaml', 'repo/linked-file.yaml']);
    expect(r.stderr).toBe('2 errors, 0 warnings in 2 files\n');
    expect(r.code).toBe(1);
  });

  it('fix --write -R never writes outside the trees named, and says why', async () => {
    const outsideBefore = await snapshot(join(dir, 'outside'));
    const r = await run(['fix', '--write', '-R', 'repo'], { cwd: dir });
    expect(r.stderr).toContain(`repo/linked-file.yaml  error  not-written  it is a symlink to ${join(dir, 'outside', 'b.yaml')}, outside the files and directories named on the command line; name that file to fix it\n`);
    expect(r.stderr).toContain('fixed 1 file; 1 file could not be fixed (the reasons are above)\n');
    expect(r.code).toBe(1);
    expect(await readFile(join(dir, 'repo', 'a.yaml'), 'utf8')).toBe(issuerFixed);
    expect(await snapshot(join(dir, 'outside'))).toEqual(outsideBefore);
  });

  it('writes a symlinked file whose target is inside a tree named, or that is named itself', async () => {
    const r = await run(['fix', '--write', '-R', 'repo', 'outside/b.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'outside', 'b.yaml'), 'utf8')).toBe(issuerFixed);
    expect(await readFile(join(dir, 'outside', 'deep', 'c.yaml'), 'utf8')).toBe(issuerMissingSa);
  });

  it('check -R /proc/self stays in /proc/self', async () => {
    const r = await run(['check', '-R', '/proc/self'], { cwd: dir });
    expect(r.stderr).toBe('/proc/self  error  read  no .yaml, .yml or .json files in this directory\n0 errors, 0 warnings in 0 files; 1 input could not be processed\n');
    expect(r.code).toBe(2);
  }, 20_000);
});

describe('pipes and devices, read as kubectl -f reads them', () => {
  it('check <(cmd) and cmd | check /dev/stdin', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const sub = await shell('CLI check <(cat issuer.yaml)');
    expect(sub.code).toBe(1);
    expect(sub.stdout).toMatch(/^\/dev\/fd\/\d+:11:9 {2}error {2}http01-solver-missing-service-account/);
    const devStdin = await shell('cat issuer.yaml | CLI check /dev/stdin');
    expect(devStdin.code).toBe(1);
    expect(devStdin.stdout).toMatch(/^\/dev\/stdin:11:9 {2}error/);
  });

  it('fix prints a pipe fixed, and --write says a pipe cannot be written back', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const printed = await shell('CLI fix <(cat issuer.yaml)');
    expect(printed).toMatchObject({ code: 0, stdout: issuerFixed });
    const written = await shell('CLI fix --write <(cat issuer.yaml)');
    expect(written.stderr).toMatch(/^\/dev\/fd\/\d+ {2}error {2}not-written {2}a pipe, not a file: there is nothing to write back to \(leave out --write to print the fixed text\)$/m);
    expect(written.code).toBe(1);
    expect(await readFile(join(dir, 'issuer.yaml'), 'utf8')).toBe(issuerMissingSa);
  });

  it('empty stdin fails as kubectl does', async () => {
    for (const cmd of ['check', 'fix']) {
      const r = await run([cmd, '-'], { cwd: dir, stdin: '' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('<stdin>  error  read  no input: the stream is empty (did the command that feeds it fail?); no manifests were checked\n');
    }
    expect((await run(['check', '-'], { cwd: dir, stdin: '\n  \n' })).code).toBe(2);
  });
});

describe('size limit', () => {
  it('refuses a file over --max-input-size, and the flag raises it', async () => {
    await put('big.yaml', `${issuerFixed}# ${'x'.repeat(4096)}\n`);
    const r = await run(['check', '--max-input-size', '2Ki', 'big.yaml'], { cwd: dir });
    expect(r.stderr).toContain('big.yaml  error  read  larger than 2 KiB, the size limit; reading stopped there. Raise the limit with --max-input-size (e.g. --max-input-size=1Mi) if it really holds manifests\n');
    expect(r.code).toBe(2);
    expect((await run(['check', '--max-input-size=8Ki', 'big.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('stops reading an endless stdin or device at the limit', async () => {
    const endless = await shell('yes "a: b" | CLI check - --max-input-size 1Mi');
    expect(endless.stderr).toContain('<stdin>  error  read  larger than 1 MiB, the size limit; reading stopped there.');
    expect(endless.code).toBe(2);
    const zero = await run(['check', '/dev/zero'], { cwd: dir });
    expect(zero.stderr).toContain('/dev/zero:1:1  error  read  not text: a NUL byte at line 1, column 1');
    const random = await run(['check', '/dev/urandom'], { cwd: dir });
    expect(random.stderr).toMatch(/\/dev\/urandom:\d+:\d+ {2}error {2}read {2}not (text|UTF-8)/);
    expect(random.code).toBe(2);
  }, 30_000);

  it('rejects a size it cannot read or parse', async () => {
    const r = await run(['check', '--max-input-size', '2Gi', '-'], { cwd: dir, stdin: issuerFixed });
    expect(r.stderr).toContain('--max-input-size can be at most 500 MiB');
    expect(r.code).toBe(2);
    expect((await run(['check', '--max-input-size', 'lots', '-'], { cwd: dir, stdin: issuerFixed })).stderr).toContain('--max-input-size takes a size such as 256Mi, 1Gi or 500M, got "lots"');
  });
});

describe('encodings: named, with the line', () => {
  const utf16 = (s: string, be: boolean): Buffer => {
    const b = Buffer.from(s, 'utf16le');
    return be ? b.swap16() : b;
  };

  it('UTF-16 without a byte order mark, little and big endian', async () => {
    await put('le.yaml', utf16(issuerMissingSa, false));
    await put('be.yaml', utf16(issuerMissingSa, true));
    const r = await run(['check', 'le.yaml', 'be.yaml'], { cwd: dir });
    expect(r.stderr).toContain('le.yaml:1:1  error  read  UTF-16 LE text without a byte order mark (every other byte is zero); convert it to UTF-8, e.g. iconv -f UTF-16LE -t UTF-8\n');
    expect(r.stderr).toContain('be.yaml:1:1  error  read  UTF-16 BE text without a byte order mark (every other byte is zero); convert it to UTF-8, e.g. iconv -f UTF-16BE -t UTF-8\n');
    expect(r.stderr).toContain('0 errors, 0 warnings in 0 files; 2 inputs could not be processed\n');
    expect(r.code).toBe(2);
  });

  it('UTF-16 with a byte order mark', async () => {
    await put('bom.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(issuerMissingSa, false)]));
    const r = await run(['check', 'bom.yaml'], { cwd: dir });
    expect(r.stderr).toContain('bom.yaml:1:1  error  read  UTF-16 LE text (it starts with a byte order mark); convert it to UTF-8');
  });

  it('one Latin-1 byte deep in a file: the line and column', async () => {
    const lines = Array.from({ length: 430 }, (_, i) => `# line ${i + 1}`);
    lines[425] = '# caf\u00e9 au lait';
    const bytes = Buffer.from(`${issuerFixed}${lines.slice(issuerFixed.split('\n').length - 1).join('\n')}\n`, 'latin1');
    const p = await put('latin1.yaml', bytes);
    const r = await run(['fix', '--write', 'latin1.yaml'], { cwd: dir });
    expect(r.stderr).toContain('latin1.yaml:426:6  error  read  not UTF-8: byte 0xE9 at line 426, column 6 (Latin-1 or Windows-1252 text?); convert it to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8\n');
    expect(r.code).toBe(2);
    expect(await readFile(p)).toEqual(bytes);
  });

  it('a double byte order mark', async () => {
    const p = await put('double.yaml', `\ufeff\ufeff${issuerMissingSa}`);
    const r = await run(['fix', '--write', 'double.yaml'], { cwd: dir });
    expect(r.stderr).toContain('double.yaml:1:1  error  read  two byte order marks at the start of the file; remove the second one');
    expect(r.code).toBe(2);
    expect(await readFile(p, 'utf8')).toBe(`\ufeff\ufeff${issuerMissingSa}`);
  });
});

describe('what is counted, and flags given the wrong thing', () => {
  it('inputs that could not be read are not counted in "in N files"', async () => {
    await put('good.yaml', issuerFixed);
    await symlink('loop-b.yaml', join(dir, 'loop-a.yaml'));
    await symlink('loop-a.yaml', join(dir, 'loop-b.yaml'));
    const r = await run(['check', 'good.yaml', 'missing.yaml', 'loop-a.yaml'], { cwd: dir });
    expect(r.stderr).toContain('loop-a.yaml  error  read  too many levels of symbolic links\n');
    expect(r.stderr).toMatch(/0 errors, 0 warnings in 1 file; 2 inputs could not be processed\n$/);
  });

  it('a URL as a path says to download it', async () => {
    const r = await run(['check', 'https://example.com/issuer.yaml'], { cwd: dir });
    expect(r.stderr).toContain('https://example.com/issuer.yaml  error  read  is a URL: tapacme reads local files only; download it first, e.g. curl -fsSL URL | kubectl tapacme check -\n');
  });

  it('--dns01-solver given a directory or a URL', async () => {
    const p = await put('issuer.yaml', issuerMissingSa);
    await mkdir(join(dir, 'solvers'));
    const asDir = await run(['fix', '--write', '--dns01-solver', 'solvers', 'issuer.yaml'], { cwd: dir });
    expect(asDir.stderr).toContain('solvers  error  dns01-solver  is a directory: --dns01-solver takes a YAML file with the dns01 block\'s content');
    expect(asDir.code).toBe(2);
    const asUrl = await run(['fix', '--write', '--dns01-solver', 'https://example.com/dns01.yaml', 'issuer.yaml'], { cwd: dir });
    expect(asUrl.stderr).toContain('https://example.com/dns01.yaml  error  dns01-solver  is a URL: --dns01-solver reads a local file; download it first');
    expect(asUrl.code).toBe(2);
    expect(await readFile(p, 'utf8')).toBe(issuerMissingSa);
  });
});
