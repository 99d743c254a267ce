import { validateDns01Block } from '../dns01/validate-dns01.js';
import { issuerKey } from '../model/issuer.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { parseSettings } from '../parse-settings.js';
import type { Settings } from '../settings.js';
import { DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_TYPE } from './docker-config.js';
import type { NoFixNeeded, ScanReport } from './report.js';
import type { ScanContext } from './scan.js';
import { knownBadPullSecret } from './pull-secret-checks.js';
import { parseFixPullSecretSource } from './pull-secret-source.js';
import type { FixPullSecretSource } from './pull-secret-source.js';
import { dns01References } from './secret-refs.js';
import { http01PodConfigs } from './solver-config.js';
import { SECRETGEN_PLACEHOLDER_ANNOTATION } from './summarize.js';
import { controllerReads } from './version-skew.js';

export { parseFixPullSecretSource };
export type { FixPullSecretSource };

export const FIELD_MANAGER = 'kubectl-tapacme';
/** "{}\n": the empty docker config secretgen-controller fills in. */
export const PLACEHOLDER_DOCKER_CONFIG = 'e30K';

export interface PlanOptions {
  strategy: 'serviceaccount' | 'dns01';
  /** Issuers to fix: "ClusterIssuer/x", "Issuer/ns/x", "clusterissuer/x", "issuer/x" or a plain name; none: every issuer that needs a fix. */
  issuers?: readonly string[];
  /** The namespace plain Issuer names are looked up in (-n). */
  namespace?: string;
  settings?: Partial<Settings>;
  /** The ServiceAccount name; default: the one the issuer already names, else settings.serviceAccountName. */
  serviceAccountName?: string;
  pullSecretName?: string;
  pullSecretSource?: FixPullSecretSource;
  /** The copy source's type and data, read by the shell; it ends up only in Secret bodies marked sensitive. */
  copySource?: { type: string; data: Readonly<Record<string, string>> };
  /** dns01: the block that replaces each http01 solver. */
  dns01?: Obj;
  /** dns01: where a ClusterIssuer's secrets must be; default: the controller's --cluster-resource-namespace. */
  clusterResourceNamespace?: string;
  /** Plan even when the cluster needs no fix, and go on when DNS01 secrets are missing. */
  force?: boolean;
}

/** What an operation is for; reconcileOp turns it into a body against the object as it is now. */
export type OpIntent =
  | { type: 'service-account'; pullSecrets: string[] }
  | { type: 'pull-secret'; source: 'existing' | 'placeholder' | 'copy'; from?: string }
  | { type: 'issuer-service-account'; serviceAccountName: string; override: boolean; pullSecret: string | null; podTemplatePullSecrets: boolean; gatewayPodTemplate?: boolean }
  | { type: 'issuer-dns01'; block: Obj };

export type OpAction = 'create' | 'update' | 'unchanged' | 'blocked';

/** One API operation of a fix plan. */
export interface ApiOp {
  /** "ServiceAccount team-a/tap-acme-http01-solver", "ClusterIssuer letsencrypt". */
  id: string;
  /** Namespaced objects first, issuers last. */
  phase: 'namespace' | 'issuer';
  action: OpAction;
  apiVersion: string;
  kind: string;
  /** The REST resource (plural). */
  resource: string;
  namespace: string | null;
  name: string;
  /** Server-side apply body (with metadata.resourceVersion as a precondition for updates); null when nothing is sent. */
  body: Obj | null;
  /** Apply with force=true (taking over fields another manager set; always with a resourceVersion precondition). */
  force: boolean;
  /** Why, in words: shown in the plan and the summary. */
  reason: string;
  /** The body holds secret data: never print or log it. */
  sensitive: boolean;
  /** The whole object as it should be, for -o yaml (no resourceVersion); null when there is nothing to print. */
  manifest: Obj | null;
  /** Ops that must have succeeded before this one runs. */
  dependsOn: string[];
  intent: OpIntent;
}

