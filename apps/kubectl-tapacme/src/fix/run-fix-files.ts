import { existsSync } from 'node:fs';
import { analyzeParsed, DEFAULT_SERVICE_ACCOUNT, fixAll, ParsedFile, resolveSettings } from '@tapacme/core';
import type { Finding, RuleId } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { collectInputs } from '../input/collect-inputs.js';
import { inputPaths } from '../input/input-paths.js';
import { collectOptions } from '../input/collect-options.js';
import type { Io } from '../output/io.js';
import { toLocation } from '../output/location.js';
import { buildReport } from '../output/report.js';
import { textErrors } from '../output/text-report.js';
import { UsageError } from '../usage-error.js';
import { writeErrorMessage, writeFileAtomic } from './atomic-write.js';
import { WriteRefusedError } from './write-refused.js';
import { secretValueLines } from './secret-lines.js';
import { resolveFixSettings } from './fix-settings.js';
import type { FixSettings } from './fix-settings.js';
import { unifiedDiff } from './unified-diff.js';

/** `fix` on files and stdin: analyse all inputs together, fix each file, then print, diff or write. */
export async function runFixFiles(args: ParsedArgs, io: Io): Promise<number> {
  const resolved = await resolveFixSettings(args, { serviceAccountName: DEFAULT_SERVICE_ACCOUNT });
  if (!resolved.settings) {
    io.err(textErrors(resolved.fileErrors.map((e) => ({ ...e, column: null, code: 'dns01-solver' })), io.errStyle));
    io.err('nothing was changed\n');
    return ExitCode.inputError;
  }
  const settings = resolved.settings;
  const paths = inputPaths(args, existsSync);
  if (paths.length === 0) throw new UsageError('give the files to fix, or - to read stdin');
  if (settings.force && !settings.write) throw new UsageError('--force on files goes with --write: it lets --write replace read-only files and split hard links');
  if (settings.write && paths.includes('-')) throw new UsageError('--write cannot write back to stdin; leave out --write to print the fixed text');
  if (paths.includes('-') && io.stdinIsTTY) io.err('reading manifests from stdin (end with Ctrl-D)\n');

  const inputs = await collectInputs(paths, collectOptions(args));
  const inputCount = inputs.files.length + inputs.problems.length;
  if (!settings.write && !settings.diff && inputCount > 1) {
    throw new UsageError(`${inputCount} files to fix: add --diff to review the changes or --write to apply them (printing the fixed text takes exactly one file or -)`);
  }

  const parsed = inputs.files.map((f) => new ParsedFile(f.fileName, f.text));
  const parsedByName = new Map(parsed.map((p) => [p.fileName, p]));
  const coreSettings = resolveSettings({ serviceAccountName: settings.serviceAccountName, ...(settings.pullSecretName ? { pullSecretName: settings.pullSecretName } : {}), ...settings.analysis });
  const result = analyzeParsed(parsed, coreSettings);
  const texts = new Map(inputs.files.map((f) => [f.fileName, f.text]));
  const report = buildReport(result, inputs.problems, texts, inputCount);
  io.err(textErrors(report.errors, io.errStyle));
  const blocked = new Set(report.errors.map((e) => e.file));

  const fixed = fixAll(parsed, result.findings, coreSettings, {
    strategy: settings.strategy,
    ...(settings.dns01 ? { dns01: settings.dns01 } : {}),
    ...(settings.emit ? { emitServiceAccounts: 'consumers' as const } : {}),
    ...(settings.pullSecretName ? { pullSecretName: settings.pullSecretName } : {}),
    ...(settings.replaceEmptyPullSecretNames ? { replaceEmptyPullSecretNames: true } : {}),
    blocked,
  });
  // Namespaces that cannot exist are warnings; the rest of what was not placed, notes.
  for (const note of fixed.notes) if (note.code === 'invalid-namespace') io.err(`${io.errStyle.yellow('warning:')} ${note.message}\n`);
  for (const note of fixed.notes) if (note.code !== 'invalid-namespace') io.err(`${io.errStyle.yellow('note:')} ${note.message}\n`);

  const failed = new Set(blocked);
  const notFixed = new Set<string>();
  let changed = 0;
  let unchanged = 0;
  const inputByName = new Map(inputs.files.map((f) => [f.fileName, f]));
  for (const fileFix of fixed.files) {
    const file = inputByName.get(fileFix.fileName);
    if (!file) continue;
    if (fileFix.failed) {
      io.err(`${io.errStyle.bold(file.fileName)}  ${io.errStyle.red('error')}  ${io.errStyle.dim('fix')}  ${fileFix.failed.message}\n`);
      failed.add(file.fileName);
      continue;
    }
    for (const note of fileFix.notes) {
      const loc = note.finding?.range ? toLocation(note.finding.range, file.text) : undefined;
      const where = loc ? `${file.fileName}:${loc.line}:${loc.column}` : file.fileName;
      io.err(`${io.errStyle.bold(where)}  ${io.errStyle.yellow('warning')}  ${io.errStyle.dim('not-fixed')}  ${note.message}\n`);
    }
    if (fileFix.notes.length > 0) notFixed.add(file.fileName);
    if (!fileFix.changed) {
      if (fileFix.notes.length === 0) unchanged++;
      if (!settings.write && !settings.diff) io.out(file.text);
      continue;
    }
    changed++;
    if (settings.diff) {
      const d = unifiedDiff(file.fileName, file.text, fileFix.text, io.outStyle, secretValueLines(parsedByName.get(file.fileName) ?? new ParsedFile(file.fileName, file.text)));
      io.out(d.text);
      if (d.redacted) io.err(`${io.errStyle.yellow('note:')} ${file.fileName}: Secret values in the diff's context are shown as <redacted>; that patch does not apply as is (use --write)\n`);
    }
    if (settings.write) {
      try {
        if (file.writeRefusal || !file.realPath || !file.stats) throw new WriteRefusedError(file.writeRefusal ?? 'there is no file to write back to');
        const written = await writeFileAtomic(file.realPath, fileFix.text, file.stats, file.text, { force: settings.force });
        for (const note of written.notes) io.err(`${io.errStyle.bold(file.fileName)}  ${io.errStyle.yellow('note')}  ${io.errStyle.dim('write')}  ${note}\n`);
      } catch (e) {
        io.err(`${io.errStyle.bold(file.fileName)}  ${io.errStyle.red('error')}  ${io.errStyle.dim('not-written')}  ${writeErrorMessage(e)}\n`);
        notFixed.add(file.fileName);
        changed--;
      }
    } else if (!settings.diff) {
      io.out(fileFix.text);
    }
  }

  reportLeftovers(result.findings, settings, blocked, io);
  io.err(summary(settings, changed, unchanged, failed.size, notFixed.size, io));
  // An input error outweighs a finding left unfixed.
  if (failed.size > 0) return ExitCode.inputError;
  return notFixed.size > 0 ? ExitCode.notFixed : ExitCode.ok;
}

