// Start-up of the krew executable next to kubectl's own, run alternately in one process so that
// machine load hits both alike. Prints median, p90 and the ratio (goal: <= 1.0).
//   pnpm --filter @tapacme/bench-startup bench [--rounds 30] [--all]
//   TAPACME_BENCH_EXE   the executable (default dist/krew/build/linux-amd64/stage/kubectl-tapacme,
//                       built by `pnpm release:krew`)
//   TAPACME_KUBECTL     kubectl (default $TAPACME_CACHE/bin/k8s-*/kubectl, else PATH's)
// --all adds context rows: bare node, the bundle under node, and the executable's --help.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { rounds: { type: 'string', default: '30' }, warmup: { type: 'string', default: '3' }, all: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const cache = process.env.TAPACME_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tapacme');
const version = JSON.parse(readFileSync(join(root, 'apps/kubectl-tapacme/package.json'), 'utf8')).version;

function findKubectl() {
  if (process.env.TAPACME_KUBECTL) return process.env.TAPACME_KUBECTL;
  const bin = join(cache, 'bin');
  const pinned = existsSync(bin)
    ? readdirSync(bin).filter((d) => /^k8s-v/.test(d) && existsSync(join(bin, d, 'kubectl'))).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  if (pinned.length) return join(bin, pinned.at(-1), 'kubectl');
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim();
  throw new Error('no kubectl: set TAPACME_KUBECTL');
}

const exe = process.env.TAPACME_BENCH_EXE || join(root, 'dist/krew/build/linux-amd64/stage/kubectl-tapacme');
if (!existsSync(exe)) {
  console.error(`${exe} is missing: run \`pnpm release:krew\` first (or set TAPACME_BENCH_EXE)`);
  process.exit(2);
}
const kubectl = findKubectl();

/** name, argv, check of stdout */
const cases = [
  { name: 'kubectl-tapacme --version', argv: [exe, '--version'], ok: (out) => out.trim() === version },
  { name: 'kubectl version --client', argv: [kubectl, 'version', '--client'], ok: (out) => out.includes('Client Version') },
];
if (values.all) {
  const bundle = join(root, 'apps/kubectl-tapacme/dist/kubectl-tapacme.cjs');
  cases.push(
    { name: 'node -e 0 (the floor)', argv: [process.execPath, '-e', '0'], ok: () => true },
    { name: 'node <bundle> --version', argv: [process.execPath, bundle, '--version'], ok: (out) => out.trim() === version },
    { name: 'kubectl-tapacme --help', argv: [exe, '--help'], ok: (out) => out.includes('kubectl tapacme') },
  );
}

function once(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.argv[0], c.argv.slice(1), { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || !c.ok(r.stdout)) throw new Error(`${c.name}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  if (r.stderr.trim()) throw new Error(`${c.name} wrote to stderr: ${r.stderr}`);
  return ms;
}

const times = cases.map(() => []);
for (let i = 0; i < warmup + rounds; i++) {
  // Alternate, and flip the order every round so neither command always runs first.
  const order = cases.map((_, k) => k);
  if (i % 2) order.reverse();
  for (const k of order) {
    const ms = once(cases[k]);
    if (i >= warmup) times[k].push(ms);
  }
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (ms) => `${ms.toFixed(1).padStart(7)} ms`;
console.log(`start-up, whole process, ${rounds} alternating rounds (+${warmup} warm-up) on ${process.platform}/${process.arch}`);
console.log(`  executable: ${exe}`);
console.log(`  kubectl:    ${kubectl}`);
console.log(`${'command'.padEnd(30)} ${'median'.padStart(10)} ${'p90'.padStart(10)} ${'min'.padStart(10)}`);
cases.forEach((c, k) => console.log(`${c.name.padEnd(30)} ${f(median(times[k]))} ${f(q(times[k], 0.9))} ${f(Math.min(...times[k]))}`));
const ratio = median(times[0]) / median(times[1]);
console.log(`ratio (kubectl-tapacme --version / kubectl version --client, medians): ${ratio.toFixed(2)} (goal <= 1.00: ${ratio <= 1 ? 'met' : 'missed'})`);
