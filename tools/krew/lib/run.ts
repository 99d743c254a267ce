// Child processes for the release build: fail loudly with the command and its output.
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n${stdout}${stderr}`.trimEnd());
  }
  return { stdout, stderr };
}

/** First command of `names` found on PATH, or undefined. */
export function which(...names: string[]): string | undefined {
  for (const n of names) {
    const r = spawnSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

export const log = (msg: string): void => {
  process.stderr.write(`release:krew: ${msg}\n`);
};
