import { basename } from 'node:path';

/**
 * The name to show in help and messages. kubectl runs plugins as `kubectl-<name>`; when we are
 * invoked through such a name, users typed `kubectl <name>`, so say that (as cmctl does).
 * Under `node script`, argv[1] is the script as invoked (symlinks kept). In a single-executable app
 * argv[1] is the executable's resolved path, so the name invoked is argv0 (what the shell or kubectl ran).
 */
export function programName(
  argv: readonly string[] = process.argv,
  execPath: string = process.execPath,
  argv0: string = process.argv0,
): string {
  const singleExecutable = argv[1] !== undefined && argv[1] === execPath;
  const invoked = singleExecutable ? [argv0, execPath] : [argv[1]];
  const names = invoked.filter((p): p is string => typeof p === 'string' && p.length > 0).map((p) => stripExt(basename(p)));
  for (const name of names) {
    if (name.startsWith('kubectl-')) return `kubectl ${name.slice('kubectl-'.length).replace(/_/g, '-')}`;
  }
  const first = names[0];
  return first && first !== 'node' ? first : 'kubectl-tapacme';
}

function stripExt(name: string): string {
  return name.replace(/\.(c?js|mjs|exe)$/i, '');
}
