import type { Severity } from '@tapacme/core';
import type { Report, ReportError } from './report.js';
import type { Style } from './style.js';

/** `file:line:col  severity  rule  message`, one finding a line, for people and for editors' problem matchers. */
export function textFindings(report: Report, style: Style): string {
  return report.findings
    .map((f) => `${style.bold(`${f.file}:${f.line}:${f.column}`)}  ${severityLabel(f.severity, style)}  ${style.dim(f.rule)}  ${f.message}\n`)
    .join('');
}

/** Input errors in the same layout; the "rule" is what went wrong: read, syntax, conversion, template. */
export function textErrors(errors: readonly ReportError[], style: Style): string {
  return errors
    .map((e) => {
      const where = e.line === null ? e.file : `${e.file}:${e.line}${e.column === null ? '' : `:${e.column}`}`;
      return `${style.bold(where)}  ${style.red('error')}  ${style.dim(e.code)}  ${e.message}\n`;
    })
    .join('');
}

function severityLabel(s: Severity, style: Style): string {
  if (s === 'error') return style.red('error');
  if (s === 'warning') return style.yellow('warning');
  return style.cyan('info');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "2 errors, 1 warning in 5 files", plus the inputs that could not be processed. */
export function summaryLine(report: Report, style: Style): string {
  const count = (s: Severity): number => report.findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('info');
  let line = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos > 0 ? `, ${plural(infos, 'info', 'infos')}` : ''} in ${plural(report.fileCount, 'file')}`;
  const failed = new Set(report.errors.map((e) => e.file)).size;
  if (failed > 0) line += `; ${plural(failed, 'input')} could not be processed`;
  const colour = errors > 0 || failed > 0 ? style.red : warnings > 0 ? style.yellow : style.green;
  return `${colour(line)}\n`;
}
