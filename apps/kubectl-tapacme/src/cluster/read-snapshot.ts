// One paginated list per kind, all in parallel, each page reduced to what the analysis needs as it
// arrives (secrets lose their data here), so a scan makes a fixed number of requests however many
// namespaces there are.
import { compactor, crdFactsFromIssuerCrd, findCertManagerController, keepIssuer, keepIssuerRefAndStatus, keepServiceAccount, summarizeEvent, summarizePod, summarizeSecret, toManifestObject } from '@tapacme/core/live';
import type { LiveSnapshot } from '@tapacme/core/live';
import type { KubeClient } from './client.js';
import { ApiError } from './errors.js';
import { CRD_NAMES, RESOURCES } from './resources.js';
import type { Resource, ResourceKey } from './resources.js';
import type { Obj } from '../json-object.js';

/**
 * Page sizes, for servers that page (before WHOLE_LISTS_FROM). Pages are parsed item by item as they
 * arrive and dropped, so a page's size costs the client no memory; it sets the request count and how
 * long the API server works before the first byte (continue pages read from etcd).
 */
const PAGE: Partial<Record<ResourceKey, number>> = {
  certificates: 10_000, ingresses: 10_000, serviceAccounts: 10_000, challenges: 5000, clusterIssuers: 1000, issuers: 1000, gateways: 10_000,
  secrets: 10_000, pods: 2000, events: 2000, deployments: 500, certificateRequests: 5000, orders: 5000,
};

/**
 * From Kubernetes 1.34 a list without a limit is served whole and consistent from the API server's
 * watch cache (ConsistentListFromCache is GA there). Continue pages are served from the cache only
 * while it holds a snapshot at the first page's revision, and etcd compaction drops the snapshots of a
 * resource nobody wrote since: then every further page is read from etcd. At 100,000 Certificates
 * that made ten pages of 10,000 take 34-50 s against 11-15 s for one list (bench/cluster-scale/list-pages.mjs).
 * Older servers answer an unpaginated list from etcd in one piece, so they keep the pages.
 */
const WHOLE_LISTS_FROM = { major: 1, minor: 34 };

/** Whether the API server serves whole lists from its watch cache (its /version, readable by anyone). */
async function wholeListsFromCache(client: KubeClient): Promise<boolean> {
  try {
    const v = await client.request({ method: 'GET', path: '/version', verb: 'get', resource: 'version', group: '', dryRun: false });
    // Providers append to the minor version ("34+").
    const major = Number.parseInt(String(v['major'] ?? ''), 10);
    const minor = Number.parseInt(String(v['minor'] ?? ''), 10);
    return major > WHOLE_LISTS_FROM.major || (major === WHOLE_LISTS_FROM.major && minor >= WHOLE_LISTS_FROM.minor);
  } catch {
    return false;
  }
}

export interface ReadOptions {
  /** Overrides every page size (kubectl's --chunk-size; 0: no pagination). */
  chunkSize?: number;
}

export interface SnapshotResult {
  snapshot: LiveSnapshot;
  /** What could not be read and what that leaves out (optional evidence only; missing essentials throw). */
  warnings: string[];
}

/** Served version of a CRD to list (v1 when served). */
function servedVersion(crd: Obj | undefined): string | undefined {
  const versions = (crd?.['spec'] as Obj | undefined)?.['versions'];
  if (!Array.isArray(versions)) return undefined;
  const served = versions.filter((v): v is Obj => typeof v === 'object' && v !== null && (v as Obj)['served'] === true).map((v) => String(v['name']));
  return served.includes('v1') ? 'v1' : served[0];
}

