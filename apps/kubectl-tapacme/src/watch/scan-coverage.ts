// `scan`'s answer to "will the NEXT namespace work?": per issuer, the durable coverage found (a Kyverno policy,
// a Namespace Provisioner source, a running watch). Two extra lists (Kyverno ClusterPolicies, the watch Lease);
// ServiceAccounts come from the snapshot scan already read.
import type { ManifestObject } from '@tapacme/core';
import { http01PodConfigs, issuerKey, toManifestObject } from '@tapacme/core/live';
import type { LiveSnapshot, ScanReport } from '@tapacme/core/live';
import { durableCoverage, WATCH_LEASE_NAME } from '@tapacme/core/policies';
import type { DurableCoverage } from '@tapacme/core/policies';
import type { KubeClient } from '../cluster/client.js';
import { ApiError } from '../cluster/errors.js';
import { RESOURCES } from '../cluster/resources.js';
import type { Style } from '../output/style.js';
import type { Obj } from '../json-object.js';

export interface CoverageResult {
  byIssuer: Map<string, DurableCoverage[]>;
  warnings: string[];
}

export async function readCoverage(client: KubeClient, snapshot: LiveSnapshot, report: ScanReport): Promise<CoverageResult> {
  const warnings: string[] = [];
  const optional = async (what: string, p: Promise<ManifestObject[]>): Promise<ManifestObject[]> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ApiError && e.notFound) return []; // Kyverno not installed
      if (e instanceof ApiError && e.forbidden) {
        warnings.push(`cannot list ${what} (forbidden): durable coverage through it is not shown`);
        return [];
      }
      throw e;
    }
  };
  const [policies, leases] = await Promise.all([
    optional('clusterpolicies.kyverno.io', client.list(RESOURCES.kyvernoClusterPolicies, { limit: 500 }, (o: Obj) => toManifestObject(o, 'ClusterPolicy', 'kyverno.io/v1'))),
    optional('leases.coordination.k8s.io', client.list(RESOURCES.leases, { limit: 500, fieldSelector: `metadata.name=${WATCH_LEASE_NAME}` }, (o: Obj) => toManifestObject(o, 'Lease', 'coordination.k8s.io/v1'))),
  ]);
  const keys = report.issuers.map((i) => issuerKey(i.kind, i.name, i.namespace ?? undefined));
  const serviceAccountNames = new Map<string, string[]>();
  for (const i of snapshot.issuers) {
    const names = http01PodConfigs(i).map((c) => c.serviceAccountName).filter((n): n is string => !!n);
    serviceAccountNames.set(issuerKey(i.kind, i.name ?? '', i.namespace), names);
  }
  return { byIssuer: durableCoverage(keys, { kyvernoPolicies: policies, leases, serviceAccounts: snapshot.serviceAccounts, serviceAccountNames }), warnings };
}

/** The scan JSON with `durableCoverage` on every issuer (after its documented keys). */
export function withCoverage(json: Record<string, unknown>, byIssuer: ReadonlyMap<string, DurableCoverage[]>): Record<string, unknown> {
  const issuers = Array.isArray(json['issuers']) ? (json['issuers'] as Obj[]) : [];
  json['issuers'] = issuers.map((i) => ({ ...i, durableCoverage: byIssuer.get(issuerKey(String(i['kind']), String(i['name']), typeof i['namespace'] === 'string' ? i['namespace'] : undefined)) ?? [] }));
  return json;
}

/** A text section: per issuer, what keeps future namespaces covered, or how to get it. */
export function coverageText(report: ScanReport, byIssuer: ReadonlyMap<string, DurableCoverage[]>, s: Style, prog: string): string {
  if (report.issuers.length === 0) return '';
  const out = [s.bold('Durable coverage (namespaces that obtain certificates later)')];
  for (const i of report.issuers) {
    const key = issuerKey(i.kind, i.name, i.namespace ?? undefined);
    const label = i.namespace ? `${i.kind} ${i.namespace}/${i.name}` : `${i.kind} ${i.name}`;
    const found = byIssuer.get(key) ?? [];
    const active = found.filter((c) => c.active);
    if (active.length > 0) out.push(`  ${label}: ${s.green('covered')}`);
    else out.push(`  ${label}: ${s.yellow('none')}${i.kind === 'Issuer' ? ' (a namespaced Issuer serves only its own namespace: one fix is enough)' : ` - the next namespace will fail until fixed; add \`${prog} fix --emit kyverno\`, \`--emit namespace-provisioner\` or run \`${prog} watch\``}`);
    for (const c of found) out.push(`    ${c.active ? s.green(c.engine) : s.yellow(`${c.engine} (inactive)`)}: ${c.source}: ${c.detail}`);
  }
  return `\n${out.join('\n')}\n`;
}
