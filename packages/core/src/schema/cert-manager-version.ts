import { solverSchemas } from './solver-schemas.generated.js';
import { schemaAt } from './structural-schema.js';
import type { SchemaNode } from './structural-schema.js';

/** The cert-manager minor versions whose CRD schemas ship with the core, oldest first ("1.11", "1.12", ... "1.21"). */
export const KNOWN_CERT_MANAGER_VERSIONS: readonly string[] = Object.keys(solverSchemas.roots).sort(compareMinor);

/** What offline checks assume when nothing says which cert-manager serves the issuers. */
export const NEWEST_CERT_MANAGER_VERSION: string = KNOWN_CERT_MANAGER_VERSIONS[KNOWN_CERT_MANAGER_VERSIONS.length - 1] ?? '1.21';

/** "v1.11.5", "1.11", "1.11.0" -> "1.11"; undefined for anything else. */
export function parseCertManagerVersion(input: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?$/.exec(input.trim());
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** The checks of one cert-manager version: its solvers schema and how its webhook differs. */
export interface CertManagerProfile {
  /** The version asked for ("1.13"). */
  version: string;
  /** The known version whose schema and webhook rules are used ("1.21"). */
  basis: string;
  /** The release its CRDs came from ("1.21.1"). */
  release: string;
  solvers: SchemaNode;
  /** The webhook checks ingressClassName and counts it with class and name (from 1.12). */
  ingressClassName: boolean;
  /** The webhook requires at least one gatewayHTTPRoute parentRef (1.11) rather than a kind with each named one (later). */
  gatewayNeedsParentRefs: boolean;
  /** The webhook requires route53.region (1.11; later versions allow ambient configuration). */
  route53NeedsRegion: boolean;
  /** The webhook checks managedIdentity's tenantID (later than 1.11). */
  azureManagedIdentityTenant: boolean;
}

/**
 * The profile for a version: its own minor's schema; versions older than the oldest known use the
 * oldest, newer than the newest the newest. The webhook flags tell 1.11 from everything later.
 */
export function certManagerProfile(version: string = NEWEST_CERT_MANAGER_VERSION): CertManagerProfile {
  const minor = parseCertManagerVersion(version) ?? NEWEST_CERT_MANAGER_VERSION;
  const basis = KNOWN_CERT_MANAGER_VERSIONS.find((k) => compareMinor(k, minor) >= 0) ?? NEWEST_CERT_MANAGER_VERSION;
  const cached = profiles.get(`${minor}/${basis}`);
  if (cached) return cached;
  const root = solverSchemas.roots[basis];
  if (!root) throw new Error(`no schema for cert-manager ${basis}`);
  const old = compareMinor(basis, '1.11') <= 0;
  const profile: CertManagerProfile = {
    version: minor,
    basis,
    release: root.release,
    solvers: root.solvers,
    ingressClassName: !old,
    gatewayNeedsParentRefs: old,
    route53NeedsRegion: old,
    azureManagedIdentityTenant: !old,
  };
  profiles.set(`${minor}/${basis}`, profile);
  return profile;
}

const profiles = new Map<string, CertManagerProfile>();

function compareMinor(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * Whether the CRD schema of `version` serves a field below a solver, e.g. ['http01', 'gatewayHTTPRoute', 'podTemplate'],
 * and, when it does not, the oldest known version that does (undefined when none does).
 */
export function solverFieldServed(path: readonly string[], version?: string): { ok: boolean; version: string; since?: string } {
  const profile = certManagerProfile(version);
  const served = (solvers: SchemaNode): boolean => schemaAt(solverSchemas, solvers, [0, ...path]) !== undefined;
  if (served(profile.solvers)) return { ok: true, version: profile.version };
  const since = KNOWN_CERT_MANAGER_VERSIONS.find((k) => compareMinor(k, profile.version) > 0 && served(certManagerProfile(k).solvers));
  return since ? { ok: false, version: profile.version, since } : { ok: false, version: profile.version };
}
