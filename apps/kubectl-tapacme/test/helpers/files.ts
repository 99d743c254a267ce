import { chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Snapshot {
  bytes: Buffer;
  mtimeMs: number;
  mode: number;
  ino: number;
}

/** Bytes, mtime, mode and inode of every file under dir (to prove that nothing was touched). */
export async function snapshot(dir: string): Promise<Map<string, Snapshot>> {
  const out = new Map<string, Snapshot>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const st = await lstat(p);
        out.set(p, { bytes: e.isSymbolicLink() ? Buffer.from('') : await readFile(p), mtimeMs: st.mtimeMs, mode: st.mode, ino: st.ino });
      }
    }
  };
  await walk(dir);
  return out;
}

/** Writes text to dir/name, making the folders on the way (and setting mode when given); returns the path. */
export async function writeFileUnder(dir: string, name: string, text: string | Buffer, mode?: number): Promise<string> {
  const p = join(dir, name);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, text);
  if (mode !== undefined) await chmod(p, mode);
  return p;
}
