// '@tapacme/core/live': live-cluster analysis and fix planning, pure functions over a snapshot of listed
// objects. The CLI's cluster commands read the snapshot and carry out the plan.
export { issuerKey } from '../model/issuer.js';
export { scanCluster, formatPath } from './scan.js';
export type { ScanContext, ScanOptions, ScanResult } from './scan.js';
export { CertificateChains, conditionOf } from './certificate-chain.js';
export type {
  CertificateChainReport, ConditionReport, EvidenceReport, FailureReport, IssuerReport, LiveFinding, LiveRuleId, NamespaceReport, NoFixNeeded, ProblemReport, PullSecretCheck, PullSecretReport, ScanReport,
  ServiceAccountReport, SolverReport,
} from './report.js';
export { compactor } from './compact.js';
export { emptySnapshot } from './snapshot.js';
export type { ContainerSummary, ControllerInfo, CrdFacts, EventSummary, LiveSnapshot, PodSummary, SecretSummary } from './snapshot.js';
export {
  SOLVER_POD_LABEL, crdFactsFromIssuerCrd, findCertManagerController, keepIssuer, keepIssuerRefAndStatus, keepMetadata,
  keepServiceAccount, slimMetadata, summarizeEvent, summarizePod, summarizeSecret, toManifestObject,
} from './summarize.js';
export { certManagerReport, compareVersions, flagValue, solverImageReport } from './cert-manager.js';
export type { CertManagerReport, SolverImageReport } from './cert-manager.js';
export { DEFAULT_SOLVER_IMAGE_REPOSITORY, formatImageRef, normalizeRegistryHost, parseImageRef } from './image-ref.js';
export type { ImageRef } from './image-ref.js';
export { DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_TYPE, coveringKey, credentialCovers, dockerConfigRegistries } from './docker-config.js';
export { FIELD_MANAGER, PLACEHOLDER_DOCKER_CONFIG, parseFixPullSecretSource, planFix, reconcileOp, selectIssuers } from './plan.js';
export type { ApiOp, FixPlan, OpAction, OpIntent, PlanOptions, FixPullSecretSource } from './plan.js';
export { applyPullSecretChecks, secretsToVerify } from './pull-secret-checks.js';
export {
  MANIFEST_ACCEPT, credentialsFor, manifestUrl, parseWwwAuthenticate, pingUrl, pullScope, registryApiHost, registryErrorCodes, tokenUrl, verdictOfStatus,
} from './registry-auth.js';
export type { AuthChallenge, RegistryCredential } from './registry-auth.js';
export { dns01References } from './secret-refs.js';
export type { DnsReference } from './secret-refs.js';
export { http01PodConfigs } from './solver-config.js';
export { SOLVER_FIELDS_SINCE, fieldsIgnoredByController, servedPodTemplateFieldsIgnored } from './version-skew.js';
export type { IgnoredField } from './version-skew.js';
export type { Http01PodConfig } from './solver-config.js';
