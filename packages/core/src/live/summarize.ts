import type { ManifestObject } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_TYPE, dockerConfigRegistries } from './docker-config.js';
import type { ContainerSummary, ControllerInfo, CrdFacts, EventSummary, PodSummary, SecretSummary } from './snapshot.js';

export const SECRETGEN_PLACEHOLDER_ANNOTATION = 'secretgen.carvel.dev/image-pull-secret';
export const SOLVER_POD_LABEL = 'acme.cert-manager.io/http01-solver';

/** A listed object as the rules see it; `keep` trims its value to what the analysis reads (memory at scale). */
export function toManifestObject(raw: Obj, kind: string, apiVersion: string, keep?: (raw: Obj) => Obj): ManifestObject {
  const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
  const value = keep ? keep(raw) : raw;
  const o: ManifestObject = {
    apiVersion: asString(raw['apiVersion']) ?? apiVersion,
    kind: asString(raw['kind']) ?? kind,
    value: { apiVersion: asString(raw['apiVersion']) ?? apiVersion, kind: asString(raw['kind']) ?? kind, ...value },
    origin: { type: 'cluster', ...(asString(meta['resourceVersion']) ? { resourceVersion: asString(meta['resourceVersion']) } : {}), ...(asString(meta['uid']) ? { uid: asString(meta['uid']) } : {}) },
  };
  const name = asString(meta['name']);
  const ns = asString(meta['namespace']);
  if (name !== undefined) o.name = name;
  if (ns !== undefined) o.namespace = ns;
  return o;
}

/** Metadata the analysis reads (identity and annotations); drops managedFields and the rest. */
export function slimMetadata(raw: Obj): Obj {
  const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
  const out: Obj = {};
  for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'labels', 'annotations', 'ownerReferences', 'generation']) {
    if (meta[k] !== undefined) out[k] = meta[k];
  }
  return out;
}

/** Status conditions reduced to what a report shows. */
function slimConditions(conds: unknown): Obj[] | undefined {
  if (!Array.isArray(conds) || conds.length === 0) return undefined;
  return conds.filter(isObj).map((c) => {
    const out: Obj = {};
    for (const k of ['type', 'status', 'reason', 'message']) if (c[k] !== undefined) out[k] = c[k];
    return out;
  });
}

/** Certificates, CertificateRequests, Orders, Challenges: only metadata, spec.issuerRef (and a Challenge's type) and the status the report shows. */
export function keepIssuerRefAndStatus(raw: Obj): Obj {
  const spec = isObj(raw['spec']) ? raw['spec'] : {};
  const out: Obj = { metadata: slimMetadata(raw), spec: { issuerRef: spec['issuerRef'], ...(spec['type'] !== undefined ? { type: spec['type'] } : {}) } };
  const status = raw['status'];
  if (isObj(status)) {
    const s: Obj = {};
    for (const k of ['state', 'reason', 'processing', 'presented']) if (status[k] !== undefined) s[k] = status[k];
    const conditions = slimConditions(status['conditions']);
    if (conditions) s['conditions'] = conditions;
    out['status'] = s;
  }
  return out;
}

/** Ingresses, Gateways: only metadata (the shim annotations live there). */
export function keepMetadata(raw: Obj): Obj {
  return { metadata: slimMetadata(raw) };
}

/** ServiceAccounts: metadata and imagePullSecrets (what a merge must preserve). */
export function keepServiceAccount(raw: Obj): Obj {
  const out: Obj = { metadata: slimMetadata(raw) };
  if (raw['imagePullSecrets'] !== undefined) out['imagePullSecrets'] = raw['imagePullSecrets'];
  return out;
}

/** Issuers are kept whole except managedFields and status (but its conditions): the fix re-applies their solvers. */
export function keepIssuer(raw: Obj): Obj {
  const { metadata: _m, status, ...rest } = raw;
  const conditions = isObj(status) ? slimConditions(status['conditions']) : undefined;
  return { ...rest, metadata: slimMetadata(raw), ...(conditions ? { status: { conditions } } : {}) };
}

/**
 * A Secret as the scan keeps it: type, key names, and for pull secrets the registries they name.
 * The data itself is dropped here and never stored, logged or printed.
 */
export function summarizeSecret(raw: Obj): SecretSummary {
  const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
  const data = isObj(raw['data']) ? raw['data'] : {};
  const annotations = isObj(meta['annotations']) ? meta['annotations'] : {};
  const type = asString(raw['type']) ?? 'Opaque';
  const s: SecretSummary = {
    namespace: asString(meta['namespace']) ?? '',
    name: asString(meta['name']) ?? '',
    type,
    keys: Object.keys(data).sort(),
    placeholder: annotations[SECRETGEN_PLACEHOLDER_ANNOTATION] !== undefined,
  };
  const rv = asString(meta['resourceVersion']);
  if (rv) s.resourceVersion = rv;
  if (type === DOCKER_CONFIG_JSON_TYPE || type === DOCKER_CFG_TYPE) {
    const r = dockerConfigRegistries(type, data);
    s.registries = r.registries;
    if (r.error) s.dockerConfigError = r.error;
  }
  return s;
}

