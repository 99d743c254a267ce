import type { AnalyzeResult, Finding, Range, RuleId, Severity } from '@tapacme/core';

export const DIAGNOSTIC_SOURCE = 'tapacme';
export const RULES_README = 'https://github.com/tapacme/tapacme/blob/main/packages/core/README.md';

/** What the host turns into a vscode.Diagnostic; the finding travels with it for the code actions. */
export interface DiagnosticSpec {
  range: Range;
  severity: Severity;
  message: string;
  source: typeof DIAGNOSTIC_SOURCE;
  code: { value: RuleId; target: string };
  finding: Finding;
}

/**
 * Diagnostics for the findings of one document. Input errors (YAML syntax) are left to the YAML
 * language server, which already reports them; a finding without a range sits at the top.
 */
export function diagnosticsOf(result: AnalyzeResult): DiagnosticSpec[] {
  return result.findings.map((finding) => ({
    range: finding.range ?? { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } },
    severity: finding.severity,
    message: finding.message,
    source: DIAGNOSTIC_SOURCE,
    code: { value: finding.rule, target: ruleDocUrl(finding.rule) },
    finding,
  }));
}

/** The README section of a rule: GitHub's heading anchor of the rule id (it drops the dot in "1.12"). */
export function ruleDocUrl(rule: RuleId): string {
  return `${RULES_README}#${rule.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-')}`;
}

/** True when `offset` falls in the finding's range (ends included, as a hover at a word's end expects). */
export function findingAt(finding: Finding, offset: number): boolean {
  const r = finding.range;
  return r !== undefined && offset >= r.start.offset && offset <= r.end.offset;
}

/**
 * The same finding in a fresh analysis of edited text: same rule, object, path and data.
 * Positions are not compared; they move with every edit above the finding.
 */
export function rematch(old: Finding, fresh: readonly Finding[]): Finding | undefined {
  const key = identity(old);
  return fresh.find((f) => identity(f) === key);
}

function identity(f: Finding): string {
  return JSON.stringify([f.rule, f.object.apiVersion, f.object.kind, f.object.namespace ?? null, f.object.name ?? null, f.itemPath ?? [], f.path, f.data ?? {}]);
}
