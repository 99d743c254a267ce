// bench/editor: what the VS Code extension does on a keystroke in a 2,000-document file, next to
// yaml-language-server's doValidation (the Red Hat YAML extension's diagnostics) on the same file,
// configured offline with the ClusterIssuer schema from cert-manager's CRD; all in one process run.
//   update: a one-character edit in a random document, then IncrementalAnalyzer.analyze (told where
//           the edit is, as the extension tells it from VS Code's change event) + diagnostics
//   full:   analyze() of the whole text, cold (what opening the file costs)
// Goals: update p95 <= 5 ms; full <= 0.25 x yaml-language-server.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, coverChange, IncrementalAnalyzer } from '@tapacme/core';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';
import { getLanguageService } from 'yaml-language-server';
import { generateFile } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 2_000);
const EDITS = Number(process.env.BENCH_EDITS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const crd = resolve(process.env.TAPACME_CRDS ?? join(here, '..', '..', '..', 'shared', 'crds', 'cert-manager-v1.21.1'), 'cert-manager.io_clusterissuers.yaml');

// The schema is taken from the CRD at bench time (the CRD is not part of this repository).
if (!existsSync(crd)) {
  console.error(`bench/editor: ${crd} not found; set TAPACME_CRDS to the folder with cert-manager's CRDs`);
  process.exit(1);
}
const crdDoc = parse(readFileSync(crd, 'utf8'));
const served = crdDoc.spec.versions.find((v) => v.name === 'v1');
const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...served.schema.openAPIV3Schema };

const text = generateFile(DOCUMENTS);
const fileName = join(here, 'issuers.yaml');

// A seeded generator, so every run edits the same places.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const median = (xs) => percentile(xs, 50);

/** What the extension turns each finding into (logic/diagnostics.ts: range, severity, message, code). */
function diagnostics(result) {
  return result.findings.map((f) => ({ range: f.range, severity: f.severity, message: f.message, source: 'tapacme', code: { value: f.rule, target: `https://github.com/tapacme/tapacme/blob/main/packages/core/README.md#${f.rule}` } }));
}

// --- tapacme: one-character edits ----------------------------------------------------------------
const inc = new IncrementalAnalyzer({ fileName });
let current = text;
let t0 = performance.now();
const first = inc.analyze(current);
const coldIncremental = performance.now() - t0;
let parsed = 0;

/**
 * Type a digit at one of `anchors` (offsets into `current`) or take it out again; the document
 * stays valid YAML. Returns wall and CPU times of analysis plus diagnostics.
 */
function editSeries(pattern, edits) {
  const anchors = [...current.matchAll(pattern)].map((m) => m.index + m[0].length);
  const wall = [];
  const cpu = [];
  for (let i = 0; i < edits; i++) {
    const k = Math.floor(random() * anchors.length);
    const at = anchors[k];
    const typed = current[at] === '9';
    // Joined into one flat string, as VS Code's TextDocument.getText() hands it over (outside the timing).
    current = (typed ? [current.slice(0, at), current.slice(at + 1)] : [current.slice(0, at), '9', current.slice(at)]).join('');
    for (let j = 0; j < anchors.length; j++) if (anchors[j] > at) anchors[j] += typed ? -1 : 1;
    const s = performance.now();
    const c = process.cpuUsage();
    diagnostics(inc.analyze(current, coverChange(undefined, at, typed ? 1 : 0, typed ? 0 : 1)));
    const used = process.cpuUsage(c);
    wall.push(performance.now() - s);
    cpu.push((used.user + used.system) / 1000);
    parsed += inc.lastRun.parsed;
  }
  return { wall, cpu };
}
// Untimed edits first, as for the full analysis below: the first keystrokes after opening the
// file pay for compiling the code paths and collecting the opening's garbage.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
editSeries(/^ {2}name: issuer-/gm, WARMUP);
parsed = 0;
// An issuer's name: the objects change, so the cross-document rule runs again (the worst case).
const byName = editSeries(/^ {2}name: issuer-/gm, EDITS);
// A comment in an issuer: no object changes, the cross-document result is reused.
const byComment = editSeries(/# missing ServiceAccount/g, EDITS);
const updates = byName.wall;
const updatesCpu = byName.cpu;

// The incremental answer must be the full answer.
if (JSON.stringify(inc.analyze(current)) !== JSON.stringify(analyze(current, { fileName }))) {
  console.error('bench/editor: the incremental analysis differs from analyze(); the figures are void');
  process.exit(1);
}

// --- full analyses, alternating with yaml-language-server ------------------------------------------
const ls = getLanguageService({
  schemaRequestService: (uri) => Promise.reject(new Error(`offline: no schema at ${uri}`)),
  workspaceContext: { resolveRelativePath: (relativePath, resource) => new URL(relativePath, resource).toString() },
});
ls.configure({ validate: true, hover: false, completion: false, format: false, isKubernetes: false, yamlVersion: '1.2', schemas: [{ uri: 'file:///cert-manager.io_clusterissuers.schema.json', fileMatch: ['*.yaml'], schema }] });
const uri = `file://${fileName}`;
let version = 0;
async function ylsValidate() {
  // A new version each time: the language server caches parsed documents by URI and version.
  const doc = TextDocument.create(uri, 'yaml', ++version, text);
  const s = performance.now();
  const diags = await ls.doValidation(doc, false);
  return { ms: performance.now() - s, count: diags.length };
}
function tapacmeFull() {
  const s = performance.now();
  const r = analyze(text, { fileName });
  diagnostics(r);
  return { ms: performance.now() - s, count: r.findings.length };
}
// One warm-up each (JIT, schema compilation), then alternate.
await ylsValidate();
tapacmeFull();
const full = { tapacme: [], yls: [] };
let ylsCount = 0;
let tapCount = 0;
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 2 === 0 ? ['tapacme', 'yls'] : ['yls', 'tapacme'];
  for (const which of order) {
    if (which === 'yls') {
      const r = await ylsValidate();
      full.yls.push(r.ms);
      ylsCount = r.count;
    } else {
      const r = tapacmeFull();
      full.tapacme.push(r.ms);
      tapCount = r.count;
    }
  }
}

const p50 = median(updates);
const p95 = percentile(updates, 95);
const fullTap = median(full.tapacme);
const fullYls = median(full.yls);
const ratio = fullTap / fullYls;
console.log(`bench/editor: ${DOCUMENTS} documents, ${(text.length / 1024).toFixed(0)} KB, ${first.findings.length} findings; node ${process.version}`);
console.log(`  update after a one-character edit in an issuer's name (${EDITS} edits after ${WARMUP} untimed; ${(parsed / (2 * EDITS)).toFixed(1)} document(s) re-parsed per edit over both series)`);
console.log(`    wall p50 ${p50.toFixed(2)} ms   p95 ${p95.toFixed(2)} ms   max ${Math.max(...updates).toFixed(2)} ms   (goal p95 <= 5 ms) ${p95 <= 5 ? 'OK' : 'OVER GOAL'}`);
console.log(`    CPU  p50 ${median(updatesCpu).toFixed(2)} ms   p95 ${percentile(updatesCpu, 95).toFixed(2)} ms   (CPU time of this process; on a busy machine wall time also counts waiting for a core)`);
console.log(`  update after a one-character edit in a comment (${EDITS} edits)`);
console.log(`    wall p50 ${median(byComment.wall).toFixed(2)} ms   p95 ${percentile(byComment.wall, 95).toFixed(2)} ms   CPU p50 ${median(byComment.cpu).toFixed(2)} ms   p95 ${percentile(byComment.cpu, 95).toFixed(2)} ms`);
console.log(`    machine load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
console.log(`  full analysis, median of ${ROUNDS} (alternating)`);
console.log(`    tapacme analyze()                      ${fullTap.toFixed(0)} ms   (${tapCount} findings; first incremental run ${coldIncremental.toFixed(0)} ms)`);
console.log(`    yaml-language-server doValidation      ${fullYls.toFixed(0)} ms   (${ylsCount} diagnostics, ClusterIssuer schema)`);
console.log(`    ratio tapacme / yaml-language-server   ${ratio.toFixed(3)} (goal <= 0.25) ${ratio <= 0.25 ? 'OK' : 'OVER GOAL'}`);
console.log(`    update p50 vs yaml-language-server      ${(fullYls / p50).toFixed(0)}x faster than re-validating the file`);
