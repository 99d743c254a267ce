import type { JsonPath, ObjectRef } from '../model/manifest-object.js';
import { refOf } from '../model/manifest-object.js';
import type { DataField, FixKind, Problem, RuleData, RuleId, Severity } from '../rules/rule.js';
import type { Range } from '../text/source-text.js';
import type { InputError } from '../parse/input-error.js';

interface FindingFields {
  severity: Severity;
  message: string;
  /** The object the problem is in (for a missing ServiceAccount: the object that shows the namespace). */
  object: ObjectRef;
  /** Path of the offending node inside the object. */
  path: JsonPath;
  /** Fix strategies that resolve it. */
  fixes: FixKind[];
  /** File-backed findings: where it is. */
  fileName?: string;
  range?: Range;
  docIndex?: number;
  itemPath?: JsonPath;
}

/** A finding of one rule, with that rule's `data`. */
export type FindingOf<R extends RuleId> = { rule: R } & FindingFields & DataField<R>;

/**
 * One reported problem, in a form every shell can render and every fix can act on: a union keyed by
 * `rule`, so that checking the rule gives the finding's `data` its type.
 */
export type Finding = { [R in RuleId]: FindingOf<R> }[RuleId];

/** True when `f` is a finding of `rule` (for `filter`; an `if` on `f.rule` narrows as well). */
export function isFindingOf<R extends RuleId>(f: Finding, rule: R): f is FindingOf<R> & Finding {
  return f.rule === rule;
}

export interface AnalyzeResult {
  findings: Finding[];
  errors: InputError[];
}

/** Where a path sits in the document `docIndex` of the problem's file (undefined when it cannot say). */
export type Locate = (docIndex: number, path: JsonPath, part: 'key' | 'value' | 'pair') => Range | undefined;

/**
 * The finding a rule's problem becomes. `docBase` is subtracted from the object's document index
 * before `locate` is asked, for callers that hold a file in pieces; a live object has no position.
 */
export function buildFinding(rule: RuleId, p: Problem, severity: Severity, locate?: Locate, docBase = 0): Finding {
  // Built field by field in the order every finding has; a rule's problems carry that rule's data.
  const f: FindingFields & { rule: RuleId; data?: RuleData<RuleId> } = { rule, severity, message: p.message, object: refOf(p.object), path: p.path, fixes: p.fixes ?? [] };
  if (p.data) f.data = p.data;
  const origin = p.object.origin;
  if (origin.type === 'file') {
    const docIndex = origin.docIndex - docBase;
    f.fileName = origin.fileName;
    f.docIndex = docIndex;
    f.itemPath = origin.itemPath;
    const range = locate?.(docIndex, [...origin.itemPath, ...p.path], p.part ?? 'key');
    if (range) f.range = range;
  }
  return f as Finding;
}

/** The order findings are reported in: by file, then position (unplaced first), then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.fileName !== b.fileName) return (a.fileName ?? '') < (b.fileName ?? '') ? -1 : 1;
  return (a.range?.start.offset ?? 0) - (b.range?.start.offset ?? 0) || a.rule.localeCompare(b.rule);
}
