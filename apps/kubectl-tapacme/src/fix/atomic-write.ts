import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { ChangedMeanwhileError, WriteRefusedError } from './write-refused.js';

export interface WriteOptions {
  /** Replace a read-only file and split hard links instead of refusing. */
  force?: boolean;
}

export interface WriteResult {
  /** What the write did that the user should know (links split, a read-only file replaced). */
  notes: string[];
}

/**
 * Replace `target` with `text` so that readers see either the old or the new file, never a part:
 * holding a lock file beside the target, check that the file still has the inode and the bytes it
 * was read with, write a temporary file in the same directory with the mode (and the owner, when we
 * are root), fsync it, rename it over the target, and fsync the directory. Two tapacme processes
 * writing one file therefore never both succeed on the same original: the second finds it changed.
 * A read-only file or one with other hard links is refused unless `force`.
 * On any failure the temporary file is removed and the original is untouched.
 */
export async function writeFileAtomic(target: string, text: string, readStats: Stats, readText: string, options: WriteOptions = {}): Promise<WriteResult> {
  const notes: string[] = [];
  const mode = readStats.mode & 0o7777;
  if (!writableByMode(readStats)) {
    if (!options.force) throw new WriteRefusedError(`the file is read-only (mode ${octal(mode)}); make it writable, or add --force to replace it (the mode is kept)`);
    notes.push(`it was read-only (mode ${octal(mode)}); replaced with --force, mode kept`);
  }
  if (readStats.nlink > 1) {
    const others = readStats.nlink - 1;
    const split = `${others} other hard link${others === 1 ? '' : 's'}`;
    if (!options.force) throw new WriteRefusedError(`the file has ${split}; replacing it would split them (they would keep the old text). Fix the file under each name, or add --force to split the links`);
    notes.push(`the links were split: its ${split} still hold${others === 1 ? 's' : ''} the old text`);
  }
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.tapacme-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    await withFileLock(target, async () => {
      if (await changedSince(target, readStats, readText)) throw new ChangedMeanwhileError('the file changed while it was being fixed (another program wrote it); it was left as that program wrote it: run the command again');
      const fh = await open(tmp, 'wx', mode);
      created = true;
      try {
        await fh.writeFile(text, 'utf8');
        await fh.chmod(mode); // the umask may have taken bits away at open
        if (process.getuid?.() === 0 && (readStats.uid !== 0 || readStats.gid !== 0)) await fh.chown(readStats.uid, readStats.gid);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
      created = false;
    });
  } catch (e) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
  return { notes };
}

/** Whether the file at `target` is no longer the one read: another inode, size, time or content. */
async function changedSince(target: string, readStats: Stats, readText: string): Promise<boolean> {
  const now = await stat(target);
  if (now.ino !== readStats.ino || now.dev !== readStats.dev || now.size !== readStats.size || now.mtimeMs !== readStats.mtimeMs) return true;
  // The same clock tick and size can hide a change: compare the text too.
  return (await readFile(target, 'utf8')) !== readText;
}

/** The permission bits that apply to this process (root is judged as the owner, so 0444 counts as read-only). */
function writableByMode(st: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0 || uid === st.uid) return (st.mode & 0o200) !== 0;
  if (process.getgid?.() === st.gid || process.getgroups?.().includes(st.gid)) return (st.mode & 0o020) !== 0;
  return (st.mode & 0o002) !== 0;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Directories cannot be opened or synced on every platform (Windows); the rename is still atomic.
  }
}

export function writeErrorMessage(e: unknown): string {
  if (e instanceof WriteRefusedError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied writing the file or its directory; the file is unchanged';
  if (err.code === 'ENOSPC') return 'no space left on the device; the file is unchanged';
  if (err.code === 'EROFS') return 'read-only file system; the file is unchanged';
  return `could not write (${err.message}); the file is unchanged`;
}
