import type { ManifestObject } from '../model/manifest-object.js';
import { ParsedFile } from '../parse/parsed-file.js';
import type { Problem, Rule, RuleContext } from '../rules/rule.js';
import { resolveSettings } from '../settings.js';
import type { Settings } from '../settings.js';
import { enabledRules } from './enabled-rules.js';
import { buildFinding, compareFindings } from './finding.js';
import type { AnalyzeResult, Finding, Locate } from './finding.js';

export interface AnalyzeOptions {
  fileName: string;
  settings?: Partial<Settings>;
}

export interface SourceFile {
  fileName: string;
  text: string;
}

/** Analyse one file on its own (the editor's and `check -`'s question). */
export function analyze(text: string, options: AnalyzeOptions): AnalyzeResult {
  return analyzeParsed([new ParsedFile(options.fileName, text)], options.settings);
}

/** Analyse files together, so rules can look across them (a ServiceAccount in one, Certificates in another). */
export function analyzeFiles(files: readonly SourceFile[], settings?: Partial<Settings>): AnalyzeResult {
  return analyzeParsed(files.map((f) => new ParsedFile(f.fileName, f.text)), settings);
}

export function analyzeParsed(files: readonly ParsedFile[], partial?: Partial<Settings>): AnalyzeResult {
  const locators = new Map(files.map((f): [string, Locate] => [f.fileName, (doc, path, part) => f.locate(doc, path, part)]));
  const findings = runRules(files.flatMap((f) => f.objects), partial).map((p) => {
    const origin = p.problem.object.origin;
    return buildFinding(p.rule.id, p.problem, p.severity, origin.type === 'file' ? locators.get(origin.fileName) : undefined);
  });
  findings.sort(compareFindings);
  return { findings, errors: files.flatMap((f) => f.errors) };
}

/** Run every enabled rule over objects from any source; live scans call this with cluster objects. */
export function runRules(objects: readonly ManifestObject[], partial?: Partial<Settings>): { rule: Rule; problem: Problem; severity: Finding['severity'] }[] {
  const settings = resolveSettings(partial);
  const ctx: RuleContext = { settings, objects };
  const out: { rule: Rule; problem: Problem; severity: Finding['severity'] }[] = [];
  for (const { rule, severity } of enabledRules(settings)) {
    const problems = rule.scope === 'object' ? objects.flatMap((o) => rule.check(o, ctx)) : rule.check(ctx);
    for (const problem of problems) out.push({ rule, problem, severity });
  }
  return out;
}

/** Findings for objects that have no file (a live cluster): same shape, no range. */
export function analyzeObjects(objects: readonly ManifestObject[], settings?: Partial<Settings>): Finding[] {
  return runRules(objects, settings).map((p) => buildFinding(p.rule.id, p.problem, p.severity));
}