export async function readSnapshot(client: KubeClient, options: ReadOptions = {}): Promise<SnapshotResult> {
  const warnings: string[] = [];
  let whole = false;
  const limit = (key: ResourceKey): number => options.chunkSize ?? (whole ? 0 : PAGE[key] ?? 500);
  const list = <T>(key: ResourceKey, map: (o: Obj) => T | undefined, extra: { fieldSelector?: string; version?: string; metadataOnly?: boolean } = {}): Promise<T[]> =>
    client.list(RESOURCES[key] as Resource, { limit: limit(key), ...extra }, map);
  /** Evidence the scan can do without: a refusal becomes a warning instead of failing the scan. */
  const optional = async <T>(what: string, p: Promise<T[]>, without: string): Promise<T[]> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ApiError && (e.forbidden || e.notFound)) {
        warnings.push(`${what}: ${e.forbidden ? 'forbidden' : 'not served'}; ${without}`);
        return [];
      }
      throw e;
    }
  };
  const getCrd = async (name: string): Promise<Obj | undefined> => {
    try {
      return await client.get(RESOURCES.crds, name);
    } catch (e) {
      if (e instanceof ApiError && e.forbidden) {
        warnings.push(`cannot get CustomResourceDefinition ${name} (forbidden); ${name === CRD_NAMES.clusterIssuers ? 'the served podTemplate fields are inferred from the controller version' : 'assuming it is not installed'}`);
        return name === CRD_NAMES.clusterIssuers ? { forbidden: true } : undefined;
      }
      throw e;
    }
  };

  const [issuerCrd, secretExportCrd, gatewayCrd, fromCache] = await Promise.all([
    getCrd(CRD_NAMES.clusterIssuers), getCrd(CRD_NAMES.secretExports), getCrd(CRD_NAMES.gateways),
    options.chunkSize === undefined ? wholeListsFromCache(client) : Promise.resolve(false),
  ]);
  whole = fromCache;
  const forbiddenCrd = issuerCrd?.['forbidden'] === true;
  const cmInstalled = forbiddenCrd || issuerCrd !== undefined;
  const gatewayVersion = servedVersion(gatewayCrd);
  const none = <T>(): Promise<T[]> => Promise.resolve([]);
  const compact = compactor();

  const [clusterIssuers, issuers, certificates, challenges, ingresses, gateways, pods, events, serviceAccounts, secrets, deployments, certificateRequests, orders] = await Promise.all([
    cmInstalled ? list('clusterIssuers', (o) => toManifestObject(o, 'ClusterIssuer', 'cert-manager.io/v1', keepIssuer)) : none<never>(),
    cmInstalled ? list('issuers', (o) => toManifestObject(o, 'Issuer', 'cert-manager.io/v1', keepIssuer)) : none<never>(),
    cmInstalled ? list('certificates', compact.certificate) : none<never>(),
    cmInstalled ? optional('cannot list challenges', list('challenges', (o) => toManifestObject(o, 'Challenge', 'acme.cert-manager.io/v1', keepIssuerRefAndStatus)), 'pending challenges are not shown') : none<never>(),
    // Ingresses and Gateways are read for their annotations only: metadata-only lists (12.2 MB instead of 16.7 MB for 20,000 Ingresses, bench/cluster-scale/list-forms.mjs).
    list('ingresses', (o) => compact.shimObject(o, 'Ingress', 'networking.k8s.io/v1'), { metadataOnly: true }),
    gatewayVersion
      ? optional('cannot list gateways', list('gateways', (o) => compact.shimObject(o, 'Gateway', `gateway.networking.k8s.io/${gatewayVersion}`), { version: gatewayVersion, metadataOnly: true }), 'annotated Gateways are not counted')
      : none<never>(),
    optional('cannot list pods', list('pods', summarizePod), 'no solver Pod evidence, and no check whether nodes pull without credentials'),
    optional('cannot list events', list('events', summarizeEvent, { fieldSelector: 'type=Warning' }), 'no event evidence'),
    list('serviceAccounts', (o) => toManifestObject(o, 'ServiceAccount', 'v1', keepServiceAccount)),
    // Helm release secrets are large and never pull secrets.
    list('secrets', summarizeSecret, { fieldSelector: 'type!=helm.sh/release.v1' }),
    optional('cannot list deployments', list('deployments', (o) => (isCandidateController(o) ? o : undefined)), 'the solver image is unknown (pass --solver-image)'),
    cmInstalled ? optional('cannot list certificaterequests', list('certificateRequests', (o) => toManifestObject(o, 'CertificateRequest', 'cert-manager.io/v1', keepIssuerRefAndStatus)), 'requests behind Certificates are not shown') : none<never>(),
    cmInstalled ? optional('cannot list orders', list('orders', (o) => toManifestObject(o, 'Order', 'acme.cert-manager.io/v1', keepIssuerRefAndStatus)), 'ACME orders behind Certificates are not shown') : none<never>(),
  ]);

  const controller = findCertManagerController(deployments);
  const snapshot: LiveSnapshot = {
    issuers: [...clusterIssuers, ...issuers],
    certificates, ingresses, gateways, challenges, certificateRequests, orders, serviceAccounts, secrets, pods, events,
    crds: {
      ...(forbiddenCrd ? { certManagerInstalled: true, podTemplateSpecFields: [] } : crdFactsFromIssuerCrd(issuerCrd)),
      secretExport: secretExportCrd !== undefined,
      gateway: gatewayVersion !== undefined,
    },
  };
  if (controller) snapshot.controller = controller;
  return { snapshot, warnings };
}

/** Keep only Deployments that could be cert-manager's controller (the rest are dropped page by page). */
function isCandidateController(o: Obj): boolean {
  const text = JSON.stringify((o['spec'] as Obj | undefined)?.['template'] ?? {});
  return text.includes('cert-manager') || text.includes('--acme-http01-solver-image') || text.includes('--cluster-resource-namespace');
}
