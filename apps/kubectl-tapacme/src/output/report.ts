import type { AnalyzeResult, Finding, InputError, Severity } from '@tapacme/core';
import type { ReadProblem } from '../input/collect-inputs.js';
import { toLocation } from './location.js';
import type { Location } from './location.js';

/** One finding as every output format shows it. */
export interface ReportFinding extends Location {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  kind: string;
  name: string | null;
  namespace: string | null;
}

/** One input that could not be processed. `line` is null when the file could not be read at all. */
export interface ReportError {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  /** What went wrong: read, syntax, conversion, template (core's InputError codes), or a step of the command. */
  code: InputError['code'] | (string & {});
}

export interface Report {
  findings: ReportFinding[];
  errors: ReportError[];
  /** How many inputs were read and analysed (files plus stdin); those that could not be read are not counted. */
  fileCount: number;
}

/** Join the analysis with read problems into one report, positions made 1-based. */
export function buildReport(result: AnalyzeResult, problems: readonly ReadProblem[], texts: ReadonlyMap<string, string>, fileCount: number): Report {
  const findings = result.findings.map((f) => reportFinding(f, texts));
  const errors: ReportError[] = [
    ...problems.map((p): ReportError => ({ file: p.fileName, line: p.line ?? null, column: p.column ?? null, message: p.message, code: 'read' })),
    ...result.errors.map((e): ReportError => {
      const loc = e.range ? toLocation(e.range, texts.get(e.fileName)) : undefined;
      return { file: e.fileName, line: loc?.line ?? e.line, column: loc?.column ?? null, message: e.message, code: e.code };
    }),
  ];
  return { findings, errors, fileCount };
}

function reportFinding(f: Finding, texts: ReadonlyMap<string, string>): ReportFinding {
  const file = f.fileName ?? '';
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file,
    ...toLocation(f.range, texts.get(file)),
    kind: f.object.kind,
    name: f.object.name ?? null,
    namespace: f.object.namespace ?? null,
  };
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };
