// `pnpm release:krew`: turns the CLI bundle into self-contained executables (Node.js single-executable
// applications), one archive per krew platform, and the krew manifest, under dist/krew/.
// Run with Node 24 (type stripping); see tools/krew/README.md.
//
// Environment:
//   TAPACME_BUNDLE            the CommonJS bundle (default apps/kubectl-tapacme/dist/kubectl-tapacme.cjs)
//   TAPACME_RELEASE_BASE_URL  where the archives will be downloaded from
//                             (default https://github.com/tapacme/tapacme/releases/download/v<version>)
//   TAPACME_CACHE             Node binaries and build tools (default ~/.cache/tapacme)
//   SOURCE_DATE_EPOCH         timestamp inside the archives (default: the last commit's time)
//   TAPACME_KREW_TARGETS      only these targets, comma-separated ids (e.g. linux-amd64,windows-amd64);
//                             the manifest then lists only their platforms: not for krew-index
process.env['TZ'] = 'UTC'; // zip stores local times: keep the archives the same everywhere

import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTarGz, writeZip } from './lib/archive.ts';
import type { ArchiveEntry } from './lib/archive.ts';
import { completionScript } from './lib/completion-script.ts';
import { renderManifest } from './lib/manifest.ts';
import { ensureRcodesign } from './lib/codesign.ts';
import { buildExecutable, smokeTest } from './lib/executable.ts';
import { ensureNpmTools } from './lib/npm-tools.ts';
import { sourceDate } from './lib/source-date.ts';
import { log, run, which } from './lib/run.ts';
import { archiveName, completeName, exeName, platforms, targets } from './lib/targets.ts';
import type { Target } from './lib/targets.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'krew');
const cliPkg = JSON.parse(readFileSync(join(root, 'apps', 'kubectl-tapacme', 'package.json'), 'utf8')) as { version: string };
const version = `v${cliPkg.version}`;
const baseUrl = (process.env['TAPACME_RELEASE_BASE_URL'] || `https://github.com/tapacme/tapacme/releases/download/${version}`).replace(/\/+$/, '');
const sourceBundle = process.env['TAPACME_BUNDLE'] || join(root, 'apps', 'kubectl-tapacme', 'dist', 'kubectl-tapacme.cjs');
// Every target embeds this one copy, so a rebuild of the CLI during the release cannot mix bundles.
const bundle = join(out, 'build', 'kubectl-tapacme.cjs');
const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function selectedTargets(): Target[] {
  const ids = (process.env['TAPACME_KREW_TARGETS'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length) return targets;
  const unknown = ids.filter((id) => !targets.some((t) => t.id === id));
  if (unknown.length) throw new Error(`TAPACME_KREW_TARGETS: no target ${unknown.join(', ')}; the targets are ${targets.map((t) => t.id).join(', ')}`);
  return targets.filter((t) => ids.includes(t.id));
}

function ensureOsslsigncode(): void {
  if (which('osslsigncode')) return;
  if (process.getuid?.() === 0 && which('apt-get')) {
    log('installing osslsigncode (apt-get), needed to unsign node.exe before injection');
    run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq osslsigncode']);
    return;
  }
  throw new Error('osslsigncode is missing: apt-get install osslsigncode');
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function buildTarget(t: Target, tools: string, date: Date, signer: () => string): Promise<string> {
  const work = join(out, 'build', t.id);
  const { exe, runtimeLicense, signature } = await buildExecutable(t, { bundle, work, tools, signer });
  const stage = join(work, 'stage');
  const complete = join(stage, completeName(t));
  writeFileSync(complete, completionScript(t.os), { mode: 0o755 });
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  copyFileSync(runtimeLicense, join(stage, 'LICENSE-node'));
  const entries: ArchiveEntry[] = [
    { path: exe, name: exeName(t), executable: true },
    { path: complete, name: completeName(t), executable: true },
    { path: join(stage, 'LICENSE'), name: 'LICENSE', executable: false },
    { path: join(stage, 'LICENSE-node'), name: 'LICENSE-node', executable: false },
  ];
  const archive = join(out, archiveName(t));
  if (t.os === 'windows') await writeZip(join(tools, 'yazl', 'index.js'), archive, entries, date);
  else writeTarGz(archive, entries, date);
  log(`${t.id}: ${exeName(t)} ${mib(statSync(exe).size)}, ${relative(root, archive)} ${mib(statSync(archive).size)} (node ${t.runtime.version}${t.useCodeCache ? ', code cache' : ''}${signature ? `, ${signature}` : ''})`);
  return exe;
}

async function main(): Promise<void> {
  statSync(sourceBundle);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'plugins'), { recursive: true });
  mkdirSync(dirname(bundle), { recursive: true });
  copyFileSync(sourceBundle, bundle);
  const bundleVersion = run(process.execPath, [bundle, '--version']).stdout.trim();
  if (bundleVersion !== cliPkg.version) throw new Error(`${sourceBundle} says version ${bundleVersion}, package.json ${cliPkg.version}`);
  const chosen = selectedTargets();
  if (chosen.some((t) => t.os === 'windows')) ensureOsslsigncode();
  const tools = ensureNpmTools();
  // Built (once, minutes of cargo) only when the first macOS target needs it.
  let rcodesign: string | undefined;
  const signer = (): string => (rcodesign ??= ensureRcodesign());
  const date = sourceDate(root);
  const exes = new Map<string, string>();
  for (const t of chosen) exes.set(t.id, await buildTarget(t, tools, date, signer));
  const host = exes.get('linux-amd64');
  if (host && process.platform === 'linux' && process.arch === 'x64') smokeTest(host, cliPkg.version);

  const byId = new Map(chosen.map((t) => [t.id, t]));
  const listed = platforms.filter((p) => byId.has(p.target));
  const manifest = renderManifest(
    version,
    listed.map((p) => {
      const t = byId.get(p.target)!;
      const file = archiveName(t);
      return { os: p.os, arch: p.arch, uri: `${baseUrl}/${file}`, sha256: sha256(join(out, file)), bin: exeName(t), ...(t.minOs ? { minOs: t.minOs } : {}) };
    }),
  );
  writeFileSync(join(out, 'plugins', 'tapacme.yaml'), manifest);
  const sums = chosen.map((t) => `${sha256(join(out, archiveName(t)))}  ${archiveName(t)}\n`).join('');
  writeFileSync(join(out, 'SHA256SUMS'), sums);
  log(`wrote ${relative(root, join(out, 'plugins', 'tapacme.yaml'))} for ${version} (${listed.length} platforms, uri base ${baseUrl})`);
  if (listed.length < platforms.length) log(`partial release (TAPACME_KREW_TARGETS): ${listed.length} of ${platforms.length} platforms; not for krew-index`);
}

main().catch((err: unknown) => {
  log(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