export interface FixPlan {
  strategy: PlanOptions['strategy'];
  issuers: string[];
  namespaces: string[];
  ops: ApiOp[];
  /** Problems that stop the whole plan (unknown issuer, bad options): nothing must be sent. */
  errors: string[];
  warnings: string[];
  /** The cluster needs no fix and none was forced: only ServiceAccounts the issuers already name are created. */
  noFixNeeded: NoFixNeeded | null;
}

const opId = (kind: string, ns: string | null, name: string): string => (ns ? `${kind} ${ns}/${name}` : `${kind} ${name}`);

/** Resolve the issuer arguments against the scanned issuers. */
export function selectIssuers(report: ScanReport, context: ScanContext, args: readonly string[], namespace: string | undefined): { keys: string[]; errors: string[] } {
  const errors: string[] = [];
  if (args.length === 0) return { keys: report.issuers.filter((i) => i.needsFix).map((i) => issuerKey(i.kind, i.name, i.namespace ?? undefined)), errors };
  const keys: string[] = [];
  const all = [...context.issuers.keys()];
  for (const arg of args) {
    const parts = arg.split('/');
    let matches: string[];
    const kind = parts.length > 1 ? (parts[0] ?? '').toLowerCase() : '';
    if (kind === 'clusterissuer' || kind === 'clusterissuers' || kind === 'clusterissuer.cert-manager.io') {
      matches = parts.length === 2 ? all.filter((k) => k === `ClusterIssuer/${parts[1]}`) : [];
    } else if (kind === 'issuer' || kind === 'issuers' || kind === 'issuer.cert-manager.io') {
      const ns = parts.length === 3 ? parts[1] : namespace;
      const name = parts[parts.length - 1];
      matches = all.filter((k) => (ns ? k === `Issuer/${ns}/${name}` : k.startsWith('Issuer/') && k.endsWith(`/${name}`)));
    } else if (parts.length === 1) {
      matches = all.filter((k) => k === `ClusterIssuer/${arg}` || (namespace ? k === `Issuer/${namespace}/${arg}` : false));
    } else {
      matches = [];
    }
    if (matches.length === 0) {
      errors.push(`no ACME issuer "${arg}" found${all.length > 0 ? ` (there are ${all.join(', ')})` : ''}; name a ClusterIssuer, or Issuer/NAMESPACE/NAME`);
    } else if (matches.length > 1) {
      errors.push(`"${arg}" matches ${matches.join(' and ')}; say which`);
    } else if (matches[0] && !keys.includes(matches[0])) {
      keys.push(matches[0]);
    }
  }
  return { keys, errors };
}

/** Plan the fix as ordered API operations. Pure: the shell executes, dry-runs or prints it. */
export function planFix(report: ScanReport, context: ScanContext, options: PlanOptions): FixPlan {
  const { settings } = parseSettings(options.settings);
  const plan: FixPlan = { strategy: options.strategy, issuers: [], namespaces: [], ops: [], errors: [], warnings: [], noFixNeeded: null };
  const { keys, errors } = selectIssuers(report, context, options.issuers ?? [], options.namespace);
  plan.errors.push(...errors);
  plan.issuers = keys;
  if (options.strategy === 'dns01') {
    if (!options.dns01) plan.errors.push('the dns01 strategy needs a dns01 block (--dns01-solver FILE or provider flags)');
    else {
      // As the running controller's webhook and CRDs take it: 1.11 requires route53.region and lacks newer fields.
      const running = report.certManager.controllerVersion ?? report.certManager.version ?? undefined;
      for (const e of validateDns01Block(options.dns01, running)) plan.errors.push(`dns01.${e.path.join('.')}: ${e.message}${running ? ` (cert-manager ${running})` : ''}`.replace('dns01.:', 'dns01:'));
    }
  }
  if (plan.errors.length > 0) return plan;
  if (keys.length === 0) return plan;

  if (options.strategy === 'dns01') planDns01(plan, report, context, keys, options);
  else planServiceAccounts(plan, report, context, keys, options, settings);
  plan.ops.sort((a, b) => (a.phase === b.phase ? 0 : a.phase === 'namespace' ? -1 : 1));
  plan.namespaces = [...new Set(plan.ops.filter((o) => o.phase === 'namespace' && o.namespace).map((o) => o.namespace as string))].sort();
  return plan;
}

