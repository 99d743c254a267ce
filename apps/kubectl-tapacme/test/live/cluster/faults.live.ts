// The fault matrix: real faults between the CLI and the real kube-apiserver. Toxiproxy injects TCP
// faults (latency, a stall, cut streams); the TLS-terminating fault proxy injects HTTP status faults and
// resets aimed at one request. Each row checks what the user sees (exit code, report) and what the
// cluster holds afterwards. The rows are also written to .test-output/fault-matrix.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminConfig, FaultProxy, Toxiproxy } from '../fault-proxies.js';
import { tempDir } from '../../helpers/temp-dir.js';
import type { Obj, Run } from './helpers.js';
import { APP, CLI, SA, apply, controllerDeployment, env, getJson, id, tapacme } from './helpers.js';

const run = id();
const dir = tempDir('tapacme-faults-');
let admin: AdminConfig;
let toxi: Toxiproxy;
let faults: FaultProxy;
let viaToxi: string;
let viaFaults: string;
const matrix: string[] = [];

function row(fault: string, command: string, outcome: string): void {
  matrix.push(`| ${fault} | ${command} | ${outcome} |`);
}

/** An issuer whose solver Pods cannot pull, and namespaces that obtain certificates from it. */
async function fixture(tag: string, namespaces: number): Promise<{ issuer: string; ns: string[] }> {
  const issuer = `flt-${run}-${tag}`;
  const ns = Array.from({ length: namespaces }, (_, i) => `flt-${run}-${tag}-${i}`);
  await apply([
    ...ns.map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}`),
    `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ${issuer}}\nspec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {ingressClassName: contour}}}]}}`,
    ...ns.map((n) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: ${n}}\nspec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ${issuer}, kind: ClusterIssuer}}`),
  ].join('\n---\n'));
  return { issuer, ns };
}

const fix = (kubeconfig: string, issuer: string, more: string[] = []): Promise<Run> => tapacme(['fix', issuer, '--pull-secret-source', 'placeholder', '--yes', '--kubeconfig', kubeconfig, ...more]);

