import { certificateConsumers } from '../model/certificate-consumers.js';
import type { ConsumerEvidence } from '../model/certificate-consumers.js';
import { isIssuer, issuerKeyOf, solversOf } from '../model/issuer.js';
import type { JsonPath, ManifestObject, ObjectRef } from '../model/manifest-object.js';
import { asString, getIn, isObj } from '../model/value.js';
import type { Severity } from '../rules/rule.js';
import { analyzeObjects } from '../service/analyze.js';
import type { Settings } from '../settings.js';
import { dns01Providers } from '../dns01/registry.js';
import { certManagerReport, solverImageReport } from './cert-manager.js';
import { DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_TYPE, coveringKey } from './docker-config.js';
import type { ImageRef } from './image-ref.js';
import type {
  EvidenceReport, FailureReport, IssuerReport, LiveFinding, LiveRuleId, NamespaceReport, ProblemReport, PullSecretCheck, PullSecretReport, ScanReport,
  ServiceAccountReport, SolverReport,
} from './report.js';
import type { LiveSnapshot, PodSummary, SecretSummary } from './snapshot.js';
import { pullsWithoutSecrets } from './no-fix-needed.js';
import { issuerNeedsFix } from './pull-secret-checks.js';
import { podEventMessages, refusedCheck, refusedMessage, refusedPullSecrets } from './pull-refused.js';
import { SnapshotIndex, challengeIssuerKey, serviceAccountPullSecrets } from './snapshot-index.js';
import { http01PodConfigs, isAcmeIssuer } from './solver-config.js';
import { fieldsIgnoredByController, servedPodTemplateFieldsIgnored } from './version-skew.js';
import { CertificateChains, conditionOf } from './certificate-chain.js';
import type { Http01PodConfig } from './solver-config.js';

export interface ScanOptions {
  settings?: Partial<Settings>;
  /** The solver image, when the controller Deployment cannot be read (or to check another one). */
  solverImage?: string;
  /** The running controller's version ("v1.11.5", "1.11"), when its Deployment cannot be read or tells none. */
  certManagerVersion?: string;
}

/** Image pull failures kubelet reports in a container's waiting reason. */
const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'RegistryUnavailable']);
const SA_LOOKUP = /error looking up service account/i;
/** Challenge states after which nothing more happens for it. */
const VALID_STATES = new Set(['valid']);

interface Problem extends ProblemReport {
  object: ObjectRef;
}

/** What a scan computed beyond the report, for planning a fix from the same facts. */
export interface ScanContext {
  index: SnapshotIndex;
  solverImage: ImageRef;
  /** The registry is known (from the controller or an option), so coverage can be decided. */
  registryKnown: boolean;
  /** Pulling the solver image needs credentials (a private registry, and no evidence to the contrary). */
  pullNeedsCredentials: boolean;
  /** ACME issuers by key, as listed. */
  issuers: Map<string, ManifestObject>;
}

export interface ScanResult {
  report: ScanReport;
  context: ScanContext;
}

