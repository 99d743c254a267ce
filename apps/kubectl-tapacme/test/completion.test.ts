import { spawnSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, examplesDir, findExecutable, run, scratch } from './helpers/cli.js';

/** Candidates (values only) and the directive of one __complete call. */
async function complete(...args: string[]): Promise<{ values: string[]; lines: string[]; directive: number }> {
  const r = await run(['__complete', ...args]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  expect(last).toMatch(/^:\d+$/);
  return { lines, values: lines.map((l) => l.split('\t')[0] ?? ''), directive: Number(last.slice(1)) };
}

describe('__complete (cobra protocol)', () => {
  it('completes subcommands with descriptions, hiding internal ones', async () => {
    const c = await complete('');
    expect(c.values).toEqual(expect.arrayContaining(['check', 'fix', 'completion', 'version']));
    expect(c.values).not.toContain('__complete');
    expect(c.lines).toContain('check\treport ACME solvers that cannot pull their image, in manifest files');
    expect(c.directive).toBe(4);
    expect((await complete('ch')).values).toEqual(['check']);
  });

  it('completes flag names, -o values, --strategy, --fail-on and --dns01-provider values', async () => {
    expect((await complete('check', '--fa')).values).toEqual(['--fail-on']);
    expect((await complete('check', '-')).values).toEqual(expect.arrayContaining(['--filename', '-f', '--output', '-o', '--recursive', '-R', '--help']));
    expect((await complete('check', '-o', ''))).toEqual({ lines: ['text', 'json', 'sarif'], values: ['text', 'json', 'sarif'], directive: 4 });
    expect((await complete('check', '--output', 's')).values).toEqual(['sarif']);
    expect((await complete('scan', '-o', ''))).toEqual({ lines: ['text', 'json', 'yaml', 'html'], values: ['text', 'json', 'yaml', 'html'], directive: 4 });
    expect((await complete('check', '--output=j')).values).toEqual(['--output=json']);
    expect((await complete('check', 'x.yaml', '--fail-on', '')).values).toEqual(['error', 'warning', 'none']);
    expect((await complete('fix', '--strategy', '')).values).toEqual(['serviceaccount', 'dns01']);
    expect((await complete('fix', '--dns01-provider', '')).values).toEqual(['route53', 'cloudDNS', 'azureDNS', 'cloudflare', 'digitalocean', 'acmeDNS', 'rfc2136', 'akamai', 'webhook']);
    expect((await complete('fix', '--route53-re')).values).toEqual(['--route53-region']);
    expect((await complete('completion', '')).values).toEqual(['bash', 'zsh', 'fish', 'powershell']);
  });

  it('asks the shell for manifest files for paths, -f and --dns01-solver', async () => {
    for (const args of [['check', ''], ['check', '-R', 'a.yaml', ''], ['fix', '-f', ''], ['fix', '--dns01-solver', ''], ['check', '--', '']]) {
      const c = await complete(...args);
      expect(c, args.join(' ')).toEqual({ lines: ['yaml', 'yml', 'json'], values: ['yaml', 'yml', 'json'], directive: 8 });
    }
  });

  it('leaves --kubeconfig to the shell\'s file completion and asks for PEM files for --certificate-authority, as kubectl does', async () => {
    for (const cmd of ['scan', 'fix', 'watch']) {
      expect(await complete(cmd, '--kubeconfig', '')).toEqual({ lines: [], values: [], directive: 0 });
      expect(await complete(cmd, '--certificate-authority', '')).toEqual({ lines: ['pem', 'crt', 'cer'], values: ['pem', 'crt', 'cer'], directive: 8 });
    }
  });

  it('asks the shell for PEM files for --registry-ca-file, and offers --verify-pull-secrets to scan and fix', async () => {
    for (const cmd of ['scan', 'fix']) {
      expect(await complete(cmd, '--verify-pull-secrets', '--registry-ca-file', '')).toEqual({ lines: ['pem', 'crt', 'cer'], values: ['pem', 'crt', 'cer'], directive: 8 });
      expect((await complete(cmd, '--verify-p')).values).toEqual(['--verify-pull-secrets']);
    }
  });

  it('offers no files for values that are names', async () => {
    expect(await complete('fix', '--service-account', '')).toEqual({ lines: [], values: [], directive: 4 });
    expect((await complete('nonsense', '')).directive).toBe(4);
  });

  it('__completeNoDesc leaves out descriptions', async () => {
    const r = await run(['__completeNoDesc', '']);
    expect(r.stdout).not.toContain('\t');
    expect(r.stdout).toContain('check\n');
  });
});

describe('completion scripts', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await scratch());
    // The scripts call `kubectl-tapacme` from PATH.
    const cmd = cliCommand();
    const script = `#!/bin/sh\nexec ${cmd.map((c) => `'${c}'`).join(' ')} "$@"\n`;
    await writeFile(join(dir, 'kubectl-tapacme'), script);
    await chmod(join(dir, 'kubectl-tapacme'), 0o755);
  });
  afterAll(async () => cleanup());

  it('prints a script for each shell, and rejects others', async () => {
    for (const [shell, marker] of [['bash', 'complete -o default -F __kubectl_tapacme_complete kubectl-tapacme'], ['zsh', '#compdef kubectl-tapacme'], ['fish', "complete -c kubectl-tapacme -f -a '(__kubectl_tapacme_complete)'"], ['powershell', 'Register-ArgumentCompleter -Native -CommandName']] as const) {
      const r = await run(['completion', shell]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(marker);
      expect(r.stdout).toContain('__complete');
    }
    const bad = await run(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unsupported shell "tcsh"; use one of bash, zsh, fish, powershell');
  });

  it('bash: completes subcommands, -o values (also after --output=) and files', async () => {
    const script = (await run(['completion', 'bash'])).stdout;
    await writeFile(join(dir, 'completion.bash'), script);
    const probe = `
source ${JSON.stringify(join(dir, 'completion.bash'))}
c() { COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); __kubectl_tapacme_complete; echo "\${COMPREPLY[*]}"; }
c "kubectl-tapacme ch" kubectl-tapacme ch
c "kubectl-tapacme check -o " kubectl-tapacme check -o ""
c "kubectl-tapacme check --output=js" kubectl-tapacme check --output = js
c "kubectl-tapacme check clusterissuer-letsencrypt-p" kubectl-tapacme check clusterissuer-letsencrypt-p
`;
    const r = spawnSync('bash', ['-c', probe], { cwd: examplesDir, env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}` }, encoding: 'utf8' });
    expect(r.stdout.split('\n')).toEqual(['check', 'text json sarif', 'json', 'clusterissuer-letsencrypt-prod.yaml', '']);
  });

  const fish = findExecutable('fish');
  it.skipIf(!fish)('fish: completes through `complete -C`', async () => {
    const script = (await run(['completion', 'fish'])).stdout;
    await writeFile(join(dir, 'completion.fish'), script);
    const r = spawnSync(fish ?? 'fish', ['--no-config', '-c', `source ${join(dir, 'completion.fish')}; complete -C"kubectl-tapacme check -o "; complete -C"kubectl-tapacme fix --strategy=d"; complete -C"kubectl-tapacme check ingress"`], {
      cwd: examplesDir,
      env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}` },
      encoding: 'utf8',
    });
    expect(r.stdout.split('\n')).toEqual(['json', 'sarif', 'text', '--strategy=dns01', 'ingress-api-portal.yaml', '']);
  });
  if (!fish) console.log('fish is not installed: skipping the fish completion test');

  const zsh = findExecutable('zsh');
  it.skipIf(!zsh)('zsh: the script parses', async () => {
    await writeFile(join(dir, '_kubectl-tapacme'), (await run(['completion', 'zsh'])).stdout);
    const r = spawnSync(zsh ?? 'zsh', ['-n', join(dir, '_kubectl-tapacme')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
  if (!zsh) console.log('zsh is not installed: skipping the zsh completion test');

  it('kubectl plugin completion: a kubectl_complete-tapacme helper that calls __complete gets the candidates', async () => {
    const kubectl = process.env['TAPACME_KUBECTL'] || findExecutable('kubectl');
    if (!kubectl) {
      console.log('no kubectl (TAPACME_KUBECTL or PATH): skipping the kubectl completion test');
      return;
    }
    await writeFile(join(dir, 'kubectl_complete-tapacme'), '#!/bin/sh\nexec kubectl-tapacme __complete "$@"\n');
    await chmod(join(dir, 'kubectl_complete-tapacme'), 0o755);
    const r = spawnSync(kubectl, ['__complete', 'tapacme', 'check', '-o', ''], { env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}` }, encoding: 'utf8' });
    expect(r.stdout).toBe('text\njson\nsarif\n:4\n');
  });
});