function planServiceAccounts(plan: FixPlan, report: ScanReport, context: ScanContext, keys: readonly string[], options: PlanOptions, settings: Settings): void {
  const pullSecret = options.pullSecretName || settings.pullSecretName;
  let source = options.pullSecretSource ?? { type: 'auto' };
  if (source.type === 'auto') source = report.certManager.secretgen ? { type: 'placeholder' } : { type: 'existing' };
  if (source.type === 'placeholder' && !report.certManager.secretgen) {
    plan.warnings.push('secretgen-controller\'s SecretExport CRD is not installed, so nothing will fill placeholder pull secrets; the solver Pods still cannot pull until credentials are exported to each namespace');
  }
  if (source.type === 'copy' && !options.copySource) {
    plan.errors.push(`the copy source Secret ${source.namespace}/${source.name} was not read`);
    return;
  }
  const degraded = !context.pullNeedsCredentials && !options.force;
  if (degraded) plan.noFixNeeded = report.noFixNeeded;
  // Namespace ops are shared when several issuers use one namespace.
  const nsOps = new Map<string, ApiOp>();
  const issuerOps: ApiOp[] = [];
  for (const key of keys) {
    const issuer = context.issuers.get(key);
    const ir = report.issuers.find((r) => issuerKey(r.kind, r.name, r.namespace ?? undefined) === key);
    if (!issuer || !ir) continue;
    const configs = http01PodConfigs(issuer);
    if (configs.length === 0) {
      plan.warnings.push(`${key} has no HTTP01 solver; nothing to do for it`);
      continue;
    }
    const chosen = options.serviceAccountName || configs.find((c) => c.serviceAccountName)?.serviceAccountName || settings.serviceAccountName;
    // With --service-account every solver gets that name; otherwise each keeps the one it names.
    const names = [...new Set(configs.map((c) => (options.serviceAccountName ? chosen : (c.serviceAccountName ?? chosen))))];
    const deps: string[] = [];
    for (const nsr of ir.namespaces) {
      const ns = nsr.name;
      if (degraded) {
        // Pulls need no credentials: only the ServiceAccounts the issuer already names must exist.
        for (const c of configs) {
          if (!c.serviceAccountName || context.index.serviceAccount(ns, c.serviceAccountName)) continue;
          const op = serviceAccountOp(ns, c.serviceAccountName, [], undefined);
          if (!nsOps.has(op.id)) nsOps.set(op.id, op);
        }
        continue;
      }
      const secretOp = pullSecretOp(ns, pullSecret, source, options, context);
      // A Secret fix leaves as it is must work, or the fixed solver Pod still cannot pull.
      const bad = secretOp.action === 'unchanged' && context.pullNeedsCredentials ? knownBadPullSecret(nsr, context.index.secret(ns, pullSecret), context) : undefined;
      if (bad) Object.assign(secretOp, { action: 'blocked', reason: bad });
      if (!nsOps.has(secretOp.id)) nsOps.set(secretOp.id, secretOp);
      deps.push(secretOp.id);
      for (const name of names) {
        const op = serviceAccountOp(ns, name, [pullSecret], context.index.serviceAccount(ns, name)?.value);
        op.dependsOn = [secretOp.id];
        if (!nsOps.has(op.id)) nsOps.set(op.id, op);
        deps.push(op.id);
      }
    }
    if (degraded) continue;
    const intent: OpIntent = {
      type: 'issuer-service-account', serviceAccountName: chosen, override: !!options.serviceAccountName, pullSecret,
      podTemplatePullSecrets: report.certManager.podTemplateImagePullSecrets,
      gatewayPodTemplate: controllerReads(report, ['http01', 'gatewayHTTPRoute', 'podTemplate']),
    };
    const op = reconcileOp(baseIssuerOp(issuer, intent), issuer.value, options);
    op.dependsOn = [...new Set(deps)];
    issuerOps.push(op);
  }
  const sortedNs = [...nsOps.values()].sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'Secret' ? -1 : 1));
  plan.ops.push(...sortedNs, ...issuerOps);
}

