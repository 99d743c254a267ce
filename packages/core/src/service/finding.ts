import type { JsonPath, ObjectRef } from '../model/manifest-object.js';
import type { FixKind, RuleId, Severity } from '../rules/rule.js';
import type { Range } from '../text/source-text.js';
import type { InputError } from '../parse/input-error.js';

/** One reported problem, in a form every shell can render and every fix can act on. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** The object the problem is in (for a missing ServiceAccount: the object that shows the namespace). */
  object: ObjectRef;
  /** Path of the offending node inside the object. */
  path: JsonPath;
  /** Fix strategies that resolve it. */
  fixes: FixKind[];
  data?: Record<string, string>;
  /** File-backed findings: where it is. */
  fileName?: string;
  range?: Range;
  docIndex?: number;
  itemPath?: JsonPath;
}

export interface AnalyzeResult {
  findings: Finding[];
  errors: InputError[];
}
