// The option parser (yargs) and the command list. Loaded only when a command runs or help is asked for.
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { ParsedArgs } from './args.js';
import type { CommandSpec, FlagSpec } from './commands/command.js';
import { commands } from './commands/registry.js';
import { ExitCode } from './exit-codes.js';
import { processIo } from './output/io.js';
import type { Io } from './output/io.js';
import { programName } from './program-name.js';
import { UsageError } from './usage-error.js';

export async function main(argv: readonly string[]): Promise<void> {
  const io = processIo(programName());
  process.exitCode = await run(argv, io);
}

/** Parse argv, run the command, and return its exit code; never throws. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await parseAndRun(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const cmd = commands.find((c) => c.name === argv[0] && c.describe !== false);
      io.err(`${io.errStyle.red('error:')} ${e.message}\nSee '${io.prog}${cmd ? ` ${cmd.name}` : ''} --help'.\n`);
      return ExitCode.inputError;
    }
    io.err(`${io.errStyle.red('internal error:')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\nPlease report this at https://github.com/tapacme/tapacme/issues.\n`);
    return ExitCode.inputError;
  }
}

async function parseAndRun(argv: readonly string[], io: Io): Promise<number> {
  const visible = commands.filter((c) => c.describe !== false);
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !commands.some((c) => c.name === first)) {
    const near = visible.filter((c) => c.name.startsWith(first.slice(0, 2)));
    throw new UsageError(`unknown command "${first}" for "${io.prog}"${near.length > 0 ? `; did you mean ${near.map((c) => `"${c.name}"`).join(' or ')}?` : ''} (commands: ${visible.map((c) => c.name).join(', ')})`);
  }
  let code: number = ExitCode.ok;
  const y = yargs(normalizeArgv(argv, commands.find((c) => c.name === first)));
  // Values and defaults are spelled out in each description; yargs' [string]/[boolean] tags are noise.
  // (yargs 18 has usageConfiguration; @types/yargs 17 does not know it yet.)
  (y as unknown as { usageConfiguration(c: { 'hide-types': boolean }): unknown }).usageConfiguration({ 'hide-types': true });
  y.scriptName(io.prog)
    .usage(
      `${io.prog}: find and fix cert-manager ACME HTTP01 solvers whose Pod cannot pull its image from a private registry (Tanzu Application Platform).\n\nUsage:\n  $0 <command> [flags]`,
    )
    .version(false)
    .help('help')
    .alias('help', 'h')
    .describe('help', 'show help for a command')
    .option('version', { type: 'boolean', describe: 'print the version and exit', global: false })
    .strict()
    .exitProcess(false)
    .showHelpOnFail(false)
    .parserConfiguration({
      'camel-case-expansion': false,
      'dot-notation': false,
      'strip-aliased': true,
      'boolean-negation': false,
      'greedy-arrays': false,
      'short-option-groups': true,
      'parse-numbers': false,
      'parse-positional-numbers': false,
    })
    .updateStrings({
      'Options:': 'Flags:',
      'Commands:': 'Commands:',
      'Positionals:': 'Arguments:',
    })
    .wrap(Math.min(110, y.terminalWidth()))
    .fail((msg, err) => {
      // yargs reports its own validation failures as YError; anything else came from a command.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(rewordYargs(msg ?? err?.message ?? 'invalid command line'));
    });
  for (const spec of commands) {
    y.command(
      commandString(spec),
      // false hides a command from help (yargs' types only admit a string here).
      spec.describe as string,
      (sub: Argv) => buildCommand(sub, spec),
      async (a: Record<string, unknown>) => {
        code = await spec.run(toParsedArgs(a, spec), io);
      },
    );
  }
  if (argv.length === 0) {
    y.showHelp((s: string) => io.out(`${s}\n`));
    return ExitCode.ok;
  }
  const parsed = (await y.parseAsync()) as Record<string, unknown>;
  const positional = (parsed['_'] as unknown[] | undefined) ?? [];
  if (parsed['version'] === true && positional.length === 0) {
    const { VERSION } = await import('./version.js');
    io.out(`${VERSION}\n`);
  } else if (positional.length === 0 && parsed['help'] !== true) {
    throw new UsageError('give a command');
  }
  return code;
}

/** Stands for a lone `-` (stdin) while yargs parses: yargs drops `-` positionals. NUL cannot occur in argv. */
const STDIN_ARG = '\u0000-';

