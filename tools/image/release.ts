// `pnpm release:image`: kubectl-tapacme's container image, without Docker. The single-executable
// builds of tools/krew (linux/amd64, linux/arm64) go onto a minimal root filesystem made of
// Debian packages, as an OCI image index in an OCI layout under dist/image/oci, with an SPDX SBOM
// per platform (dist/image/sbom/) and a digest-pinned copy of `watch --print-deployment`
// (dist/image/deployment.yaml). See tools/image/README.md.
//
//   node tools/image/release.ts [--push REGISTRY/REPOSITORY:TAG] [--registry-ca PEM] [--username U --password-file F]
//
// Environment:
//   TAPACME_IMAGE_REPOSITORY  where the image is published (default ghcr.io/tapacme/kubectl-tapacme; --push's repository wins)
//   TAPACME_IMAGE_PLATFORMS   only these, comma-separated (default linux/amd64,linux/arm64)
//   TAPACME_BUNDLE, TAPACME_CACHE, SOURCE_DATE_EPOCH  as for release:krew
process.env['TZ'] = 'UTC';

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cacheRoot } from '../krew/lib/cache.ts';
import { buildExecutable, smokeTest } from '../krew/lib/executable.ts';
import { ensureNpmTools } from '../krew/lib/npm-tools.ts';
import { run } from '../krew/lib/run.ts';
import { sourceDate } from '../krew/lib/source-date.ts';
import { targets } from '../krew/lib/targets.ts';
import { bundledPackages } from './lib/components.ts';
import type { Component } from './lib/components.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'image');
const app = join(root, 'apps', 'kubectl-tapacme');
const cliPkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { version: string; license: string };
const version = cliPkg.version;
const DEFAULT_REPOSITORY = 'ghcr.io/tapacme/kubectl-tapacme';
const SOURCE = 'https://github.com/tapacme/tapacme';
// bookworm with its point-release updates and security fixes; the highest version of each package wins.
const ARCHIVES = ['http://deb.debian.org/debian|bookworm', 'http://deb.debian.org/debian|bookworm-updates', 'http://deb.debian.org/debian-security|bookworm-security'];
const log = (msg: string): void => void process.stderr.write(`release:image: ${msg}\n`);
const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

interface Summary {
  index: string;
  tag: string;
  layout: string;
  sbomLayout: string;
  variants: { platform: string; digest: string; compressedBytes: number; uncompressedBytes: number; baseUncompressedBytes: number; sbom: string; packages: Record<string, string> }[];
}

function options(): { push?: string; registry: string[] } {
  const { values } = parseArgs({
    options: { push: { type: 'string' }, 'registry-ca': { type: 'string' }, username: { type: 'string' }, 'password-file': { type: 'string' } },
    allowPositionals: false,
  });
  const registry: string[] = [];
  if (values['registry-ca']) registry.push('-registry-ca', values['registry-ca']);
  if (values.username) {
    if (!values['password-file']) throw new Error('--username needs --password-file (a file holding the password; never an argument)');
    registry.push('-username', values.username, '-password-file', values['password-file']);
  }
  return { ...(values.push ? { push: values.push } : {}), registry };
}

/** REGISTRY/REPOSITORY of a REGISTRY/REPOSITORY:TAG reference (a port's colon is not a tag). */
function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

function gitRevision(): string | undefined {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !/^[0-9a-f]{40}$/.test(r.stdout.trim())) return undefined;
  return status.stdout.trim() ? undefined : r.stdout.trim(); // a dirty tree is no revision
}

async function main(): Promise<void> {
  const opts = options();
  const platforms = (process.env['TAPACME_IMAGE_PLATFORMS'] || 'linux/amd64,linux/arm64').split(',').map((s) => s.trim()).filter(Boolean);
  const chosen = platforms.map((p) => {
    const t = targets.find((x) => `${x.os}/${x.arch}` === p && x.os === 'linux');
    if (!t) throw new Error(`TAPACME_IMAGE_PLATFORMS: no linux target ${p}; the image has linux/amd64 and linux/arm64`);
    return t;
  });
  const repository = opts.push ? repositoryOf(opts.push) : process.env['TAPACME_IMAGE_REPOSITORY'] || DEFAULT_REPOSITORY;

  rmSync(out, { recursive: true, force: true });
  const build = join(out, 'build');
  mkdirSync(build, { recursive: true });
  // One copy of the bundle and its metafile: a rebuild of the CLI meanwhile cannot mix them.
  const bundle = join(build, 'kubectl-tapacme.cjs');
  copyFileSync(process.env['TAPACME_BUNDLE'] || join(app, 'dist', 'kubectl-tapacme.cjs'), bundle);
  const meta = join(build, 'kubectl-tapacme.meta.json');
  copyFileSync(join(app, 'dist', 'kubectl-tapacme.meta.json'), meta);
  const bundleVersion = run(process.execPath, [bundle, '--version']).stdout.trim();
  if (bundleVersion !== version) throw new Error(`the bundle says version ${bundleVersion}, package.json ${version}`);

  const tools = ensureNpmTools();
  const signer = (): string => { throw new Error('no macOS target in an image'); };
  const exes = new Map<string, string>();
  let nodeLicense = '';
  for (const t of chosen) {
    const e = await buildExecutable(t, { bundle, work: join(build, t.id), tools, signer });
    exes.set(`${t.os}/${t.arch}`, e.exe);
    nodeLicense = e.runtimeLicense;
    log(`${t.id}: executable built (node ${t.runtime.version})`);
  }
  const host = exes.get('linux/amd64');
  if (host && process.platform === 'linux' && process.arch === 'x64') smokeTest(host, version);

  const nodeVersion = chosen[0]!.runtime.version;
  const components: Component[] = [
    { name: 'kubectl-tapacme', version, license: cliPkg.license, purl: `pkg:github/tapacme/tapacme@v${version}`, downloadLocation: SOURCE, comment: 'The CLI, a Node.js single-executable application at /usr/local/bin/kubectl-tapacme.' },
    { name: 'node', version: nodeVersion, license: 'MIT', purl: `pkg:generic/node@${nodeVersion}?download_url=https://nodejs.org/dist/v${nodeVersion}/`, downloadLocation: `https://nodejs.org/dist/v${nodeVersion}/`, supplier: 'Organization: OpenJS Foundation', comment: 'The official Node.js build the executable embeds (its npm package node-linux-*); its LICENSE, with those of the libraries Node bundles, is at /usr/local/share/doc/kubectl-tapacme/LICENSE-node.' },
    ...bundledPackages(meta, app),
  ];
  const componentsFile = join(build, 'components.json');
  writeFileSync(componentsFile, `${JSON.stringify(components, null, 2)}\n`);

  const date = sourceDate(root);
  const revision = gitRevision();
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': 'kubectl-tapacme',
    'org.opencontainers.image.description': 'kubectl tapacme watch: keeps cert-manager ACME HTTP01 solvers able to pull their image from a private registry',
    'org.opencontainers.image.source': SOURCE,
    'org.opencontainers.image.url': SOURCE,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.licenses': cliPkg.license,
    'org.opencontainers.image.created': date.toISOString().replace(/\.000Z$/, 'Z'),
    ...(revision ? { 'org.opencontainers.image.revision': revision } : {}),
  };
  const tool = run('bash', [join(root, 'tools', 'image', 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim();
  const args = ['build', '-out', out, '-cache', join(cacheRoot(), 'image'), '-tag', version, '-repository', repository,
    '-components', componentsFile, '-created', String(Math.floor(date.getTime() / 1000)),
    '-file', `/usr/local/share/doc/kubectl-tapacme/LICENSE=${join(root, 'LICENSE')}`,
    '-file', `/usr/local/share/doc/kubectl-tapacme/LICENSE-node=${nodeLicense}`];
  for (const a of ARCHIVES) args.push('-archive', a);
  for (const [p, exe] of exes) args.push('-platform', `${p}=${exe}`);
  for (const [k, v] of Object.entries(labels)) args.push('-label', `${k}=${v}`);
  const summary = JSON.parse(run(tool, args, { stdio: ['ignore', 'pipe', 'inherit'] }).stdout) as Summary;
  for (const v of summary.variants) {
    log(`${v.platform}: ${v.digest}, ${mib(v.compressedBytes)} to pull, ${mib(v.uncompressedBytes)} unpacked (Debian ${Object.entries(v.packages).map(([n, ver]) => `${n} ${ver}`).join(', ')})`);
  }

  let pushed: string | undefined;
  if (opts.push) {
    const digest = run(tool, ['push', '-layout', summary.layout, '-sbom-layout', summary.sbomLayout, '-ref', opts.push, ...opts.registry], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim();
    if (digest !== summary.index) throw new Error(`pushed ${opts.push} as ${digest}, but the layout's index is ${summary.index}`);
    pushed = opts.push;
    log(`pushed ${opts.push} (${digest})`);
  }

  // The executable cannot know its own image's digest: the pinned manifests are written here.
  const pinned = `${repository}@${summary.index}`;
  if (host) {
    const yaml = run(host, ['watch', '--print-deployment', '--pull-secret-source', 'placeholder', '--image', pinned]).stdout;
    writeFileSync(join(out, 'deployment.yaml'), yaml);
  }
  writeFileSync(join(out, 'image.json'), `${JSON.stringify({ ...summary, repository, image: pinned, ...(pushed ? { pushed } : {}), labels }, null, 2)}\n`);
  rmSync(build, { recursive: true, force: true });
  log(`wrote ${relative(root, summary.layout)} (index ${summary.index}, tag ${version})${host ? `, ${relative(root, join(out, 'deployment.yaml'))} (--image ${pinned})` : ''}, ${relative(root, join(out, 'sbom'))}/`);
}

main().catch((err: unknown) => {
  log(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
