// bench/offline: `kubectl-tapacme check -o json FILE` as a whole process, next to a Node process that
// only reads the file and runs yaml.parseAllDocuments on it, on three 20,000-document streams, run
// alternately in one run; and the same comparison in process (analyze() against parseAllDocuments).
// Goals (whole processes, medians): mixed block/flow stream <= 0.5 x the parse; all-issuer stream
// <= 1.2 x; peak RSS <= the parse's. The flow-heavy stream is printed beside them.
//   pnpm --filter @tapacme/bench-offline bench    (BENCH_ROUNDS, BENCH_DOCUMENTS)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFlowStream, generateIssuerStream, generateStream } from './generate.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const documents = Number(process.env.BENCH_DOCUMENTS ?? 20_000);
const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '..', '..', 'apps', 'kubectl-tapacme', 'bin', 'kubectl-tapacme');
if (!existsSync(join(here, '..', '..', 'apps', 'kubectl-tapacme', 'dist', 'kubectl-tapacme.cjs'))) {
  console.error('bench/offline: build the CLI first (pnpm build)');
  process.exit(2);
}
const probe = join(here, 'rss-probe.cjs');
const worker = join(here, 'worker.mjs');
// The streams are tens of MB. The folder is named after this process and removed however the run
// ends in JavaScript; one left by a run that was killed is removed by the next run, once its process is gone.
const dir = mkdtempSync(join(tmpdir(), `tapacme-bench-${process.pid}-`));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const name of readdirSync(tmpdir())) {
  const pid = Number(/^tapacme-bench-(\d+)-/.exec(name)?.[1]);
  if (pid && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const streams = [
  { name: 'mixed block/flow, 10% issuers', text: generateStream(documents), goal: 0.5 },
  { name: 'flow-heavy, 10% issuers', text: generateFlowStream(documents), goal: 0.5 },
  { name: 'all issuers', text: generateIssuerStream(documents), goal: 1.2 },
];

/** One whole process: wall time from spawn to exit, and its peak RSS as the preloaded probe reports it. */
function processRun(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', probe, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = /bench-maxrss-kb: (\d+)/.exec(r.stderr);
  if (!rss || r.status === null || r.status > 1) throw new Error(`${argv.join(' ')}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  return { ms, rssMb: Number(rss[1]) / 1024, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok) => (ok ? 'OK' : 'OVER GOAL');
console.log(`bench/offline: ${documents} documents per stream, ${rounds} alternating rounds, load average ${loadavg()[0].toFixed(1)}`);
let met = true;
for (const s of streams) {
  const file = join(dir, 'stream.yaml');
  writeFileSync(file, s.text);
  const runs = { parse: [], check: [], parseIn: [], checkIn: [] };
  let findings = 0;
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ['parse', 'check'] : ['check', 'parse'];
    for (const mode of order) {
      if (mode === 'parse') runs.parse.push(processRun([join(here, 'parse-only.mjs'), file]));
      else {
        const r = processRun([cli, 'check', '-o', 'json', file]);
        findings = JSON.parse(r.stdout).findings.length;
        runs.check.push(r);
      }
    }
    for (const mode of i % 2 === 0 ? ['parse', 'check'] : ['check', 'parse']) {
      runs[`${mode}In`].push(JSON.parse(execFileSync(process.execPath, [worker, mode, file], { encoding: 'utf8' })));
    }
  }
  const ms = (k) => median(runs[k].map((r) => r.ms));
  const rss = (k) => Math.max(...runs[k].map((r) => r.rssMb));
  const ratio = ms('check') / ms('parse');
  const inRatio = ms('checkIn') / ms('parseIn');
  const rssOk = rss('check') <= rss('parse');
  met &&= ratio <= s.goal && rssOk;
  console.log(`\n${s.name}: ${(s.text.length / 1e6).toFixed(1)} MB, ${findings} findings`);
  console.log(`  whole process  node + yaml.parseAllDocuments  median ${ms('parse').toFixed(0).padStart(6)} ms   peak RSS ${rss('parse').toFixed(0)} MB`);
  console.log(`                 kubectl-tapacme check -o json  median ${ms('check').toFixed(0).padStart(6)} ms   peak RSS ${rss('check').toFixed(0)} MB`);
  console.log(`  in process     parseAllDocuments              median ${ms('parseIn').toFixed(0).padStart(6)} ms   peak RSS ${rss('parseIn').toFixed(0)} MB`);
  console.log(`                 analyze                        median ${ms('checkIn').toFixed(0).padStart(6)} ms   peak RSS ${rss('checkIn').toFixed(0)} MB`);
  console.log(`  ratio check/parse, whole process ${ratio.toFixed(2)} (goal <= ${s.goal}) ${verdict(ratio <= s.goal)}; peak RSS ${verdict(rssOk)}; in process ${inRatio.toFixed(2)}`);
}
console.log(`\nbench/offline: ${met ? 'all goals met' : 'some goal missed'}`);
