// The hidden `__complete` command, in cobra's protocol, so kubectl (>= 1.26, through the
// kubectl_complete-tapacme helper) and our own shell scripts can ask for candidates:
//   kubectl-tapacme __complete <args...> <word being completed, possibly "">
// prints one candidate a line (value<TAB>description), then ":<directive>".
import type { CommandSpec, FlagSpec } from '../commands/command.js';
import { commands } from '../commands/registry.js';

/** cobra's ShellCompDirective bits. */
export const Directive = {
  default: 0,
  error: 1,
  noSpace: 2,
  noFileComp: 4,
  filterFileExt: 8,
  filterDirs: 16,
  keepOrder: 32,
} as const;

export interface Candidate {
  value: string;
  description?: string;
}

export interface Completion {
  candidates: Candidate[];
  directive: number;
}

const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];
const ROOT_FLAGS: FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', describe: 'show help' },
  { name: 'version', type: 'boolean', describe: 'print the version' },
];
const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', describe: 'show help for the command' };

export function complete(args: readonly string[]): Completion {
  const toComplete = args.length > 0 ? (args[args.length - 1] ?? '') : '';
  const before = args.slice(0, -1);
  let cmd: CommandSpec | undefined;
  let pending: FlagSpec | undefined;
  let afterDashDash = false;
  const flagsOf = (): FlagSpec[] => (cmd ? [...cmd.flags(), HELP_FLAG] : ROOT_FLAGS);

  for (const tok of before) {
    if (pending) {
      pending = undefined;
      continue;
    }
    if (!afterDashDash && tok === '--') {
      afterDashDash = true;
      continue;
    }
    if (!afterDashDash && tok.startsWith('-') && tok !== '-') {
      const { flag, hasValue } = lookupFlag(flagsOf(), tok);
      if (flag && flag.type !== 'boolean' && !hasValue) pending = flag;
      continue;
    }
    if (!cmd) {
      cmd = commands.find((c) => c.name === tok);
      if (!cmd) return { candidates: [], directive: Directive.noFileComp };
    }
  }

  if (pending) return valueCompletion(pending, toComplete, '');
  if (!afterDashDash && toComplete.startsWith('-')) {
    const eq = toComplete.indexOf('=');
    if (toComplete.startsWith('--') && eq > 0) {
      const { flag } = lookupFlag(flagsOf(), toComplete.slice(0, eq));
      if (!flag || flag.type === 'boolean') return { candidates: [], directive: Directive.noFileComp };
      return valueCompletion(flag, toComplete.slice(eq + 1), toComplete.slice(0, eq + 1));
    }
    return { candidates: flagCandidates(flagsOf(), toComplete), directive: Directive.noFileComp };
  }
  if (!cmd) {
    const candidates = commands
      .filter((c) => c.describe !== false && c.name.startsWith(toComplete))
      .map((c) => ({ value: c.name, description: c.describe as string }));
    return { candidates, directive: Directive.noFileComp };
  }
  const pos = cmd.positional?.complete;
  if (pos === 'manifest-file') return manifestFiles();
  if (Array.isArray(pos)) return { candidates: (pos as readonly string[]).filter((v) => v.startsWith(toComplete)).map((value) => ({ value })), directive: Directive.noFileComp };
  return { candidates: [], directive: Directive.noFileComp };
}

function manifestFiles(): Completion {
  return { candidates: MANIFEST_EXTENSIONS.map((value) => ({ value })), directive: Directive.filterFileExt };
}

function valueCompletion(flag: FlagSpec, prefix: string, flagPrefix: string): Completion {
  if (flag.complete === 'manifest-file') return manifestFiles();
  if (flag.complete === 'pem-file') return { candidates: ['pem', 'crt', 'cer'].map((value) => ({ value })), directive: Directive.filterFileExt };
  // A kubeconfig has no fixed extension: the shell's own file completion, as kubectl leaves it.
  if (flag.complete === 'any-file') return { candidates: [], directive: Directive.default };
  if (flag.values) {
    return { candidates: flag.values.filter((v) => v.startsWith(prefix)).map((v) => ({ value: flagPrefix + v })), directive: Directive.noFileComp };
  }
  return { candidates: [], directive: Directive.noFileComp };
}

function flagCandidates(flags: readonly FlagSpec[], prefix: string): Candidate[] {
  const out: Candidate[] = [];
  for (const f of flags) {
    if (f.hidden) continue;
    const long = `--${f.name}`;
    if (long.startsWith(prefix)) out.push({ value: long, description: f.describe });
    if (f.short && prefix === '-') out.push({ value: `-${f.short}`, description: f.describe });
  }
  return out;
}

/** The flag a token names: --name, --name=value, -x, -xVALUE. */
function lookupFlag(flags: readonly FlagSpec[], tok: string): { flag?: FlagSpec; hasValue: boolean } {
  if (tok.startsWith('--')) {
    const eq = tok.indexOf('=');
    const name = eq === -1 ? tok.slice(2) : tok.slice(2, eq);
    const flag = flags.find((f) => f.name === name);
    return flag ? { flag, hasValue: eq !== -1 } : { hasValue: false };
  }
  const flag = flags.find((f) => f.short === tok[1]);
  return flag ? { flag, hasValue: tok.length > 2 } : { hasValue: false };
}

export function formatCompletion(c: Completion, withDescriptions: boolean): string {
  const lines = c.candidates.map((x) => (withDescriptions && x.description ? `${x.value}\t${x.description.replace(/\s+/g, ' ')}` : x.value));
  return `${lines.map((l) => `${l}\n`).join('')}:${c.directive}\n`;
}

export function completeMain(args: readonly string[], withDescriptions: boolean): void {
  process.stdout.write(formatCompletion(complete(args), withDescriptions));
}
