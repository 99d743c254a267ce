import type { Http01Variant } from '../model/issuer.js';
import type { Severity } from '../rules/rule.js';
import type { CertManagerReport, SolverImageReport } from './cert-manager.js';

/** Rule ids of the problems only a live cluster shows (the offline ids keep their meaning). */
export type LiveRuleId =
  | 'service-account-missing-in-namespace'
  | 'solver-no-pull-secrets'
  | 'solver-pull-secret-missing'
  | 'solver-pull-secret-wrong-type'
  | 'solver-pull-secret-not-filled'
  | 'solver-pull-secret-wrong-registry'
  | 'solver-pull-secret-rejected'
  | 'solver-image-pull-failed'
  | 'solver-pod-forbidden'
  | 'challenge-pending'
  | 'field-ignored-by-controller';

export interface ProblemReport {
  rule: LiveRuleId;
  severity: Severity;
  message: string;
}

export interface EvidenceReport {
  /** issuerRef: a Certificate's (or Challenge's) issuerRef; annotation: an Ingress/Gateway shim annotation; namespaced-issuer: the Issuer lives here. */
  via: 'issuerRef' | 'annotation' | 'namespaced-issuer';
  kind: string;
  name: string;
}

export interface PullSecretReport {
  name: string;
  /** serviceAccount: copied onto the Pod by admission; podTemplate: the issuer's own (then the ServiceAccount's are not used). */
  from: 'serviceAccount' | 'podTemplate';
  exists: boolean;
  type: string | null;
  /** kubernetes.io/dockerconfigjson (or the legacy dockercfg) that could be read. */
  dockerConfigJson: boolean;
  /** A secretgen-controller placeholder. */
  placeholder: boolean;
  /** Names a registry key that covers the solver image; null when the image's registry is unknown. */
  coversRegistry: boolean | null;
}

export interface ServiceAccountReport {
  name: string;
  /** false: the issuer sets no serviceAccountName, so the Pod runs as "default". */
  configured: boolean;
  exists: boolean;
  /** The pull secrets the solver Pod ends up with, and where they come from. */
  imagePullSecrets: PullSecretReport[];
}

export interface FailureReport {
  kind: 'Pod' | 'Challenge' | 'Event';
  name: string;
  reason: string;
  message: string;
  /** Pods: the ServiceAccount the Pod runs as ("default" when its spec names none). */
  serviceAccountName?: string;
  /** Pods: the pull secrets the Pod carries (what admission copied from its ServiceAccount, or its own). */
  imagePullSecrets?: string[];
}

export interface ConditionReport {
  status: string;
  reason: string | null;
  message: string | null;
}

/** A Certificate that is not Ready, and the objects cert-manager made for it (what `cmctl status certificate` shows). */
export interface CertificateChainReport {
  name: string;
  ready: ConditionReport | null;
  /** The newest CertificateRequest. */
  request: { name: string; approved: ConditionReport | null; ready: ConditionReport | null } | null;
  order: { name: string; state: string | null; reason: string | null } | null;
  challenges: { name: string; type: string | null; state: string | null; reason: string | null }[];
}

/** What is known of one pull secret's credentials for the solver image's registry. */
export interface PullSecretCheck {
  secret: string;
  /**
   * authenticated: the registry let its credentials pull the solver image; rejected: 401; forbidden: 403 (known user,
   * no pull on that repository); not-found: 404 with them; no-credentials: it has none for that registry (not sent);
   * unreadable: missing, not a docker config, or unreadable (not sent); error: the registry could not be asked.
   */
  verdict: 'authenticated' | 'rejected' | 'forbidden' | 'not-found' | 'no-credentials' | 'unreadable' | 'error';
  /** registry: asked with --verify-pull-secrets; events: a solver Pod carrying it was refused by the registry. */
  source: 'registry' | 'events';
  /** In words, without any secret data: the status, the Pod, the registry's error code. */
  detail: string;
}

export interface NamespaceReport {
  name: string;
  evidence: EvidenceReport[];
  /** Certificates from this issuer that are not Ready, with their request, order and challenges. */
  certificates: CertificateChainReport[];
  /** null for an issuer without HTTP01 solvers. */
  serviceAccount: ServiceAccountReport | null;
  failures: FailureReport[];
  problems: ProblemReport[];
  /** Pull secrets known to work or fail for the solver image's registry (registry answers, or the Pods' pull failures). */
  pullSecretChecks?: PullSecretCheck[];
}

export interface SolverReport {
  index: number;
  type: 'http01' | 'dns01' | 'invalid';
  variant: Http01Variant | null;
  serviceAccountName: string | null;
  imagePullSecrets: string[];
  dns01Provider: string | null;
  selector: unknown;
}

export interface IssuerReport {
  kind: 'ClusterIssuer' | 'Issuer';
  name: string;
  namespace: string | null;
  apiVersion: string;
  /** The issuer's Ready condition (for ACME: its account is registered with the server). */
  ready: ConditionReport | null;
  solvers: SolverReport[];
  namespaces: NamespaceReport[];
  /** Some error in its solvers or namespaces that `fix` would address. */
  needsFix: boolean;
}

/** A finding in the offline shape, with the object it concerns instead of a file position. */
export interface LiveFinding {
  rule: string;
  severity: Severity;
  message: string;
  apiVersion: string;
  kind: string;
  name: string | null;
  namespace: string | null;
  /** Where in the object, e.g. "spec.acme.solvers[0].http01"; null for a whole (or missing) object. */
  path: string | null;
  /** The issuer the finding is about, "ClusterIssuer/x" or "Issuer/ns/x". */
  issuer: string | null;
}

export interface NoFixNeeded {
  reason: string;
  evidence: string[];
  /**
   * How much the evidence proves. strong: a Pod with imagePullPolicy Always pulled from the registry without credentials;
   * weak: only IfNotPresent (or digest-pinned) Pods, which a node starts from its cache without asking the registry.
   * Absent for cert-manager's public default image.
   */
  strength?: 'strong' | 'weak';
  strengthReason?: string;
}

export interface ScanReport {
  certManager: CertManagerReport;
  solverImage: SolverImageReport;
  /** Set when the cluster pulls the solver image without credentials: `fix` changes nothing unless forced. */
  noFixNeeded: NoFixNeeded | null;
  issuers: IssuerReport[];
  findings: LiveFinding[];
  /** Solver Pods, Challenges and Events no issuer could be matched to. */
  unattributedFailures: (FailureReport & { namespace: string })[];
  warnings: string[];
  summary: { issuers: number; namespaces: number; errors: number; warnings: number; infos: number };
}
