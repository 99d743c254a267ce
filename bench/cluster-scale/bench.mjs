// bench/cluster-scale: kubectl tapacme scan and fix on a real API server (tools/cluster), next to a
// `kubectl create serviceaccount` loop in the same run. Two sizes:
//   quick (default, what CI runs): 2,000 namespaces, 10,000 Certificates, 50 ClusterIssuers, 4,000 Ingresses
//   BENCH_SCALE=10x: 10,000 namespaces, 100,000 Certificates, 200 ClusterIssuers, 20,000 annotated Ingresses
// Prints every figure with the load average when it was taken, and writes summary-<scale>.json beside this file.
//   BENCH_NAMESPACES, BENCH_CERTIFICATES, BENCH_ISSUERS, BENCH_INGRESSES, BENCH_ROUNDS, BENCH_LOOP_SAMPLE override;
//   BENCH_FRONTIER=1000,5000,0 also scans with each --chunk-size and names the one the rule picks (fastest under 200 MB);
//   BENCH_COPY=0 skips the copy: fix; BENCH_WATCH_BURST=0 the watch burst; BENCH_LIST_PAGES=0 the page-by-page list;
//   BENCH_KEEP=1 leaves the cluster up; BENCH_SEED_ONLY=1 seeds, prints the env lines and leaves it up.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { adminClient, issuerName, pool, seed } from './seed.mjs';

