import { existsSync } from 'node:fs';
import { analyzeFiles } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import { analysisSettings } from '../commands/analysis-flags.js';
import { ExitCode } from '../exit-codes.js';
import { CHECK_OUTPUT, FAIL_ON } from '../flag-values.js';
import { collectInputs } from '../input/collect-inputs.js';
import { inputPaths } from '../input/input-paths.js';
import { collectOptions } from '../input/collect-options.js';
import type { Io } from '../output/io.js';
import { jsonReport } from '../output/json-report.js';
import { buildReport, SEVERITY_RANK } from '../output/report.js';
import { sarifReport } from '../output/sarif-report.js';
import { summaryLine, textErrors, textFindings } from '../output/text-report.js';
import { UsageError } from '../usage-error.js';

export async function runCheck(args: ParsedArgs, io: Io): Promise<number> {
  const output = args.choice('output', CHECK_OUTPUT, 'text', '-o/--output');
  const failOn = args.choice('fail-on', FAIL_ON, 'error');
  const settings = analysisSettings(args);
  const paths = inputPaths(args, existsSync);
  if (paths.length === 0) throw new UsageError('give the files or directories to check, or - to read stdin');
  if (paths.includes('-') && io.stdinIsTTY) io.err('reading manifests from stdin (end with Ctrl-D)\n');

  const inputs = await collectInputs(paths, collectOptions(args));
  const result = analyzeFiles(inputs.files.map((f) => ({ fileName: f.fileName, text: f.text })), settings);
  const texts = new Map(inputs.files.map((f) => [f.fileName, f.text]));
  const report = buildReport(result, inputs.problems, texts, inputs.files.length);

  if (output === 'json') io.out(jsonReport(report));
  else if (output === 'sarif') io.out(sarifReport(report));
  else io.out(textFindings(report, io.outStyle));
  io.err(textErrors(report.errors, io.errStyle));
  io.err(summaryLine(report, io.errStyle));

  if (report.errors.length > 0) return ExitCode.inputError;
  if (failOn === 'none') return ExitCode.ok;
  const threshold = SEVERITY_RANK[failOn];
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? ExitCode.findings : ExitCode.ok;
}
