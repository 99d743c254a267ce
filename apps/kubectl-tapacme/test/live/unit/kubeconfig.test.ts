import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeconfigError, parseRequestTimeout, resolveConfig } from '../../../src/cluster/kubeconfig.js';
import type { ConnectionFlags, LoadEnv, ResolvedConfig } from '../../../src/cluster/kubeconfig.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('tapacme-kubeconfig-');
function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const a = file('a/config', `
apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster: {server: https://a.example:6443, certificate-authority: ca.crt}
- name: only-a
  cluster: {server: https://only-a.example}
users:
- name: alice
  user: {client-certificate: certs/alice.crt, client-key: /abs/alice.key, token-file: tok}
contexts:
- name: ctx-a
  context: {cluster: shared, user: alice, namespace: team-a}
- name: shared-ctx
  context: {cluster: shared, user: alice}
`);
file('a/ca.crt', 'ca');
const b = file('b/config', `
current-context: ctx-b
clusters:
- name: shared
  cluster: {server: https://b.example:6443}
- name: only-b
  cluster: {server: https://only-b.example, insecure-skip-tls-verify: true}
users:
- name: bob
  user: {token: b-token, exec: {command: ./bin/get-token, apiVersion: client.authentication.k8s.io/v1}}
contexts:
- name: ctx-b
  context: {cluster: only-b, user: bob}
- name: shared-ctx
  context: {cluster: only-b, user: bob}
`);

const env = (vars: Record<string, string | undefined>, home = join(dir, 'home')): LoadEnv => ({
  env: vars, home, readFile: (p) => readFileSync(p, 'utf8'), exists: existsSync,
});
const load = (flags: ConnectionFlags, vars: Record<string, string | undefined> = {}, home?: string): ResolvedConfig => resolveConfig(flags, env(vars, home));
const cluster = (r: ResolvedConfig): Record<string, unknown> => (r.kubeconfig['clusters'] as { cluster: Record<string, unknown> }[])[0]?.cluster ?? {};
const user = (r: ResolvedConfig): Record<string, unknown> => (r.kubeconfig['users'] as { user: Record<string, unknown> }[])[0]?.user ?? {};

describe('resolveConfig: KUBECONFIG as kubectl reads it', () => {
  it('takes current-context from the first file that sets it, and every entry from the first file that has it', () => {
    const r = load({}, { KUBECONFIG: [a, b].join(delimiter) });
    expect([r.contextName, r.clusterName, r.server, r.namespace, r.namespaceExplicit]).toEqual(['ctx-a', 'shared', 'https://a.example:6443', 'team-a', true]);
    const rb = load({}, { KUBECONFIG: [b, a].join(delimiter) });
    expect([rb.contextName, rb.server]).toEqual(['ctx-b', 'https://only-b.example']);
    // "shared-ctx" exists in both: the first file's wins, and so does the "shared" cluster.
    expect(load({ context: 'shared-ctx' }, { KUBECONFIG: [a, b].join(delimiter) }).server).toBe('https://a.example:6443');
    expect(load({ context: 'shared-ctx' }, { KUBECONFIG: [b, a].join(delimiter) }).server).toBe('https://only-b.example');
  });

  it('skips files in KUBECONFIG that do not exist, and duplicates', () => {
    expect(load({}, { KUBECONFIG: [join(dir, 'missing'), b, b].join(delimiter) }).contextName).toBe('ctx-b');
  });

  it('reads only --kubeconfig when given, and requires it to exist', () => {
    expect(load({ kubeconfig: b }, { KUBECONFIG: a }).contextName).toBe('ctx-b');
    expect(() => load({ kubeconfig: join(dir, 'nope') })).toThrow(new KubeconfigError(`--kubeconfig ${join(dir, 'nope')}: no such file`));
    expect(() => load({ kubeconfig: b, context: 'ctx-a' })).toThrow(/context "ctx-a" does not exist/);
  });

  it('falls back to ~/.kube/config', () => {
    const home = join(dir, 'h1');
    file('h1/.kube/config', 'current-context: c\nclusters: [{name: x, cluster: {server: "https://home.example"}}]\ncontexts: [{name: c, context: {cluster: x}}]\n');
    expect(load({}, {}, home).server).toBe('https://home.example');
  });

  it('says there is no kubeconfig instead of using localhost:8080', () => {
    expect(() => load({}, {}, join(dir, 'empty-home'))).toThrow(/^no kubeconfig: .*\.kube\/config does not exist and KUBECONFIG is not set; pass --kubeconfig FILE, set KUBECONFIG, or give --server$/);
    expect(() => load({}, { KUBECONFIG: join(dir, 'gone') })).toThrow(/none of the files in KUBECONFIG .* exists/);
  });

  it('resolves relative paths against the file that holds them', () => {
    const r = load({}, { KUBECONFIG: a });
    expect(cluster(r)['certificate-authority']).toBe(join(dir, 'a', 'ca.crt'));
    expect(user(r)).toMatchObject({ 'client-certificate': join(dir, 'a', 'certs', 'alice.crt'), 'client-key': '/abs/alice.key', 'token-file': join(dir, 'a', 'tok') });
    expect((user(load({}, { KUBECONFIG: b }))['exec'] as Record<string, unknown>)['command']).toBe(join(dir, 'b', 'bin', 'get-token'));
  });
});