const SCALES = {
  quick: { namespaces: 2000, certificates: 10_000, issuers: 50, ingresses: 4000 },
  '10x': { namespaces: 10_000, certificates: 100_000, issuers: 200, ingresses: 20_000 },
};
const scale = process.env.BENCH_SCALE ?? 'quick';
if (!SCALES[scale]) throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(', ')}`);
const size = Object.fromEntries(Object.entries(SCALES[scale]).map(([k, v]) => [k, Number(process.env[`BENCH_${k.toUpperCase()}`] ?? v)]));
const { namespaces, certificates, issuers, ingresses } = size;
const goals = { scanMs: 3000, scanRequests: 30, rssMb: 200, fixRatio: 50, secondFixMs: 3000 };
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const loopSample = Math.min(namespaces, Number(process.env.BENCH_LOOP_SAMPLE ?? 500));
const frontier = (process.env.BENCH_FRONTIER ?? '').split(',').filter(Boolean).map(Number);
const burst = Number(process.env.BENCH_WATCH_BURST ?? 1000);

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'apps/kubectl-tapacme/bin/kubectl-tapacme');
const probe = fileURLToPath(new URL('./rss-probe.cjs', import.meta.url));
const clusterSh = join(root, 'tools/cluster/cluster.sh');
const solverImage = 'registry.example.com/tap/cert-manager-acmesolver:v1.21.1';
const clusterEnv = { ...process.env, TAPACME_CLUSTER_DIR: join(root, '.test-cluster/bench-scale'), TAPACME_CERT_MANAGER_VERSION: 'v1.21.1', TAPACME_LEASE_PID: String(process.pid) };
const lease = `bench-${process.pid}`;
const log = (s) => process.stderr.write(`bench: ${s}\n`);
/** The 1-minute load average now: other work on the same cores, recorded with every figure. */
const load = () => Number(loadavg()[0].toFixed(2));
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const summary = { scale, size, goals, machine: { uptimeAtStart: uptime() }, figures: {} };

log(`${uptime()}`);
log('building the CLI');
execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=kubectl-tapacme...', '--output-logs=errors-only'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
log('starting a fresh API server (tools/cluster)');
execFileSync('bash', [clusterSh, 'down'], { env: clusterEnv, stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync('bash', [clusterSh, 'up', '--lease', lease], { env: clusterEnv, stdio: ['ignore', 'ignore', 'inherit'] });
const envJson = JSON.parse(execFileSync('bash', [clusterSh, 'env', '--json'], { env: clusterEnv, encoding: 'utf8' }));
const kubeconfig = envJson.KUBECONFIG;
const kubectl = envJson.TAPACME_KUBECTL;
const apiserverPid = () => {
  try {
    return Number(execFileSync('cat', [join(clusterEnv.TAPACME_CLUSTER_DIR, 'kube-apiserver.pid')], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
};
/** The API server's resident and peak memory (VmRSS, VmHWM), to say where seeding spends memory. */
const apiserverMemory = () => {
  const pid = apiserverPid();
  if (!pid) return undefined;
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
};

/** One CLI run as a user runs it: a whole process, timed from spawn to exit, with its peak RSS, request count and the load average. */
const runCli = (args) =>
  new Promise((resolve, reject) => {
    const loadBefore = load();
    const start = performance.now();
    const child = spawn(process.execPath, ['-r', probe, cli, ...args, '--kubeconfig', kubeconfig], { env: { ...process.env, TAPACME_REQUEST_STATS: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let stderr = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const rss = Number(/bench-maxrss-kb: (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
      const m = /requests: (\d+) \(([^)]*)\), writes: (\d+)/.exec(stderr);
      const timing = /timing: (.*)/.exec(stderr)?.[1] ?? '';
      resolve({ code, ms, rssMb: rss, requests: m ? Number(m[1]) : NaN, verbs: m?.[2] ?? '', writes: m ? Number(m[3]) : NaN, timing, stdout: Buffer.concat(out).toString('utf8'), stderr, load: Math.max(loadBefore, load()) });
    });
  });
const figure = (r) => ({ seconds: Number((r.ms / 1000).toFixed(2)), requests: r.requests, writes: r.writes, peakRssMb: Math.round(r.rssMb), load1: r.load, ...(r.timing ? { timing: r.timing } : {}) });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const goal = (ok) => (ok ? 'OK' : 'OVER GOAL');
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

const freePort = () => new Promise((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * `watch` under a burst: it runs (copying the pull secret, as after the copy fix), and `burst` new
 * namespaces, each with a Certificate, are created within 10 s. Measured from its JSON log: when the
 * last of them got its ServiceAccount, how many reconciles it took and how many events each folded.
 */
async function watchBurst() {
  const port = await freePort();
  const args = ['watch', '--pull-secret-source', 'copy:cert-manager/registry-credentials', '--service-account', 'acme-solver-copy', '--pull-secret', 'copied-registry-credentials', '--leader-elect=false', '--health-addr', `127.0.0.1:${port}`, '--kubeconfig', kubeconfig];
  const child = spawn(process.execPath, ['-r', probe, cli, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  let partial = '';
  let watchRssKb = NaN;
  child.stderr.setEncoding('utf8').on('data', (c) => {
    partial += c;
    for (let i = partial.indexOf('\n'); i >= 0; i = partial.indexOf('\n')) {
      const line = partial.slice(0, i);
      partial = partial.slice(i + 1);
      const rssKb = /bench-maxrss-kb: (\d+)/.exec(line)?.[1];
      if (rssKb) watchRssKb = Number(rssKb);
      else if (line.startsWith('{')) logs.push({ at: performance.now(), ...JSON.parse(line) });
    }
  });
  const startedAt = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`watch exited ${child.exitCode}: ${JSON.stringify(logs.slice(-5))}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (performance.now() - startedAt > 300_000) throw new Error('watch not ready within 300 s');
    await sleep(200);
  }
  const syncS = (performance.now() - startedAt) / 1000;
  await sleep(2000); // its first reconcile (nothing to do) settles
  const before = logs.length;
  const admin = adminClient(kubeconfig, 48);
  const names = Array.from({ length: burst }, (_, i) => `burst-${String(i).padStart(4, '0')}`);
  const created = new Map();
  const t0 = performance.now();
  // Namespace then Certificate, paced so that the burst spreads over 10 s as a real one would.
  await pool(burst, (i) => async () => {
    const due = t0 + (i * 10_000) / burst;
    if (due > performance.now()) await sleep(due - performance.now());
    await admin.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: names[i] } });
    await admin.request('POST', `/apis/cert-manager.io/v1/namespaces/${names[i]}/certificates`, {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web', namespace: names[i] },
      spec: { secretName: 'web-tls', dnsNames: [`${names[i]}.example.com`], issuerRef: { name: issuerName(i % issuers, issuers), kind: 'ClusterIssuer', group: 'cert-manager.io' } },
    });
    created.set(names[i], performance.now());
  }, 48);
  const burstS = (performance.now() - t0) / 1000;
  const covered = () => new Set(logs.slice(before).filter((l) => l.msg === 'created' && /^ServiceAccount burst-/.test(String(l.object))).map((l) => String(l.object).split(' ')[1].split('/')[0]));
  while (covered().size < burst && performance.now() - t0 < 120_000) await sleep(100);
  const coveredAt = Math.max(...logs.slice(before).filter((l) => l.msg === 'created' && /^ServiceAccount burst-/.test(String(l.object))).map((l) => l.at));
  const allS = (coveredAt - t0) / 1000;
  // Lag per namespace: its Certificate created -> its ServiceAccount created.
  const lags = logs.slice(before).filter((l) => l.msg === 'created' && /^ServiceAccount burst-/.test(String(l.object))).map((l) => l.at - (created.get(String(l.object).split(' ')[1].split('/')[0]) ?? l.at)).sort((a, b) => a - b);
  const pct = (p) => (lags.length ? lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] / 1000 : NaN);
  const reconciles = logs.slice(before).filter((l) => l.msg === 'reconciled');
  const writes = logs.slice(before).filter((l) => (l.msg === 'created' || l.msg === 'updated') && / burst-/.test(String(l.object)));
  const perObject = new Map();
  for (const w of writes) perObject.set(w.object, (perObject.get(w.object) ?? 0) + 1);
  const events = reconciles.reduce((n, r) => n + (r.events ?? 0), 0);
  // Check against the API server, not only the log.
  const sas = await admin.request('GET', '/api/v1/serviceaccounts?fieldSelector=metadata.name%3Dacme-solver-copy');
  const inBurst = sas.items.filter((x) => x.metadata.namespace.startsWith('burst-')).length;
  admin.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
  const rss = watchRssKb / 1024;
  summary.figures.watchBurst = {
    namespaces: burst, burstSeconds: Number(burstS.toFixed(1)), allCoveredSeconds: Number(allS.toFixed(1)), serviceAccountsSeenByApi: inBurst,
    lagSeconds: { p50: pct(50), p95: pct(95), max: pct(100) }, reconcilesWithWrites: reconciles.length, eventsFolded: events,
    writes: writes.length, objectsWrittenTwice: [...perObject.values()].filter((n) => n > 1).length, startupSyncSeconds: Number(syncS.toFixed(1)), peakRssMb: Math.round(rss), load1: load(),
  };
  const w = summary.figures.watchBurst;
  say(`  watch    ${burst} namespaces + Certificates created in ${w.burstSeconds} s: all covered ${w.allCoveredSeconds} s after the first (goal <= 30 s) ${goal(w.allCoveredSeconds <= 30 && inBurst === burst)}; ${inBurst} ServiceAccounts seen by the API server`);
  say(`           ${w.reconcilesWithWrites} reconciles for ${events} events (${(events / Math.max(1, w.reconcilesWithWrites)).toFixed(0)} folded into each), ${w.writes} writes for ${burst * 2} objects (${w.objectsWrittenTwice} written twice)`);
  say(`           Certificate -> ServiceAccount lag p50 ${w.lagSeconds.p50?.toFixed(2)} s, p95 ${w.lagSeconds.p95?.toFixed(2)} s, max ${w.lagSeconds.max?.toFixed(2)} s; watch start to synced ${w.startupSyncSeconds} s, peak RSS ${w.peakRssMb} MB (load ${w.load1})`);
}