function serviceAccountOp(ns: string, name: string, pullSecrets: string[], current: Obj | undefined): ApiOp {
  const op: ApiOp = {
    id: opId('ServiceAccount', ns, name), phase: 'namespace', action: 'unchanged', apiVersion: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts',
    namespace: ns, name, body: null, force: false, reason: '', sensitive: false, manifest: null, dependsOn: [], intent: { type: 'service-account', pullSecrets },
  };
  return reconcileOp(op, current, {});
}

function pullSecretOp(ns: string, name: string, source: FixPullSecretSource, options: PlanOptions, context: ScanContext): ApiOp {
  const kind = source.type === 'copy' ? 'copy' : source.type === 'placeholder' ? 'placeholder' : 'existing';
  const op: ApiOp = {
    id: opId('Secret', ns, name), phase: 'namespace', action: 'unchanged', apiVersion: 'v1', kind: 'Secret', resource: 'secrets', namespace: ns, name,
    body: null, force: false, reason: '', sensitive: kind === 'copy', manifest: null, dependsOn: [],
    intent: { type: 'pull-secret', source: kind, ...(source.type === 'copy' ? { from: `${source.namespace}/${source.name}` } : {}) },
  };
  const s = context.index.secret(ns, name);
  // The summary is enough to decide: a Secret that exists is never rewritten.
  return reconcileOp(op, s ? { metadata: { name, namespace: ns, resourceVersion: s.resourceVersion }, type: s.type } : undefined, options);
}

function baseIssuerOp(issuer: ManifestObject, intent: OpIntent): ApiOp {
  const ns = issuer.kind === 'ClusterIssuer' ? null : (issuer.namespace ?? null);
  return {
    id: opId(issuer.kind, ns, issuer.name ?? ''), phase: 'issuer', action: 'unchanged', apiVersion: issuer.apiVersion, kind: issuer.kind,
    resource: issuer.kind === 'ClusterIssuer' ? 'clusterissuers' : 'issuers', namespace: ns, name: issuer.name ?? '', body: null, force: false, reason: '',
    sensitive: false, manifest: null, dependsOn: [], intent,
  };
}

function planDns01(plan: FixPlan, report: ScanReport, context: ScanContext, keys: readonly string[], options: PlanOptions): void {
  const block = options.dns01 ?? {};
  const refs = dns01References(block);
  for (const key of keys) {
    const issuer = context.issuers.get(key);
    if (!issuer) continue;
    const ns = issuer.kind === 'ClusterIssuer' ? (options.clusterResourceNamespace || report.certManager.clusterResourceNamespace) : (issuer.namespace ?? '');
    const op = reconcileOp(baseIssuerOp(issuer, { type: 'issuer-dns01', block }), issuer.value, options);
    if (!ns) {
      plan.warnings.push(`cannot tell cert-manager's cluster resource namespace (controller not found): pass --cluster-resource-namespace to check the secrets ${key} will read`);
    } else {
      const missing: string[] = [];
      for (const r of refs) {
        if (r.kind === 'Secret') {
          const s = context.index.secret(ns, r.name);
          if (!s) missing.push(`Secret ${ns}/${r.name} (${r.path.join('.')}) does not exist`);
          else if (r.key && !s.keys.includes(r.key)) missing.push(`Secret ${ns}/${r.name} has no key "${r.key}" (${r.path.join('.')})`);
        } else if (!context.index.serviceAccount(ns, r.name)) {
          missing.push(`ServiceAccount ${ns}/${r.name} (${r.path.join('.')}) does not exist`);
        }
      }
      if (missing.length > 0 && op.action !== 'unchanged') {
        const why = `the dns01 solver of ${key} reads from namespace "${ns}": ${missing.join('; ')}`;
        if (options.force) plan.warnings.push(`${why} (going on: --force)`);
        else {
          op.action = 'blocked';
          op.reason = `${why}; create them first (or --force)`;
          op.body = null;
        }
      }
    }
    plan.ops.push(op);
  }
}

