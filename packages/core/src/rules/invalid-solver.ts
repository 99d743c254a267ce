import { validateDns01 } from '../dns01/validate-dns01.js';
import { describeRef } from '../model/manifest-object.js';
import type { JsonPath } from '../model/manifest-object.js';
import { isIssuer, podTemplateSpec, solversOf } from '../model/issuer.js';
import type { SolverView } from '../model/issuer.js';
import { isObj, isSet, nonEmptyString } from '../model/value.js';
import type { Obj } from '../model/value.js';
import type { ObjectRule, Problem } from './rule.js';

/** DNS-1123 subdomain, as Kubernetes validates resource names. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SERVICE_TYPES = ['', 'ClusterIP', 'NodePort'];

export const invalidSolver: ObjectRule<'invalid-solver'> = {
  id: 'invalid-solver',
  scope: 'object',
  defaultSeverity: 'error',
  title: 'Solver that cert-manager\'s webhook would reject',
  why:
    'cert-manager\'s validating webhook rejects an issuer whose solvers are malformed, so the whole issuer is never applied and no certificate is issued from it. These are the checks the webhook makes, plus pull secrets written as plain strings, which the schema rejects.',
  check(o) {
    if (!isIssuer(o)) return [];
    const problems: Problem<'invalid-solver'>[] = [];
    const report = (path: JsonPath, message: string, part: Problem['part'] = 'key'): void => {
      problems.push({ object: o, path, part, message: `${describeRef(o)}: ${message}` });
    };
    for (const s of solversOf(o)) checkSolver(s, report);
    return problems;
  },
};

type Report = (path: JsonPath, message: string, part?: Problem['part']) => void;

function checkSolver(s: SolverView, report: Report): void {
  const n = s.index + 1;
  if (s.hasHttp01 && s.hasDns01) report(s.path, `solver ${n} sets both http01 and dns01; a solver may have only one type`, 'pair');
  if (!s.hasHttp01 && !s.hasDns01) report(s.path, `solver ${n} configures no solver type; add http01 or dns01`, 'pair');
  if (s.hasHttp01) checkHttp01(s, report);
  if (s.hasDns01 && !s.hasHttp01) {
    for (const e of validateDns01(s.value['dns01'])) report([...s.path, 'dns01', ...e.path], `solver ${n} dns01: ${e.message}`);
  }
}

function checkHttp01(s: SolverView, report: Report): void {
  const n = s.index + 1;
  const http01Path = [...s.path, 'http01'];
  if (s.http01Variants.length === 0) report(http01Path, `solver ${n} http01 has neither ingress nor gatewayHTTPRoute; set one of them`);
  if (s.http01Variants.length > 1) report(http01Path, `solver ${n} http01 sets both ingress and gatewayHTTPRoute; only one may be configured`);
  const http01 = s.value['http01'] as Obj;
  for (const v of s.http01Variants) {
    const cfg = http01[v];
    const path = [...http01Path, v];
    if (!isObj(cfg)) continue;
    if (v === 'ingress') checkIngress(cfg, path, n, report);
    const st = cfg['serviceType'];
    if (st !== undefined && st !== null && !SERVICE_TYPES.includes(String(st))) {
      report([...path, 'serviceType'], `solver ${n} serviceType must be empty, "ClusterIP" or "NodePort"`, 'value');
    }
    if (v === 'gatewayHTTPRoute') checkParentRefs(cfg, path, n, report);
    checkPullSecrets(podTemplateSpec(s, v), [...path, 'podTemplate', 'spec', 'imagePullSecrets'], n, report);
  }
}

function checkIngress(cfg: Obj, path: JsonPath, n: number, report: Report): void {
  const set = [isSet(cfg, 'class') && 'class', isSet(cfg, 'ingressClassName') && 'ingressClassName', nonEmptyString(cfg['name']) && 'name'].filter(Boolean);
  if (set.length > 1) report(path, `solver ${n} ingress sets ${set.join(' and ')}; only one of class, ingressClassName or name may be specified`);
  const icn = cfg['ingressClassName'];
  if (isSet(cfg, 'ingressClassName') && (typeof icn !== 'string' || !DNS1123_SUBDOMAIN.test(icn) || icn.length > 253)) {
    report([...path, 'ingressClassName'], `solver ${n} ingressClassName must be a valid IngressClass name (lower-case DNS subdomain); use class for values such as "azure/application-gateway"`, 'value');
  }
}

function checkParentRefs(cfg: Obj, path: JsonPath, n: number, report: Report): void {
  const refs = cfg['parentRefs'];
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

function checkPullSecrets(spec: Obj | undefined, path: JsonPath, n: number, report: Report): void {
  const list = spec?.['imagePullSecrets'];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    report(path, `solver ${n} imagePullSecrets must be a list of {name: <secret>} entries`, 'value');
    return;
  }
  list.forEach((entry, i) => {
    if (typeof entry === 'string') {
      report([...path, i], `solver ${n} imagePullSecrets entry "${entry}" is a string; entries are objects: - name: ${entry}`, 'value');
    } else if (!isObj(entry) || !nonEmptyString(entry['name'])) {
      report([...path, i], `solver ${n} imagePullSecrets entry ${i + 1} must be {name: <secret>}`, 'value');
    }
  });
}