function containerSummaries(spec: Obj, status: Obj): ContainerSummary[] {
  const statuses = new Map<string, Obj>();
  for (const cs of Array.isArray(status['containerStatuses']) ? status['containerStatuses'] : []) {
    if (isObj(cs) && typeof cs['name'] === 'string') statuses.set(cs['name'], cs);
  }
  const out: ContainerSummary[] = [];
  for (const c of Array.isArray(spec['containers']) ? spec['containers'] : []) {
    if (!isObj(c)) continue;
    const name = asString(c['name']) ?? '';
    const cs = statuses.get(name);
    const summary: ContainerSummary = { name, image: asString(c['image']) ?? '', running: isObj(getIn(cs, ['state', 'running'])) };
    const policy = asString(c['imagePullPolicy']);
    if (policy) summary.imagePullPolicy = policy;
    const imageID = asString(cs?.['imageID']);
    if (imageID) summary.imageID = imageID;
    const waiting = getIn(cs, ['state', 'waiting']);
    if (isObj(waiting)) {
      const reason = asString(waiting['reason']);
      const message = asString(waiting['message']);
      if (reason) summary.waitingReason = reason;
      if (message) summary.waitingMessage = message;
    }
    out.push(summary);
  }
  return out;
}

export function summarizePod(raw: Obj): PodSummary {
  const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
  const spec = isObj(raw['spec']) ? raw['spec'] : {};
  const status = isObj(raw['status']) ? raw['status'] : {};
  const labels: Record<string, string> = {};
  if (isObj(meta['labels'])) for (const [k, v] of Object.entries(meta['labels'])) if (typeof v === 'string') labels[k] = v;
  const pod: PodSummary = {
    namespace: asString(meta['namespace']) ?? '',
    name: asString(meta['name']) ?? '',
    labels,
    imagePullSecrets: (Array.isArray(spec['imagePullSecrets']) ? spec['imagePullSecrets'] : []).map((e) => (isObj(e) ? asString(e['name']) : undefined)).filter((n): n is string => !!n),
    containers: containerSummaries(spec, status),
    ownerUids: (Array.isArray(meta['ownerReferences']) ? meta['ownerReferences'] : []).map((r) => (isObj(r) ? asString(r['uid']) : undefined)).filter((u): u is string => !!u),
  };
  const uid = asString(meta['uid']);
  const sa = asString(spec['serviceAccountName']);
  const phase = asString(status['phase']);
  if (uid) pod.uid = uid;
  if (sa) pod.serviceAccountName = sa;
  if (phase) pod.phase = phase;
  const scheduled = (Array.isArray(status['conditions']) ? status['conditions'] : []).find((c) => isObj(c) && c['type'] === 'PodScheduled');
  if (isObj(scheduled) && scheduled['status'] === 'False') pod.unscheduled = { reason: asString(scheduled['reason']) ?? 'Unschedulable', message: asString(scheduled['message']) ?? '' };
  return pod;
}

export function summarizeEvent(raw: Obj): EventSummary {
  const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
  const inv = isObj(raw['involvedObject']) ? raw['involvedObject'] : {};
  const e: EventSummary = {
    namespace: asString(meta['namespace']) ?? '',
    type: asString(raw['type']) ?? '',
    reason: asString(raw['reason']) ?? '',
    message: asString(raw['message']) ?? '',
    involvedKind: asString(inv['kind']) ?? '',
    involvedName: asString(inv['name']) ?? '',
    count: typeof raw['count'] === 'number' ? raw['count'] : 1,
  };
  const uid = asString(inv['uid']);
  const last = asString(raw['lastTimestamp']) ?? asString(raw['eventTime']);
  if (uid) e.involvedUid = uid;
  if (last) e.lastTimestamp = last;
  return e;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Controller flags that make a container cert-manager's controller. */
const CONTROLLER_FLAGS = ['--acme-http01-solver-image', '--cluster-resource-namespace', '--leader-election-namespace'];

/** The cert-manager controller among listed Deployments: by its flags, or by its image name. */
export function findCertManagerController(deployments: readonly Obj[]): ControllerInfo | undefined {
  let byImage: ControllerInfo | undefined;
  for (const d of deployments) {
    const meta = isObj(d['metadata']) ? d['metadata'] : {};
    const containers = getIn(d, ['spec', 'template', 'spec', 'containers']);
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isObj(c)) continue;
      const args = [...(Array.isArray(c['command']) ? c['command'] : []), ...(Array.isArray(c['args']) ? c['args'] : [])].filter((a): a is string => typeof a === 'string');
      const image = asString(c['image']);
      const info: ControllerInfo = { namespace: asString(meta['namespace']) ?? '', name: asString(meta['name']) ?? '', args, ...(image ? { image } : {}) };
      const labels = stringMap(meta['labels']);
      if (labels) info.labels = labels;
      if (args.some((a) => CONTROLLER_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)))) return info;
      if (!byImage && image && /(^|\/)cert-manager-controller([:@]|$)/.test(image)) byImage = info;
    }
  }
  return byImage;
}

/** Facts from the served ClusterIssuer CRD (reduced right after the GET: CRDs are large). */
export function crdFactsFromIssuerCrd(crd: Obj | undefined): Pick<CrdFacts, 'certManagerInstalled' | 'versionLabel' | 'podTemplateSpecFields'> {
  if (!crd) return { certManagerInstalled: false, podTemplateSpecFields: [] };
  const labels = getIn(crd, ['metadata', 'labels']);
  const versionLabel = isObj(labels) ? asString(labels['app.kubernetes.io/version']) : undefined;
  const versions = getIn(crd, ['spec', 'versions']);
  const v1 = Array.isArray(versions) ? versions.find((v) => isObj(v) && v['name'] === 'v1' && v['served'] !== false) : undefined;
  const props = getIn(v1, [
    'schema', 'openAPIV3Schema', 'properties', 'spec', 'properties', 'acme', 'properties', 'solvers', 'items', 'properties',
    'http01', 'properties', 'ingress', 'properties', 'podTemplate', 'properties', 'spec', 'properties',
  ]);
  return {
    certManagerInstalled: true,
    ...(versionLabel ? { versionLabel } : {}),
    podTemplateSpecFields: isObj(props) ? Object.keys(props).sort() : [],
  };
}
