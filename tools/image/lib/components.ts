// What the executable holds, for the image's SBOM: the CLI, the Node.js runtime, and every npm
// package esbuild bundled, read from the build's metafile (each input file names its package
// folder) and those packages' own package.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Component {
  name: string;
  version: string;
  license: string;
  purl: string;
  downloadLocation: string;
  supplier?: string;
  comment?: string;
}

interface PackageJson {
  name?: string;
  version?: string;
  license?: string | { type?: string };
}

const npmPurl = (name: string, version: string): string =>
  `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;

/** The npm packages (and workspace packages) whose files the bundle contains, sorted by name. */
export function bundledPackages(metafile: string, buildDir: string): Component[] {
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, unknown> };
  const dirs = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const i = input.lastIndexOf('node_modules/');
    if (i >= 0) {
      const rest = input.slice(i + 'node_modules/'.length).split('/');
      dirs.add(input.slice(0, i + 'node_modules/'.length) + (rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]));
    } else if (input.startsWith('../../packages/')) {
      dirs.add(input.split('/').slice(0, 4).join('/'));
    }
  }
  const out = new Map<string, Component>();
  for (const dir of dirs) {
    const file = join(buildDir, dir, 'package.json');
    if (!existsSync(file)) throw new Error(`${file}: missing; the metafile names files of this package (rebuild the CLI, then release again)`);
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
    if (!pkg.name || !pkg.version) throw new Error(`${file}: no name or version`);
    const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? '');
    const workspace = dir.startsWith('../../packages/');
    out.set(`${pkg.name}@${pkg.version}`, {
      name: pkg.name,
      version: pkg.version,
      license,
      purl: npmPurl(pkg.name, pkg.version),
      downloadLocation: workspace ? 'https://github.com/tapacme/tapacme' : `https://registry.npmjs.org/${pkg.name}/-/${pkg.name.split('/').pop()}-${pkg.version}.tgz`,
      comment: workspace ? 'Part of this repository, bundled into the executable.' : 'npm package bundled into the executable by esbuild.',
    });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}
