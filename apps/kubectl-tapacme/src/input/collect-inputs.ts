import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { decodeUtf8 } from './decode.js';

export const STDIN_NAME = '<stdin>';
const MANIFEST_EXT = /\.(ya?ml|json)$/i;

export interface InputFile {
  /** The name shown in findings: the path as given, or joined under the directory given. */
  fileName: string;
  text: string;
  /** The real path to write back to (symlinks resolved); absent for stdin. */
  realPath?: string;
  /** File status when read, to keep the mode and to notice a concurrent change before writing. */
  stats?: Stats;
}

/** A file that could not be read; it has no line. */
export interface ReadProblem {
  fileName: string;
  message: string;
}

export interface CollectedInputs {
  files: InputFile[];
  problems: ReadProblem[];
}

export interface CollectOptions {
  recursive: boolean;
  readStdin: () => Promise<Buffer>;
}

/**
 * Expand PATH arguments (files, directories, `-`) into the files to analyse, in the order given,
 * directories sorted by name. Named files are read whatever their extension; directories contribute
 * .yaml, .yml and .json files. A file named twice (or through a directory and a symlink) is read once.
 */
export async function collectInputs(paths: readonly string[], opts: CollectOptions): Promise<CollectedInputs> {
  const files: InputFile[] = [];
  const problems: ReadProblem[] = [];
  const seen = new Set<string>();
  let stdinRead = false;

  const addFile = async (fileName: string, st?: Stats): Promise<void> => {
    let real: string;
    try {
      real = await realpath(fileName);
    } catch (e) {
      problems.push({ fileName, message: readMessage(e) });
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    try {
      const stats = st ?? (await stat(real));
      const bytes = await readFile(real);
      const text = decodeUtf8(bytes);
      if (text === undefined) {
        problems.push({ fileName, message: 'not UTF-8 text (a binary file?); convert it to UTF-8 or leave it out' });
        return;
      }
      files.push({ fileName, text, realPath: real, stats });
    } catch (e) {
      problems.push({ fileName, message: readMessage(e) });
    }
  };

  const walk = async (dir: string, visited: Set<string>, top: boolean): Promise<number> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ fileName: dir, message: readMessage(e) });
      return 0;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let found = 0;
    let subdirs = 0;
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let st: Stats;
      try {
        st = await stat(path);
      } catch (e) {
        // A dangling symlink in a directory is not something the user asked to check.
        if (entry.isSymbolicLink()) continue;
        problems.push({ fileName: path, message: readMessage(e) });
        continue;
      }
      if (st.isDirectory()) {
        subdirs++;
        if (!opts.recursive) continue;
        const real = await realpath(path).catch(() => path);
        if (visited.has(real)) continue;
        visited.add(real);
        found += await walk(path, visited, false);
      } else if (st.isFile() && MANIFEST_EXT.test(entry.name)) {
        found++;
        await addFile(path, st);
      }
    }
    if (top && found === 0) {
      const hint = !opts.recursive && subdirs > 0 ? ' (add -R to include its subdirectories)' : '';
      problems.push({ fileName: dir, message: `no .yaml, .yml or .json files in this directory${hint}` });
    }
    return found;
  };

  for (const p of paths) {
    if (p === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      const text = decodeUtf8(await opts.readStdin());
      if (text === undefined) problems.push({ fileName: STDIN_NAME, message: 'not UTF-8 text; convert it to UTF-8' });
      else files.push({ fileName: STDIN_NAME, text });
      continue;
    }
    let st: Stats;
    try {
      st = await stat(p);
    } catch (e) {
      problems.push({ fileName: p, message: readMessage(e) });
      continue;
    }
    if (st.isDirectory()) {
      const real = await realpath(p).catch(() => p);
      await walk(p, new Set([real]), true);
    } else {
      await addFile(p, st);
    }
  }
  return { files, problems };
}

function readMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory; check the path';
    case 'EACCES':
    case 'EPERM':
      return "permission denied; check the file's permissions";
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot read: ${err.message}`;
  }
}
