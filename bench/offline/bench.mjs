// bench/offline: check's analysis of a 20,000-document stream against parsing it with yaml alone,
// run alternately in separate processes; prints medians, the ratio (goal <= 1.5) and peak RSS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStream } from './generate.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const documents = Number(process.env.BENCH_DOCUMENTS ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'tapacme-bench-'));
const file = join(dir, 'stream.yaml');
const text = generateStream(documents);
writeFileSync(file, text);
const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));

const runs = { parse: [], check: [] };
for (let i = 0; i < rounds; i++) {
  for (const mode of i % 2 === 0 ? ['parse', 'check'] : ['check', 'parse']) {
    runs[mode].push(JSON.parse(execFileSync(process.execPath, [worker, mode, file], { encoding: 'utf8' })));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parse = median(runs.parse.map((r) => r.ms));
const check = median(runs.check.map((r) => r.ms));
const rss = (mode) => Math.max(...runs[mode].map((r) => r.maxRssMb));
console.log(`bench/offline: ${documents} documents, ${(text.length / 1e6).toFixed(1)} MB, ${rounds} rounds each, alternating`);
console.log(`  yaml parseAllDocuments  median ${parse.toFixed(0)} ms   peak RSS ${rss('parse').toFixed(0)} MB`);
console.log(`  tapacme check (analyze) median ${check.toFixed(0)} ms   peak RSS ${rss('check').toFixed(0)} MB   findings ${runs.check[0].count}`);
const ratio = check / parse;
console.log(`  ratio check/parse ${ratio.toFixed(2)} (goal <= 1.5) ${ratio <= 1.5 ? 'OK' : 'OVER GOAL'}`);
