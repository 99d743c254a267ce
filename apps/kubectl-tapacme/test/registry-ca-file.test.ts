// --registry-ca-file is read before anything connects: a wrong one ends with exit 2, the flag and
// file named, and no request made (the server here does not exist).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, scratch } from './helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await scratch('tapacme-registry-ca-')));
afterEach(() => cleanup());

const server = ['--server', 'https://127.0.0.1:1', '--token', 'x'];

describe('--registry-ca-file', () => {
  for (const command of ['scan', 'fix']) {
    it(`${command}: refused without --verify-pull-secrets, for a missing file and for a file without a PEM certificate`, async () => {
      const notPem = join(dir, 'ca.pem');
      await writeFile(notPem, 'not a certificate\n');
      const cases: [string[], string][] = [
        [['--registry-ca-file', notPem], 'error: --registry-ca-file goes with --verify-pull-secrets'],
        [['--verify-pull-secrets', '--registry-ca-file', join(dir, 'missing.pem')], `error: --registry-ca-file ${join(dir, 'missing.pem')}: no such file`],
        [['--verify-pull-secrets', '--registry-ca-file', notPem], `error: --registry-ca-file ${notPem}: no PEM certificate in it`],
      ];
      for (const [args, message] of cases) {
        const r = await run([command, ...args, ...server], { env: { KUBECONFIG: '' } });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(message);
        // Refused before connecting: no retry warnings about the server that is not there.
        expect(r.stderr).not.toContain('127.0.0.1:1');
        expect(r.stdout).toBe('');
      }
    });
  }
});
