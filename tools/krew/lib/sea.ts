// Node single-executable applications: prepare the blob with the target's exact Node version,
// then inject it into a copy of the target's official binary.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signAdhoc } from './codesign.ts';
import { readMachO } from './macho.ts';
import { run, which } from './run.ts';
import type { Target } from './targets.ts';

export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface BlobOptions {
  /** linux-x64 node of the target's exact version. */
  builderNode: string;
  bundle: string;
  useCodeCache: boolean;
  workDir: string;
}

/** Writes sea-config.json and the blob into workDir; returns the blob's path. */
export function prepareBlob(o: BlobOptions): string {
  mkdirSync(o.workDir, { recursive: true });
  // The blob records `main` as written: a relative name keeps the checkout's path out of the
  // executable, so builds in different folders give the same bytes.
  copyFileSync(o.bundle, join(o.workDir, 'kubectl-tapacme.cjs'));
  const output = join(o.workDir, 'sea-prep.blob');
  const config = {
    main: 'kubectl-tapacme.cjs',
    output: 'sea-prep.blob',
    disableExperimentalSEAWarning: true,
    useCodeCache: o.useCodeCache,
    // A start-up snapshot needs the bundle to register a deserialize-main function and yargs
    // keeps handles a snapshot cannot hold (tools/krew/README.md, "Start-up").
    useSnapshot: false,
  };
  const configPath = join(o.workDir, 'sea-config.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  run(o.builderNode, ['--experimental-sea-config', configPath], { cwd: o.workDir });
  return output;
}

export interface InjectOptions {
  target: Target;
  runtime: string;
  blob: string;
  out: string;
  /** node_modules with postject and macho-unsign. */
  tools: string;
  /** rcodesign, to sign the macOS executables ad hoc after injection. */
  rcodesign?: string;
}

/** Builds the executable; returns a note on its signature for the build log, if it has one. */
export async function makeExecutable(o: InjectOptions): Promise<string | undefined> {
  const { target, out } = o;
  rmSync(out, { force: true });
  if (target.os === 'windows') {
    // Injecting would break the Authenticode signature; remove it as the Node docs ask.
    const osslsigncode = which('osslsigncode');
    if (!osslsigncode) throw new Error('osslsigncode is needed to remove the Authenticode signature (apt-get install osslsigncode)');
    run(osslsigncode, ['remove-signature', '-in', o.runtime, '-out', out]);
  } else {
    copyFileSync(o.runtime, out);
  }
  chmodSync(out, 0o755);
  if (target.strip) {
    // llvm-strip handles both ELF machines; binutils' strip only the host's.
    const strip = which('llvm-strip', target.arch === 'amd64' ? 'strip' : 'aarch64-linux-gnu-strip');
    if (!strip) throw new Error('llvm-strip (Debian llvm) is needed to strip the Linux executables');
    run(strip, ['--strip-all', out]);
  }
  if (target.os === 'darwin') {
    // Node's signature would not match after injection (macOS kills such binaries on sight), and
    // rcodesign signs only what carries no signature: remove it, inject, then sign ad hoc.
    const { unsign } = (await import(join(o.tools, 'macho-unsign', 'cjs', 'index.js'))) as {
      unsign: (d: Uint8Array) => ArrayBuffer | null;
    };
    const unsigned = unsign(readFileSync(out));
    if (unsigned) writeFileSync(out, Buffer.from(unsigned));
    else if (readMachO(readFileSync(out)).signature) throw new Error(`${out}: macho-unsign could not remove the signature`);
  }
  const args = [join(o.tools, 'postject', 'dist', 'cli.js'), out, 'NODE_SEA_BLOB', o.blob, '--sentinel-fuse', SEA_FUSE];
  if (target.os === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
  // postject's LIEF prints harmless section-name warnings on Node's ELF notes; shown only on failure.
  run(process.execPath, args);
  chmodSync(out, 0o755);
  if (target.os !== 'darwin') return undefined;
  if (!o.rcodesign) throw new Error(`${target.id}: rcodesign is needed to sign the macOS executable`);
  const cds = signAdhoc(o.rcodesign, out, 'kubectl-tapacme');
  return `ad-hoc signed, ${cds.map((cd) => `${cd.pages} ${cd.hash} page hashes`).join(' + ')} verified`;
}
