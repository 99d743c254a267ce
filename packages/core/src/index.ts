// @tapacme/core: what a shell needs to analyse and fix manifests, and nothing else. Shape:
// analyze(text) -> findings; fix(text, findings, options) -> edits; fixAll(files, findings, settings, options).
// The cluster side is in '@tapacme/core/live' (scan, plan) and '@tapacme/core/policies' (durable coverage).
// Everything is pure; a name added here is public API (test/public-api.test.ts lists them).

export { analyze, analyzeFiles, analyzeParsed } from './service/analyze.js';
export type { AnalyzeOptions, SourceFile } from './service/analyze.js';
export { IncrementalAnalyzer } from './service/incremental/incremental-analyzer.js';
export { coverChange } from './service/incremental/changed-range.js';
export type { ChangedRange } from './service/incremental/changed-range.js';
export { isFindingOf } from './service/finding.js';
export type { AnalyzeResult, Finding, FindingOf } from './service/finding.js';

export { fix, FixError } from './fix/fix.js';
export type { FixErrorCode, FixOptions, FixResult, FixStrategy } from './fix/fix.js';
export type { SkipCode, SkippedFix } from './fix/fix-outcome.js';
export { fixAll } from './fix/fix-all.js';
export type { FileFix, FixAllOptions, FixAllResult } from './fix/fix-all.js';
export type { FixNote, FixNoteCode } from './fix/fix-note.js';
export { namespaceChoices } from './fix/namespace-choices.js';
export type { NamespaceChoice } from './fix/namespace-choices.js';
export { applyEdits, OverlappingEditsError } from './text/text-edit.js';
export type { TextEdit } from './text/text-edit.js';

export { rules, ruleById, ruleIds } from './rules/registry.js';
export type { FixKind, Rule, RuleData, RuleDataMap, RuleId, RuleMeta, Severity, SolverData } from './rules/rule.js';

export { defaultSettings, resolveSettings, DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from './settings.js';
export type { Settings } from './settings.js';
export { parseSettings } from './parse-settings.js';
export type { SettingsProblem } from './parse-settings.js';
export { isDns1123Label, isDns1123Subdomain, DNS1123_LABEL_PATTERN, DNS1123_SUBDOMAIN_PATTERN } from './model/dns1123.js';

export { dns01Providers, dns01Provider } from './dns01/registry.js';
export type { Dns01Provider, ProviderField, FieldError } from './dns01/provider.js';
export { validateDns01, validateDns01Block } from './dns01/validate-dns01.js';
export {
  certManagerProfile, KNOWN_CERT_MANAGER_VERSIONS, NEWEST_CERT_MANAGER_VERSION, parseCertManagerVersion,
} from './schema/cert-manager-version.js';
export type { CertManagerProfile } from './schema/cert-manager-version.js';
export { dns01FromFlags, dns01Flags } from './dns01/from-flags.js';

export { ParsedFile } from './parse/parsed-file.js';
export type { InputError, InputErrorCode } from './parse/input-error.js';
export type { LineEnding, Position, Range } from './text/source-text.js';
export type { JsonPath, ManifestObject, ObjectOrigin, ObjectRef } from './model/manifest-object.js';
export { describeRef } from './model/manifest-object.js';
