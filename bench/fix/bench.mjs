// bench/fix: `kubectl-tapacme fix --write FILE` next to `check FILE` as whole processes, on big files:
// a 50 MB and a 20 MB stream (ConfigMaps and one issuer to fix) and JSON issuers of 40,000 and
// 200,000 keys. Prints median time and peak RSS, the ratio fix/check, and the same beside a baseline
// checkout (another commit's built CLI) run alternately in the same run.
// Goals: on the streams, fix --write costs about what check costs (ratio <= 2 in time and peak RSS);
// on the JSON issuers, whose one document fix must parse with yaml, check and fix grow linearly with
// the keys (200,000 keys take at most 1.5 x 5 times what 40,000 take).
//   pnpm --filter @tapacme/bench-fix bench [--baseline DIR|GIT-REF]   (BENCH_ROUNDS, BENCH_TIMEOUT seconds)
// A GIT-REF is exported with `git archive` into a temporary folder, installed offline and built there.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configMapStream, jsonIssuer } from './generate.mjs';

const { values } = parseArgs({ options: { baseline: { type: 'string' } } });
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const timeoutMs = Number(process.env.BENCH_TIMEOUT ?? 180) * 1000;
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const probe = join(root, 'bench', 'offline', 'rss-probe.cjs');
const dir = mkdtempSync(join(tmpdir(), 'tapacme-bench-fix-'));

const cliOf = (checkout) => join(checkout, 'apps', 'kubectl-tapacme', 'dist', 'kubectl-tapacme.cjs');
if (!existsSync(cliOf(root))) {
  console.error('bench/fix: build the CLI first (pnpm build)');
  process.exit(2);
}

/** A checkout whose CLI is built: the folder given, or the ref exported and built in a temporary folder. */
function baselineCheckout(spec) {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    if (!existsSync(cliOf(spec))) throw new Error(`${spec}: no built CLI (run pnpm build there)`);
    return spec;
  }
  const out = join(dir, 'baseline');
  console.log(`bench/fix: building the baseline ${spec} in ${out}`);
  execFileSync('sh', ['-c', `mkdir -p "${out}" && git -C "${root}" archive "${spec}" | tar -x -C "${out}"`], { stdio: 'inherit' });
  const sh = (cmd) => execFileSync('sh', ['-c', cmd], { cwd: out, stdio: ['ignore', 'ignore', 'inherit'] });
  sh('pnpm install --frozen-lockfile --offline');
  sh('nice pnpm exec turbo run build --filter=kubectl-tapacme... --output-logs=errors-only');
  return out;
}

const clis = [{ name: 'this checkout', cli: cliOf(root) }];
if (values.baseline) clis.push({ name: `baseline ${values.baseline}`, cli: cliOf(baselineCheckout(values.baseline)) });

const inputs = [
  { name: '50 MB stream: 25,000 ConfigMaps and one issuer', file: 'stream-50.yaml', text: () => configMapStream(25_000), stream: true },
  { name: '20 MB stream: 10,000 ConfigMaps and one issuer', file: 'stream-20.yaml', text: () => configMapStream(10_000), stream: true },
  { name: 'JSON issuer with 40,000 annotation keys', file: 'issuer-40k.json', text: () => jsonIssuer(40_000) },
  { name: 'JSON issuer with 200,000 annotation keys', file: 'issuer-200k.json', text: () => jsonIssuer(200_000), scalesFrom: 'issuer-40k.json' },
];

/** One whole process: wall time and peak RSS, or how long it ran before it was killed. */
function run(cli, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', probe, cli, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.signal) return { ms, killed: true };
  const rss = /bench-maxrss-kb: (\d+)/.exec(r.stderr);
  if (!rss || r.status === null || r.status > 1) throw new Error(`${argv.join(' ')}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  return { ms, rssMb: Number(rss[1]) / 1024, stderr: r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (runs) => {
  if (runs.some((r) => r.killed)) return `killed after ${(Math.max(...runs.map((r) => r.ms)) / 1000).toFixed(0)} s`.padEnd(30);
  return `${(median(runs.map((r) => r.ms)) / 1000).toFixed(2).padStart(7)} s  ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0).padStart(5)} MB   `;
};
const ratio = (a, b, key) => {
  if (a.some((r) => r.killed) || b.some((r) => r.killed)) return '  n/a';
  const v = key === 'ms' ? median(a.map((r) => r.ms)) / median(b.map((r) => r.ms)) : Math.max(...a.map((r) => r.rssMb)) / Math.max(...b.map((r) => r.rssMb));
  return v.toFixed(2).padStart(5);
};

console.log(`bench/fix: ${rounds} alternating rounds, timeout ${timeoutMs / 1000} s a run, load average ${loadavg()[0].toFixed(1)}`);
let met = true;
const current = new Map();
for (const input of inputs) {
  const source = join(dir, input.file);
  const text = input.text();
  writeFileSync(source, text);
  const target = join(dir, `target-${input.file}`);
  const runs = clis.map(() => ({ check: [], fix: [] }));
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? clis.map((_, k) => k) : clis.map((_, k) => k).reverse();
    for (const k of order) {
      const { cli } = clis[k];
      runs[k].check.push(run(cli, ['check', source]));
      copyFileSync(source, target);
      const r = run(cli, ['fix', '--write', target]);
      if (!r.killed && !/fixed 1 file/.test(r.stderr)) throw new Error(`${clis[k].name}: fix --write did not fix ${input.file}:\n${r.stderr.slice(0, 1000)}`);
      runs[k].fix.push(r);
    }
  }
  console.log(`\n${input.name}: ${(text.length / 1e6).toFixed(1)} MB`);
  console.log(`  ${''.padEnd(22)} ${'check'.padEnd(30)} ${'fix --write'.padEnd(30)} fix/check time  RSS`);
  clis.forEach((c, k) => {
    const { check, fix } = runs[k];
    console.log(`  ${c.name.padEnd(22)} ${fmt(check)} ${fmt(fix)} ${ratio(fix, check, 'ms')}        ${ratio(fix, check, 'rss')}`);
  });
  const [cur, base] = runs;
  current.set(input.file, cur);
  if (base) console.log(`  this checkout / baseline: fix time ${ratio(cur.fix, base.fix, 'ms')}, fix RSS ${ratio(cur.fix, base.fix, 'rss')}, check time ${ratio(cur.check, base.check, 'ms')}`);
  const killed = cur.fix.some((r) => r.killed) || cur.check.some((r) => r.killed);
  if (input.stream) {
    const ok = !killed && Number(ratio(cur.fix, cur.check, 'ms')) <= 2 && Number(ratio(cur.fix, cur.check, 'rss')) <= 2;
    met &&= ok;
    console.log(`  fix costs about what check costs (<= 2 x): ${ok ? 'OK' : 'OVER GOAL'}`);
  } else if (input.scalesFrom) {
    const small = current.get(input.scalesFrom);
    const growth = (k) => Number(ratio(cur[k], small[k], 'ms'));
    const ok = !killed && growth('check') <= 7.5 && growth('fix') <= 7.5;
    met &&= ok;
    console.log(`  5 x the keys: check ${growth('check').toFixed(1)} x the time, fix ${growth('fix').toFixed(1)} x (linear: <= 7.5 x): ${ok ? 'OK' : 'OVER GOAL'}`);
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`\nbench/fix: ${met ? 'all goals met' : 'some goal missed'}`);