/** Entries of a list of {name} objects, in order, deduplicated. */
function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    const n = isObj(e) ? asString(e['name']) : undefined;
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * The operation for an intent against the object as it is now (undefined: it does not exist).
 * The plan calls it with the scanned objects; the shell calls it again with a fresh read after a conflict.
 */
export function reconcileOp(op: ApiOp, current: Obj | undefined, options: Pick<PlanOptions, 'copySource'>): ApiOp {
  const next: ApiOp = { ...op, body: null, manifest: null, force: false };
  const rv = asString(getIn(current, ['metadata', 'resourceVersion']));
  const intent = op.intent;
  if (intent.type === 'service-account') {
    const existing = namesOf(current?.['imagePullSecrets']);
    const merged = [...existing, ...intent.pullSecrets.filter((n) => !existing.includes(n))];
    const manifest: Obj = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: op.name, namespace: op.namespace } };
    if (merged.length > 0) manifest['imagePullSecrets'] = merged.map((name) => ({ name }));
    next.manifest = manifest;
    if (!current) {
      next.action = 'create';
      next.reason = merged.length > 0 ? `create with imagePullSecrets ${merged.join(', ')}` : 'create (the issuer names it)';
      next.body = manifest;
    } else if (merged.length === existing.length) {
      next.action = 'unchanged';
      next.reason = merged.length > 0 ? `already names ${intent.pullSecrets.join(', ')}` : 'exists';
    } else {
      next.action = 'update';
      next.reason = `add imagePullSecrets ${intent.pullSecrets.filter((n) => !existing.includes(n)).join(', ')}${existing.length > 0 ? ` (keeps ${existing.join(', ')})` : ''}`;
      // imagePullSecrets is an atomic list: send it whole, guarded by the resourceVersion we merged from.
      next.body = { ...manifest, metadata: { name: op.name, namespace: op.namespace, ...(rv ? { resourceVersion: rv } : {}) } };
      next.force = true;
    }
    return next;
  }
  if (intent.type === 'pull-secret') {
    const type = asString(current?.['type']);
    if (current) {
      const docker = type === DOCKER_CONFIG_JSON_TYPE || type === DOCKER_CFG_TYPE;
      next.action = docker ? 'unchanged' : 'blocked';
      next.reason = docker ? 'exists (left as it is)' : `exists with type ${type ?? 'unknown'}, not kubernetes.io/dockerconfigjson; rename it or pass --pull-secret`;
      return next;
    }
    if (intent.source === 'existing') {
      next.action = 'blocked';
      next.reason = `pull secret "${op.name}" does not exist in namespace "${op.namespace ?? ''}"; create it, or rerun with --pull-secret-source placeholder (secretgen-controller) or copy:NAMESPACE/NAME`;
      return next;
    }
    if (intent.source === 'placeholder') {
      const manifest: Obj = {
        apiVersion: 'v1', kind: 'Secret', metadata: { name: op.name, namespace: op.namespace, annotations: { [SECRETGEN_PLACEHOLDER_ANNOTATION]: '' } },
        type: DOCKER_CONFIG_JSON_TYPE, data: { '.dockerconfigjson': PLACEHOLDER_DOCKER_CONFIG },
      };
      next.action = 'create';
      next.reason = 'create a secretgen-controller placeholder (filled with the exported registry credentials)';
      next.body = manifest;
      next.manifest = manifest;
      return next;
    }
    const src = options.copySource;
    if (!src) {
      next.action = 'blocked';
      next.reason = `the copy source ${intent.from ?? ''} could not be read`;
      return next;
    }
    next.action = 'create';
    next.reason = `copy from ${intent.from ?? ''}`;
    next.body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: op.name, namespace: op.namespace }, type: src.type, data: { ...src.data } };
    next.sensitive = true;
    return next;
  }
  // Issuers: the solvers list is atomic in the CRD, so it is sent whole, as read, with only our change.
  if (!current) {
    next.action = 'blocked';
    next.reason = 'the issuer no longer exists';
    return next;
  }
  const solvers = getIn(current, ['spec', 'acme', 'solvers']);
  const list = Array.isArray(solvers) ? solvers : [];
  const changes: string[] = [];
  const newSolvers = list.map((s, i) => (isObj(s) ? rewriteSolver(s, i, intent, changes) : s));
  const manifest = issuerManifest(current, newSolvers);
  next.manifest = manifest;
  if (changes.length === 0) {
    next.action = 'unchanged';
    next.reason = intent.type === 'issuer-dns01' ? 'no HTTP01 solver left' : `every HTTP01 solver already runs as a ServiceAccount`;
    return next;
  }
  const meta: Obj = { name: op.name, ...(op.namespace ? { namespace: op.namespace } : {}), ...(rv ? { resourceVersion: rv } : {}) };
  next.action = 'update';
  next.reason = changes.join('; ');
  next.body = { apiVersion: op.apiVersion, kind: op.kind, metadata: meta, spec: { acme: { solvers: newSolvers } } };
  next.force = true;
  return next;
}

