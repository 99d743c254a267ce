import { solversOf } from '../model/issuer.js';
import type { JsonPath, ManifestObject } from '../model/manifest-object.js';
import { getIn } from '../model/value.js';
import { compareVersions } from './cert-manager.js';
import type { ScanReport } from './report.js';

/**
 * Solver fields and the first cert-manager release whose controller reads them (cert-manager.md).
 * An older controller decodes the issuer into its own types and drops what they lack, silently:
 * with newer CRDs served, the API server keeps the field and nothing says it has no effect.
 */
export const SOLVER_FIELDS_SINCE: readonly { path: readonly string[]; since: string }[] = [
  { path: ['http01', 'ingress', 'ingressClassName'], since: 'v1.12' },
  { path: ['http01', 'ingress', 'podTemplate', 'spec', 'imagePullSecrets'], since: 'v1.12' },
  { path: ['http01', 'ingress', 'podTemplate', 'spec', 'securityContext'], since: 'v1.16' },
  { path: ['http01', 'ingress', 'podTemplate', 'spec', 'resources'], since: 'v1.19' },
  { path: ['http01', 'gatewayHTTPRoute', 'podTemplate'], since: 'v1.16' },
];

export interface IgnoredField {
  /** Where in the issuer, e.g. ['spec', 'acme', 'solvers', 0, 'http01', 'ingress', 'ingressClassName']. */
  path: JsonPath;
  /** "http01.ingress.ingressClassName" */
  field: string;
  since: string;
}

/** The fields of an issuer's solvers that a controller of `version` ignores. */
export function fieldsIgnoredByController(issuer: ManifestObject, version: string): IgnoredField[] {
  const out: IgnoredField[] = [];
  for (const s of solversOf(issuer)) {
    for (const f of SOLVER_FIELDS_SINCE) {
      if (compareVersions(version, f.since) >= 0) continue;
      const v = getIn(s.value, [...f.path]);
      if (v === undefined || v === null) continue;
      out.push({ path: [...s.path, ...f.path], field: f.path.join('.'), since: f.since });
    }
  }
  return out;
}

/** podTemplate.spec fields the served schema accepts but a controller of `version` ignores. */
export function servedPodTemplateFieldsIgnored(servedFields: readonly string[], version: string): IgnoredField[] {
  const served = new Set(servedFields);
  return SOLVER_FIELDS_SINCE.filter((f) => f.path[2] === 'podTemplate' && f.path[1] === 'ingress' && served.has(f.path[4] ?? '') && compareVersions(version, f.since) < 0)
    .map((f) => ({ path: [], field: f.path.join('.'), since: f.since }));
}

/** Whether the running controller (or, unknown, the served CRDs' release) reads a solver field; true when neither is known. */
export function controllerReads(report: ScanReport, path: readonly string[]): boolean {
  const running = report.certManager.controllerVersion ?? report.certManager.version;
  const since = SOLVER_FIELDS_SINCE.find((f) => f.path.join('.') === path.join('.'))?.since;
  return !running || !since || compareVersions(running, since) >= 0;
}
