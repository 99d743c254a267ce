// The rig's own contract (what other checks rely on): exec passes stdio, exit codes and the
// caller's directory through and adds nothing to stdout; the control plane behaves like a real
// one; cert-manager's webhook, Pebble and BIND answer on the rig's addresses.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_SH, ROOT, env, getJson, id, inRig, kubectl, kubectlTry, list, waitFor } from './rig.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('e2e:exec', () => {
  it('passes stdin, stdout, stderr and the exit code through, and prints nothing of its own', async () => {
    const r = await inRig('bash', ['-c', 'cat; echo to-stderr >&2; exit 7'], { input: 'hello\n' });
    expect(r).toEqual({ code: 7, stdout: 'hello\n', stderr: 'to-stderr\n' });
  });

  it('runs in the caller\'s directory (INIT_CWD), as pnpm passes it', async () => {
    const dir = realpathSync(tempDir('e2e-cwd-'));
    expect((await inRig('pwd', [], { cwd: dir })).stdout).toBe(`${dir}\n`);
  });

  it('drops one leading -- only, through pnpm as documented', () => {
    const out = execFileSync('pnpm', ['-s', 'e2e:exec', '--', 'printf', '%s|', '--', 'a'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: ROOT } });
    expect(out).toBe('--|a|');
  });

  it('runs inside the rig\'s own network namespace, with its resolver', async () => {
    const inside = await inRig('readlink', ['/proc/self/ns/net']);
    expect(inside.stdout).not.toBe(execFileSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }));
    expect((await inRig('cat', ['/etc/resolv.conf'])).stdout).toContain(`nameserver ${env('TAPACME_E2E_DNS_SERVER').replace(/:53$/, '')}`);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).not.toContain(env('TAPACME_E2E_DNS_SERVER').replace(/:53$/, ''));
  });

  it('sets the documented environment', async () => {
    const names = ['KUBECONFIG', 'TAPACME_E2E_ACME_SERVER', 'TAPACME_E2E_ACME_CA', 'TAPACME_E2E_DOMAIN', 'TAPACME_E2E_DNS01_DOMAIN', 'TAPACME_E2E_RFC2136_NAMESERVER',
      'TAPACME_E2E_TSIG_KEY_NAME', 'TAPACME_E2E_TSIG_ALGORITHM', 'TAPACME_E2E_TSIG_SECRET', 'TAPACME_E2E_CLUSTER_RESOURCE_NAMESPACE', 'TAPACME_E2E_CERT_MANAGER_VERSION',
      'TAPACME_E2E_SOLVER_IMAGE', 'TAPACME_E2E_REGISTRY', 'TAPACME_E2E_REGISTRY_CA', 'TAPACME_E2E_PULL_SECRET', 'TAPACME_E2E_NODE'];
    const r = await inRig('env', []);
    for (const n of names) expect(r.stdout, n).toMatch(new RegExp(`^${n}=.+$`, 'm'));
    expect(r.stdout).toMatch(/^TAPACME_E2E_CERT_MANAGER_VERSION=v1\.11\.5$/m);
    expect(r.stdout).toMatch(/^TAPACME_E2E_TSIG_ALGORITHM=HMACSHA256$/m);
  });
});

describe('the control plane', () => {
  it('answers with the same KUBECONFIG on the host, outside e2e:exec', () => {
    const out = execFileSync(env('TAPACME_KUBECTL'), ['--kubeconfig', env('KUBECONFIG'), 'get', '--raw', '/readyz'], { encoding: 'utf8' });
    expect(out).toBe('ok');
  });

  it('gives every new namespace its "default" ServiceAccount and kube-root-ca.crt (kube-controller-manager)', async () => {
    const ns = `e2e-sa-${id()}`;
    await kubectl(['create', 'namespace', ns]);
    await waitFor('default ServiceAccount', () => getJson('serviceaccount', 'default', ns), 60_000);
    await waitFor('kube-root-ca.crt', () => getJson('configmap', 'kube-root-ca.crt', ns), 60_000);
  });

  it('has one Ready node without taints, which the scheduler binds Pods to', async () => {
    const node = await getJson('node', env('TAPACME_E2E_NODE'));
    const conds = ((node?.['status'] as Record<string, unknown>)['conditions'] ?? []) as Record<string, unknown>[];
    expect(conds.find((c) => c['type'] === 'Ready')?.['status']).toBe('True');
    expect((node?.['spec'] as Record<string, unknown>)['taints']).toBeUndefined();
  });

  it('turns a Deployment into a ReplicaSet and a Pod that the scheduler binds to the node, and garbage-collects them', async () => {
    const ns = `e2e-deploy-${id()}`;
    await kubectl(['create', 'namespace', ns]);
    await kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.example.com/web:1']);
    const pod = await waitFor('a Pod of the Deployment', async () => (await list('pods', ns, 'app=web'))[0], 60_000);
    const events = await waitFor('Scheduled', async () => {
      const out = await kubectl(['-n', ns, 'get', 'events', '--field-selector', `involvedObject.name=${String((pod['metadata'] as Record<string, unknown>)['name'])}`, '-o', 'json']);
      const items = (JSON.parse(out) as { items: { reason: string; message: string }[] }).items;
      return items.some((e) => e.reason === 'Scheduled' && e.message.includes(env('TAPACME_E2E_NODE'))) ? items : undefined;
    }, 60_000);
    expect(events.length).toBeGreaterThan(0);
    await kubectl(['-n', ns, 'delete', 'deployment', 'web']);
    await waitFor('the Pod garbage-collected', async () => ((await list('pods', ns, 'app=web')).length === 0 ? true : undefined), 60_000);
  });

  it('has cert-manager installed as a real installation looks: namespace, Deployment with the released image, webhook registrations', async () => {
    const d = await getJson('deployment', 'cert-manager', 'cert-manager');
    const spec = (d?.['spec'] as Record<string, unknown>);
    const container = (((spec['template'] as Record<string, unknown>)['spec'] as Record<string, unknown>)['containers'] as Record<string, unknown>[])[0];
    expect(container?.['image']).toBe('quay.io/jetstack/cert-manager-controller:v1.11.5');
    expect(container?.['args']).toContain(`--acme-http01-solver-image=${env('TAPACME_E2E_SOLVER_IMAGE')}`);
    expect(spec['replicas']).toBe(0);
    const vwc = await getJson('validatingwebhookconfiguration', 'cert-manager-webhook');
    expect(JSON.stringify(vwc)).toContain('https://127.0.0.1:');
  });
});

