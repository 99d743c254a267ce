// Connection problems end with a message that says what to do and nothing written: exit code 2 for a
// configuration to fix, 1 for a server that still does not answer after the retries.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { env, tapacme } from './helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('tapacme-errors-');

describe('connection errors', () => {
  it('no kubeconfig at all: a clear error, not localhost:8080', async () => {
    const r = await tapacme(['scan'], { env: { KUBECONFIG: '', HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: no kubeconfig: ${join(dir, '.kube', 'config')} does not exist and KUBECONFIG is not set; pass --kubeconfig FILE, set KUBECONFIG, or give --server`);
    expect(r.stderr).not.toContain('8080');
  });

  it('a proxy variable that is not a URL: exit 2 naming the variable, never its value, and nothing changed', async () => {
    const r = await tapacme(['fix', 'x', '--yes', '--server', 'https://api.example.invalid:6443', '--token', 'x'], { env: { KUBECONFIG: '', HTTPS_PROXY: 'http://user:s3cret@[proxy' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: invalid proxy address in HTTPS_PROXY: it is not a URL; set it to http://HOST:PORT, or unset it');
    expect(r.stderr + r.stdout).not.toContain('s3cret');
  });

  it('a server that does not answer', async () => {
    const r = await tapacme(['fix', 'x', '--yes', '--server', 'https://127.0.0.1:1', '--insecure-skip-tls-verify', '--token', 'x'], { env: { KUBECONFIG: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: get customresourcedefinitions "[^"]+": connect ECONNREFUSED 127\.0\.0\.1:1 \(server https:\/\/127\.0\.0\.1:1\); attempt 2 of 6/);
    expect(r.stderr).toMatch(/error: cannot get customresourcedefinitions\.apiextensions\.k8s\.io: connect ECONNREFUSED 127\.0\.0\.1:1 \(server https:\/\/127\.0\.0\.1:1\) \(gave up after 6 attempts\)/);
    expect(r.stderr).toContain('Nothing was changed.');
  });

  it('credentials the server rejects', async () => {
    const r = await tapacme(['scan', '--token', 'not-a-token', '--user', 'nobody'], { env: { KUBECONFIG: writeConfigWithUser() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: unauthorized: the API server rejected the credentials/);
  });

  it('a certificate authority that does not match the server', async () => {
    const ca = join(dir, 'other-ca.crt');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIUAcO0\n-----END CERTIFICATE-----\n');
    const r = await tapacme(['scan', '--certificate-authority', ca]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /m);
  });
});

/** The test kubeconfig plus a user with no credentials, for --user/--token. */
function writeConfigWithUser(): string {
  const p = join(dir, 'config');
  const base = env('KUBECONFIG');
  writeFileSync(p, readFileSync(base, 'utf8').replace('users:\n', 'users:\n- name: nobody\n  user: {}\n'));
  return p;
}
