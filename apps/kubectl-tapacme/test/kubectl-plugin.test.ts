import { chmod, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, cliCommand, findExecutable, run, scratch } from './helpers/cli.js';
import { issuerMissingSa } from './helpers/manifests.js';

// kubectl finds plugins as executables named kubectl-<name> on PATH. The cluster harness pins one
// through TAPACME_KUBECTL; otherwise the kubectl on PATH; without either there is nothing to test.
const kubectl = process.env['TAPACME_KUBECTL'] || findExecutable('kubectl');
if (!kubectl) console.log('kubectl-plugin.test.ts: no kubectl (set TAPACME_KUBECTL or put kubectl on PATH); skipping plugin discovery');

describe.skipIf(!kubectl)('as a kubectl plugin', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ dir, cleanup } = await scratch());
    const plugin = join(dir, 'bin', 'kubectl-tapacme');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'bin')));
    const cmd = cliCommand();
    if (!process.env['TAPACME_CLI']) {
      await symlink(binPath, plugin);
    } else if (cmd.length === 1 && cmd[0]) {
      await symlink(cmd[0], plugin);
    } else {
      await writeFile(plugin, `#!/bin/sh\nexec ${cmd.map((c) => `'${c}'`).join(' ')} "$@"\n`);
      await chmod(plugin, 0o755);
    }
    await writeFile(join(dir, 'issuer.yaml'), issuerMissingSa);
    // kubectl needs no cluster for a plugin, but give it an empty config so nothing of the user's is read.
    env = { PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir };
  });
  afterAll(async () => cleanup());

  it('kubectl plugin list shows it', async () => {
    const r = await run(['plugin', 'list'], { command: [kubectl ?? 'kubectl'], env });
    expect(r.stdout).toContain(join(dir, 'bin', 'kubectl-tapacme'));
  });

  it('kubectl tapacme check runs the plugin with its arguments and exit code', async () => {
    const r = await run(['tapacme', 'check', 'issuer.yaml', '-o', 'json'], { command: [kubectl ?? 'kubectl'], env, cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: { rule: string; file: string }[] };
    expect(out.findings).toMatchObject([{ rule: 'http01-solver-missing-service-account', file: 'issuer.yaml' }]);
  });

  it('kubectl tapacme --help says `kubectl tapacme`', async () => {
    const r = await run(['tapacme', '--help'], { command: [kubectl ?? 'kubectl'], env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubectl tapacme <command> [flags]');
    expect(r.stdout).toContain('kubectl tapacme check');
  });

  it('kubectl tapacme fix - reads stdin through kubectl', async () => {
    const r = await run(['tapacme', 'fix', '-'], { command: [kubectl ?? 'kubectl'], env, stdin: issuerMissingSa });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serviceAccountName: tap-acme-http01-solver');
  });
});
