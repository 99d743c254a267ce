// Unit tests of the write path itself (the process-level tests cover it end to end).
import { chmod, link, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeErrorMessage, writeFileAtomic } from '../src/fix/atomic-write.js';
import { ChangedMeanwhileError, WriteRefusedError } from '../src/fix/write-refused.js';
import { scratch } from './helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await scratch());
});
afterEach(async () => cleanup());

async function read(p: string): Promise<{ text: string; stats: Stats }> {
  const stats = await stat(p);
  return { text: await readFile(p, 'utf8'), stats };
}

describe('writeFileAtomic', () => {
  it('replaces the file with the new text and keeps an unusual mode', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'old\n');
    await chmod(p, 0o604);
    const r = await read(p);
    expect((await writeFileAtomic(p, 'new\n', r.stats, r.text)).notes).toEqual([]);
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect((await stat(p)).mode & 0o7777).toBe(0o604);
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });

  it('refuses when the file changed after it was read, leaving it and no temporary file', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'old\n');
    const r = await read(p);
    await writeFile(p, 'someone else, longer\n');
    await expect(writeFileAtomic(p, 'new\n', r.stats, r.text)).rejects.toBeInstanceOf(ChangedMeanwhileError);
    expect(await readFile(p, 'utf8')).toBe('someone else, longer\n');
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });

  it('notices a change of the same size within the same clock tick by its content', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'aaaa\n');
    const r = await read(p);
    await writeFile(p, 'bbbb\n');
    const { utimes } = await import('node:fs/promises');
    await utimes(p, r.stats.atime, r.stats.mtime);
    await expect(writeFileAtomic(p, 'new\n', r.stats, r.text)).rejects.toThrow(/changed while it was being fixed/);
    expect(await readFile(p, 'utf8')).toBe('bbbb\n');
  });

  it('refuses a read-only file unless forced, and then keeps its mode', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'old\n');
    await chmod(p, 0o444);
    const r = await read(p);
    const err = await writeFileAtomic(p, 'new\n', r.stats, r.text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteRefusedError);
    expect(writeErrorMessage(err)).toBe('the file is read-only (mode 0444); make it writable, or add --force to replace it (the mode is kept)');
    expect(await readFile(p, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['x.yaml']);
    const forced = await writeFileAtomic(p, 'new\n', r.stats, r.text, { force: true });
    expect(forced.notes).toEqual(['it was read-only (mode 0444); replaced with --force, mode kept']);
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect((await stat(p)).mode & 0o7777).toBe(0o444);
  });

  it('refuses a file with other hard links unless forced, and then says the links were split', async () => {
    const p = join(dir, 'x.yaml');
    const other = join(dir, 'other-name.yaml');
    await writeFile(p, 'old\n');
    await link(p, other);
    const r = await read(p);
    const err = await writeFileAtomic(p, 'new\n', r.stats, r.text).catch((e: unknown) => e);
    expect(writeErrorMessage(err)).toBe('the file has 1 other hard link; replacing it would split them (they would keep the old text). Fix the file under each name, or add --force to split the links');
    expect(await readFile(p, 'utf8')).toBe('old\n');
    expect((await stat(other)).ino).toBe(r.stats.ino);
    const forced = await writeFileAtomic(p, 'new\n', r.stats, r.text, { force: true });
    expect(forced.notes).toEqual(['the links were split: its 1 other hard link still holds the old text']);
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect(await readFile(other, 'utf8')).toBe('old\n');
  });

  it('fails cleanly when the directory is gone', async () => {
    const p = join(dir, 'gone', 'x.yaml');
    const st = await stat(dir);
    const err = await writeFileAtomic(p, 'new\n', { ...st, mode: 0o100644, nlink: 1 } as typeof st, '').catch((e: unknown) => e);
    expect(writeErrorMessage(err)).toMatch(/could not write .*the file is unchanged/);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'old\n');
    await writeFile(join(dir, '.x.yaml.tapacme-lock'), '2147483646 deadbeef\n');
    const r = await read(p);
    await writeFileAtomic(p, 'new\n', r.stats, r.text);
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });

  it('loses no edit when 8 writers race for one file, 100 rounds in a row', async () => {
    const p = join(dir, 'x.yaml');
    await writeFile(p, 'start\n');
    for (let round = 0; round < 100; round++) {
      const results = await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          // Each writer reads, then appends its own line, as fix reads then edits.
          const r = await read(p);
          const line = `round ${round} writer ${w}\n`;
          try {
            await writeFileAtomic(p, r.text + line, r.stats, r.text);
            return { line, ok: true };
          } catch (e) {
            expect(e).toBeInstanceOf(ChangedMeanwhileError);
            return { line, ok: false };
          }
        }),
      );
      const text = await readFile(p, 'utf8');
      const won = results.filter((r) => r.ok);
      // Every writer that said it wrote has its line in the file; none that refused has.
      expect(won.length).toBeGreaterThanOrEqual(1);
      for (const r of results) expect(text.includes(r.line)).toBe(r.ok);
    }
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });
});
