// DNS01 issued for real: an issuer with an HTTP01 solver is converted by `fix --strategy dns01`
// to cert-manager's rfc2136 provider (live, and in a file that is then applied through the
// webhook). cert-manager writes the TXT record into BIND with the TSIG key, Pebble validates it,
// and the Certificate is issued with a chain to Pebble's root. No solver Pod is ever created.
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { apply, certificate, condition, env, getJson, http01ClusterIssuer, id, kubectl, list, tapacme, waitFor, waitIssuerReady } from './rig.js';
import { tempDir } from '../helpers/temp-dir.js';

function dns01Flags(): string[] {
  const [secretNs, ref] = env('TAPACME_E2E_TSIG_SECRET').split('/');
  expect(secretNs).toBe(env('TAPACME_E2E_CLUSTER_RESOURCE_NAMESPACE'));
  return [
    '--strategy', 'dns01', '--dns01-provider', 'rfc2136',
    '--rfc2136-nameserver', env('TAPACME_E2E_RFC2136_NAMESERVER'),
    '--rfc2136-tsig-key-name', env('TAPACME_E2E_TSIG_KEY_NAME'),
    '--rfc2136-tsig-algorithm', env('TAPACME_E2E_TSIG_ALGORITHM'),
    '--rfc2136-tsig-secret-secret-ref', ref ?? '',
  ];
}

/** The PEM blocks of a bundle, parsed. */
function certs(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
}

/** Issues a Certificate in a fresh namespace from `issuer` and checks everything scenario 1 promises. */
async function issueAndVerify(issuer: string): Promise<void> {
  const suffix = id();
  const ns = `e2e-dns01-${suffix}`;
  const dnsName = `app-${suffix}.${env('TAPACME_E2E_DNS01_DOMAIN')}`;
  await kubectl(['create', 'namespace', ns]);
  await apply(certificate(ns, 'app', issuer, dnsName));
  const cert = await waitFor(`Certificate ${ns}/app Ready`, async () => {
    const c = await getJson('certificate', 'app', ns);
    return condition(c, 'Ready')?.['status'] === 'True' ? c : undefined;
  }, 180_000);
  expect(condition(cert, 'Ready')?.['reason']).toBe('Ready');

  const secret = await getJson('secret', 'app-tls', ns);
  const data = secret?.['data'] as Obj;
  const chain = certs(Buffer.from(String(data['tls.crt']), 'base64').toString('utf8'));
  const roots = certs(readFileSync(env('TAPACME_E2E_ACME_CA'), 'utf8'));
  const leaf = chain[0];
  expect(leaf?.subjectAltName).toBe(`DNS:${dnsName}`);
  // Each certificate is signed by the next; the last by Pebble's root.
  const path = [...chain, ...roots.filter((r) => chain.at(-1)?.checkIssued(r))];
  expect(path.length).toBeGreaterThan(chain.length);
  for (let i = 0; i + 1 < path.length; i++) {
    const [child, parent] = [path[i], path[i + 1]];
    if (!child || !parent) throw new Error('broken chain');
    expect(child.checkIssued(parent)).toBe(true);
    expect(child.verify(parent.publicKey)).toBe(true);
  }

  // Solved by DNS01 only, and cert-manager never made a solver Pod here.
  const challenges = await list('challenges', ns);
  for (const ch of challenges) expect((ch['spec'] as Obj)['type']).toBe('DNS-01');
  expect(await list('pods', ns)).toEqual([]);
  const podEvents = (await list('events', ns)).filter((e) => (e['involvedObject'] as Obj)['kind'] === 'Pod');
  expect(podEvents).toEqual([]);
}

describe.concurrent('DNS01 through rfc2136, issued for real', () => {
  it('after a live `fix --strategy dns01`', async () => {
    const issuer = `e2e-live-dns01-${id()}`;
    await apply(http01ClusterIssuer(issuer));
    await waitIssuerReady(issuer);
    const r = await tapacme(['fix', issuer, ...dns01Flags(), '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const solvers = (((await getJson('clusterissuer', issuer))?.['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[];
    expect(solvers).toEqual([{ dns01: { rfc2136: expect.objectContaining({ nameserver: env('TAPACME_E2E_RFC2136_NAMESERVER'), tsigAlgorithm: 'HMACSHA256' }) } }]);
    await issueAndVerify(issuer);
  });

  it('after `fix --strategy dns01 --write` on a file that is then applied', async () => {
    const issuer = `e2e-file-dns01-${id()}`;
    const dir = tempDir('e2e-dns01-');
    const file = join(dir, 'issuer.yaml');
    writeFileSync(file, http01ClusterIssuer(issuer));
    const r = await tapacme(['fix', file, ...dns01Flags(), '--write']);
    expect(r.code, r.stderr).toBe(0);
    const fixed = readFileSync(file, 'utf8');
    expect(fixed).toContain('rfc2136:');
    expect(fixed).not.toContain('http01:');
    await kubectl(['apply', '-f', file]);
    await waitIssuerReady(issuer);
    await issueAndVerify(issuer);
  });
});