async function fixed(issuer: string, ns: string[]): Promise<{ serviceAccounts: boolean[]; secrets: boolean[]; issuer: boolean }> {
  const i = await getJson('clusterissuer', issuer);
  const solver = (((i?.['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[])[0] as Obj;
  const tpl = (((solver['http01'] as Obj)['ingress'] as Obj)['podTemplate'] as Obj | undefined)?.['spec'] as Obj | undefined;
  return {
    serviceAccounts: await Promise.all(ns.map(async (n) => (await getJson('serviceaccount', SA, n)) !== undefined)),
    secrets: await Promise.all(ns.map(async (n) => (await getJson('secret', 'registry-credentials', n)) !== undefined)),
    issuer: tpl?.['serviceAccountName'] === SA,
  };
}

type ScanJson = { issuers: { name: string; namespaces: { name: string }[] }[] };
const scanArgs = ['scan', '-o', 'json', '--fail-on', 'none'];
const namespacesOf = (r: Run, issuer: string): string[] => ((JSON.parse(r.stdout) as ScanJson).issuers.find((i) => i.name === issuer)?.namespaces ?? []).map((n) => n.name);

let scanned: { issuer: string; ns: string[] };

beforeAll(async () => {
  admin = new AdminConfig(env('KUBECONFIG'));
  toxi = await Toxiproxy.start(admin.server);
  faults = await FaultProxy.start(admin, dir);
  viaToxi = admin.writeVariant(join(dir, 'via-toxiproxy.kubeconfig'), `https://${toxi.listen}`);
  viaFaults = admin.writeVariant(join(dir, 'via-faultproxy.kubeconfig'), `https://${faults.listen}`, faults.caPem);
  await apply(controllerDeployment());
  scanned = await fixture('scan', 2);
});

afterAll(() => {
  toxi?.stop();
  faults?.stop();
  const out = join(APP, '..', '..', '.test-output');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'fault-matrix.md'), ['| fault | command | outcome |', '|---|---|---|', ...matrix].join('\n') + '\n');
});

describe('scan through HTTP faults', () => {
  it('retries 503 and 500 and gives the same answer', async () => {
    await faults.rules([
      { method: 'GET', path: '^/apis/cert-manager.io/v1/clusterissuers$', action: 'status', status: 503, times: 2 },
      { method: 'GET', path: '^/apis/cert-manager.io/v1/certificates$', action: 'status', status: 500, times: 1 },
    ]);
    const r = await tapacme([...scanArgs, '--kubeconfig', viaFaults]);
    expect(r.code, r.stderr).toBe(0);
    expect(namespacesOf(r, scanned.issuer)).toEqual(scanned.ns);
    expect(r.stderr.match(/warning: list clusterissuers: 503 ServiceUnavailable; attempt \d of 6 in [\d.]+ s/g)).toHaveLength(2);
    expect(r.stderr).toMatch(/warning: list certificates: 500 InternalError; attempt 2 of 6/);
    const log = await faults.log();
    expect(log.filter((e) => e.path.endsWith('/clusterissuers')).map((e) => e.action)).toEqual(['status', 'status', 'pass']);
    row('503 ×2 on the ClusterIssuer list, 500 ×1 on the Certificate list', 'scan', 'retried with backoff (3 and 2 requests), same result, exit 0');
  });

  it('waits as long as Retry-After says on a 429', async () => {
    await faults.rules([{ method: 'GET', path: '^/apis/cert-manager.io/v1/clusterissuers$', action: 'status', status: 429, retryAfter: '2', times: 1 }]);
    const r = await tapacme([...scanArgs, '--kubeconfig', viaFaults]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/list clusterissuers: 429 TooManyRequests; attempt 2 of 6 in 2\.0 s \(Retry-After\)/);
    const [first, second] = (await faults.log()).filter((e) => e.path.endsWith('/clusterissuers'));
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
    row('429 with Retry-After: 2', 'scan', `next attempt after ${second!.at - first!.at} ms, exit 0`);
  });

  it('gives up after its retries with exit 1 and says so', async () => {
    await faults.rules([{ method: 'GET', path: '^/apis/cert-manager.io/v1/clusterissuers$', action: 'status', status: 503 }]);
    const t = Date.now();
    const r = await tapacme([...scanArgs, '--kubeconfig', viaFaults]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: list clusterissuers\.cert-manager\.io: 503 ServiceUnavailable: injected fault: 503 ServiceUnavailable \(gave up after 6 attempts\)/);
    expect((await faults.log()).filter((e) => e.path.endsWith('/clusterissuers'))).toHaveLength(6);
    row('503 on every ClusterIssuer list', 'scan', `6 attempts in ${((Date.now() - t) / 1000).toFixed(1)} s, then exit 1 "gave up after 6 attempts"`);
  });

  it('lists again a page whose connection was reset in the middle of the body', async () => {
    await faults.rules([{ method: 'GET', path: '^/apis/cert-manager.io/v1/certificates$', action: 'cut-body', times: 1 }]);
    const r = await tapacme([...scanArgs, '--kubeconfig', viaFaults]);
    expect(r.code, r.stderr).toBe(0);
    expect(namespacesOf(r, scanned.issuer)).toEqual(scanned.ns);
    expect((await faults.log()).filter((e) => e.path.endsWith('/certificates')).map((e) => e.action)).toEqual(['cut-body', 'pass']);
    row('connection reset in the middle of a list body', 'scan', 'page listed again, same result, exit 0');
  });
});

describe('scan through TCP faults', () => {
  it('is slow but right with 2 s of latency', async () => {
    await toxi.add('latency', { type: 'latency', attributes: { latency: 2000, jitter: 0 } });
    try {
      const t = Date.now();
      const r = await tapacme([...scanArgs, '--kubeconfig', viaToxi]);
      expect(r.code, r.stderr).toBe(0);
      expect(namespacesOf(r, scanned.issuer)).toEqual(scanned.ns);
      row('2 s latency on every answer (Toxiproxy)', 'scan', `exit 0 in ${((Date.now() - t) / 1000).toFixed(1)} s, same result`);
    } finally {
      await toxi.remove('latency');
    }
  });

  it('survives a stall with the default flags: a request that gets no data for 30 s is sent again', async () => {
    // Toxiproxy's timeout toxic with timeout 0 lets nothing through and never closes the connection.
    await toxi.add('stall', { type: 'timeout', attributes: { timeout: 0 } });
    const t = Date.now();
    const scan = tapacme([...scanArgs, '--kubeconfig', viaToxi]);
    // Longer than the 30 s bound: the stalled requests must end by themselves, not by the stall's end.
    await new Promise((r) => setTimeout(r, 33_000));
    await toxi.remove('stall');
    const r = await scan;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no data from the API server for 30 s \(server https:\/\/127\.0\.0\.1:\d+\); attempt 2 of 6/);
    expect(namespacesOf(r, scanned.issuer)).toEqual(scanned.ns);
    row('stall: no byte passes, connection never closed (Toxiproxy timeout 0), lifted after 33 s', 'scan (default flags)', `stalled requests ended after 30 s without data and sent again; exit 0 in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }, 120_000);

  it('stops at --request-timeout with exit 1', async () => {
    await toxi.add('stall', { type: 'timeout', attributes: { timeout: 0 } });
    try {
      const t = Date.now();
      const r = await tapacme([...scanArgs, '--kubeconfig', viaToxi, '--request-timeout', '2s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no complete answer within 2 s \(--request-timeout\)/);
      row('stall, with --request-timeout=2s', 'scan', `exit 1 after ${((Date.now() - t) / 1000).toFixed(1)} s naming --request-timeout`);
    } finally {
      await toxi.remove('stall');
    }
  });
});

describe('fix through faults', () => {
  it('settles a write whose answer was lost by reading it back (applied)', async () => {
    const f = await fixture('lost', 2);
    await faults.rules([{ method: 'PATCH', path: `^/api/v1/namespaces/${f.ns[0]}/serviceaccounts/`, action: 'reset-after', times: 1 }]);
    const r = await fix(viaFaults, f.issuer);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`created ServiceAccount ${f.ns[0]}/${SA}: no answer came back, but reading it back shows it was applied`);
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true], secrets: [true, true], issuer: true });
    row('reset after an apply reached the API server', 'fix', 'read back: applied → reported created; exit 0');
  });

  it('sends a write again when reading back shows it was not applied', async () => {
    const f = await fixture('notsent', 2);
    await faults.rules([{ method: 'PATCH', path: `^/api/v1/namespaces/${f.ns[1]}/serviceaccounts/`, action: 'reset-before', times: 1 }]);
    const r = await fix(viaFaults, f.issuer);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`created ServiceAccount ${f.ns[1]}/${SA}: no answer came back the first time; reading it back showed it was not applied, so it was sent again`);
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true], secrets: [true, true], issuer: true });
    row('reset before an apply reached the API server', 'fix', 'read back: not applied → sent again → created; exit 0');
  });

  it('reports "unknown" when the object cannot be read back either, and a rerun converges', async () => {
    const f = await fixture('unknown', 2);
    const sa = `^/api/v1/namespaces/${f.ns[0]}/serviceaccounts/${SA}$`;
    await faults.rules([{ method: 'PATCH', path: sa, action: 'reset-after' }, { method: 'GET', path: sa, action: 'status', status: 503 }]);
    const r = await fix(viaFaults, f.issuer);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`unknown ServiceAccount ${f.ns[0]}/${SA}: .*reading it back failed too .*gave up after 6 attempts.*may or may not have been applied`));
    expect(r.stderr).toContain(`Unknown (1, sent but unanswered, and could not be read back): ServiceAccount ${f.ns[0]}/${SA}.`);
    expect(r.stderr).toMatch(new RegExp(`Not done \\(1\\): ClusterIssuer ${f.issuer}\\.`));
    expect(r.stderr).toMatch(new RegExp(`Done \\(3\\): .*ServiceAccount ${f.ns[1]}/${SA}`));
    // The write did reach the API server; only the issuer, which waits for it, is not done.
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true], secrets: [true, true], issuer: false });
    const again = await fix(env('KUBECONFIG'), f.issuer);
    expect(again.code, again.stderr).toBe(0);
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true], secrets: [true, true], issuer: true });
    row('reset after the apply, and 503 on every read-back', 'fix', 'ServiceAccount reported "unknown", the issuer not done; exit 1; rerun converges, exit 0');
  });

  it('reports exactly what was and was not done when retries run out, and a rerun converges', async () => {
    const f = await fixture('partial', 3);
    await faults.rules([{ method: 'PATCH', path: `^/api/v1/namespaces/${f.ns[2]}/secrets/`, action: 'status', status: 503 }]);
    const r = await fix(viaFaults, f.issuer);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`failed Secret ${f.ns[2]}/registry-credentials: .*503 ServiceUnavailable.*gave up after 6 attempts`));
    expect(r.stderr).toMatch(new RegExp(`Not done \\(3\\): Secret ${f.ns[2]}/registry-credentials, ServiceAccount ${f.ns[2]}/${SA}, ClusterIssuer ${f.issuer}\\.`));
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true, false], secrets: [true, true, false], issuer: false });
    const again = await fix(env('KUBECONFIG'), f.issuer);
    expect(again.code, again.stderr).toBe(0);
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true, true], secrets: [true, true, true], issuer: true });
    row('503 on every apply of one namespace\'s Secret', 'fix', 'that Secret failed after 6 attempts, its ServiceAccount and the issuer skipped, the rest done; exit 1; rerun converges');
  });

  it('reports what was done when interrupted mid-plan, exits 130, and a rerun converges', async () => {
    const f = await fixture('sigint', 4);
    await toxi.add('latency', { type: 'latency', attributes: { latency: 400, jitter: 0 } });
    let r: Run;
    try {
      r = await new Promise<Run>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, 'fix', f.issuer, '--pull-secret-source', 'placeholder', '--yes', '--concurrency', '1', '--kubeconfig', viaToxi], { env: { ...process.env, NO_COLOR: '1', TAPACME_REQUEST_LOG: '1' } });
        let stderr = '';
        let sent = false;
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          stderr += c;
          // Ctrl-C once the second write has been answered.
          if (!sent && (stderr.match(/request: PATCH \S+ 20\d/g) ?? []).length >= 2) {
            sent = true;
            child.kill('SIGINT');
          }
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
      });
    } finally {
      await toxi.remove('latency');
    }
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: starting no more changes');
    const done = /Done \((\d+)\): (.*)\.\n/.exec(r.stderr);
    const notDone = /Not done \((\d+)\): (.*)\.\n/.exec(r.stderr);
    expect(done && notDone, r.stderr).toBeTruthy();
    const doneIds = done![2]!.split(', ');
    const notDoneIds = notDone![2]!.split(', ');
    expect(doneIds.length + notDoneIds.length).toBe(9);
    expect(notDoneIds).toContain(`ClusterIssuer ${f.issuer}`);
    // The report is the truth: every object it calls done exists, every one it calls not done does not.
    const state = await fixed(f.issuer, f.ns);
    f.ns.forEach((n, i) => {
      expect([n, state.secrets[i]]).toEqual([n, doneIds.includes(`Secret ${n}/registry-credentials`)]);
      expect([n, state.serviceAccounts[i]]).toEqual([n, doneIds.includes(`ServiceAccount ${n}/${SA}`)]);
    });
    const again = await fix(env('KUBECONFIG'), f.issuer);
    expect(again.code, again.stderr).toBe(0);
    expect(await fixed(f.issuer, f.ns)).toEqual({ serviceAccounts: [true, true, true, true], secrets: [true, true, true, true], issuer: true });
    row('SIGINT after the second of 9 writes (400 ms latency, --concurrency 1)', 'fix', `exit 130; report: ${doneIds.length} done, ${notDoneIds.length} not done, matching the cluster; rerun converges`);
  });
});

describe('watch through connections cut every 3 s', () => {
  it('resumes or re-lists and loses no namespace', async () => {
    const f = await fixture('watch', 1);
    let cuts = 0;
    const cutter = setInterval(() => void toxi.cut().then(() => cuts++), 3000);
    const child = spawn(process.execPath, [CLI, 'watch', f.issuer, '--pull-secret-source', 'placeholder', '--leader-elect=false', '--health-addr', 'off', '--kubeconfig', viaToxi], { env: { ...process.env, NO_COLOR: '1' } });
    let log = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      // New namespaces arrive while the streams keep being cut.
      const later = Array.from({ length: 4 }, (_, i) => `flt-${run}-watch-late-${i}`);
      for (const n of later) {
        await new Promise((r) => setTimeout(r, 2500));
        await apply(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: ${n}}\nspec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ${f.issuer}, kind: ClusterIssuer}}`);
      }
      const all = [...f.ns, ...later];
      const deadline = Date.now() + 60_000;
      let state = await fixed(f.issuer, all);
      while (state.serviceAccounts.includes(false) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        state = await fixed(f.issuer, all);
      }
      expect(state.serviceAccounts, log).toEqual(all.map(() => true));
      const restarts = (log.match(/informer stopped; restarting/g) ?? []).length;
      expect(restarts).toBeGreaterThan(0);
      row('every connection cut every 3 s (Toxiproxy proxy disabled and enabled), 4 namespaces added meanwhile', 'watch', `${cuts} cuts, ${restarts} informer restarts (resumed from resourceVersion or re-listed); all ${all.length} namespaces got their ServiceAccount`);
    } finally {
      clearInterval(cutter);
      child.kill('SIGTERM');
      const code = await exited;
      expect(code, log.slice(-3000)).toBe(0);
    }
  }, 120_000);
});
