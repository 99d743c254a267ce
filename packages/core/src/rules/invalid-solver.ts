import { validateDns01 } from '../dns01/validate-dns01.js';
import { describeRef } from '../model/manifest-object.js';
import type { JsonPath } from '../model/manifest-object.js';
import { isIssuer } from '../model/issuer.js';
import { isDns1123Subdomain } from '../model/dns1123.js';
import { getIn, isObj, isSet, nonEmptyString } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { certManagerProfile, NEWEST_CERT_MANAGER_VERSION } from '../schema/cert-manager-version.js';
import type { CertManagerProfile } from '../schema/cert-manager-version.js';
import { solverSchemas } from '../schema/solver-schemas.generated.js';
import { applyDefaults, schemaAt, validateSchema } from '../schema/structural-schema.js';
import type { SchemaProblem } from '../schema/structural-schema.js';
import type { ObjectRule, Problem } from './rule.js';

const SERVICE_TYPES = ['', 'ClusterIP', 'NodePort'];
const SOLVERS: JsonPath = ['spec', 'acme', 'solvers'];

export const invalidSolver: ObjectRule<'invalid-solver'> = {
  id: 'invalid-solver',
  scope: 'object',
  defaultSeverity: 'error',
  title: 'Solver that the API server or cert-manager\'s webhook would reject',
  why:
    'The API server checks an issuer against the cert-manager version\'s CRD schema (after filling in its defaults), then cert-manager\'s validating webhook checks the solvers; either rejects the whole issuer, so no certificate is issued from it. Unknown or misplaced fields are rejected under strict field validation (kubectl\'s default) and silently dropped without it.',
  check(o, ctx) {
    if (!isIssuer(o)) return [];
    const solvers = getIn(o.value, SOLVERS);
    if (solvers === undefined || solvers === null) return [];
    const profile = certManagerProfile(ctx.settings.certManagerVersion);
    const problems: Problem<'invalid-solver'>[] = [];
    const report = (path: JsonPath, message: string, part: Problem['part'] = 'key'): void => {
      problems.push({ object: o, path, part, message: `${describeRef(o)}: ${message}` });
    };
    // The schema is cert-manager.io/v1's; older API versions are reported by legacy-api-version.
    const defaulted = o.apiVersion === 'cert-manager.io/v1' ? applyDefaults(solverSchemas, solvers, profile.solvers) : solvers;
    // The API server stops at schema errors; the webhook sees only solvers that pass them.
    const rejected = new Set<unknown>();
    if (o.apiVersion === 'cert-manager.io/v1') {
      for (const p of validateSchema(solverSchemas, defaulted, profile.solvers)) {
        if (isYttValue(p, getIn(defaulted, p.path))) continue;
        reportSchemaProblem(p, getIn(defaulted, p.path), profile, report);
        rejected.add(p.path[0]);
      }
    }
    if (!Array.isArray(defaulted)) {
      if (o.apiVersion !== 'cert-manager.io/v1') report(SOLVERS, 'spec.acme.solvers must be a list of solvers', 'value');
      return problems;
    }
    defaulted.forEach((s, index) => {
      if (isObj(s) && !rejected.has(index)) checkSolver(s, index, profile, report);
    });
    return problems;
  },
};

type Report = (path: JsonPath, message: string, part?: Problem['part']) => void;

