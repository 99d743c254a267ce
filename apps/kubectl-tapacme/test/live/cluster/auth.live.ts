// Credentials beyond client certificates: a bearer token from --token, and an exec credential plugin,
// which goes through @kubernetes/client-node, imported lazily inside the one CommonJS bundle.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Obj } from './helpers.js';
import { apply, env, id, kubectl, stats, tapacme } from './helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = id();
const NS = `a${run}`;
const dir = tempDir('tapacme-auth-');
let token = '';

beforeAll(async () => {
  await apply(`apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: scanner, namespace: ${NS}}`);
  const role = await tapacme(['rbac', '--scan-only', '--name', `scanner-${run}`, '--bind-service-account', `${NS}/scanner`]);
  await kubectl(['apply', '-f', '-'], { input: role.stdout });
  // A token from the TokenRequest API, as a cloud exec plugin would hand out.
  token = (await kubectl(['create', 'token', 'scanner', '-n', NS, '--duration=1h'])).trim();
});

/** The test kubeconfig with its user replaced. */
function kubeconfigWithUser(user: Obj): string {
  const kc = parse(readFileSync(env('KUBECONFIG'), 'utf8')) as { users: { name: string; user: Obj }[] };
  kc.users = [{ name: kc.users[0]?.name ?? 'u', user }];
  const p = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, stringify(kc));
  return p;
}

describe('credentials', () => {
  it('a bearer token with --token, read directly', async () => {
    const r = await tapacme(['scan', '-o', 'json', '--kubeconfig', kubeconfigWithUser({}), '--token', token]);
    expect(r.stderr).not.toMatch(/error/);
    expect(JSON.parse(r.stdout)).toHaveProperty('issuers');
    expect(stats(r.stderr).credentials).toBe('static');
  });

  it('an exec credential plugin, through client-node loaded on demand', async () => {
    const cred = join(dir, 'cred.json');
    writeFileSync(cred, JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } }));
    const kubeconfig = kubeconfigWithUser({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', `cat ${cred}`], interactiveMode: 'Never' } });
    const r = await tapacme(['scan', '-o', 'json', '--kubeconfig', kubeconfig]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).not.toBe(2);
    expect(JSON.parse(r.stdout)).toHaveProperty('issuers');
    expect(stats(r.stderr).credentials).toBe('client-node');
  });

  it('an exec plugin that fails is reported with the user it belongs to', async () => {
    const kubeconfig = kubeconfigWithUser({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', 'echo no credentials >&2; exit 3'], interactiveMode: 'Never' } });
    const r = await tapacme(['scan', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot load credentials for user "[^"]+": no credentials$/m);
  });
});
