import { randomBytes } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WriteRefusedError } from './write-refused.js';

/** How long to wait for another writer of the same file before giving up. */
const WAIT_MS = 15_000;

/**
 * Run `critical` holding `.NAME.tapacme-lock` beside `target`, created exclusively (O_EXCL is atomic
 * on local file systems and NFSv3+), so that checking the file and renaming over it is one step for
 * every tapacme process. A lock left by a process that no longer runs is taken over; a live one is
 * waited for, with backoff, up to 15 s.
 */
export async function withFileLock<T>(target: string, critical: () => Promise<T>): Promise<T> {
  const lock = join(dirname(target), `.${basename(target)}.tapacme-lock`);
  const token = `${process.pid} ${randomBytes(6).toString('hex')}\n`;
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      try {
        await fh.writeFile(token);
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readFile(lock, 'utf8').catch(() => undefined);
    // An empty lock is one being created: its holder is alive.
    if (holder !== undefined && holder !== '' && !alive(Number(holder.split(' ')[0]))) {
      // Taken over only if it is still the same dead holder's file.
      if ((await readFile(lock, 'utf8').catch(() => undefined)) === holder) await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new WriteRefusedError(`another process (pid ${holder?.split(' ')[0] ?? '?'}) has been writing this file for ${WAIT_MS / 1000} s (lock ${lock}); the file is unchanged: run again when it is done, or remove the lock if no such process runs`);
    }
    await sleep(Math.min(200, 2 ** attempt) + Math.random() * 5);
  }
  try {
    return await critical();
  } finally {
    // Remove only our own lock, never one another process took over.
    if ((await readFile(lock, 'utf8').catch(() => undefined)) === token) await unlink(lock).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
