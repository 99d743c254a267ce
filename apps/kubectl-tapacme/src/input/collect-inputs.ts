import { createReadStream } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { decodeText } from './decode.js';
import { raiseLimitAdvice, readLimited } from './read-limited.js';
import type { LimitedRead } from './read-limited.js';

export const STDIN_NAME = '<stdin>';
const MANIFEST_EXT = /\.(ya?ml|json)$/i;

export interface InputFile {
  /** The name shown in findings: the path as given, or joined under the directory given. */
  fileName: string;
  text: string;
  /** The real path to write back to (symlinks resolved); absent for stdin and pipes. */
  realPath?: string;
  /** File status when read, to keep the mode and to notice a concurrent change before writing. */
  stats?: Stats;
  /** Why --write must not replace this file, when it must not. */
  writeRefusal?: string;
}

/** An input that could not be read or decoded; the line and column of the bad byte when there is one. */
export interface ReadProblem {
  fileName: string;
  message: string;
  line?: number;
  column?: number;
}

export interface CollectedInputs {
  files: InputFile[];
  problems: ReadProblem[];
}

export interface CollectOptions {
  recursive: boolean;
  /** stdin, read up to the limit. */
  readStdin: (limit: number, advice: string) => Promise<LimitedRead>;
  /** Bytes; larger files and streams are refused. */
  maxInputSize: number;
}

/**
 * Expand PATH arguments (files, directories, `-`) into the files to analyse, in the order given,
 * directories sorted by name. Named files are read whatever their extension, pipes and devices
 * included (`<(cmd)`, /dev/stdin), as kubectl -f reads them; directories contribute regular .yaml,
 * .yml and .json files. Under -R, symlinked directories are not descended into (as kubectl does), so
 * a walk cannot leave the tree or loop; a symlinked file is read, but --write replaces only files
 * inside the files and directories named. A file reached twice is read once.
 */
export async function collectInputs(paths: readonly string[], opts: CollectOptions): Promise<CollectedInputs> {
  const files: InputFile[] = [];
  const problems: ReadProblem[] = [];
  const seen = new Set<string>();
  const namedFiles = new Set<string>();
  const namedTrees: string[] = [];
  let stdinRead = false;

  const decodeInto = (fileName: string, read: LimitedRead, file: Omit<InputFile, 'fileName' | 'text'>, stream: boolean): void => {
    if ('problem' in read) {
      problems.push({ fileName, message: read.problem, ...(read.line !== undefined ? { line: read.line, column: read.column ?? 1 } : {}) });
      return;
    }
    const d = decodeText(read.bytes);
    if ('message' in d) {
      problems.push({ fileName, message: d.message, line: d.line, column: d.column });
      return;
    }
    if (stream && d.text.trim() === '') {
      // kubectl fails on an empty stream: an empty pipe usually means the command before it failed.
      problems.push({ fileName, message: 'no input: the stream is empty (did the command that feeds it fail?); no manifests were checked' });
      return;
    }
    files.push({ fileName, text: d.text, ...file });
  };

  const readRegular = async (fileName: string, st: Stats): Promise<void> => {
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    let real: string;
    let read: LimitedRead;
    try {
      real = await realpath(fileName);
      read = await readLimited(createReadStream(fileName, { highWaterMark: 1024 * 1024 }), opts.maxInputSize, raiseLimitAdvice(opts.maxInputSize));
    } catch (e) {
      problems.push({ fileName, message: readMessage(e) });
      return;
    }
    decodeInto(fileName, read, { realPath: real, stats: st }, false);
  };

  const readStream = async (fileName: string, what: string): Promise<void> => {
    let read: LimitedRead;
    try {
      read = await readLimited(createReadStream(fileName, { highWaterMark: 1024 * 1024 }), opts.maxInputSize, raiseLimitAdvice(opts.maxInputSize));
    } catch (e) {
      problems.push({ fileName, message: readMessage(e) });
      return;
    }
    decodeInto(fileName, read, { writeRefusal: `${what}, not a file: there is nothing to write back to (leave out --write to print the fixed text)` }, true);
  };

  const walk = async (dir: string, visited: Set<string>, top: boolean): Promise<number> => {
    let entries: Dirent[];
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
      if (entry.isDirectory()) {
        subdirs++;
        if (!opts.recursive) continue;
        let st: Stats;
        try {
          st = await stat(path);
        } catch (e) {
          problems.push({ fileName: path, message: readMessage(e) });
          continue;
        }
        // A bind mount can show a directory inside itself.
        const id = `${st.dev}:${st.ino}`;
        if (visited.has(id)) continue;
        visited.add(id);
        found += await walk(path, visited, false);
        continue;
      }
      if (!MANIFEST_EXT.test(entry.name) || !(entry.isFile() || entry.isSymbolicLink())) continue;
      let st: Stats;
      try {
        st = await stat(path);
      } catch (e) {
        // A dangling symlink in a directory is not something the user asked to check.
        if (entry.isSymbolicLink()) continue;
        problems.push({ fileName: path, message: readMessage(e) });
        continue;
      }
      // A symlink to a directory is not descended into; one to a pipe or a device is not read.
      if (!st.isFile()) continue;
      found++;
      await readRegular(path, st);
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
      decodeInto(STDIN_NAME, await opts.readStdin(opts.maxInputSize, raiseLimitAdvice(opts.maxInputSize)), { writeRefusal: 'stdin cannot be written back' }, true);
      continue;
    }
    let st: Stats;
    try {
      st = await stat(p);
    } catch (e) {
      problems.push({ fileName: p, message: isUrl(p) ? URL_MESSAGE : readMessage(e) });
      continue;
    }
    if (st.isDirectory()) {
      namedTrees.push(await realpath(p).catch(() => p));
      await walk(p, new Set([`${st.dev}:${st.ino}`]), true);
    } else if (st.isFile()) {
      namedFiles.add(await realpath(p).catch(() => p));
      await readRegular(p, st);
    } else {
      await readStream(p, st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'a device');
    }
  }

  for (const f of files) {
    if (!f.realPath || f.writeRefusal) continue;
    const real = f.realPath;
    const inside = namedFiles.has(real) || namedTrees.some((t) => real.startsWith(t.endsWith(sep) ? t : t + sep));
    if (!inside) f.writeRefusal = `it is a symlink to ${real}, outside the files and directories named on the command line; name that file to fix it`;
  }
  return { files, problems };
}

/** kubectl -f fetches URLs; this tool reads only local files, and says how to get one. */
export const URL_MESSAGE = 'is a URL: tapacme reads local files only; download it first, e.g. curl -fsSL URL | kubectl tapacme check -';

export function isUrl(p: string): boolean {
  return /^https?:\/\//i.test(p);
}

export function readMessage(e: unknown): string {
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