describe('cert-manager, Pebble and BIND', () => {
  it('validates issuers with cert-manager\'s own webhook (a denial names the field)', async () => {
    const r = await kubectlTry(['apply', '-f', '-'], `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: e2e-invalid-${id()}}
spec:
  acme:
    server: ${env('TAPACME_E2E_ACME_SERVER')}
    privateKeySecretRef: {name: x}
    solvers:
    - http01: {ingress: {}}
      dns01: {rfc2136: {nameserver: ${env('TAPACME_E2E_RFC2136_NAMESERVER')}}}
`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('admission webhook "webhook.cert-manager.io" denied the request');
  });

  it('serves Pebble\'s directory over TLS from the rig\'s CA, and Pebble\'s root as a PEM file', async () => {
    const r = await inRig('curl', ['-fsS', '--cacert', env('TAPACME_E2E_ACME_TLS_CA'), env('TAPACME_E2E_ACME_SERVER')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('newOrder');
    expect(readFileSync(env('TAPACME_E2E_ACME_CA'), 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('resolves every name under TAPACME_E2E_DOMAIN to the rig\'s ingress address, and nothing of it on the host', async () => {
    const a = await inRig('getent', ['hosts', `a-${id()}.${env('TAPACME_E2E_DOMAIN')}`]);
    const b = await inRig('getent', ['hosts', `b-${id()}.${env('TAPACME_E2E_DOMAIN')}`]);
    expect(a.stdout.split(/\s+/)[0]).toBe(env('TAPACME_E2E_INGRESS_IP'));
    expect(b.stdout.split(/\s+/)[0]).toBe(env('TAPACME_E2E_INGRESS_IP'));
  });

  it('accepts a TSIG-signed update of the DNS01 zone and refuses an unsigned one', async () => {
    const name = `_acme-challenge.t-${id()}.${env('TAPACME_E2E_DNS01_DOMAIN')}`;
    const [host, port] = env('TAPACME_E2E_RFC2136_NAMESERVER').split(':');
    const secret = readFileSync(join(env('TAPACME_E2E_DIR'), 'tsig-secret'), 'utf8').trim();
    const update = `server ${host} ${port}\nzone ${env('TAPACME_E2E_DNS01_DOMAIN')}\nupdate add ${name} 5 TXT "probe"\nsend\n`;
    expect((await inRig('nsupdate', [], { input: update })).code).not.toBe(0);
    const signed = await inRig('nsupdate', ['-y', `hmac-sha256:${env('TAPACME_E2E_TSIG_KEY_NAME')}:${secret}`], { input: update });
    expect(signed.code, signed.stderr).toBe(0);
    expect((await inRig('dig', ['+short', `@${host}`, '-p', port ?? '53', name, 'TXT'])).stdout.trim()).toBe('"probe"');
  });

  it('is reused by a second up, quickly and with the same API server', () => {
    const before = env('TAPACME_E2E_API_SERVER');
    const t = Date.now();
    execFileSync('bash', [E2E_SH, 'up'], { stdio: 'ignore' });
    expect(Date.now() - t).toBeLessThan(30_000);
    const after = JSON.parse(execFileSync('bash', [E2E_SH, 'env', '--json'], { encoding: 'utf8' })) as Record<string, string>;
    expect(after['TAPACME_E2E_API_SERVER']).toBe(before);
  });
});
