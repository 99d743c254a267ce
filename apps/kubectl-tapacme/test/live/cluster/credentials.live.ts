// One table of kubeconfigs, each run through the real kubectl (`auth whoami`) and through the CLI on both
// of its credential paths: its own (static credentials) and client-node's (an exec plugin user). The
// table says what kubectl does with each field, errors included; the test checks that kubectl still does
// that and that the CLI does the same.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AdminConfig } from '../fault-proxies.js';
import { tempDir } from '../../helpers/temp-dir.js';
import type { Obj } from './helpers.js';
import { env, id, kubectl, run, tapacme } from './helpers.js';

type Kind = 'ok' | 'unauthorized' | 'forbidden' | 'invalid';
/** What kubectl does (and says, for a refusal); the CLI does the same unless `ours` says otherwise, and why. */
type Outcome = { kind: Kind; kubectl?: string; ours?: { kind: Kind; message: string } | string };

interface Row {
  name: string;
  cluster: (f: Files) => Obj;
  user: (f: Files) => Obj;
  outcome: Outcome;
  /** Also try it as an exec-plugin user, which the CLI loads through client-node. */
  exec?: boolean;
}

interface Files {
  caData: string;
  caFile: string;
  certData: string;
  certFile: string;
  keyData: string;
  keyFile: string;
  /** A token for a ServiceAccount bound to cluster-admin, inline and as a file; and a bad one. */
  token: string;
  tokenFile: string;
  badTokenFile: string;
  missing: string;
}

const CLUSTER = 'tapacme-test';
const USER = 'tapacme-user';

const TABLE: Row[] = [
  { name: 'CA as data', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ 'client-certificate-data': f.certData, 'client-key-data': f.keyData }), outcome: { kind: 'ok' }, exec: true },
  { name: 'CA as a file', cluster: (f) => ({ 'certificate-authority': f.caFile }), user: (f) => ({ 'client-certificate': f.certFile, 'client-key': f.keyFile }), outcome: { kind: 'ok' }, exec: true },
  {
    name: 'CA as data and as a file', cluster: (f) => ({ 'certificate-authority-data': f.caData, 'certificate-authority': f.caFile }), user: (f) => ({ 'client-certificate-data': f.certData, 'client-key-data': f.keyData }), exec: true,
    outcome: { kind: 'invalid', kubectl: `certificate-authority-data and certificate-authority are both specified for ${CLUSTER}. certificate-authority-data will override.` },
  },
  {
    name: 'client certificate as data and as a file', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ 'client-certificate-data': f.certData, 'client-certificate': f.certFile, 'client-key-data': f.keyData }), exec: true,
    outcome: { kind: 'invalid', kubectl: `client-cert-data and client-cert are both specified for ${USER}. client-cert-data will override.` },
  },
  {
    name: 'client key as data and as a file', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ 'client-certificate-data': f.certData, 'client-key-data': f.keyData, 'client-key': f.keyFile }), exec: true,
    outcome: { kind: 'invalid', kubectl: `client-key-data and client-key are both specified for ${USER}; client-key-data will override` },
  },
  {
    name: 'client certificate without a key', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ 'client-certificate-data': f.certData }), exec: true,
    outcome: { kind: 'invalid', kubectl: `client-key-data or client-key must be specified for ${USER} to use the clientCert authentication method.` },
  },
  // kubectl 1.36 sends the inline token and never reads the token file next to it.
  { name: 'token and token file: the inline token wins (bad inline, good file)', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ token: 'not-a-valid-token', 'token-file': f.tokenFile }), outcome: { kind: 'unauthorized' } },
  { name: 'token and token file: the inline token wins (good inline, bad file)', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ token: f.token, 'token-file': f.badTokenFile }), outcome: { kind: 'ok' } },
  {
    name: 'token and basic auth', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ token: f.token, username: 'u', password: 'p' }),
    outcome: { kind: 'invalid', kubectl: `more than one authentication method found for ${USER}; found [token basicAuth], only one is allowed` },
  },
  {
    name: 'token file and basic auth', cluster: (f) => ({ 'certificate-authority-data': f.caData }), user: (f) => ({ 'token-file': f.tokenFile, username: 'u', password: 'p' }),
    // kubectl's transport refuses to send either and goes on as system:anonymous; the CLI stops and says why instead.
    outcome: { kind: 'forbidden', kubectl: 'the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it', ours: { kind: 'invalid', message: 'username/password or bearer token may be set, but not both' } },
  },
  {
    name: 'CA file that does not exist', cluster: (f) => ({ 'certificate-authority': f.missing }), user: (f) => ({ token: f.token }),
    outcome: { kind: 'invalid', kubectl: 'unable to read certificate-authority', ours: 'does not exist' },
  },
];