/** `spec.acme.solvers[0].http01.ingress`, as the API server names a field. */
export function fieldPath(path: JsonPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/** A value ytt computes at render time (`key: #@ expr`): its type and form are unknown until then. */
function isYttValue(p: SchemaProblem, value: unknown): boolean {
  return p.kind !== 'unknown-field' && p.kind !== 'required' && typeof value === 'string' && value.startsWith('#@ ');
}

function reportSchemaProblem(p: SchemaProblem, value: unknown, profile: CertManagerProfile, report: Report): void {
  const path = [...SOLVERS, ...p.path];
  const last = p.path[p.path.length - 1];
  const parent = p.path[p.path.length - 2];
  if (p.kind === 'type' && parent === 'imagePullSecrets' && typeof last === 'number' && typeof value === 'string') {
    // TAP's documentation writes pull secrets as plain strings; say how to write them.
    report(path, `${fieldPath(path)} "${value}" is a string; entries are objects: - name: ${value}`, 'value');
    return;
  }
  let message = `${fieldPath(path)}: ${p.message}`;
  if (p.kind === 'unknown-field' && profile.basis !== NEWEST_CERT_MANAGER_VERSION) {
    const newest = certManagerProfile(NEWEST_CERT_MANAGER_VERSION);
    if (schemaAt(solverSchemas, newest.solvers, p.path)) {
      message = `${fieldPath(path)}: cert-manager ${profile.version} does not serve this field (later versions do); the API server rejects it under strict field validation and drops it otherwise`;
    }
  }
  report(path, message, p.kind === 'unknown-field' || p.kind === 'required' ? 'key' : 'value');
}

function checkSolver(s: Obj, index: number, profile: CertManagerProfile, report: Report): void {
  const path = [...SOLVERS, index];
  const n = index + 1;
  const hasHttp01 = isSet(s, 'http01');
  const hasDns01 = isSet(s, 'dns01');
  if (hasHttp01 && hasDns01) report(path, `solver ${n} sets both http01 and dns01; a solver may have only one type`, 'pair');
  if (!hasHttp01 && !hasDns01) report(path, `solver ${n} configures no solver type; add http01 or dns01`, 'pair');
  if (hasHttp01 && isObj(s['http01'])) checkHttp01(s['http01'], [...path, 'http01'], n, profile, report);
  if (hasDns01 && !hasHttp01) {
    for (const e of validateDns01(s['dns01'], profile)) report([...path, 'dns01', ...e.path], `solver ${n} dns01: ${e.message}`);
  }
}

function checkHttp01(http01: Obj, path: JsonPath, n: number, profile: CertManagerProfile, report: Report): void {
  const variants = (['ingress', 'gatewayHTTPRoute'] as const).filter((v) => isSet(http01, v));
  if (variants.length === 0) report(path, `solver ${n} http01 has neither ingress nor gatewayHTTPRoute; set one of them`);
  if (variants.length > 1) report(path, `solver ${n} http01 sets both ingress and gatewayHTTPRoute; only one may be configured`);
  for (const v of variants) {
    const cfg = http01[v];
    if (!isObj(cfg)) continue;
    const at = [...path, v];
    if (v === 'ingress') checkIngress(cfg, at, n, profile, report);
    const st = cfg['serviceType'];
    if (typeof st === 'string' && !SERVICE_TYPES.includes(st)) {
      report([...at, 'serviceType'], `solver ${n} serviceType must be empty, "ClusterIP" or "NodePort"`, 'value');
    }
    if (v === 'gatewayHTTPRoute') checkParentRefs(cfg, at, n, profile, report);
  }
}

function checkIngress(cfg: Obj, path: JsonPath, n: number, profile: CertManagerProfile, report: Report): void {
  const named = [isSet(cfg, 'class') && 'class', profile.ingressClassName && isSet(cfg, 'ingressClassName') && 'ingressClassName', nonEmptyString(cfg['name']) && 'name'].filter(Boolean);
  if (named.length > 1) {
    const choices = profile.ingressClassName ? 'class, ingressClassName or name' : 'class or name';
    report(path, `solver ${n} ingress sets ${named.join(' and ')}; only one of ${choices} may be specified`);
  }
  const icn = cfg['ingressClassName'];
  if (profile.ingressClassName && typeof icn === 'string' && !isDns1123Subdomain(icn)) {
    report([...path, 'ingressClassName'], `solver ${n} ingressClassName must be a valid IngressClass name (lower-case DNS subdomain); use class for values such as "azure/application-gateway"`, 'value');
  }
}

// The webhook sees parentRefs after the API server defaulted kind to Gateway, so a named
// parentRef without a kind is valid.
function checkParentRefs(cfg: Obj, path: JsonPath, n: number, profile: CertManagerProfile, report: Report): void {
  const refs = cfg['parentRefs'];
  if (profile.gatewayNeedsParentRefs) {
    if (!Array.isArray(refs) || refs.length === 0) report(path, `solver ${n} gatewayHTTPRoute needs at least one parentRef in cert-manager ${profile.version}`);
    return;
  }
  if (!Array.isArray(refs)) return;
  for (const [i, ref] of refs.entries()) {
    if (!isObj(ref)) continue;
    const hasKind = isSet(ref, 'kind');
    const hasName = nonEmptyString(ref['name']);
    if (hasKind && !hasName) {
      report([...path, 'parentRefs', i], `solver ${n} parentRefs[${i}] needs a name when kind is specified`, 'value');
      return;
    }
    if (hasName && !hasKind) {
      report([...path, 'parentRefs', i], `solver ${n} parentRefs[${i}] needs a kind (usually Gateway) when name is specified`, 'value');
      return;
    }
  }
}