/** Findings that this fix does not address, so nobody mistakes a clean run for a clean check. */
function reportLeftovers(findings: readonly Finding[], settings: FixSettings, blocked: ReadonlySet<string>, io: Io): void {
  const handled = new Set<RuleId>(['http01-solver-missing-service-account', 'solver-service-account-without-pull-secrets']);
  if (settings.emit) handled.add('service-account-missing-in-namespace');
  const fixedEntry = (f: Finding): boolean => f.fixes.includes('pull-secret-entry') || (settings.replaceEmptyPullSecretNames && f.fixes.includes('pull-secret-name'));
  const left = findings.filter((f) => !handled.has(f.rule) && !fixedEntry(f) && !blocked.has(f.fileName ?? ''));
  if (left.length === 0) return;
  const rules = [...new Set(left.map((f) => f.rule))].join(', ');
  io.err(`${io.errStyle.yellow('note:')} ${left.length} finding${left.length === 1 ? '' : 's'} need${left.length === 1 ? 's' : ''} another change (${rules}); run check to see ${left.length === 1 ? 'it' : 'them'}\n`);
}

function summary(settings: FixSettings, changed: number, unchanged: number, failed: number, notFixed: number, io: Io): string {
  const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
  const verb = settings.write ? 'fixed' : settings.diff ? 'would fix' : 'fixed';
  const parts = [`${verb} ${files(changed)}`];
  if (unchanged > 0) parts.push(`${files(unchanged)} had nothing to fix`);
  if (notFixed > 0) parts.push(`${files(notFixed)} could not be fixed (the reasons are above)`);
  if (failed > 0) parts.push(`${files(failed)} could not be processed (see above); ${settings.write ? 'they were not changed' : 'no output for them'}`);
  if (!settings.write && changed > 0) parts.push(settings.diff ? 'add --write to apply' : 'the fixed text is on stdout');
  const colour = failed > 0 || notFixed > 0 ? io.errStyle.red : changed > 0 ? io.errStyle.green : (s: string): string => s;
  return `${colour(parts.join('; '))}\n`;
}
