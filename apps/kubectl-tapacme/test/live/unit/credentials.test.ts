import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsClientNode, staticCredentials } from '../../../src/cluster/credentials.js';
import type { ResolvedConfig } from '../../../src/cluster/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'tapacme-creds-'));
const config = (cluster: Record<string, unknown>, user: Record<string, unknown>): ResolvedConfig => ({
  kubeconfig: { clusters: [{ name: 'c', cluster: { server: 'https://x', ...cluster } }], users: [{ name: 'u', user }], contexts: [] },
  contextName: 'ctx', clusterName: 'c', userName: 'u', server: 'https://x', namespace: 'default', namespaceExplicit: false, asGroups: [], timeoutMs: 0, source: 't', inCluster: false,
});

describe('credentials', () => {
  it('loads client-node only for exec plugins, auth providers and proxies', () => {
    expect(needsClientNode(config({}, { token: 't' }))).toBe(false);
    expect(needsClientNode(config({}, { 'client-certificate-data': 'eA==' }))).toBe(false);
    expect(needsClientNode(config({}, { exec: { command: 'aws' } }))).toBe(true);
    expect(needsClientNode(config({}, { 'auth-provider': { name: 'oidc' } }))).toBe(true);
    expect(needsClientNode(config({ 'proxy-url': 'http://proxy:3128' }, {}))).toBe(true);
  });

  it('reads certificates from data or files, tokens from a token file, and impersonation', () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'file-token\n');
    const ca = join(dir, 'ca.crt');
    writeFileSync(ca, 'CA');
    const c = staticCredentials(config({ 'certificate-authority': ca, 'tls-server-name': 'api.internal' }, { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64'), 'token-file': tokenFile, as: 'jane' }));
    expect([c.ca?.toString(), c.cert?.toString(), c.key?.toString(), c.servername, c.rejectUnauthorized]).toEqual(['CA', 'CERT', 'KEY', 'api.internal', true]);
    expect(c.headers).toEqual({ Authorization: 'Bearer file-token', 'Impersonate-User': 'jane' });
  });

  it('prefers a token over basic auth, and honours insecure-skip-tls-verify', () => {
    expect(staticCredentials(config({ 'insecure-skip-tls-verify': true }, { token: 't', username: 'u', password: 'p' }))).toMatchObject({ rejectUnauthorized: false, headers: { Authorization: 'Bearer t' } });
    expect(staticCredentials(config({}, { username: 'u', password: 'p' })).headers).toEqual({ Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
  });

  it('names a credential file it cannot read', () => {
    expect(() => staticCredentials(config({}, { 'client-key': join(dir, 'missing.key') }))).toThrow(`cannot read the client key file ${join(dir, 'missing.key')}: no such file`);
  });
});
