// Unit tests of the write path itself (the process-level tests cover it end to end).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangedMeanwhileError, writeErrorMessage, writeFileAtomic } from '../src/fix/atomic-write.js';
import { scratch } from './helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

describe('writeFileAtomic', () => {
  it('replaces the file with the new text and keeps an unusual mode', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'old\n', { mode: 0o604 });
    const { chmod } = await import('node:fs/promises');
    await chmod(p, 0o604);
    await writeFileAtomic(p, 'new\n', await stat(p));
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect((await stat(p)).mode & 0o7777).toBe(0o604);
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });

  it('refuses when the file changed after it was read, leaving it and no temporary file', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'old\n');
    const readStats = await stat(p);
    await writeFile(p, 'someone else, longer\n');
    await expect(writeFileAtomic(p, 'new\n', readStats)).rejects.toBeInstanceOf(ChangedMeanwhileError);
    expect(await readFile(p, 'utf8')).toBe('someone else, longer\n');
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });

  it('fails cleanly when the directory is gone', async () => {
    const p = join(dir, 'gone', 'x.yaml');
    const st = await stat(dir);
    const err = await writeFileAtomic(p, 'new\n', st).catch((e: unknown) => e);
    expect(writeErrorMessage(err)).toMatch(/could not write .*the file is unchanged/);
  });
});
