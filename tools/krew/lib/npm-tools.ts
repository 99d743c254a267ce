// postject, macho-unsign and yazl, pinned by tools/krew/npm/package-lock.json and installed with
// `npm ci` into the cache: the release build needs them, the pnpm workspace does not.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './cache.ts';
import { log, run } from './run.ts';

const spec = join(dirname(fileURLToPath(import.meta.url)), '..', 'npm');

/** The node_modules folder holding the pinned tools. */
export function ensureNpmTools(): string {
  const lock = readFileSync(join(spec, 'package-lock.json'));
  const key = createHash('sha256').update(lock).digest('hex').slice(0, 16);
  const dir = join(cacheRoot(), 'npm-tools', key);
  const modules = join(dir, 'node_modules');
  if (existsSync(join(modules, '.complete'))) return modules;

  log(`installing postject, macho-unsign and yazl (npm ci) into ${dir}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  copyFileSync(join(spec, 'package.json'), join(tmp, 'package.json'));
  copyFileSync(join(spec, 'package-lock.json'), join(tmp, 'package-lock.json'));
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], { cwd: tmp });
  copyFileSync(join(spec, 'package-lock.json'), join(tmp, 'node_modules', '.complete'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return modules;
}
