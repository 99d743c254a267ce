import type { JsonPath, ManifestObject } from '../model/manifest-object.js';
import type { Settings } from '../settings.js';

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'http01-solver-missing-service-account'
  | 'legacy-api-version'
  | 'solver-pull-secrets-need-cert-manager-1.12'
  | 'service-account-missing-in-namespace'
  | 'invalid-solver';

/** Which fix strategy can resolve a problem; the shells offer exactly these. */
export type FixKind = 'serviceaccount' | 'dns01' | 'emit-service-account';

export interface RuleMeta {
  id: RuleId;
  defaultSeverity: Severity;
  /** One line, shown in help, SARIF and hovers. */
  title: string;
  /** Why it matters, in two or three sentences (hover text, SARIF fullDescription). */
  why: string;
}

/** What a rule reports, before the analysis attaches file positions and severity. */
export interface Problem {
  object: ManifestObject;
  path: JsonPath;
  /** Which part of the node at `path` the range covers. */
  part?: 'key' | 'value' | 'pair';
  message: string;
  fixes?: FixKind[];
  data?: Record<string, string>;
}

/** Facts the analysis knows beyond the objects themselves (a live cluster adds some). */
export interface RuleContext {
  settings: Settings;
  /** All objects of the analysed set, for rules that look across files or namespaces. */
  objects: readonly ManifestObject[];
}

export interface ObjectRule extends RuleMeta {
  scope: 'object';
  check(object: ManifestObject, ctx: RuleContext): Problem[];
}

export interface SetRule extends RuleMeta {
  scope: 'set';
  check(ctx: RuleContext): Problem[];
  /**
   * Everything `check` reads from one object, as text ('' for objects it ignores). Objects whose
   * inputs are equal, at the same places, get the same problems: an editor reuses them.
   */
  inputOf(object: ManifestObject): string;
  /**
   * Optional, for rules whose problems fall into independent groups (per issuer, say): the groups
   * an object matters to ('*' for every group, none when `check` ignores it). Checking one group's
   * objects with the '*' ones must give exactly that group's problems; an editor then checks again
   * only the groups an edit touched.
   */
  groupsOf?(object: ManifestObject): readonly string[];
  /** The group a problem falls in (with groupsOf). */
  groupOf?(problem: Problem): string;
}

export type GroupedSetRule = SetRule & Required<Pick<SetRule, 'groupsOf' | 'groupOf'>>;

export type Rule = ObjectRule | SetRule;
