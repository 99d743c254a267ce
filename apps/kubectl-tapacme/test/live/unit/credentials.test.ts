import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsClientNode, staticCredentials, validateCredentials } from '../../../src/cluster/credentials.js';
import type { ResolvedConfig } from '../../../src/cluster/kubeconfig.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('tapacme-creds-');
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

  it('sends an inline token and leaves a token file beside it unread, as kubectl does, and honours insecure-skip-tls-verify', () => {
    expect(staticCredentials(config({ 'insecure-skip-tls-verify': true }, { token: 'inline', 'token-file': join(dir, 'missing-token') }))).toMatchObject({ rejectUnauthorized: false, headers: { Authorization: 'Bearer inline' } });
    expect(staticCredentials(config({}, { username: 'u', password: 'p' })).headers).toEqual({ Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
  });

  it('names a credential file it cannot read', () => {
    expect(() => staticCredentials(config({}, { 'client-key': join(dir, 'missing.key') }))).toThrow(`cannot read the client key file ${join(dir, 'missing.key')}: no such file`);
  });

  it('refuses what client-go refuses, in its words', () => {
    const bad = (cluster: Record<string, unknown>, user: Record<string, unknown>): string => {
      try {
        validateCredentials(config(cluster, user));
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(bad({ 'certificate-authority': '/ca', 'certificate-authority-data': 'eA==' }, { token: 't' })).toBe('invalid configuration: certificate-authority-data and certificate-authority are both specified for c. certificate-authority-data will override. (in t)');
    expect(bad({}, { 'client-certificate': '/c', 'client-certificate-data': 'eA==', 'client-key-data': 'eA==' })).toBe('invalid configuration: client-cert-data and client-cert are both specified for u. client-cert-data will override. (in t)');
    expect(bad({}, { 'client-certificate-data': 'eA==', 'client-key': '/k', 'client-key-data': 'eA==' })).toBe('invalid configuration: client-key-data and client-key are both specified for u; client-key-data will override (in t)');
    expect(bad({}, { 'client-certificate-data': 'eA==' })).toContain('client-key-data or client-key must be specified for u');
    expect(bad({}, { token: 't', username: 'u' })).toContain('more than one authentication method found for u; found [token basicAuth]');
    expect(bad({}, { 'token-file': '/t', password: 'p' })).toContain('username/password or bearer token may be set, but not both');
    expect(bad({ 'certificate-authority': '/ca', 'certificate-authority-data': 'eA==' }, { 'client-certificate': '/c', 'client-certificate-data': 'eA==', 'client-key-data': 'eA==' })).toMatch(/^invalid configuration: \[certificate-authority-data .*, client-cert-data .*\]/);
    expect(bad({ 'certificate-authority-data': 'eA==' }, { 'client-certificate': '/c', 'client-key-data': 'eA==', token: 't' })).toBe('accepted');
  });
});
