// '@tapacme/core/policies'.
// Durable coverage: keep the solver ServiceAccount in every namespace that obtains certificates from an issuer,
// now and later, through an engine the user already runs (Kyverno, TAP's Namespace Provisioner) or `watch`.
export { emitDurableCoverage, renderEmitted, emittedFiles, EMIT_GENERATED_BY } from './emit.js';
export type { EmitResult, EmittedDocument } from './emit.js';
export { durableTargets, withServiceAccount } from './targets.js';
export type { DurableTarget } from './targets.js';
export { kyvernoPolicy, kyvernoPolicyName, kyvernoRbac, KYVERNO_POLICY_PREFIX } from './kyverno-policy.js';
export { namespaceProvisionerValues, namespaceProvisionerYtt, namespacesOutsideProvisioner, NSP_SOURCE_NAME } from './namespace-provisioner.js';
export { resolveDurableOptions, parsePullSecretSource, DURABLE_ENGINES } from './options.js';
export type { DurableEngine, DurableOptions, PullSecretSource } from './options.js';
export {
  COVERAGE_LABEL, ISSUERS_ANNOTATION, SERVICE_ACCOUNTS_ANNOTATION, SECRETGEN_PLACEHOLDER_ANNOTATION, EMPTY_DOCKERCONFIGJSON, TAP_NS_LABEL,
} from './labels.js';
export { durableCoverage, WATCH_LEASE_NAME, WATCH_ISSUERS_ALL } from './coverage.js';
export type { CoverageInput, DurableCoverage } from './coverage.js';