export function formatPath(path: JsonPath): string | null {
  if (path.length === 0) return null;
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** The scan: every ACME issuer, the namespaces that obtain certificates from it, and what stops its solver Pods there. */
export function scanCluster(snapshot: LiveSnapshot, options: ScanOptions = {}): ScanResult {
  const index = new SnapshotIndex(snapshot);
  const certManager = certManagerReport(snapshot.crds, snapshot.controller, options.certManagerVersion ? { certManagerVersion: options.certManagerVersion } : {});
  const { report: solverImage, ref: imageRef } = solverImageReport(snapshot.controller, certManager.version, options.solverImage);
  const registryKnown = solverImage.source !== 'unknown';
  const warnings: string[] = [];
  if (!certManager.installed) warnings.push('cert-manager\'s CRDs are not installed (no clusterissuers.cert-manager.io): nothing to scan');
  if (!snapshot.controller && !options.solverImage) {
    warnings.push('the cert-manager controller Deployment was not found, so the solver image (--acme-http01-solver-image) is unknown; pass --solver-image to check pull secrets against its registry');
  }

  const solverPullFailures = index.solverPods.filter((p) => p.containers.some((c) => c.waitingReason && PULL_FAILURES.has(c.waitingReason)));
  const noFixNeeded = solverImage.public
    ? { reason: `the solver image ${solverImage.image} is cert-manager's public default; nodes pull it without credentials`, evidence: [`${snapshot.controller ? `Deployment ${snapshot.controller.namespace}/${snapshot.controller.name}` : 'the controller'} sets no --acme-http01-solver-image`] }
    : registryKnown && solverPullFailures.length === 0
      ? pullsWithoutSecrets(snapshot.pods, index.solverPods, imageRef)
      : null;
  const pullNeedsCredentials = noFixNeeded === null;

  const issuers = snapshot.issuers.filter((o) => isIssuer(o) && isAcmeIssuer(o));
  issuers.sort((a, b) => issuerKeyOf(a).localeCompare(issuerKeyOf(b)));
  const issuerByKey = new Map(issuers.map((i) => [issuerKeyOf(i), i]));
  const consumers = certificateConsumers([...snapshot.issuers, ...snapshot.certificates, ...snapshot.ingresses, ...snapshot.gateways, ...snapshot.challenges]);
  const failures = attributeFailures(snapshot, index, issuerByKey, consumers, registryKnown ? imageRef : undefined);

  const findings: LiveFinding[] = [];
  for (const f of analyzeObjects(issuers, options.settings)) {
    let severity: Severity = f.severity;
    let message = f.message;
    if (f.rule === 'http01-solver-missing-service-account' && noFixNeeded) {
      severity = 'info';
      message = `${message} (no fix needed in this cluster: ${noFixNeeded.reason})`;
    }
    findings.push({
      rule: f.rule, severity, message, apiVersion: f.object.apiVersion, kind: f.object.kind, name: f.object.name ?? null, namespace: f.object.namespace ?? null,
      path: formatPath(f.path), issuer: issuerKey(f.object),
    });
  }

  const running = certManager.controllerVersion;
  if (running) {
    const served = servedPodTemplateFieldsIgnored(snapshot.crds.podTemplateSpecFields, running);
    if (served.length > 0) {
      warnings.push(`the served CRDs${certManager.version ? ` (${certManager.version})` : ''} accept ${served.map((f) => `${f.field} (${f.since}+)`).join(', ')}, which the running controller ${running} ignores: issuers may set them and nothing happens`);
    }
    for (const issuer of issuers) {
      for (const f of fieldsIgnoredByController(issuer, running)) {
        findings.push({
          rule: 'field-ignored-by-controller', severity: 'warning', apiVersion: issuer.apiVersion, kind: issuer.kind, name: issuer.name ?? null, namespace: issuer.namespace ?? null,
          path: formatPath(f.path), issuer: issuerKey(issuer),
          message: `${formatPath(f.path) ?? f.field} is ignored by the running cert-manager controller ${running} (read from ${f.since}): the controller drops it when it builds the solver`,
        });
      }
    }
  }

  const chains = new CertificateChains(snapshot.certificateRequests ?? [], snapshot.orders ?? [], snapshot.challenges);
  // Certificates that are not Ready, by issuer and namespace: one pass, not one per namespace (100,000 x 10,000).
  const notReady = new Map<string, ManifestObject[]>();
  for (const c of snapshot.certificates) {
    if ((conditionOf(c, 'Ready')?.status ?? 'True') === 'True') continue;
    const k = `${challengeIssuerKey(c)}\u0000${c.namespace ?? ''}`;
    const list = notReady.get(k);
    if (list) list.push(c);
    else notReady.set(k, [c]);
  }
  const certificatesOf = (key: string, ns: string): ManifestObject[] => notReady.get(`${key}\u0000${ns}`) ?? [];
  const reports: IssuerReport[] = [];
  const ctx: NsContext = { index, imageRef, registryKnown, pullNeedsCredentials, podTemplatePullSecrets: certManager.podTemplateImagePullSecrets };
  for (const issuer of issuers) {
    const key = issuerKeyOf(issuer);
    const configs = http01PodConfigs(issuer);
    const perNs = consumers.get(key) ?? new Map<string, ConsumerEvidence[]>();
    const namespaces: NamespaceReport[] = [];
    for (const ns of [...perNs.keys()].filter((n) => n !== '').sort()) {
      const problems: Problem[] = [];
      const serviceAccount = configs.length > 0 ? configs.map((c) => serviceAccountIn(ns, c, ctx, problems))[0] ?? null : null;
      const nsFailures = failures.byIssuerNs.get(`${key}\u0000${ns}`) ?? { failures: [], problems: [], checks: [] };
      problems.push(...nsFailures.problems);
      const unique = dedupeProblems(problems);
      namespaces.push({
        name: ns,
        evidence: evidenceOf(perNs.get(ns) ?? []),
        certificates: certificatesOf(key, ns).map((c) => chains.of(c)),
        serviceAccount,
        failures: nsFailures.failures,
        problems: unique.map(({ rule, severity, message }) => ({ rule, severity, message })),
        ...(nsFailures.checks.length > 0 ? { pullSecretChecks: nsFailures.checks } : {}),
      });
      for (const p of unique) {
        findings.push({ rule: p.rule, severity: p.severity, message: p.message, apiVersion: p.object.apiVersion, kind: p.object.kind, name: p.object.name ?? null, namespace: p.object.namespace ?? null, path: null, issuer: key });
      }
    }
    reports.push({
      kind: issuer.kind as IssuerReport['kind'],
      name: issuer.name ?? '',
      namespace: issuer.kind === 'ClusterIssuer' ? null : (issuer.namespace ?? null),
      apiVersion: issuer.apiVersion,
      ready: conditionOf(issuer, 'Ready'),
      solvers: solverReports(issuer),
      namespaces,
      needsFix: issuerNeedsFix(findings, key, namespaces),
    });
  }

  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const report: ScanReport = {
    certManager,
    solverImage,
    noFixNeeded,
    issuers: reports,
    findings,
    unattributedFailures: failures.unattributed,
    warnings,
    summary: { issuers: reports.length, namespaces: new Set(reports.flatMap((r) => r.namespaces.map((n) => n.name))).size, errors: count('error'), warnings: count('warning'), infos: count('info') },
  };
  return { report, context: { index, solverImage: imageRef, registryKnown, pullNeedsCredentials, issuers: issuerByKey } };
}

function issuerKey(o: ObjectRef): string | null {
  if (o.kind === 'ClusterIssuer') return `ClusterIssuer/${o.name ?? ''}`;
  if (o.kind === 'Issuer') return `Issuer/${o.namespace ?? ''}/${o.name ?? ''}`;
  return null;
}

interface NsContext {
  index: SnapshotIndex;
  imageRef: ImageRef;
  registryKnown: boolean;
  pullNeedsCredentials: boolean;
  podTemplatePullSecrets: boolean;
}

function evidenceOf(list: readonly ConsumerEvidence[]): EvidenceReport[] {
  const seen = new Set<string>();
  const out: EvidenceReport[] = [];
  for (const e of list) {
    const k = `${e.via}/${e.object.kind}/${e.object.name ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ via: e.via, kind: e.object.kind, name: e.object.name ?? '' });
  }
  const order = { issuerRef: 0, annotation: 1, 'namespaced-issuer': 2 };
  return out.sort((a, b) => order[a.via] - order[b.via] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

function pullSecretReport(ns: string, name: string, from: PullSecretReport['from'], ctx: NsContext): PullSecretReport {
  const s = ctx.index.secret(ns, name);
  const docker = !!s && (s.type === DOCKER_CONFIG_JSON_TYPE || s.type === DOCKER_CFG_TYPE) && !s.dockerConfigError;
  return {
    name,
    from,
    exists: !!s,
    type: s?.type ?? null,
    dockerConfigJson: docker,
    placeholder: s?.placeholder ?? false,
    coversRegistry: !s || !docker ? (s ? false : null) : ctx.registryKnown ? coveringKey(s.registries ?? [], ctx.imageRef) !== undefined : null,
  };
}

/** The ServiceAccount one HTTP01 solver's Pods run as in `ns`, and what keeps them from pulling. */
function serviceAccountIn(ns: string, cfg: Http01PodConfig, ctx: NsContext, problems: Problem[]): ServiceAccountReport {
  const name = cfg.serviceAccountName ?? 'default';
  const sa = ctx.index.serviceAccount(ns, name);
  const podOwn = ctx.podTemplatePullSecrets ? cfg.podPullSecrets : [];
  const secrets = podOwn.length > 0
    ? podOwn.map((n) => pullSecretReport(ns, n, 'podTemplate', ctx))
    : serviceAccountPullSecrets(sa).map((n) => pullSecretReport(ns, n, 'serviceAccount', ctx));
  const saRef: ObjectRef = { apiVersion: 'v1', kind: 'ServiceAccount', name, namespace: ns };
  if (!sa) {
    problems.push({
      rule: 'service-account-missing-in-namespace',
      severity: 'error',
      object: saRef,
      message: cfg.serviceAccountName
        ? `namespace "${ns}": the solver Pod runs as ServiceAccount "${name}", which does not exist there, so the API server rejects it ("error looking up service account ${ns}/${name}")`
        : `namespace "${ns}": the issuer sets no serviceAccountName, so the solver Pod runs as "default", which does not exist there; the API server rejects the Pod`,
    });
  } else if (ctx.pullNeedsCredentials) {
    pullProblems(ns, name, secrets, podOwn.length > 0, ctx, problems);
  }
  return { name, configured: cfg.serviceAccountName !== undefined, exists: !!sa, imagePullSecrets: secrets };
}

function pullProblems(ns: string, sa: string, secrets: readonly PullSecretReport[], fromPodTemplate: boolean, ctx: NsContext, problems: Problem[]): void {
  const usable = (s: PullSecretReport): boolean => s.exists && s.dockerConfigJson && (ctx.registryKnown ? s.coversRegistry === true : !isEmptyPlaceholder(ctx.index.secret(ns, s.name)));
  if (secrets.some(usable)) return;
  const registry = ctx.registryKnown ? ctx.imageRef.registry : 'the solver image\'s registry';
  const where = fromPodTemplate ? 'the issuer\'s podTemplate.spec.imagePullSecrets' : `ServiceAccount "${sa}"`;
  if (secrets.length === 0) {
    problems.push({
      rule: 'solver-no-pull-secrets', severity: 'error', object: { apiVersion: 'v1', kind: 'ServiceAccount', name: sa, namespace: ns },
      message: `namespace "${ns}": ServiceAccount "${sa}" has no imagePullSecrets, so the solver Pod cannot pull ${ctx.registryKnown ? formatRef(ctx.imageRef) : 'its image'} from ${registry} (ErrImagePull)`,
    });
    return;
  }
  for (const s of secrets) {
    const object: ObjectRef = { apiVersion: 'v1', kind: 'Secret', name: s.name, namespace: ns };
    const summary = ctx.index.secret(ns, s.name);
    if (!s.exists) {
      problems.push({ rule: 'solver-pull-secret-missing', severity: 'error', object, message: `namespace "${ns}": pull secret "${s.name}" named by ${where} does not exist` });
    } else if (!s.dockerConfigJson) {
      const why = summary?.dockerConfigError ? `its docker config cannot be read (${summary.dockerConfigError})` : `it is of type ${s.type ?? 'unknown'}, not kubernetes.io/dockerconfigjson`;
      problems.push({ rule: 'solver-pull-secret-wrong-type', severity: 'error', object, message: `namespace "${ns}": pull secret "${s.name}" named by ${where} cannot be used: ${why}` });
    } else if (isEmptyPlaceholder(summary)) {
      problems.push({
        rule: 'solver-pull-secret-not-filled', severity: 'error', object,
        message: `namespace "${ns}": pull secret "${s.name}" is a secretgen-controller placeholder that has not been filled (no registry credentials); export the registry credentials to this namespace with a SecretExport`,
      });
    } else {
      const keys = summary?.registries ?? [];
      problems.push({
        rule: 'solver-pull-secret-wrong-registry', severity: 'error', object,
        message: `namespace "${ns}": pull secret "${s.name}" has no credentials for ${registry} (it names ${keys.length > 0 ? keys.join(', ') : 'no registry'})`,
      });
    }
  }
}

function isEmptyPlaceholder(s: SecretSummary | undefined): boolean {
  return !!s && s.placeholder && (s.registries ?? []).length === 0;
}

function formatRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}`;
}

function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.rule}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function solverReports(issuer: ManifestObject): SolverReport[] {
  return solversOf(issuer).map((s) => {
    const variant = s.http01Variants[0] ?? null;
    const spec = variant ? getIn(s.value, ['http01', variant, 'podTemplate', 'spec']) : undefined;
    const pullSecrets = isObj(spec) && Array.isArray(spec['imagePullSecrets']) ? spec['imagePullSecrets'] : [];
    const dns01 = s.value['dns01'];
    const type: SolverReport['type'] = s.hasHttp01 && !s.hasDns01 ? 'http01' : s.hasDns01 && !s.hasHttp01 ? 'dns01' : 'invalid';
    return {
      index: s.index,
      type,
      variant,
      serviceAccountName: (isObj(spec) ? asString(spec['serviceAccountName']) : undefined) ?? null,
      imagePullSecrets: pullSecrets.map((e) => (isObj(e) ? asString(e['name']) : typeof e === 'string' ? e : undefined)).filter((n): n is string => !!n),
      dns01Provider: isObj(dns01) ? (dns01Providers.find((p) => dns01[p.key] !== undefined && dns01[p.key] !== null)?.key ?? null) : null,
      selector: s.value['selector'] ?? null,
    };
  });
}

interface Attributed {
  byIssuerNs: Map<string, { failures: FailureReport[]; problems: Problem[]; checks: PullSecretCheck[] }>;
  unattributed: (FailureReport & { namespace: string })[];
}

/** Solver Pods, Challenges and Events, matched to the issuer whose challenge they belong to. */
function attributeFailures(
  snapshot: LiveSnapshot, index: SnapshotIndex, issuers: ReadonlyMap<string, ManifestObject>, consumers: ReadonlyMap<string, ReadonlyMap<string, unknown>>, image: ImageRef | undefined,
): Attributed {
  const byIssuerNs: Attributed['byIssuerNs'] = new Map();
  const unattributed: Attributed['unattributed'] = [];
  const http01Issuers = [...issuers.entries()].filter(([, i]) => http01PodConfigs(i).length > 0);
  const add = (issuer: string | undefined, ns: string, failure: FailureReport, problem?: Problem, check?: PullSecretCheck): void => {
    // A Pod or Event without a known Challenge belongs to the one HTTP01 issuer used in its namespace, if there is exactly one.
    let key = issuer && issuers.has(issuer) ? issuer : undefined;
    if (!key) {
      const candidates = http01Issuers.filter(([k]) => consumers.get(k)?.has(ns));
      if (candidates.length === 1) key = candidates[0]?.[0];
    }
    if (!key) {
      unattributed.push({ ...failure, namespace: ns });
      return;
    }
    const k = `${key}\u0000${ns}`;
    let entry = byIssuerNs.get(k);
    if (!entry) byIssuerNs.set(k, (entry = { failures: [], problems: [], checks: [] }));
    if (!entry.failures.some((f) => f.kind === failure.kind && f.name === failure.name && f.message === failure.message)) entry.failures.push(failure);
    if (problem) entry.problems.push(problem);
    if (check && !entry.checks.some((c) => c.secret === check.secret)) entry.checks.push(check);
  };
  const podIssuer = (p: PodSummary): string | undefined => {
    for (const uid of p.ownerUids) {
      const ch = index.challengeByUid(uid);
      if (ch) return challengeIssuerKey(ch);
    }
    return undefined;
  };

  const podMessages = podEventMessages(snapshot.events);
  for (const p of index.solverPods) {
    const identity = { serviceAccountName: p.serviceAccountName ?? 'default', imagePullSecrets: p.imagePullSecrets };
    let pullFailed = false;
    for (const c of p.containers) {
      if (!c.waitingReason || !PULL_FAILURES.has(c.waitingReason)) continue;
      pullFailed = true;
      const message = c.waitingMessage ?? `cannot pull ${c.image}`;
      add(podIssuer(p), p.namespace, { kind: 'Pod', name: p.name, reason: c.waitingReason, message, ...identity }, {
        rule: 'solver-image-pull-failed', severity: 'error', object: { apiVersion: 'v1', kind: 'Pod', name: p.name, namespace: p.namespace },
        message: `namespace "${p.namespace}": solver Pod ${p.name} cannot pull ${c.image} (${c.waitingReason})${c.waitingMessage ? `: ${c.waitingMessage}` : ''}`,
      });
      // The registry refused the credentials the Pod carried: a wrong password, not a missing secret.
      const refused = image ? refusedPullSecrets(p, [message, ...(podMessages.get(`${p.namespace}/${p.name}`) ?? [])], index, image) : undefined;
      for (const secret of refused?.secrets ?? []) {
        if (!refused || !image) continue;
        add(podIssuer(p), p.namespace, { kind: 'Pod', name: p.name, reason: c.waitingReason, message, ...identity }, {
          rule: 'solver-pull-secret-rejected', severity: 'error', object: { apiVersion: 'v1', kind: 'Secret', name: secret, namespace: p.namespace },
          message: refusedMessage(p.namespace, p.name, secret, refused, image),
        }, refusedCheck(p.name, secret, refused));
      }
    }
    // A solver Pod that is not running yet (not scheduled, or waiting for another reason) is
    // evidence too: it shows the identity and pull secrets the Pod will pull with.
    const running = p.containers.length > 0 && p.containers.every((c) => c.running);
    if (!pullFailed && !running && p.phase !== 'Succeeded') {
      const waiting = p.containers.find((c) => c.waitingReason);
      const reason = p.unscheduled?.reason ?? waiting?.waitingReason ?? p.phase ?? 'Pending';
      const message = p.unscheduled?.message ?? waiting?.waitingMessage ?? '';
      add(podIssuer(p), p.namespace, { kind: 'Pod', name: p.name, reason, message, ...identity });
    }
  }

  for (const ch of snapshot.challenges) {
    const ns = ch.namespace ?? '';
    const state = asString(getIn(ch.value, ['status', 'state'])) ?? '';
    if (VALID_STATES.has(state)) continue;
    const reason = asString(getIn(ch.value, ['status', 'reason'])) ?? '';
    const issuer = challengeIssuerKey(ch);
    const object: ObjectRef = { apiVersion: ch.apiVersion, kind: 'Challenge', name: ch.name ?? '', namespace: ns };
    const failure: FailureReport = { kind: 'Challenge', name: ch.name ?? '', reason: state || 'pending', message: reason };
    if (SA_LOOKUP.test(reason)) {
      add(issuer, ns, failure, { rule: 'solver-pod-forbidden', severity: 'error', object, message: `namespace "${ns}": Challenge ${ch.name ?? ''} cannot create its solver Pod: ${reason}` });
    } else {
      add(issuer, ns, failure, { rule: 'challenge-pending', severity: 'warning', object, message: `namespace "${ns}": Challenge ${ch.name ?? ''} is ${state || 'pending'}${reason ? `: ${reason}` : ''}` });
    }
  }

  for (const e of snapshot.events) {
    if (e.type !== 'Warning') continue;
    const forbidden = SA_LOOKUP.test(e.message);
    let issuer: string | undefined;
    let relevant = forbidden;
    if (e.involvedKind === 'Challenge') {
      const ch = index.challenge(e.namespace, e.involvedName);
      issuer = ch ? challengeIssuerKey(ch) : undefined;
      relevant ||= !!ch;
    } else if (e.involvedKind === 'Pod') {
      const pod = index.pod(e.namespace, e.involvedName);
      if (pod && pod.labels['acme.cert-manager.io/http01-solver'] === 'true') {
        // Every warning about a solver Pod bears on the challenge: pulls, scheduling, admission.
        issuer = podIssuer(pod);
        relevant = true;
      }
    }
    if (!relevant) continue;
    const failure: FailureReport = { kind: 'Event', name: `${e.involvedKind}/${e.involvedName}`, reason: e.reason, message: e.message };
    add(issuer, e.namespace, failure, forbidden
      ? { rule: 'solver-pod-forbidden', severity: 'error', object: { apiVersion: e.involvedKind === 'Challenge' ? 'acme.cert-manager.io/v1' : 'v1', kind: e.involvedKind || 'Event', name: e.involvedName, namespace: e.namespace }, message: `namespace "${e.namespace}": ${e.reason}: ${e.message}` }
      : undefined);
  }
  return { byIssuerNs, unattributed };
}

export type { LiveRuleId };
