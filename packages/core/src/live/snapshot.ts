import type { ManifestObject } from '../model/manifest-object.js';

/**
 * What a live scan reads from the cluster, one list per kind, already reduced to what the analysis
 * needs. Secrets never carry their data here: only type, keys and the registries a pull secret names.
 */
export interface LiveSnapshot {
  /** ClusterIssuers and Issuers. */
  issuers: ManifestObject[];
  certificates: ManifestObject[];
  ingresses: ManifestObject[];
  /** Empty when the Gateway API CRD is not installed. */
  gateways: ManifestObject[];
  challenges: ManifestObject[];
  /** CertificateRequests and Orders, for the chain behind a Certificate that is not Ready (absent: not read). */
  certificateRequests?: ManifestObject[];
  orders?: ManifestObject[];
  serviceAccounts: ManifestObject[];
  secrets: SecretSummary[];
  /** Every Pod, reduced (solver Pods are recognised by their label). */
  pods: PodSummary[];
  /** Warning events, reduced. */
  events: EventSummary[];
  /** The cert-manager controller, when its Deployment was found. */
  controller?: ControllerInfo;
  crds: CrdFacts;
}

export interface SecretSummary {
  namespace: string;
  name: string;
  type: string;
  keys: string[];
  /** Registry keys of a dockerconfigjson/dockercfg secret (never the credentials). */
  registries?: string[];
  /** Why the docker config could not be read, when it could not. */
  dockerConfigError?: string;
  /** Carries secretgen-controller's `secretgen.carvel.dev/image-pull-secret` annotation. */
  placeholder: boolean;
  resourceVersion?: string;
}

export interface ContainerSummary {
  name: string;
  image: string;
  /** As the API server defaulted it: Always, IfNotPresent or Never. */
  imagePullPolicy?: string;
  /** Set once the image was pulled (kubelet reports the resolved image ID). */
  imageID?: string;
  running: boolean;
  waitingReason?: string;
  waitingMessage?: string;
}

export interface PodSummary {
  namespace: string;
  name: string;
  uid?: string;
  labels: Record<string, string>;
  serviceAccountName?: string;
  imagePullSecrets: string[];
  phase?: string;
  containers: ContainerSummary[];
  /** UIDs of owners (a solver Pod is owned by its Challenge). */
  ownerUids: string[];
  /** Why the Pod is not scheduled yet (its PodScheduled condition is False). */
  unscheduled?: { reason: string; message: string };
}

export interface EventSummary {
  namespace: string;
  type: string;
  reason: string;
  message: string;
  involvedKind: string;
  involvedName: string;
  involvedUid?: string;
  count: number;
  lastTimestamp?: string;
}

export interface ControllerInfo {
  namespace: string;
  name: string;
  /** The controller container's image (its tag usually is the cert-manager version). */
  image?: string;
  args: string[];
  /** The Deployment's labels (Helm's app.kubernetes.io/version names the release even when the image is pinned by digest). */
  labels?: Record<string, string>;
}

export interface CrdFacts {
  /** The issuer CRDs were found at all (cert-manager installed). */
  certManagerInstalled: boolean;
  /** `app.kubernetes.io/version` label of the cert-manager CRDs, when set. */
  versionLabel?: string;
  /** Field names under http01.ingress.podTemplate.spec in the served ClusterIssuer schema. */
  podTemplateSpecFields: string[];
  /** secretgen-controller's SecretExport CRD exists (placeholder pull secrets get filled). */
  secretExport: boolean;
  /** The Gateway API Gateway CRD exists. */
  gateway: boolean;
}

export function emptySnapshot(): LiveSnapshot {
  return {
    issuers: [], certificates: [], ingresses: [], gateways: [], challenges: [], serviceAccounts: [], secrets: [], pods: [], events: [],
    crds: { certManagerInstalled: true, podTemplateSpecFields: [], secretExport: false, gateway: false },
  };
}
