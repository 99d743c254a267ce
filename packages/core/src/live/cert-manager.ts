import { DEFAULT_SOLVER_IMAGE_REPOSITORY, formatImageRef, parseImageRef } from './image-ref.js';
import type { ImageRef } from './image-ref.js';
import type { ControllerInfo, CrdFacts } from './snapshot.js';

/** The value of a controller flag, written `--flag=value` or `--flag value`; the last one wins, as with pflag. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  args.forEach((a, i) => {
    if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
    else if (a === flag && i + 1 < args.length) value = args[i + 1];
  });
  return value;
}

/** The first podTemplate.spec field each cert-manager release added (cert-manager.md). */
const FIELD_SINCE: readonly [string, string][] = [
  ['resources', 'v1.19'],
  ['securityContext', 'v1.16'],
  ['imagePullSecrets', 'v1.12'],
];

export interface CertManagerReport {
  installed: boolean;
  /** e.g. "v1.21.1"; null when only a range is known. */
  version: string | null;
  versionSource: 'crd-label' | 'controller-image' | 'crd-schema' | null;
  /** From the served schema: ">=v1.19", ">=v1.12", "<v1.12". */
  versionRange: string | null;
  /** The running controller's version: --cert-manager-version, else its Deployment's image tag or version label. */
  controllerVersion: string | null;
  controllerVersionSource: 'option' | 'controller-image' | 'controller-label' | null;
  /** Solver pod fields take effect: the served schema has podTemplate.spec.imagePullSecrets and the controller reads it (1.12+). */
  podTemplateImagePullSecrets: boolean;
  controller: { namespace: string; name: string } | null;
  /** Where a ClusterIssuer's DNS01 secrets are read from (--cluster-resource-namespace). */
  clusterResourceNamespace: string | null;
  /** secretgen-controller's SecretExport CRD is installed. */
  secretgen: boolean;
}

const SEMVER_TAG = /^v?(\d+)\.(\d+)\.(\d+)([-+].*)?$/;

function versionOfImage(image: string | undefined): string | undefined {
  const tag = image ? parseImageRef(image)?.tag : undefined;
  const m = tag ? SEMVER_TAG.exec(tag) : null;
  return m ? `v${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}` : undefined;
}

/** Compare "v1.12.3" with "v1.12": negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10));
  const pb = b.replace(/^v/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) break;
    if (x !== y) return x - y;
  }
  return 0;
}

/** The controller's version: an explicit one, else its image tag, else its Deployment's version label. */
function controllerVersionOf(controller: ControllerInfo | undefined, explicit: string | undefined): { version: string | null; source: CertManagerReport['controllerVersionSource'] } {
  if (explicit) {
    const m = SEMVER_TAG.exec(explicit.trim()) ?? /^v?(\d+)\.(\d+)()$/.exec(explicit.trim());
    if (m) return { version: `v${m[1]}.${m[2]}${m[3] ? `.${m[3]}` : ''}${m[4] ?? ''}`, source: 'option' };
  }
  const byImage = versionOfImage(controller?.image);
  if (byImage) return { version: byImage, source: 'controller-image' };
  const label = controller?.labels?.['app.kubernetes.io/version'];
  const m = label ? SEMVER_TAG.exec(label) : null;
  if (m) return { version: `v${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}`, source: 'controller-label' };
  return { version: null, source: null };
}

export function certManagerReport(crds: CrdFacts, controller: ControllerInfo | undefined, options: { certManagerVersion?: string } = {}): CertManagerReport {
  const fields = new Set(crds.podTemplateSpecFields);
  const schemaKnown = fields.size > 0;
  const since = FIELD_SINCE.find(([f]) => fields.has(f))?.[1];
  const versionRange = !schemaKnown ? null : since ? `>=${since}` : '<v1.12';
  const imageVersion = versionOfImage(controller?.image);
  let version: string | null = null;
  let versionSource: CertManagerReport['versionSource'] = null;
  if (crds.versionLabel) {
    version = crds.versionLabel;
    versionSource = 'crd-label';
  } else if (imageVersion) {
    version = imageVersion;
    versionSource = 'controller-image';
  } else if (versionRange) {
    versionSource = 'crd-schema';
  }
  const running = controllerVersionOf(controller, options.certManagerVersion);
  // The served schema decides whether the field is stored, the controller whether it is read: newer
  // CRDs beside an older controller store it, and the controller drops it.
  const stored = schemaKnown ? fields.has('imagePullSecrets') : version !== null && compareVersions(version, 'v1.12') >= 0;
  const podTemplateImagePullSecrets = stored && (running.version === null || compareVersions(running.version, 'v1.12') >= 0);
  let clusterResourceNamespace: string | null = null;
  if (controller) {
    const flag = flagValue(controller.args, '--cluster-resource-namespace');
    clusterResourceNamespace = !flag || flag === '$(POD_NAMESPACE)' ? controller.namespace : flag;
  }
  return {
    installed: crds.certManagerInstalled,
    version,
    versionSource,
    versionRange,
    controllerVersion: running.version,
    controllerVersionSource: running.source,
    podTemplateImagePullSecrets,
    controller: controller ? { namespace: controller.namespace, name: controller.name } : null,
    clusterResourceNamespace,
    secretgen: crds.secretExport,
  };
}

export interface SolverImageReport {
  image: string;
  registry: string;
  /** option: given on the command line; controller-flag: --acme-http01-solver-image; default: cert-manager's public image; unknown: no controller found. */
  source: 'option' | 'controller-flag' | 'default' | 'unknown';
  /** cert-manager's own public image on quay.io: nodes pull it without credentials. */
  public: boolean;
}

/** Which image the solver Pods run, and from which registry. */
export function solverImageReport(controller: ControllerInfo | undefined, version: string | null, override?: string): { report: SolverImageReport; ref: ImageRef } {
  const defaultImage = `${DEFAULT_SOLVER_IMAGE_REPOSITORY}${version ? `:${version}` : ''}`;
  const fromFlag = controller ? flagValue(controller.args, '--acme-http01-solver-image') : undefined;
  let source: SolverImageReport['source'];
  let image: string;
  if (override) {
    source = 'option';
    image = override;
  } else if (fromFlag) {
    source = 'controller-flag';
    image = fromFlag;
  } else {
    source = controller ? 'default' : 'unknown';
    image = defaultImage;
  }
  const ref = parseImageRef(image) ?? (parseImageRef(defaultImage) as ImageRef);
  const isDefault = ref.registry === 'quay.io' && ref.repository === 'jetstack/cert-manager-acmesolver';
  // Without a controller we cannot know the image: never conclude "public" from a guess.
  return { report: { image: formatImageRef(ref), registry: ref.registry, source, public: isDefault && source !== 'unknown' }, ref };
}