const dir = tempDir('tapacme-creds-');
let files: Files;
let server: string;
let execPlugin: string;

function kubeconfig(name: string, cluster: Obj, user: Obj): string {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.kubeconfig`);
  writeFileSync(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
    clusters: [{ name: CLUSTER, cluster: { server, ...cluster } }], users: [{ name: USER, user }], contexts: [{ name: 'ctx', context: { cluster: CLUSTER, user: USER } }],
  }), { mode: 0o600 });
  return file;
}

function classify(code: number, stderr: string): Kind {
  if (code === 0) return 'ok';
  if (/Unauthorized|unauthorized|must be logged in/.test(stderr)) return 'unauthorized';
  return /Forbidden|forbidden|do not have permission/.test(stderr) ? 'forbidden' : 'invalid';
}

beforeAll(async () => {
  const admin = new AdminConfig(env('KUBECONFIG'));
  server = admin.server.origin;
  const f = admin.files(dir);
  const ns = `creds-${id()}`;
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['create', 'serviceaccount', 'reader', '-n', ns]);
  await kubectl(['create', 'clusterrolebinding', `${ns}-admin`, '--clusterrole=cluster-admin', `--serviceaccount=${ns}:reader`]);
  const token = (await kubectl(['create', 'token', 'reader', '-n', ns, '--duration=1h'])).trim();
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const badTokenFile = join(dir, 'bad-token');
  writeFileSync(badTokenFile, 'not-a-valid-token\n', { mode: 0o600 });
  files = {
    caData: String(admin.cluster()['certificate-authority-data']), caFile: f.ca,
    certData: String(admin.user()['client-certificate-data']), certFile: f.cert, keyData: String(admin.user()['client-key-data']), keyFile: f.key,
    token, tokenFile, badTokenFile, missing: join(dir, 'no-such-ca.crt'),
  };
  execPlugin = join(dir, 'exec-plugin.sh');
  writeFileSync(execPlugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat '${tokenFile}')"\n`);
  chmodSync(execPlugin, 0o755);
});

describe('kubeconfig credentials: kubectl and both of the CLI\'s paths agree', () => {
  for (const row of TABLE) {
    for (const viaExec of row.exec ? [false, true] : [false]) {
      it(`${row.name}${viaExec ? ' (exec plugin user, client-node path)' : ''}`, async () => {
        // An exec plugin makes the CLI load the user through client-node; the other fields stay, checked as kubectl checks them.
        const user = { ...row.user(files), ...(viaExec ? { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: execPlugin, interactiveMode: 'Never' } } : {}) };
        const file = kubeconfig(`${row.name}${viaExec ? '-exec' : ''}`, row.cluster(files), user);
        const k = await run(env('TAPACME_KUBECTL'), ['--kubeconfig', file, 'auth', 'whoami', '-o', 'json']);
        expect(classify(k.code, k.stderr), k.stderr).toBe(row.outcome.kind);
        if (row.outcome.kubectl) expect(k.stderr).toContain(row.outcome.kubectl);
        const ours = await tapacme(['scan', '-o', 'json', '--fail-on', 'none', '--kubeconfig', file]);
        const want = typeof row.outcome.ours === 'object' ? row.outcome.ours : { kind: row.outcome.kind, message: row.outcome.ours ?? row.outcome.kubectl };
        expect(classify(ours.code, ours.stderr), ours.stderr).toBe(want.kind);
        if (want.kind === 'invalid') {
          expect(ours.code).toBe(2);
          expect(ours.stderr).toContain(want.message);
        }
        if (want.kind === 'ok') expect(ours.stderr).toContain(`credentials: ${viaExec ? 'client-node' : 'static'}`);
      });
    }
  }

  it('client-node on its own takes the file where kubectl refuses both (why the CLI checks first)', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromString(JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
      clusters: [{ name: CLUSTER, cluster: { server, 'certificate-authority-data': Buffer.from('not the CA').toString('base64'), 'certificate-authority': files.caFile } }],
      users: [{ name: USER, user: { token: files.token } }], contexts: [{ name: 'ctx', context: { cluster: CLUSTER, user: USER } }],
    }));
    const opts: { ca?: Buffer } = {};
    await kc.applyToHTTPSOptions(opts as never);
    expect(opts.ca?.toString()).toBe(Buffer.from(files.caData, 'base64').toString());
  });
});
