// HTTPS_PROXY / NO_PROXY as kubectl honours them, through a real CONNECT proxy (tools/faults/connectproxy).
// Go never proxies localhost or loopback literals, so the API server gets a name: apiserver.tapacme.test,
// served by SNI with a certificate of the test CA (tools/cluster), and mapped to 127.0.0.1 by an /etc/hosts
// that only exists in a mount namespace made here (unshare -m), for the proxy, kubectl and the CLI alike.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminConfig, freePort, need } from '../fault-proxies.js';
import { tempDir } from '../../helpers/temp-dir.js';
import type { Run } from './helpers.js';
import { CLI, env, run } from './helpers.js';

const NAME = 'apiserver.tapacme.test';
const dir = tempDir('tapacme-proxy-');
const hosts = join(dir, 'hosts');
let named: string;
let loopback: string;
let proxy: ChildProcess;
let proxyUrl: string;
let tunnels = '';
let apiPort = '';

/** Run a command with our /etc/hosts, in a mount namespace of its own (the network is shared). */
function inNamespace(cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, cmd, ...args], {
    env: { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '', HTTP_PROXY: '', http_proxy: '', ...extraEnv },
  });
}

const kubectlWhoami = (kubeconfig: string, e: NodeJS.ProcessEnv): Promise<Run> => inNamespace(env('TAPACME_KUBECTL'), ['--kubeconfig', kubeconfig, '--request-timeout=10s', 'auth', 'whoami', '-o', 'json'], e);
const scan = (kubeconfig: string, e: NodeJS.ProcessEnv): Promise<Run> => inNamespace(process.execPath, [CLI, 'scan', '-o', 'json', '--fail-on', 'none', '--kubeconfig', kubeconfig], { TAPACME_REQUEST_STATS: '1', ...e });

/** The CONNECT lines the proxy printed since the last call. */
function newTunnels(): string[] {
  const lines = tunnels.split('\n').filter((l) => l.startsWith('CONNECT '));
  tunnels = '';
  return [...new Set(lines)];
}

beforeAll(async () => {
  const unshare = await run('unshare', ['-m', '--propagation', 'private', 'true']);
  if (unshare.code !== 0) throw new Error(`this test needs mount namespaces (unshare -m, as root or with user namespaces): ${unshare.stderr}`);
  writeFileSync(hosts, `127.0.0.1 localhost\n127.0.0.1 ${NAME}\n`);
  const admin = new AdminConfig(env('KUBECONFIG'));
  const port = admin.server.port;
  apiPort = port;
  // The named certificate is signed by the test CA, not by the API server's self-signed one.
  const ca = readFileSync(join(dirname(env('KUBECONFIG')), 'pki', 'ca.crt'));
  named = admin.writeVariant(join(dir, 'named.kubeconfig'), `https://${NAME}:${port}`, ca);
  loopback = env('KUBECONFIG');
  const p = await freePort();
  proxyUrl = `http://127.0.0.1:${p}`;
  proxy = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, need('TAPACME_CONNECTPROXY'), '-listen', `127.0.0.1:${p}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  proxy.stdout?.setEncoding('utf8').on('data', (c: string) => (tunnels += c));
  for (let i = 0; !tunnels.includes('"proxy"'); i++) {
    if (i > 100) throw new Error('connectproxy did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  newTunnels();
});

afterAll(() => {
  proxy?.kill('SIGTERM');
});

describe('HTTPS_PROXY and NO_PROXY, as kubectl', () => {
  it('goes through the proxy for a named API server', async () => {
    const e = { HTTPS_PROXY: proxyUrl };
    const k = await kubectlWhoami(named, e);
    expect(k.code, k.stderr).toBe(0);
    expect(newTunnels()).toEqual([`CONNECT ${NAME}:${apiPort}`]);
    const ours = await scan(named, e);
    expect(ours.code, ours.stderr).toBe(0);
    expect(newTunnels()).toEqual([`CONNECT ${NAME}:${apiPort}`]);
  });

  it('fails, as kubectl does, when the proxy it is told to use is down', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const k = await kubectlWhoami(named, { https_proxy: dead });
    expect(k.code).not.toBe(0);
    expect(k.stderr).toMatch(/The connection to the server apiserver\.tapacme\.test:\d+ was refused/);
    const ours = await scan(named, { https_proxy: dead });
    expect(ours.code).toBe(1);
    expect(ours.stderr).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+/);
  }, 60_000);

  it('connects directly to what NO_PROXY names, by domain or suffix', async () => {
    for (const noProxy of [NAME, 'tapacme.test', '.tapacme.test', '*']) {
      const e = { HTTPS_PROXY: proxyUrl, NO_PROXY: `example.com,${noProxy}` };
      const k = await kubectlWhoami(named, e);
      expect([noProxy, k.code, k.stderr]).toEqual([noProxy, 0, '']);
      const ours = await scan(named, e);
      expect([noProxy, ours.code]).toEqual([noProxy, 0]);
      expect([noProxy, newTunnels()]).toEqual([noProxy, []]);
    }
  });

  it('still proxies what NO_PROXY does not name', async () => {
    const e = { HTTPS_PROXY: proxyUrl, NO_PROXY: 'other.tapacme.test,api.tapacme.test' };
    expect((await kubectlWhoami(named, e)).code).toBe(0);
    expect(newTunnels()).toHaveLength(1);
    expect((await scan(named, e)).code).toBe(0);
    expect(newTunnels()).toHaveLength(1);
  });

  it('never proxies a loopback address, even with a proxy that is down', async () => {
    const e = { HTTPS_PROXY: `http://127.0.0.1:${await freePort()}` };
    const k = await kubectlWhoami(loopback, e);
    expect(k.code, k.stderr).toBe(0);
    const ours = await scan(loopback, e);
    expect(ours.code, ours.stderr).toBe(0);
  });
});
