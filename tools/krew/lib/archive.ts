// Reproducible plugin archives: fixed order, owners, modes and timestamps, so the same inputs
// give the same sha256 in the manifest.
import { createWriteStream, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { run } from './run.ts';

export interface ArchiveEntry {
  /** File on disk. */
  path: string;
  /** Name inside the archive (flat). */
  name: string;
  executable: boolean;
}

/** .tar.gz with GNU tar and `gzip -n`; all entries must live in one directory under their names. */
export function writeTarGz(out: string, entries: ArchiveEntry[], mtime: Date): void {
  const dir = dirname(entries[0]!.path);
  for (const e of entries) {
    if (dirname(e.path) !== dir || basename(e.path) !== e.name) throw new Error(`${e.path}: tar entries must be ${dir}/<name>`);
  }
  const epoch = Math.floor(mtime.getTime() / 1000);
  const tarArgs = [
    '--sort=name', '--format=gnu', '--owner=0', '--group=0', '--numeric-owner',
    `--mtime=@${epoch}`, '--mode=u+rw,go-w,go+r', '-C', dir, '-cf', '-', ...entries.map((e) => e.name).sort(),
  ];
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  run('bash', ['-c', `set -o pipefail; tar ${tarArgs.map(q).join(' ')} | gzip -9 -n > ${q(out)}`]);
}

type YazlZipFile = {
  addFile(path: string, name: string, opts: { mtime: Date; mode: number; compressionLevel: number }): void;
  end(): void;
  outputStream: NodeJS.ReadableStream;
};

/** .zip with yazl (pure JS, so no zip tool is needed), fixed mtime and Unix modes. */
export async function writeZip(yazlPath: string, out: string, entries: ArchiveEntry[], mtime: Date): Promise<void> {
  const yazl = (await import(yazlPath)) as { default: { ZipFile: new () => YazlZipFile } };
  const zip = new yazl.default.ZipFile();
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    statSync(e.path);
    zip.addFile(e.path, e.name, { mtime, mode: e.executable ? 0o100755 : 0o100644, compressionLevel: 9 });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const ws = createWriteStream(out);
    zip.outputStream.pipe(ws).on('close', resolve).on('error', reject);
    zip.outputStream.on('error', reject);
  });
}
