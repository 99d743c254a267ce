import type { Report } from './report.js';

/** `-o json`: findings and input errors with 1-based positions; end positions are exclusive. */
export function jsonReport(report: Report): string {
  const doc = {
    findings: report.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      kind: f.kind,
      name: f.name,
      namespace: f.namespace,
    })),
    errors: report.errors.map((e) => ({ file: e.file, line: e.line, column: e.column, code: e.code, message: e.message })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
