// One target's single-executable build (blob prepared with the target's Node, injected into its
// official binary), shared by the krew release and the container image release.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode } from './node-bin.ts';
import { makeExecutable, prepareBlob } from './sea.ts';
import { exeName } from './targets.ts';
import type { Target } from './targets.ts';

export interface BuildOptions {
  /** The CommonJS bundle every target embeds. */
  bundle: string;
  /** Work folder of this target: blob/ and stage/ are made under it. */
  work: string;
  /** node_modules with postject and macho-unsign (ensureNpmTools). */
  tools: string;
  /** rcodesign, asked for only by macOS targets. */
  signer: () => string;
}

export interface Executable {
  exe: string;
  /** Node.js's LICENSE for the embedded runtime. */
  runtimeLicense: string;
  /** A note on its signature for the build log, if it has one. */
  signature?: string;
}

export async function buildExecutable(t: Target, o: BuildOptions): Promise<Executable> {
  const runtime = ensureNode(t.runtime, t.blobBuilder);
  const builder = ensureNode(t.blobBuilder);
  mkdirSync(o.work, { recursive: true });
  const blob = prepareBlob({ builderNode: builder.bin, bundle: o.bundle, useCodeCache: t.useCodeCache, workDir: join(o.work, 'blob') });
  const stage = join(o.work, 'stage');
  mkdirSync(stage, { recursive: true });
  const exe = join(stage, exeName(t));
  const rcodesign = t.os === 'darwin' ? o.signer() : undefined;
  const signature = await makeExecutable({ target: t, runtime: runtime.bin, blob, out: exe, tools: o.tools, ...(rcodesign ? { rcodesign } : {}) });
  return { exe, runtimeLicense: runtime.license, ...(signature ? { signature } : {}) };
}

/** The host's executable must answer --version with the package version, without complaints. */
export function smokeTest(exe: string, version: string): void {
  const r = spawnSync(exe, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } });
  if (r.status !== 0 || r.stdout.trim() !== version || r.stderr.trim() !== '') {
    throw new Error(`${exe} --version: exit ${r.status}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
  }
}
