import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class ChangedMeanwhileError extends Error {}

/**
 * Replace `target` with `text` so that readers see either the old or the new file, never a part:
 * write a temporary file in the same directory, keep the mode (and the owner, when we are root),
 * fsync it, check the original was not changed since it was read, rename over it, fsync the directory.
 * On any failure the temporary file is removed and the original is untouched.
 */
export async function writeFileAtomic(target: string, text: string, readStats: Stats): Promise<void> {
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.tapacme-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const mode = readStats.mode & 0o7777;
  let created = false;
  try {
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
    const now = await stat(target);
    if (now.mtimeMs !== readStats.mtimeMs || now.size !== readStats.size || now.ino !== readStats.ino) {
      throw new ChangedMeanwhileError('the file changed while it was being fixed; run the command again');
    }
    await rename(tmp, target);
    created = false;
  } catch (e) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
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
  if (e instanceof ChangedMeanwhileError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied writing the file or its directory; the file is unchanged';
  if (err.code === 'ENOSPC') return 'no space left on the device; the file is unchanged';
  if (err.code === 'EROFS') return 'read-only file system; the file is unchanged';
  return `could not write (${err.message}); the file is unchanged`;
}
