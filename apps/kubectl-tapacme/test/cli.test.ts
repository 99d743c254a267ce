import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appDir, cliCommand, run, scratch } from './helpers/cli.js';
import { issuerMissingSa } from './helpers/manifests.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

const pkg = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as { version: string };

/** The CLI invoked through a symlink called `name` (the program name it must show). */
async function invokedAs(name: string): Promise<string[]> {
  const cmd = cliCommand();
  const target = cmd[cmd.length - 1] ?? '';
  const link = join(dir, name);
  await symlink(target, link);
  return [...cmd.slice(0, -1), link];
}

describe('version', () => {
  it('--version and version print the version from package.json', async () => {
    for (const args of [['--version'], ['version']]) {
      const r = await run(args);
      expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });

  it('version -o json adds Node.js and the platform', async () => {
    for (const args of [['version', '-o', 'json'], ['version', '-ojson'], ['version', '--output=json']]) {
      const r = await run(args);
      expect(JSON.parse(r.stdout)).toEqual({ version: pkg.version, node: expect.stringMatching(/^v\d+\./) as unknown, platform: process.env['TAPACME_CLI_PLATFORM'] ?? `${process.platform}/${process.arch}` });
    }
  });
});

describe('help', () => {
  it('says `kubectl tapacme` when invoked as kubectl-tapacme', async () => {
    const r = await run(['--help'], { command: await invokedAs('kubectl-tapacme') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubectl tapacme <command> [flags]');
    for (const cmd of ['check', 'fix', 'completion', 'version']) expect(r.stdout).toContain(`kubectl tapacme ${cmd}`);
    expect(r.stdout).not.toContain('__complete');
  });

  it('uses the plain name when invoked under another name', async () => {
    const r = await run(['check', '--help'], { command: await invokedAs('tapacme') });
    expect(r.stdout).toContain('tapacme check [PATH|-]...');
    expect(r.stdout).not.toContain('kubectl tapacme');
    expect(r.stdout).toMatch(/-o, --output +output format \(text\|json\|sarif\)/);
  });

  it('prints help with no arguments, and per command', async () => {
    const none = await run([]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('Commands:');
    const fix = await run(['fix', '--help']);
    expect(fix.stdout).toContain('--emit-service-account');
    expect(fix.stdout).toContain('--route53-region');
    expect(fix.stdout).toContain('--cloudflare-api-token-secret-ref');
    expect(fix.stdout).toContain('DNS01 AWS Route53 (--dns01-provider route53):');
  });
});

describe('colour', () => {
  const hasAnsi = (s: string): boolean => s.includes('\u001b[');
  const scriptCmd = existsSync('/usr/bin/script') ? '/usr/bin/script' : undefined;

  it('is off when output is not a terminal, on with FORCE_COLOR', async () => {
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'i.yaml'), issuerMissingSa));
    const piped = await run(['check', 'i.yaml'], { cwd: dir });
    expect(hasAnsi(piped.stdout + piped.stderr)).toBe(false);
    const forced = await run(['check', 'i.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(forced.stdout)).toBe(true);
    expect(forced.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(piped.stdout);
  });

  it.skipIf(!scriptCmd)('is on in a terminal, and NO_COLOR or TERM=dumb turn it off', async () => {
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'i.yaml'), issuerMissingSa));
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const line = [...cliCommand(), 'check', 'i.yaml'].map(quote).join(' ');
    const inTty = (env: Record<string, string>): string => {
      const e: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', ...env };
      delete e['FORCE_COLOR'];
      if (!('NO_COLOR' in env)) delete e['NO_COLOR'];
      const r = spawnSync(scriptCmd ?? 'script', ['-qec', line, '/dev/null'], { cwd: dir, env: e, encoding: 'utf8' });
      return r.stdout;
    };
    const tty = inTty({});
    expect(tty).toContain('http01-solver-missing-service-account');
    expect(hasAnsi(tty)).toBe(true);
    const noColor = inTty({ NO_COLOR: '1' });
    expect(noColor).toContain('http01-solver-missing-service-account');
    expect(hasAnsi(noColor)).toBe(false);
    expect(hasAnsi(inTty({ TERM: 'dumb' }))).toBe(false);
  });
});
