import type { ParsedArgs } from '../args.js';

/** PATH arguments and -f values, in order; -f also takes kubectl's comma-separated lists. */
export function inputPaths(args: ParsedArgs, exists: (p: string) => boolean): string[] {
  const fromFlag = args.strings('filename').flatMap((v) => (v.includes(',') && !exists(v) ? v.split(',').filter((s) => s !== '') : [v]));
  return [...args.positionals, ...fromFlag];
}
