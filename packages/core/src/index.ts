// The public API of @tapacme/core: what the CLI, the editor and the live-cluster commands call.
// Shape: analyze(text) -> findings; fix(text, findings, options) -> edits. Everything is pure.

export { analyze, analyzeFiles, analyzeObjects, analyzeParsed, runRules } from './service/analyze.js';
export type { AnalyzeOptions, SourceFile } from './service/analyze.js';
export { IncrementalAnalyzer } from './service/incremental/incremental-analyzer.js';
export { coverChange } from './service/incremental/changed-range.js';
export type { ChangedRange } from './service/incremental/changed-range.js';
export { isFindingOf } from './service/finding.js';
export type { AnalyzeResult, Finding, FindingOf } from './service/finding.js';

export { fix, FixError } from './fix/fix.js';
export type { FixErrorCode, FixOptions, FixResult, FixStrategy } from './fix/fix.js';
export type { SkipCode, SkippedFix } from './fix/fix-outcome.js';
export { emitServiceAccountEdit, solverServiceAccount, GENERATED_BY } from './fix/emit-service-accounts.js';
export { deepEqual } from './fix/verify-fix.js';

export { rules, ruleById, ruleIds } from './rules/registry.js';
export type { FixKind, Rule, RuleData, RuleDataMap, RuleId, RuleMeta, Severity, SolverData } from './rules/rule.js';

export { defaultSettings, resolveSettings, DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from './settings.js';
export type { Settings } from './settings.js';

export { dns01Providers, dns01Provider } from './dns01/registry.js';
export type { Dns01Provider, ProviderField, FieldError } from './dns01/provider.js';
export { validateDns01, validateDns01Block } from './dns01/validate-dns01.js';
export {
  certManagerProfile, KNOWN_CERT_MANAGER_VERSIONS, NEWEST_CERT_MANAGER_VERSION, parseCertManagerVersion,
} from './schema/cert-manager-version.js';
export type { CertManagerProfile } from './schema/cert-manager-version.js';
export { dns01FromFlags, dns01Flags, fieldFlag } from './dns01/from-flags.js';

export { ParsedFile } from './parse/parsed-file.js';
export type { InputError, InputErrorCode } from './parse/input-error.js';

export { SourceText, detectLineEnding } from './text/source-text.js';
export type { LineEnding, Position, Range } from './text/source-text.js';
export { applyEdits, OverlappingEditsError } from './text/text-edit.js';
export type { TextEdit } from './text/text-edit.js';

export type { JsonPath, ManifestObject, ObjectOrigin, ObjectRef } from './model/manifest-object.js';
export { describeRef, refOf } from './model/manifest-object.js';
export {
  acmeOf, apiGroup, hasHttp01Solver, isIssuer, isLegacyIssuerVersion, issuerKey, issuerKeyOf, podTemplateSpec, solverServiceAccounts, solversOf,
} from './model/issuer.js';
export type { SolverView, Http01Variant } from './model/issuer.js';
export { certificateConsumers } from './model/certificate-consumers.js';
export type { ConsumerEvidence, NamespaceEvidence } from './model/certificate-consumers.js';
export { serviceAccountsByNamespace } from './model/service-accounts.js';

// Durable coverage (issue 6): Kyverno / Namespace Provisioner documents and coverage detection.
export * from './policies/index.js';

export * from './live/index.js';