/**
 * Bring argv to what yargs parses the way kubectl (pflag) users expect: a lone `-` survives, and
 * `-ojson` / `-o=json` mean `-o json` for a short flag that takes a value.
 */
export function normalizeArgv(argv: readonly string[], spec: CommandSpec | undefined): string[] {
  const valued = new Set((spec?.flags() ?? []).filter((f) => f.short && f.type !== 'boolean').map((f) => f.short));
  const out: string[] = [];
  let rest = false;
  for (const tok of argv) {
    if (tok === '-') out.push(STDIN_ARG);
    else if (rest) out.push(tok);
    else if (tok === '--') {
      rest = true;
      out.push(tok);
    } else {
      const m = /^-([A-Za-z])(.+)$/.exec(tok);
      if (m?.[1] && m[2] !== undefined && valued.has(m[1])) out.push(`-${m[1]}`, m[2].startsWith('=') ? m[2].slice(1) : m[2]);
      else out.push(tok);
    }
  }
  return out;
}

const restoreStdin = (v: unknown): unknown => (v === STDIN_ARG ? '-' : Array.isArray(v) ? v.map(restoreStdin) : v);

function commandString(spec: CommandSpec): string {
  return spec.positional ? `${spec.name} [${spec.positional.name}..]` : spec.name;
}

function buildCommand(sub: Argv, spec: CommandSpec): Argv {
  sub.usage(`${spec.describe === false ? '' : `${spec.describe}\n\n`}${spec.long ? `${spec.long}\n\n` : ''}Usage:\n  $0 ${spec.usage}`);
  if (spec.positional) {
    sub.positional(spec.positional.name, { describe: spec.positional.describe, type: 'string', array: true });
  }
  for (const f of spec.flags()) sub.option(f.name, yargsOption(f));
  for (const [cmd, what] of spec.examples ?? []) sub.example(`$0 ${cmd}`, what);
  return sub;
}

function yargsOption(f: FlagSpec): Record<string, unknown> {
  let describe = f.describe;
  if (f.values) describe += ` (${f.values.join('|')})`;
  if (f.defaultValue !== undefined) describe += ` [default: ${f.defaultValue}]`;
  const o: Record<string, unknown> = { describe, type: f.type === 'boolean' ? 'boolean' : 'string' };
  if (f.short) o['alias'] = f.short;
  if (f.type !== 'boolean') o['requiresArg'] = true;
  if (f.hidden) o['hidden'] = true;
  if (f.group) o['group'] = f.group;
  return o;
}

function toParsedArgs(a: Record<string, unknown>, spec: CommandSpec): ParsedArgs {
  const posName = spec.positional?.name;
  const rawPos = posName ? a[posName] : undefined;
  // Arguments after `--` land in `_`, after the command's name.
  const afterDashes = ((a['_'] as unknown[] | undefined) ?? []).slice(1);
  const positionals = [...(Array.isArray(rawPos) ? rawPos : rawPos === undefined ? [] : [rawPos]), ...afterDashes].map((v) => String(restoreStdin(v)));
  const given = new Set(Object.keys(a).filter((k) => k !== '_' && k !== '$0' && k !== posName && a[k] !== undefined));
  const values = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, restoreStdin(v)]));
  return new ParsedArgs(positionals, values, given);
}

/** yargs's messages, said the kubectl way. */
function rewordYargs(msg: string): string {
  return msg
    .replace(/^Unknown arguments?: (.*)$/, (_m, list: string) => `unknown flag or argument: ${list}`)
    .replace(/^Not enough arguments following: (.*)$/, (_m, f: string) => `flag needs a value: ${f.length === 1 ? '-' : '--'}${f}`);
}