function rewriteSolver(s: Obj, i: number, intent: OpIntent, changes: string[]): Obj {
  const http01 = s['http01'];
  if (!isObj(http01)) return s;
  if (intent.type === 'issuer-dns01') {
    const { http01: _h, ...rest } = s;
    changes.push(`solver ${i + 1}: replace http01 with dns01`);
    return { ...rest, dns01: intent.block };
  }
  if (intent.type !== 'issuer-service-account') return s;
  const out: Obj = { ...s, http01: { ...http01 } };
  const h = out['http01'] as Obj;
  for (const variant of ['ingress', 'gatewayHTTPRoute']) {
    const cfg = h[variant];
    if (!isObj(cfg)) continue;
    // The running controller would drop it (gatewayHTTPRoute.podTemplate before 1.16): write nothing it ignores.
    if (variant === 'gatewayHTTPRoute' && intent.gatewayPodTemplate === false) continue;
    const podTemplate = isObj(cfg['podTemplate']) ? cfg['podTemplate'] : {};
    const spec: Obj = isObj(podTemplate['spec']) ? { ...podTemplate['spec'] } : {};
    let changed = false;
    const had = asString(spec['serviceAccountName']);
    if (!had || (intent.override && had !== intent.serviceAccountName)) {
      spec['serviceAccountName'] = intent.serviceAccountName;
      changes.push(`solver ${i + 1}: ${had ? `serviceAccountName ${had} -> ${intent.serviceAccountName}` : `set serviceAccountName ${intent.serviceAccountName}`}`);
      changed = true;
    }
    // A Pod with its own pull secrets gets none from its ServiceAccount: add ours to that list, never create the list.
    const own = spec['imagePullSecrets'];
    if (intent.podTemplatePullSecrets && intent.pullSecret && Array.isArray(own) && own.length > 0 && !namesOf(own).includes(intent.pullSecret)) {
      spec['imagePullSecrets'] = [...own, { name: intent.pullSecret }];
      changes.push(`solver ${i + 1}: add ${intent.pullSecret} to podTemplate.spec.imagePullSecrets (a Pod with its own pull secrets ignores the ServiceAccount's)`);
      changed = true;
    }
    if (changed) h[variant] = { ...cfg, podTemplate: { ...podTemplate, spec } };
  }
  return out;
}

/** The issuer as a clean manifest for -o yaml: no status, no server-set metadata. */
function issuerManifest(current: Obj, solvers: unknown[]): Obj {
  const meta = isObj(current['metadata']) ? current['metadata'] : {};
  const cleanMeta: Obj = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations']) if (meta[k] !== undefined) cleanMeta[k] = meta[k];
  const annotations = cleanMeta['annotations'];
  if (isObj(annotations) && 'kubectl.kubernetes.io/last-applied-configuration' in annotations) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _l, ...rest } = annotations;
    if (Object.keys(rest).length > 0) cleanMeta['annotations'] = rest;
    else delete cleanMeta['annotations'];
  }
  const spec = isObj(current['spec']) ? current['spec'] : {};
  const acme = isObj(spec['acme']) ? spec['acme'] : {};
  return { apiVersion: current['apiVersion'], kind: current['kind'], metadata: cleanMeta, spec: { ...spec, acme: { ...acme, solvers } } };
}

