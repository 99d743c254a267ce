import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { examplesDir, run, scratch } from './helpers/cli.js';
import { snapshot, writeFileUnder } from './helpers/files.js';
import { brokenYaml, certificateIn, helmTemplate, issuerFixed, issuerMissingSa, serviceAccountIn } from './helpers/manifests.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

const put = (name: string, text: string | Buffer, mode?: number): Promise<string> => writeFileUnder(dir, name, text, mode);
const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');
const docs = (text: string): unknown[] => parseAllDocuments(text).map((d) => d.toJS() as unknown);

describe('fix: printing one file or stdin', () => {
  it('prints the fixed text of one file, which is left alone', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const before = await snapshot(dir);
    const r = await run(['fix', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(issuerFixed);
    expect(r.stderr).toContain('fixed 1 file; the fixed text is on stdout');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('fixes stdin to stdout, keeping CRLF line endings', async () => {
    const r = await run(['fix', '-'], { stdin: issuerMissingSa.replace(/\n/g, '\r\n') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(issuerFixed.replace(/\n/g, '\r\n'));
  });

  it('--service-account sets another name', async () => {
    const r = await run(['fix', '--service-account', 'acme-solver', '-'], { stdin: issuerMissingSa });
    expect(r.stdout).toBe(issuerFixed.replace('tap-acme-http01-solver', 'acme-solver'));
  });

  it('prints a file with nothing to fix unchanged, exit 0', async () => {
    await put('ok.yaml', issuerFixed);
    const r = await run(['fix', 'ok.yaml'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: issuerFixed });
    expect(r.stderr).toContain('1 file had nothing to fix');
  });

  it('refuses several files without --write or --diff, and writes nothing', async () => {
    await put('a.yaml', issuerMissingSa);
    await put('b.yaml', issuerMissingSa);
    const before = await snapshot(dir);
    const r = await run(['fix', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: 2 files to fix: add --diff to review the changes or --write to apply them');
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('fix --diff', () => {
  it('prints a git-style unified diff that applies to the original', async () => {
    await put('issuer.yaml', issuerMissingSa);
    await put('ok.yaml', issuerFixed);
    const before = await snapshot(dir);
    const r = await run(['fix', '--diff', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('--- a/issuer.yaml\n+++ b/issuer.yaml\n@@ ')).toBe(true);
    expect(r.stdout).not.toContain('ok.yaml');
    expect(r.stdout).toContain('+                serviceAccountName: tap-acme-http01-solver\n');
    expect(applyPatch(issuerMissingSa, r.stdout)).toBe(issuerFixed);
    expect(r.stderr).toContain('would fix 1 file; 1 file had nothing to fix; add --write to apply');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('never prints Secret values that fall into the context of a hunk', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: team-a\ndata:\n  token: c3VwZXItc2VjcmV0LXRva2Vu\nstringData:\n  password: |\n    hunter2\n';
    await put('mixed.yaml', `${issuerMissingSa}---\n${secret}`);
    await put('certs.yaml', certificateIn('team-a'));
    const r = await run(['fix', '--diff', '--emit-service-account', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serviceAccountName: tap-acme-http01-solver');
    expect(r.stdout).not.toMatch(/c3VwZXItc2VjcmV0LXRva2Vu|hunter2/);
    expect(r.stdout).toContain('   password: <redacted>\n');
    expect(r.stderr).toContain("mixed.yaml: Secret values in the diff's context are shown as <redacted>");
    // Written, the Secret is of course intact.
    await run(['fix', '--write', '--emit-service-account', '.'], { cwd: dir });
    expect(await read('mixed.yaml')).toContain('    hunter2\n');
  });
});

describe('fix --write', () => {
  it('rewrites only the files that need it, keeps their mode, leaves no temporary files', async () => {
    await put('issuer.yaml', issuerMissingSa, 0o640);
    await put('ok.yaml', issuerFixed, 0o600);
    const before = await snapshot(dir);
    const r = await run(['fix', '--write', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(await read('issuer.yaml')).toBe(issuerFixed);
    expect((await stat(join(dir, 'issuer.yaml'))).mode & 0o777).toBe(0o640);
    // A new inode: the file was replaced by rename, not rewritten in place.
    expect((await stat(join(dir, 'issuer.yaml'))).ino).not.toBe(before.get(join(dir, 'issuer.yaml'))?.ino);
    expect((await snapshot(dir)).get(join(dir, 'ok.yaml'))).toEqual(before.get(join(dir, 'ok.yaml')));
    expect((await readdir(dir)).sort()).toEqual(['issuer.yaml', 'ok.yaml']);
    expect(r.stderr).toContain('fixed 1 file; 1 file had nothing to fix');
    // Idempotent: a second run changes nothing.
    const after = await snapshot(dir);
    const again = await run(['fix', '--write', '.'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(await snapshot(dir)).toEqual(after);
  });

  it('writes through a symlink to its target, keeping the link', async () => {
    await put('real/issuer.yaml', issuerMissingSa);
    const { symlink, lstat } = await import('node:fs/promises');
    await symlink(join(dir, 'real', 'issuer.yaml'), join(dir, 'link.yaml'));
    const r = await run(['fix', '--write', 'link.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((await lstat(join(dir, 'link.yaml'))).isSymbolicLink()).toBe(true);
    expect(await read('real/issuer.yaml')).toBe(issuerFixed);
  });

  it('fixes the good files, leaves broken and templated files byte-for-byte alone, names them, exit 2', async () => {
    await put('good.yaml', issuerMissingSa);
    await put('broken.yaml', brokenYaml);
    await put('chart.yaml', helmTemplate);
    const before = await snapshot(dir);
    const r = await run(['fix', '--write', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^broken\.yaml:\d+(:\d+)? {2}error {2}syntax {2}YAML syntax error/m);
    expect(r.stderr).toMatch(/^chart\.yaml:4:\d+ {2}error {2}template {2}.*render it first/m);
    expect(r.stderr).toContain('2 files could not be processed (see above); they were not changed');
    const after = await snapshot(dir);
    for (const f of ['broken.yaml', 'chart.yaml']) expect(after.get(join(dir, f))).toEqual(before.get(join(dir, f)));
    expect(await read('good.yaml')).toBe(issuerFixed);
  });

  it('refuses to write back to stdin', async () => {
    const r = await run(['fix', '--write', '-'], { stdin: issuerMissingSa });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --write cannot write back to stdin; leave out --write to print the fixed text');
    expect(r.stdout).toBe('');
  });
});

describe('fix --emit-service-account', () => {
  it("appends the ServiceAccount for each namespace the files show using the issuer, to the issuer's file", async () => {
    await put('issuer.yaml', issuerMissingSa);
    await put('certs.yaml', `${certificateIn('team-a')}---\n${certificateIn('team-b')}`);
    await put('sa.yaml', serviceAccountIn('team-a', 'tap-acme-http01-solver', 'harbor-pull'));
    const r = await run(['fix', '--write', '--emit-service-account', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    const fixed = await read('issuer.yaml');
    expect(fixed.startsWith(issuerFixed)).toBe(true);
    expect(docs(fixed).slice(1)).toEqual([
      // team-a already has it; the pull secret is copied from the existing definition.
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'tap-acme-http01-solver', namespace: 'team-b' }, imagePullSecrets: [{ name: 'harbor-pull' }] },
    ]);
    expect(fixed).toContain('# Solver ServiceAccount for ClusterIssuer letsencrypt');
    expect(await read('certs.yaml')).toBe(`${certificateIn('team-a')}---\n${certificateIn('team-b')}`);
    // Now the whole set checks clean.
    expect((await run(['check', '.'], { cwd: dir })).code).toBe(0);
  });

  it('uses --pull-secret for new ServiceAccounts, and notes issuers whose namespaces are unknown', async () => {
    await put('issuer.yaml', issuerMissingSa);
    await put('certs.yaml', certificateIn('team-c'));
    await put('lonely.yaml', issuerMissingSa.replace('name: letsencrypt\n', 'name: lonely\n'));
    const r = await run(['fix', '--diff', '--emit-service-account', '--pull-secret', 'regcred', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+  namespace: team-c\n+imagePullSecrets:\n+  - name: regcred\n');
    expect(r.stderr).toContain('note: lonely.yaml: no Certificate, Ingress or Gateway in the files uses ClusterIssuer lonely');
  });

  it('fixes the bundled examples so that they check clean', async () => {
    const { cp } = await import('node:fs/promises');
    await cp(examplesDir, join(dir, 'examples'), { recursive: true });
    const r = await run(['fix', '--write', '--emit-service-account', 'examples'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('fixed 3 files');
    const check = await run(['check', 'examples'], { cwd: dir });
    expect(check.code).toBe(0);
  });
});

describe('fix --strategy dns01', () => {
  const solver = `# route53, with an IAM role
route53:
  region: eu-west-1
  role: arn:aws:iam::123456789012:role/dns01
`;

  it('replaces the http01 solver with the block from --dns01-solver', async () => {
    await put('solver.yaml', solver);
    const r = await run(['fix', '--strategy', 'dns01', '--dns01-solver', 'solver.yaml', '-'], { cwd: dir, stdin: issuerMissingSa });
    expect(r.code).toBe(0);
    const out = docs(r.stdout)[0] as { spec: { acme: { solvers: unknown[] } } };
    expect(out.spec.acme.solvers).toEqual([{ dns01: { route53: { region: 'eu-west-1', role: 'arn:aws:iam::123456789012:role/dns01' } } }]);
  });

  it('accepts a file that keeps the dns01: key, and infers the strategy from dns01 flags', async () => {
    await put('solver.yaml', `dns01:\n  cnameStrategy: Follow\n${solver.replace(/^/gm, '  ').replace(/^ {2}$/gm, '')}`);
    const r = await run(['fix', '--dns01-solver', 'solver.yaml', '-'], { cwd: dir, stdin: issuerMissingSa });
    expect(r.code).toBe(0);
    const out = docs(r.stdout)[0] as { spec: { acme: { solvers: { dns01: Record<string, unknown> }[] } } };
    expect(out.spec.acme.solvers[0]?.dns01['cnameStrategy']).toBe('Follow');
  });

  it('builds the block from provider flags', async () => {
    const r = await run(['fix', '--dns01-provider', 'cloudflare', '--cloudflare-api-token-secret-ref', 'cf-token:api-token', '--dns01-cname-strategy', 'Follow', '-'], { stdin: issuerMissingSa });
    expect(r.code).toBe(0);
    const out = docs(r.stdout)[0] as { spec: { acme: { solvers: unknown[] } } };
    expect(out.spec.acme.solvers).toEqual([{ dns01: { cloudflare: { apiTokenSecretRef: { name: 'cf-token', key: 'api-token' } }, cnameStrategy: 'Follow' } }]);
    // The provider can be inferred from its flags.
    const inferred = await run(['fix', '--route53-region', 'eu-west-1', '-'], { stdin: issuerMissingSa });
    expect(inferred.stdout).toContain('route53:');
  });

  it('reports an invalid --dns01-solver file with its name and line, and changes nothing', async () => {
    await put('issuer.yaml', issuerMissingSa);
    await put('solver.yaml', 'cloudflare:\n  email: ops@example.com\n');
    await put('two.yaml', 'route53: {}\ncloudflare: {}\n');
    await put('typo.yaml', '# comment\nroute35:\n  region: x\n');
    const before = await snapshot(dir);
    const bad = await run(['fix', '--write', '--dns01-solver', 'solver.yaml', 'issuer.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^solver\.yaml:1 {2}error {2}dns01-solver {2}dns01\.cloudflare/m);
    expect(bad.stderr).toContain('nothing was changed');
    const two = await run(['fix', '--write', '--dns01-solver', 'two.yaml', 'issuer.yaml'], { cwd: dir });
    expect(two.stderr).toMatch(/^two\.yaml:2 {2}error {2}dns01-solver {2}dns01\.cloudflare: may not specify more than one provider type/m);
    const typo = await run(['fix', '--write', '--dns01-solver', 'typo.yaml', 'issuer.yaml'], { cwd: dir });
    expect(typo.stderr).toMatch(/^typo\.yaml:2 {2}error {2}dns01-solver {2}dns01\.route35: unknown field "route35"; did you mean "route53"\?/m);
    const missing = await run(['fix', '--write', '--dns01-solver', 'nope.yaml', 'issuer.yaml'], { cwd: dir });
    expect(missing.stderr).toContain('nope.yaml  error  dns01-solver  no such file; check the path given to --dns01-solver');
    const yamlError = await run(['fix', '--dns01-solver', 'solver.yaml', '--dns01-provider', 'route53', 'issuer.yaml'], { cwd: dir });
    expect(yamlError.stderr).toContain('error: give either --dns01-solver FILE or --dns01-provider NAME, not both');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('names the flag to set when provider flags are wrong or missing', async () => {
    await put('issuer.yaml', issuerMissingSa);
    const before = await snapshot(dir);
    const cases: [string[], string][] = [
      [['--dns01-provider', 'cloudflare'], '--cloudflare-api-token-secret-ref'],
      [['--dns01-provider', 'cloudflare', '--cloudflare-api-token-secret-ref', 'no-key'], '--cloudflare-api-token-secret-ref takes NAME:KEY'],
      [['--dns01-provider', 'route99'], '--dns01-provider must be one of route53, cloudDNS'],
      [['--strategy', 'dns01'], '--strategy dns01 needs the dns01 block: --dns01-solver FILE, or --dns01-provider NAME'],
      [['--dns01-provider', 'route53', '--cloudflare-email', 'a@b.c'], '--cloudflare-email belongs to --dns01-provider cloudflare, not route53'],
      [['--strategy', 'serviceaccount', '--route53-region', 'x'], '--route53-region goes with --strategy dns01'],
      [['--strategy', 'http'], '--strategy must be one of serviceaccount, dns01, got "http"'],
      [['--service-account', 'Not_Valid'], '--service-account "Not_Valid" is not a valid ServiceAccount name'],
      [['--strategy', 'dns01', '--route53-region', 'x', '--emit-service-account'], '--emit-service-account goes with --strategy serviceaccount'],
      [['--dns01-provider', 'rfc2136', '--rfc2136-nameserver', '1.2.3.4', '--rfc2136-protocol', 'SCTP'], '--rfc2136-protocol must be one of TCP, UDP'],
    ];
    for (const [flags, message] of cases) {
      const r = await run(['fix', '--write', ...flags, 'issuer.yaml'], { cwd: dir });
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toContain(message);
    }
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('fix: live mode', () => {
  it('without files goes to the live-cluster fix, not to file mode', async () => {
    // No cluster here: whichever live implementation the build has must fail without touching files.
    const r = await run(['fix'], { cwd: dir, env: { KUBECONFIG: join(dir, 'no-such-kubeconfig'), HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/give the files|files to fix|no such file or directory; check the path/);
    expect(r.stdout).toBe('');
  });

  it('a missing file that looks like a manifest is reported as missing, not sent to the cluster', async () => {
    const r = await run(['fix', 'missing.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml  error  read  no such file or directory; check the path');
  });
});

describe('fix: ServiceAccounts, pull secrets and the cert-manager version', () => {
  const tapDocsSa = 'apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: tap-acme-http01-solver\r\n  namespace: dev\r\nimagePullSecrets:\r\n  - registry-credentials   # as in TAP\'s docs\r\n';

  it("writes TAP's string pull secret as - name: ..., keeping CRLF and the comment, and check is then clean", async () => {
    await put('sa.yaml', tapDocsSa);
    expect((await run(['check', 'sa.yaml'], { cwd: dir })).stdout).toContain('pull-secret-entry-malformed');
    const r = await run(['fix', '--write', 'sa.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await read('sa.yaml')).toBe(tapDocsSa.replace('- registry-credentials', '- name: registry-credentials'));
    expect((await run(['check', 'sa.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('adds imagePullSecrets with --pull-secret to the solver ServiceAccount, unless the registry is integrated', async () => {
    await put('issuer.yaml', issuerFixed);
    await put('sa.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: dev\n');
    const check = await run(['check', '.'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('solver-service-account-without-pull-secrets');
    expect((await run(['check', '--integrated-registry', '.'], { cwd: dir })).code).toBe(0);
    const r = await run(['fix', '--write', '--pull-secret', 'tap-registry', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await read('sa.yaml')).toMatch(/namespace: dev\nimagePullSecrets:\n- name: tap-registry\n$/);
  });

  it('checks against the cert-manager version asked for, and refuses one that is not a version', async () => {
    await put('issuer.yaml', issuerFixed);
    expect((await run(['check', 'issuer.yaml'], { cwd: dir })).code).toBe(0);
    const old = await run(['check', '--cert-manager-version', 'v1.11.5', 'issuer.yaml'], { cwd: dir });
    expect(old.code).toBe(1);
    expect(old.stdout).toMatch(/ingressClassName: cert-manager 1\.11 does not serve this field/);
    const bad = await run(['check', '--cert-manager-version', 'latest', 'issuer.yaml'], { cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--cert-manager-version "latest" is not a version');
  });

  it('moves a serviceAccountName written without spec, so check is then clean', async () => {
    const stray = `${issuerMissingSa}            podTemplate:\n              serviceAccountName: solver\n`;
    await put('issuer.yaml', stray);
    expect((await run(['check', 'issuer.yaml'], { cwd: dir })).stdout).toMatch(/podTemplate\.serviceAccountName: unknown field "serviceAccountName" here; it belongs under "spec"/);
    expect((await run(['fix', '--write', 'issuer.yaml'], { cwd: dir })).code).toBe(0);
    expect(await read('issuer.yaml')).toBe(`${issuerMissingSa}            podTemplate:\n              spec:\n                serviceAccountName: solver\n`);
    const check = await run(['check', 'issuer.yaml'], { cwd: dir });
    expect(check.stdout).not.toContain('invalid-solver');
  });

  it('validates a --dns01-solver file against the CRD schema, with the field and its line, before writing anything', async () => {
    await put('issuer.yaml', issuerMissingSa);
    await put('solver.yaml', 'route53:\n  region: eu-west-1\n  hostedZoneId: Z123\n');
    const r = await run(['fix', '--write', '--dns01-solver', 'solver.yaml', 'issuer.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/solver\.yaml:3.*dns01\.route53\.hostedZoneId: unknown field "hostedZoneId"; did you mean "hostedZoneID"\?/);
    expect(await read('issuer.yaml')).toBe(issuerMissingSa);
  });

  it('skips --emit-service-account into a namespace that cannot exist, with a warning naming it and its line', async () => {
    await put('issuer.yaml', issuerMissingSa);
    await put('certs.yaml', `${certificateIn('team-a')}---\n${certificateIn('Team_B')}`);
    const r = await run(['fix', '--diff', '--emit-service-account', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: certs\.yaml:17: not adding ServiceAccount "tap-acme-http01-solver" to namespace "Team_B": it is not a valid namespace name/);
    expect(r.stdout).toContain('+  namespace: team-a\n');
    expect(r.stdout).not.toContain('Team_B');
  });
});