describe('resolveConfig: kubectl flags override the kubeconfig', () => {
  const kc = { KUBECONFIG: [a, b].join(delimiter) };
  it('--cluster, --user, -n', () => {
    const r = load({ cluster: 'only-b', user: 'bob', namespace: 'x' }, kc);
    expect([r.clusterName, r.userName, r.server, r.namespace]).toEqual(['only-b', 'bob', 'https://only-b.example', 'x']);
    expect(() => load({ cluster: 'nope' }, kc)).toThrow(/cluster "nope" is not defined/);
    expect(() => load({ user: 'nope' }, kc)).toThrow(/user "nope" is not defined/);
  });
  it('defaults the namespace to "default"', () => {
    const r = load({ context: 'ctx-b' }, kc);
    expect([r.namespace, r.namespaceExplicit]).toEqual(['default', false]);
  });
  it('-s/--server, --token, --as, --as-group', () => {
    const r = load({ server: 'https://override.example', token: 't0k', as: 'jane', asGroups: ['ops'] }, kc);
    expect(r.server).toBe('https://override.example');
    expect(user(r)).toMatchObject({ token: 't0k', as: 'jane' });
    expect(user(r)['token-file']).toBeUndefined();
    expect(r.asGroups).toEqual(['ops']);
  });
  it('--server alone needs no kubeconfig', () => {
    const r = load({ server: 'https://bare.example', token: 'x' }, {}, join(dir, 'empty-home'));
    expect([r.server, r.source]).toEqual(['https://bare.example', '(flags)']);
  });
  it('--insecure-skip-tls-verify drops the CA; --certificate-authority replaces it', () => {
    const insecure = cluster(load({ insecureSkipTlsVerify: true }, kc));
    expect(insecure['insecure-skip-tls-verify']).toBe(true);
    expect(insecure['certificate-authority']).toBeUndefined();
    const ca = file('other-ca.crt', 'x');
    expect(cluster(load({ certificateAuthority: ca }, kc))['certificate-authority']).toBe(ca);
    expect(() => load({ certificateAuthority: join(dir, 'no-ca') }, kc)).toThrow(/certificate authority file .* does not exist/);
  });
  it('--request-timeout', () => {
    expect(load({ requestTimeout: '1m30s' }, kc).timeoutMs).toBe(90_000);
    expect([parseRequestTimeout('0'), parseRequestTimeout('5'), parseRequestTimeout('250ms'), parseRequestTimeout('1h')]).toEqual([0, 5000, 250, 3_600_000]);
    expect(() => parseRequestTimeout('soon')).toThrow(/not a duration/);
  });
  it('reports a current-context that does not exist, and one that is unset', () => {
    const broken = file('broken', 'current-context: gone\ncontexts: []\n');
    expect(() => load({}, { KUBECONFIG: broken })).toThrow(/current-context "gone" .* does not exist; pass --context/);
    const unset = file('unset', 'contexts: [{name: c, context: {cluster: x}}]\n');
    expect(() => load({}, { KUBECONFIG: unset })).toThrow(/sets no current-context; pass --context \(contexts: c\)/);
  });
  it('reports broken files with their name', () => {
    expect(() => load({}, { KUBECONFIG: file('bad.yaml', 'clusters: [a: [') })).toThrow(/bad\.yaml is not valid YAML/);
    expect(() => load({}, { KUBECONFIG: file('noname.yaml', 'clusters: [{cluster: {}}]') })).toThrow(/clusters\[0\] has no name/);
    expect(() => load({}, { KUBECONFIG: file('noserver.yaml', 'current-context: c\nclusters: [{name: x, cluster: {}}]\ncontexts: [{name: c, context: {cluster: x}}]') })).toThrow(/cluster "x" has no server/);
  });
});

describe('resolveConfig: in a Pod', () => {
  it('uses the mounted service account when there is no kubeconfig', () => {
    const le: LoadEnv = {
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, home: join(dir, 'empty-home'),
      exists: (p) => p.startsWith('/var/run/secrets/kubernetes.io/serviceaccount/'), readFile: () => 'tap-install\n',
    };
    const r = resolveConfig({}, le);
    expect([r.server, r.namespace, r.inCluster]).toEqual(['https://10.0.0.1:443', 'tap-install', true]);
    expect(user(r)).toEqual({ 'token-file': '/var/run/secrets/kubernetes.io/serviceaccount/token' });
  });
});
