// pnpm fuzz: run each differential target (one file per target in targets/) for many generated cases.
//   node run.mjs [--cases N] [--seed S] [--target NAME]...
// Case k of a run has seed S + k, so a failure runs again alone with --seed <its seed> --cases 1.
// Prints, per target, the cases run, the failures with their seeds, the tallies and the time.
import { readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    target: { type: 'string', multiple: true },
    'show-failures': { type: 'string', default: '10' },
  },
});
const cases = Number(values.cases);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const shown = Number(values['show-failures']);
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  console.error('usage: node run.mjs [--cases N] [--seed S] [--target NAME]...');
  process.exit(2);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(join(here, 'targets'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();
const names = values.target ?? available;
for (const n of names) {
  if (!available.includes(n)) {
    console.error(`no target ${n}; targets: ${available.join(', ')}`);
    process.exit(2);
  }
}

// The targets import the core's TypeScript sources; esbuild compiles each into one module beside them,
// so that packages still resolve from this folder's node_modules.
const out = join(here, '.build');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: names.map((n) => join(here, 'targets', `${n}.ts`)),
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

console.log(`fuzz: seed ${seed}, ${cases} cases per target`);
let failed = 0;
for (const name of names) {
  const { target } = await import(pathToFileURL(join(out, `${name}.js`)).href);
  const tally = {};
  const failures = [];
  const start = performance.now();
  for (let k = 0; k < cases; k++) {
    const caseSeed = seed + k;
    const result = target.run(caseSeed);
    for (const [key, n] of Object.entries(result.tally ?? {})) tally[key] = (tally[key] ?? 0) + n;
    if (result.problems.length > 0) failures.push({ seed: caseSeed, ...result });
  }
  const seconds = (performance.now() - start) / 1000;
  failed += failures.length;
  console.log(`\n${name}: ${target.description}`);
  console.log(`  ${cases} cases, ${failures.length} failures, ${seconds.toFixed(1)} s`);
  for (const [key, n] of Object.entries(tally)) console.log(`  ${key}: ${n}`);
  for (const f of failures.slice(0, shown)) {
    const input = f.input.length > 600 ? `${JSON.stringify(f.input.slice(0, 600))}… (${f.input.length} chars)` : JSON.stringify(f.input);
    console.log(`  FAIL seed ${f.seed} (again: pnpm fuzz --target ${name} --seed ${f.seed} --cases 1)\n    input ${input}\n    ${f.problems.slice(0, 5).join('\n    ')}`);
  }
  if (failures.length > shown) console.log(`  … and ${failures.length - shown} more failures; seeds: ${failures.slice(shown).map((f) => f.seed).join(' ')}`);
}
console.log(`\nfuzz: ${failed === 0 ? 'no failures' : `${failed} failures`} (seed ${seed})`);
process.exitCode = failed === 0 ? 0 : 1;
