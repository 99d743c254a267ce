import type { ManifestObject } from '../model/manifest-object.js';
import { refOf } from '../model/manifest-object.js';
import { ParsedFile } from '../parse/parsed-file.js';
import { rules } from '../rules/registry.js';
import type { Problem, Rule, RuleContext } from '../rules/rule.js';
import { resolveSettings } from '../settings.js';
import type { Settings } from '../settings.js';
import type { AnalyzeResult, Finding } from './finding.js';

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
  const byName = new Map(files.map((f) => [f.fileName, f]));
  const objects = files.flatMap((f) => f.objects);
  const findings = runRules(objects, partial).map((p) => toFinding(p.rule, p.problem, p.severity, byName));
  findings.sort(compareFindings);
  return { findings, errors: files.flatMap((f) => f.errors) };
}

/** Run every enabled rule over objects from any source; live scans call this with cluster objects. */
export function runRules(objects: readonly ManifestObject[], partial?: Partial<Settings>): { rule: Rule; problem: Problem; severity: Finding['severity'] }[] {
  const settings = resolveSettings(partial);
  const ctx: RuleContext = { settings, objects };
  const out: { rule: Rule; problem: Problem; severity: Finding['severity'] }[] = [];
  for (const rule of rules) {
    const configured = settings.rules[rule.id];
    if (configured === 'off') continue;
    const severity = configured ?? rule.defaultSeverity;
    const problems = rule.scope === 'object' ? objects.flatMap((o) => rule.check(o, ctx)) : rule.check(ctx);
    for (const problem of problems) out.push({ rule, problem, severity });
  }
  return out;
}

/** Findings for objects that have no file (a live cluster): same shape, no range. */
export function analyzeObjects(objects: readonly ManifestObject[], settings?: Partial<Settings>): Finding[] {
  return runRules(objects, settings).map((p) => toFinding(p.rule, p.problem, p.severity, new Map()));
}

function toFinding(rule: Rule, p: Problem, severity: Finding['severity'], files: ReadonlyMap<string, ParsedFile>): Finding {
  const f: Finding = { rule: rule.id, severity, message: p.message, object: refOf(p.object), path: p.path, fixes: p.fixes ?? [] };
  if (p.data) f.data = p.data;
  const origin = p.object.origin;
  if (origin.type === 'file') {
    f.fileName = origin.fileName;
    f.docIndex = origin.docIndex;
    f.itemPath = origin.itemPath;
    const range = files.get(origin.fileName)?.locate(origin.docIndex, [...origin.itemPath, ...p.path], p.part ?? 'key');
    if (range) f.range = range;
  }
  return f;
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.fileName !== b.fileName) return (a.fileName ?? '') < (b.fileName ?? '') ? -1 : 1;
  return (a.range?.start.offset ?? 0) - (b.range?.start.offset ?? 0) || a.rule.localeCompare(b.rule);
}
