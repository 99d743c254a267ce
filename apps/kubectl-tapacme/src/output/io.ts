import { colorEnabled, styleFor } from './style.js';
import type { Style } from './style.js';

/** Where a command writes: data to stdout, talk (progress, warnings, summaries, errors) to stderr. */
export interface Io {
  out(text: string): void;
  /** Resolves once stdout can take more (a pipe is written asynchronously); absent: it always can. */
  outDrained?(): Promise<void>;
  err(text: string): void;
  /** Styles for each stream, decided once from TTY and NO_COLOR / FORCE_COLOR. */
  outStyle: Style;
  errStyle: Style;
  /** The program name as the user typed it: "kubectl tapacme" when run as a kubectl plugin. */
  prog: string;
  stdinIsTTY: boolean;
}

export function processIo(prog: string): Io {
  // `check ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    out: (t) => void process.stdout.write(t),
    outDrained: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', resolve)) : Promise.resolve()),
    err: (t) => void process.stderr.write(t),
    outStyle: styleFor(colorEnabled(process.stdout)),
    errStyle: styleFor(colorEnabled(process.stderr)),
    prog,
    stdinIsTTY: process.stdin.isTTY === true,
  };
}