let exitCode = 0;
const lines = [];
const say = (s) => {
  lines.push(s);
  console.log(s);
};
try {
  const t0 = performance.now();
  const admin = adminClient(kubeconfig, 48);
  const seeded = await seed(admin, { namespaces, certificates, issuers, ingresses, solverImage, concurrency: 48, log });
  admin.close();
  const seedS = (performance.now() - t0) / 1000;
  summary.figures.seed = { seconds: Number(seedS.toFixed(1)), phases: seeded.times, objects: namespaces * 2 + certificates + issuers + ingresses, apiserver: apiserverMemory(), load1: load() };
  log(`seeded ${namespaces} namespaces, ${certificates} Certificates, ${issuers} ClusterIssuers, ${ingresses} Ingresses, ${namespaces} pull secrets in ${seedS.toFixed(1)} s; API server ${JSON.stringify(summary.figures.seed.apiserver)}`);
  if (process.env.BENCH_SEED_ONLY === '1') {
    console.log(`export KUBECONFIG=${kubeconfig}\nexport TAPACME_KUBECTL=${kubectl}`);
    process.exit(0);
  }
  say(`bench/cluster-scale (${scale}): real kube-apiserver (cert-manager ${envJson.TAPACME_CERT_MANAGER_VERSION ?? 'v1.21.1'} CRDs); ${namespaces} namespaces, ${certificates} Certificates, ${issuers} ClusterIssuers, ${ingresses} annotated Ingresses`);
  say(`  machine  ${summary.machine.uptimeAtStart}`);
  say(`  seed     ${summary.figures.seed.objects} objects in ${seedS.toFixed(1)} s (${(summary.figures.seed.objects / seedS).toFixed(0)}/s, 48 in flight); API server RSS ${summary.figures.seed.apiserver?.rssMb} MB, peak ${summary.figures.seed.apiserver?.peakMb} MB`);

  const scans = [];
  for (let i = 0; i < rounds; i++) scans.push(await runCli(['scan', '-o', 'json']));
  if (scans[0].code !== 1) throw new Error(`scan exited ${scans[0].code}: ${scans[0].stderr.slice(-2000)}`);
  const report = JSON.parse(scans[0].stdout);
  const scanMs = median(scans.map((s) => s.ms));
  const scanRss = Math.max(...scans.map((s) => s.rssMb));
  const scanReq = scans[0].requests;
  summary.figures.scan = { runs: scans.map(figure), medianSeconds: Number((scanMs / 1000).toFixed(2)), requests: scanReq, peakRssMb: Math.round(scanRss), issuers: report.summary.issuers, namespaces: report.summary.namespaces };
  say(`  scan     wall ${secs(scanMs)} (median of ${rounds} whole-process runs: ${scans.map((s) => `${secs(s.ms)} at load ${s.load}`).join(', ')}; goal <= 3 s) ${goal(scanMs <= goals.scanMs)}`);
  say(`           API requests ${scanReq} (${scans[0].verbs}; goal <= ${goals.scanRequests}) ${goal(scanReq <= goals.scanRequests)}`);
  say(`           peak RSS ${scanRss.toFixed(0)} MB (goal <= ${goals.rssMb} MB) ${goal(scanRss <= goals.rssMb)}; ${scans[0].timing}`);
  say(`           report: ${report.summary.issuers} issuers, ${report.summary.namespaces} namespace entries`);

  if (frontier.length > 0) {
    summary.figures.frontier = [];
    say('  frontier --chunk-size against time, requests and memory (one scan each)');
    for (const chunk of frontier) {
      const r = await runCli(['scan', '-o', 'json', '--chunk-size', String(chunk)]);
      summary.figures.frontier.push({ chunkSize: chunk, ...figure(r) });
      say(`           chunk ${String(chunk).padStart(6)}: ${secs(r.ms)}, ${r.requests} requests, ${r.rssMb.toFixed(0)} MB (load ${r.load}); ${r.timing}`);
    }
    // The rule for the default: the best time under the memory goal; if none is under it, the least memory.
    const under = summary.figures.frontier.filter((f) => f.peakRssMb <= goals.rssMb);
    const pick = (under.length > 0 ? under.sort((a, b) => a.seconds - b.seconds) : [...summary.figures.frontier].sort((a, b) => a.peakRssMb - b.peakRssMb))[0];
    summary.figures.frontierPick = { chunkSize: pick.chunkSize, rule: under.length > 0 ? `fastest under ${goals.rssMb} MB` : `none under ${goals.rssMb} MB: least memory` };
    say(`           by the rule (${summary.figures.frontierPick.rule}): --chunk-size ${pick.chunkSize} (${pick.seconds} s, ${pick.requests} requests, ${pick.peakRssMb} MB); one run each at the load shown, so compare with care`);
  }

  if (process.env.BENCH_LIST_PAGES !== '0') {
    // Where the API server serves the Certificates from (watch cache or etcd, from its own counters) and each page's time.
    const pages = spawnSync(process.execPath, [fileURLToPath(new URL('./list-pages.mjs', import.meta.url)), kubeconfig], { encoding: 'utf8', env: { ...process.env, LIST_LIMITS: '10000', LIST_MODES: 'consistent,notOlderThan' } });
    summary.figures.listPages = pages.stdout.trim().split('\n');
    say('  pages    list of Certificates, page by page (bench/cluster-scale/list-pages.mjs)');
    for (const l of summary.figures.listPages) say(`         ${l}`);
  }

  log('fix: creating the solver ServiceAccount in every namespace, then setting it on the issuers');
  const fix = await runCli(['fix', '--pull-secret-source', 'existing', '--yes']);
  if (fix.code !== 0) throw new Error(`fix exited ${fix.code}: ${fix.stderr.slice(-2000)}`);
  const created = Number(/ServiceAccounts: (\d+) created/.exec(fix.stderr)?.[1] ?? NaN);
  const patched = Number(/ClusterIssuers: \d+ created, (\d+) updated/.exec(fix.stderr)?.[1] ?? NaN);

  log(`baseline: kubectl create serviceaccount in ${loopSample} of the ${namespaces} namespaces, one after another`);
  const cache = mkdtempSync(join(tmpdir(), 'bench-kubectl-cache-'));
  const loopLoad = load();
  const loopStart = performance.now();
  for (const n of seeded.ns.slice(0, loopSample)) {
    const r = spawnSync(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', cache, 'create', 'serviceaccount', 'loop-solver', '-n', n], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kubectl create serviceaccount -n ${n}: ${r.stderr}`);
  }
  const loopSampleMs = performance.now() - loopStart;
  // After the loop, so that the fix and the loop ran back to back at about the same load.
  const again = await runCli(['fix', '--pull-secret-source', 'existing', '--yes']);
  const rescan = await runCli(['scan', '-o', 'json']);
  const loopMs = (loopSampleMs / loopSample) * namespaces;
  const ratio = loopMs / fix.ms;
  summary.figures.fix = { ...figure(fix), serviceAccountsCreated: created, issuersPatched: patched };
  summary.figures.loop = { sample: loopSample, sampleSeconds: Number((loopSampleMs / 1000).toFixed(1)), extrapolatedSeconds: Number((loopMs / 1000).toFixed(1)), namespaces, load1: Math.max(loopLoad, load()) };
  summary.figures.fixRatio = Number(ratio.toFixed(1));
  summary.figures.secondFix = figure(again);
  summary.figures.scanAfterFix = figure(rescan);
  say(`  fix      ${created} ServiceAccounts created + ${patched} issuers patched (--pull-secret-source existing) in ${secs(fix.ms)}, ${fix.requests} requests, peak RSS ${fix.rssMb.toFixed(0)} MB (load ${fix.load}) ${goal(fix.rssMb <= goals.rssMb)}`);
  say(`           ${fix.timing}`);
  say(`  loop     kubectl create serviceaccount x ${loopSample}: ${(loopSampleMs / 1000).toFixed(1)} s (${(loopSampleMs / loopSample).toFixed(0)} ms each, load ${summary.figures.loop.load1}) -> x ${namespaces}: ${(loopMs / 1000).toFixed(0)} s extrapolated`);
  say(`  ratio    loop / fix = ${ratio.toFixed(1)}x (goal >= ${goals.fixRatio}x) ${goal(ratio >= goals.fixRatio)}`);
  const writeMs = Number(/write (\d+) ms/.exec(fix.timing)?.[1] ?? NaN);
  if (writeMs > 0) say(`           per namespace: kubectl ${(loopSampleMs / loopSample).toFixed(1)} ms, fix ${(fix.ms / namespaces).toFixed(1)} ms of which writing ${(writeMs / namespaces).toFixed(1)} ms (${(fix.requests / (writeMs / 1000)).toFixed(0)} requests/s while writing)`);
  say(`  rerun    second fix: ${again.requests} requests, ${again.writes} writes, ${secs(again.ms)} (load ${again.load}; goal 0 writes in <= 3 s) ${goal(again.writes === 0 && again.ms <= goals.secondFixMs)}`);
  say(`           ${again.timing}`);
  say(`           scan after fix: ${rescan.requests} requests, ${secs(rescan.ms)}, peak RSS ${rescan.rssMb.toFixed(0)} MB (load ${rescan.load})`);
  if (again.writes !== 0 || created !== namespaces) exitCode = 1;

  if (process.env.BENCH_COPY !== '0') {
    // A second ServiceAccount and pull secret name, so every namespace gets both written again (2 writes each).
    // The issuers are named: after the first fix none needs one, and fix without names fixes only those that do.
    const names = Array.from({ length: issuers }, (_, i) => issuerName(i, issuers));
    const copy = await runCli(['fix', ...names, '--pull-secret-source', 'copy:cert-manager/registry-credentials', '--service-account', 'acme-solver-copy', '--pull-secret', 'copied-registry-credentials', '--yes']);
    if (copy.code !== 0) {
      // Recorded, and the watch burst still runs: one failed figure should not cost the others.
      summary.figures.copyFix = { ...figure(copy), error: copy.stderr.slice(-1000) };
      say(`  copy     FAILED (exit ${copy.code}) after ${secs(copy.ms)} (load ${copy.load}): ${copy.stderr.trim().split('\n').find((l) => l.startsWith('error:')) ?? ''}`);
      exitCode = 1;
    } else {
      const secrets = Number(/Secrets: (\d+) created/.exec(copy.stderr)?.[1] ?? NaN);
      const sas = Number(/ServiceAccounts: (\d+) created/.exec(copy.stderr)?.[1] ?? NaN);
      const copyLoopMs = (loopSampleMs / loopSample) * (secrets + sas);
      summary.figures.copyFix = { ...figure(copy), secretsCreated: secrets, serviceAccountsCreated: sas, loopExtrapolatedSeconds: Number((copyLoopMs / 1000).toFixed(0)), ratio: Number((copyLoopMs / copy.ms).toFixed(1)) };
      say(`  copy     ${secrets} pull secrets copied + ${sas} ServiceAccounts created + issuers patched in ${secs(copy.ms)}, ${copy.requests} requests, peak RSS ${copy.rssMb.toFixed(0)} MB (load ${copy.load})`);
      say(`           against one kubectl create per object (${secrets + sas} x ${(loopSampleMs / loopSample).toFixed(0)} ms = ${(copyLoopMs / 1000).toFixed(0)} s): ${summary.figures.copyFix.ratio}x`);
    }
  }
  if (burst > 0) await watchBurst();
  summary.machine.uptimeAtEnd = uptime();
  say(`  machine  ${summary.machine.uptimeAtEnd}`);
} catch (e) {
  console.error(`bench: ${e.stack ?? e}`);
  summary.error = String(e.message ?? e);
  exitCode = 1;
} finally {
  summary.figures.apiserverAtEnd = apiserverMemory();
  const file = fileURLToPath(new URL(`./summary-${scale}.json`, import.meta.url));
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  log(`summary written to ${file}`);
  if (process.env.BENCH_KEEP !== '1') execFileSync('bash', [clusterSh, 'down', '--lease', lease], { env: clusterEnv, stdio: ['ignore', 'ignore', 'inherit'] });
}
process.exit(exitCode);
