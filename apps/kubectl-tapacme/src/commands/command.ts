import type { ParsedArgs } from '../args.js';
import type { Io } from '../output/io.js';

/** How the shell should complete a flag's value or a positional argument. */
export type CompleteKind = 'manifest-file' | 'pem-file' | 'any-file' | 'none';

/** One flag, declared once for the parser, the help text and shell completion. */
export interface FlagSpec {
  /** Long name without dashes, e.g. "filename". */
  name: string;
  /** One-letter short form, e.g. "f". */
  short?: string;
  /** 'strings' is a flag that may be repeated (-f a -f b). */
  type: 'string' | 'boolean' | 'strings';
  describe: string;
  /** Allowed values: validated by the command (so the message can say what to do), listed in help and completion. */
  values?: readonly string[];
  /** Shown in help; the command applies it. */
  defaultValue?: string;
  /** Value placeholder shown in help, e.g. NAME. */
  placeholder?: string;
  complete?: CompleteKind;
  group?: string;
  hidden?: boolean;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list; false hides the command. */
  describe: string | false;
  /** Usage line after the program name, e.g. "check [PATH|-]... [flags]". */
  usage: string;
  /** Variadic positional arguments, when the command takes any. */
  positional?: { name: string; describe: string; complete: CompleteKind | readonly string[] };
  /** Flags; a function so that building them (e.g. from core's DNS01 providers) costs nothing unless asked. */
  flags(): FlagSpec[];
  examples?: readonly (readonly [string, string])[];
  /** Longer help text shown under the usage. */
  long?: string;
  /** Runs the command and returns the exit code. Implementations are loaded with import() here. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}
