import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './process.js';
import type { ProcessResult } from './process.js';

export const appDir = fileURLToPath(new URL('../../', import.meta.url));
export const repoRoot = join(appDir, '..', '..');
export const bundlePath = join(appDir, 'dist', 'kubectl-tapacme.cjs');
export const binPath = join(appDir, 'bin', 'kubectl-tapacme');
export const examplesDir = join(repoRoot, 'examples');

/** Split a command line on blanks, honouring single and double quotes (enough for TAPACME_CLI). */
export function splitCommand(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/**
 * The CLI under test: TAPACME_CLI (a command, e.g. a single executable), else node + the bundle.
 * The same suite runs against every build of the CLI.
 */
export function cliCommand(): string[] {
  const fromEnv = process.env['TAPACME_CLI'];
  if (fromEnv && fromEnv.trim() !== '') return splitCommand(fromEnv);
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run \`pnpm build\` first (or set TAPACME_CLI)`);
  return [process.execPath, bundlePath];
}

export type RunResult = ProcessResult;

export interface RunOptions {
  stdin?: string | Buffer;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Run this command instead of the CLI (e.g. kubectl, or the CLI through a symlink). */
  command?: string[];
}

/** Colour and locale settings of the test runner must not leak into the CLI unless a test asks. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function run(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...pre] = opts.command ?? cliCommand();
  if (!cmd) throw new Error('empty command');
  return runProcess(cmd, [...pre, ...args], { cwd: opts.cwd ?? repoRoot, env: baseEnv(opts.env), input: opts.stdin });
}

/** A scratch directory, removed by the returned cleanup. */
export async function scratch(prefix = 'tapacme-cli-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function findExecutable(name: string): string | undefined {
  for (const d of (process.env['PATH'] ?? '').split(':')) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

