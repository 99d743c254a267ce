import type { JsonPath, ManifestObject } from '../model/manifest-object.js';
import type { Settings } from '../settings.js';

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'http01-solver-missing-service-account'
  | 'legacy-api-version'
  | 'solver-pull-secrets-need-cert-manager-1.12'
  | 'service-account-missing-in-namespace'
  | 'invalid-solver'
  | 'pull-secret-entry-malformed'
  | 'solver-service-account-without-pull-secrets'
  | 'pull-secret-wrong-type';

/** Which fix strategy can resolve a problem; the shells offer exactly these. */
export type FixKind =
  | 'serviceaccount'
  | 'dns01'
  | 'emit-service-account'
  /** `- x` -> `- name: x` in a ServiceAccount's imagePullSecrets. */
  | 'pull-secret-entry'
  /** Add imagePullSecrets with the configured pull secret. */
  | 'pull-secrets-add'
  /** Name an entry without a name after the configured pull secret: changes meaning, so only on request. */
  | 'pull-secret-name';

/**
 * What a rule's findings carry beyond the message, for fixes and shells, by rule; a rule not listed
 * carries nothing.
 */
export interface RuleDataMap {
  'http01-solver-missing-service-account': SolverData;
  'solver-pull-secrets-need-cert-manager-1.12': SolverData;
  'legacy-api-version': { apiVersion: string };
  'service-account-missing-in-namespace': { namespace: string; serviceAccount: string; issuer: string };
  'pull-secret-entry-malformed': PullSecretEntryData;
  'solver-service-account-without-pull-secrets': { namespace: string; serviceAccount: string };
  'pull-secret-wrong-type': { secret: string; type: string };
}

/** The imagePullSecrets entry of a ServiceAccount a finding is about. */
export interface PullSecretEntryData {
  /** Its index in `imagePullSecrets`. */
  index: number;
  /** A string, an object without a name, or anything else (a number, a list). */
  form: 'string' | 'no-name' | 'other';
}

/** The solver a finding is about. */
export interface SolverData {
  /** Its index in `spec.acme.solvers`. */
  solverIndex: number;
}

export type RuleData<R extends RuleId> = R extends keyof RuleDataMap ? RuleDataMap[R] : undefined;

/** The `data` field of one rule's problems and findings: required when the rule has data, absent when not. */
export type DataField<R extends RuleId> = R extends RuleId ? (RuleData<R> extends undefined ? { data?: undefined } : { data: RuleData<R> }) : never;

export interface RuleMeta<R extends RuleId = RuleId> {
  id: R;
  defaultSeverity: Severity;
  /** One line, shown in help, SARIF and hovers. */
  title: string;
  /** Why it matters, in two or three sentences (hover text, SARIF fullDescription). */
  why: string;
}

interface ProblemFields {
  object: ManifestObject;
  path: JsonPath;
  /** Which part of the node at `path` the range covers. */
  part?: 'key' | 'value' | 'pair';
  message: string;
  fixes?: FixKind[];
}

/** What a rule reports, before the analysis attaches file positions and severity. */
export type Problem<R extends RuleId = RuleId> = ProblemFields & DataField<R>;

/** Facts the analysis knows beyond the objects themselves (a live cluster adds some). */
export interface RuleContext {
  settings: Settings;
  /** All objects of the analysed set, for rules that look across files or namespaces. */
  objects: readonly ManifestObject[];
}

export interface ObjectRule<R extends RuleId = RuleId> extends RuleMeta<R> {
  scope: 'object';
  check(object: ManifestObject, ctx: RuleContext): Problem<R>[];
}

export interface SetRule<R extends RuleId = RuleId> extends RuleMeta<R> {
  scope: 'set';
  check(ctx: RuleContext): Problem<R>[];
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
  groupOf?(problem: Problem<R>): string;
}

export type GroupedSetRule = SetRule & Required<Pick<SetRule, 'groupsOf' | 'groupOf'>>;

export type Rule = ObjectRule | SetRule;
