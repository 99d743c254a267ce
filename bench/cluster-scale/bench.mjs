// bench/cluster-scale: kubectl tapacme scan and fix on a real API server (tools/cluster) holding
// 2,000 namespaces, 10,000 Certificates and 50 ClusterIssuers; prints scan wall time, API requests
// and peak RSS, and fix time for 2,000 ServiceAccounts next to a `kubectl create serviceaccount`
// loop over the same namespaces in the same run.
//   BENCH_NAMESPACES, BENCH_CERTIFICATES, BENCH_ISSUERS scale it; BENCH_KEEP=1 leaves the cluster up;
//   BENCH_SEED_ONLY=1 seeds, prints the env lines for the cluster and leaves it up (for profiling).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminClient, seed } from './seed.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'apps/kubectl-tapacme/bin/kubectl-tapacme');
const probe = fileURLToPath(new URL('./rss-probe.cjs', import.meta.url));
const clusterSh = join(root, 'tools/cluster/cluster.sh');
const namespaces = Number(process.env.BENCH_NAMESPACES ?? 2000);
const certificates = Number(process.env.BENCH_CERTIFICATES ?? 10_000);
const issuers = Number(process.env.BENCH_ISSUERS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const solverImage = 'registry.example.com/tap/cert-manager-acmesolver:v1.21.1';
const clusterEnv = { ...process.env, TAPACME_CLUSTER_DIR: join(root, '.test-cluster/bench-scale'), TAPACME_CERT_MANAGER_VERSION: 'v1.21.1', TAPACME_LEASE_PID: String(process.pid) };
const lease = `bench-${process.pid}`;
const log = (s) => process.stderr.write(`bench: ${s}\n`);

log('building the CLI');
execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=kubectl-tapacme...', '--output-logs=errors-only'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
log('starting a fresh API server (tools/cluster)');
execFileSync('bash', [clusterSh, 'down'], { env: clusterEnv, stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync('bash', [clusterSh, 'up', '--lease', lease], { env: clusterEnv, stdio: ['ignore', 'ignore', 'inherit'] });
const envJson = JSON.parse(execFileSync('bash', [clusterSh, 'env', '--json'], { env: clusterEnv, encoding: 'utf8' }));
const kubeconfig = envJson.KUBECONFIG;
const kubectl = envJson.TAPACME_KUBECTL;

let exitCode = 0;
try {
  const t0 = performance.now();
  const admin = adminClient(kubeconfig, 48);
  const ns = await seed(admin, { namespaces, certificates, issuers, solverImage, concurrency: 48 });
  admin.close();
  log(`seeded ${namespaces} namespaces, ${certificates} Certificates, ${issuers} ClusterIssuers, ${namespaces} pull secrets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (process.env.BENCH_SEED_ONLY === '1') {
    console.log(`export KUBECONFIG=${kubeconfig}\nexport TAPACME_KUBECTL=${kubectl}`);
    process.exit(0);
  }

  /** One CLI run as a user runs it: a whole process, timed from spawn to exit, with its peak RSS and request count. */
  const runCli = (args) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const child = spawn(process.execPath, ['-r', probe, cli, ...args, '--kubeconfig', kubeconfig], { env: { ...process.env, TAPACME_REQUEST_STATS: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => {
        const ms = performance.now() - start;
        const rss = Number(/bench-maxrss-kb: (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
        const m = /requests: (\d+) \(([^)]*)\), writes: (\d+)/.exec(stderr);
        resolve({ code, ms, rssMb: rss, requests: m ? Number(m[1]) : NaN, verbs: m?.[2] ?? '', writes: m ? Number(m[3]) : NaN, stdout, stderr });
      });
    });

  const scans = [];
  for (let i = 0; i < rounds; i++) scans.push(await runCli(['scan', '-o', 'json']));
  const report = JSON.parse(scans[0].stdout);
  if (scans[0].code !== 1) throw new Error(`scan exited ${scans[0].code}: ${scans[0].stderr}`);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const scanMs = median(scans.map((s) => s.ms));
  const scanRss = Math.max(...scans.map((s) => s.rssMb));
  const scanReq = scans[0].requests;
  log(`scan: ${report.summary.issuers} issuers, ${report.summary.namespaces} namespaces, ${report.summary.errors} errors`);

  log('fix: creating the solver ServiceAccount in every namespace, then setting it on the issuers');
  const fix = await runCli(['fix', '--pull-secret-source', 'existing', '--yes']);
  if (fix.code !== 0) throw new Error(`fix exited ${fix.code}: ${fix.stderr.slice(-2000)}`);
  const created = Number(/ServiceAccounts: (\d+) created/.exec(fix.stderr)?.[1] ?? NaN);
  const again = await runCli(['fix', '--pull-secret-source', 'existing', '--yes']);
  const rescan = await runCli(['scan', '-o', 'json']);

  log(`baseline: kubectl create serviceaccount in each of the ${ns.length} namespaces, one after another`);
  const cache = mkdtempSync(join(tmpdir(), 'bench-kubectl-cache-'));
  const loopStart = performance.now();
  for (const n of ns) {
    const r = spawnSync(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', cache, 'create', 'serviceaccount', 'loop-solver', '-n', n], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kubectl create serviceaccount -n ${n}: ${r.stderr}`);
  }
  const loopMs = performance.now() - loopStart;

  const goal = (ok) => (ok ? 'OK' : 'OVER GOAL');
  const ratio = loopMs / fix.ms;
  const lines = [
    `bench/cluster-scale: real kube-apiserver ${envJson.TAPACME_CERT_MANAGER_VERSION ? `(cert-manager ${envJson.TAPACME_CERT_MANAGER_VERSION} CRDs)` : ''}; ${namespaces} namespaces, ${certificates} Certificates, ${issuers} ClusterIssuers`,
    `  scan   wall ${(scanMs / 1000).toFixed(2)} s (median of ${rounds} whole-process runs; goal <= 3 s) ${goal(scanMs <= 3000)}`,
    `         API requests ${scanReq} (${scans[0].verbs}; goal <= 20) ${goal(scanReq <= 20)}`,
    `         peak RSS ${scanRss.toFixed(0)} MB (goal <= 200 MB) ${goal(scanRss <= 200)}`,
    `  fix    ${created} ServiceAccounts created + ${issuers} issuers patched in ${(fix.ms / 1000).toFixed(2)} s, ${fix.requests} requests, peak RSS ${fix.rssMb.toFixed(0)} MB ${goal(fix.rssMb <= 200)}`,
    `  loop   kubectl create serviceaccount x ${ns.length}: ${(loopMs / 1000).toFixed(1)} s`,
    `  ratio  loop / fix = ${ratio.toFixed(1)}x (goal >= 10x) ${goal(ratio >= 10)}`,
    `  rerun  second fix: ${again.requests} requests, ${again.writes} writes, ${(again.ms / 1000).toFixed(2)} s; scan after fix: ${rescan.requests} requests, ${(rescan.ms / 1000).toFixed(2)} s, peak RSS ${rescan.rssMb.toFixed(0)} MB`,
  ];
  console.log(lines.join('\n'));
  if (again.writes !== 0 || created !== namespaces) exitCode = 1;
} catch (e) {
  console.error(`bench: ${e.stack ?? e}`);
  exitCode = 1;
} finally {
  if (process.env.BENCH_KEEP !== '1') execFileSync('bash', [clusterSh, 'down', '--lease', lease], { env: clusterEnv, stdio: ['ignore', 'ignore', 'inherit'] });
}
process.exit(exitCode);
