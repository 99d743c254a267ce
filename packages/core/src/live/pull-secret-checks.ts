// Folding the registry's answers (--verify-pull-secrets) into the scan report, per namespace.
import { coveringKey } from './docker-config.js';
import type { ImageRef } from './image-ref.js';
import type { IssuerReport, LiveFinding, NamespaceReport, PullSecretCheck, ScanReport } from './report.js';
import type { ScanContext } from './scan.js';
import type { SecretSummary } from './snapshot.js';

/** An issuer needs a fix when its solvers break offline, or any of its namespaces has an error `fix` could address. */
export function issuerNeedsFix(findings: readonly LiveFinding[], key: string, namespaces: readonly NamespaceReport[]): boolean {
  const offline = findings.some((f) => f.issuer === key && f.severity === 'error' && f.rule === 'http01-solver-missing-service-account');
  return offline || namespaces.some((n) => n.problems.some((p) => p.severity === 'error' && p.rule !== 'challenge-pending'));
}

export function issuerReportKey(i: Pick<IssuerReport, 'kind' | 'name' | 'namespace'>): string {
  return i.kind === 'ClusterIssuer' ? `ClusterIssuer/${i.name}` : `Issuer/${i.namespace ?? ''}/${i.name}`;
}

/** The pull secrets to ask about, by namespace: those the solver Pod would carry there, and `also` (fix's own). */
export function secretsToVerify(report: ScanReport, issuerKeys?: readonly string[], also?: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of report.issuers) {
    if (issuerKeys && !issuerKeys.includes(issuerReportKey(i))) continue;
    for (const n of i.namespaces) {
      const names = [...(out.get(n.name) ?? []), ...(n.serviceAccount?.imagePullSecrets.map((s) => s.name) ?? []), ...(also ? [also] : [])];
      out.set(n.name, [...new Set(names)]);
    }
  }
  return out;
}

const FAILED: ReadonlySet<PullSecretCheck['verdict']> = new Set(['rejected', 'forbidden', 'not-found']);

function what(c: PullSecretCheck): string {
  return c.verdict === 'rejected' ? 'refused its credentials (401 Unauthorized)'
    : c.verdict === 'forbidden' ? 'knows its user but does not let it pull the image (403 Forbidden)'
      : 'answered 404 for the image with its credentials';
}

/**
 * Adds the registry's verdicts to each namespace that was asked about. A secret the registry refused
 * is an error unless another of the Pod's secrets authenticates (kubelet tries each in turn: then a
 * warning). What the registry says now replaces what old Pod events said about the same secret.
 */
export function applyPullSecretChecks(report: ScanReport, checks: ReadonlyMap<string, readonly PullSecretCheck[]>, image: ImageRef): void {
  const stale = (f: { rule: string; message: string }, ns: string, asked: ReadonlySet<string>): boolean =>
    f.rule === 'solver-pull-secret-rejected' && [...asked].some((s) => f.message.startsWith(`namespace "${ns}": the registry refused pull secret "${s}" (`));
  for (const i of report.issuers) {
    const key = issuerReportKey(i);
    for (const n of i.namespaces) {
      const answers = checks.get(n.name);
      if (!answers) continue;
      const asked = new Set(answers.map((c) => c.secret));
      n.pullSecretChecks = [...answers, ...(n.pullSecretChecks ?? []).filter((c) => !asked.has(c.secret))];
      report.findings = report.findings.filter((f) => !(f.namespace === n.name && stale(f, n.name, asked)));
      n.problems = n.problems.filter((p) => !stale(p, n.name, asked));
      // Only the secrets the solver Pod carries decide its pull; kubelet tries each in turn.
      const carried = new Set(n.serviceAccount?.imagePullSecrets.map((s) => s.name) ?? []);
      const works = answers.some((c) => c.verdict === 'authenticated' && carried.has(c.secret));
      for (const c of answers.filter((x) => FAILED.has(x.verdict) && carried.has(x.secret))) {
        const message = `namespace "${n.name}": the registry ${image.registry} ${what(c)} for pull secret "${c.secret}" (${c.detail})${works ? '; another pull secret of the solver Pod works, so the pull succeeds' : ''}`;
        const severity = works ? 'warning' : 'error';
        n.problems.push({ rule: 'solver-pull-secret-rejected', severity, message });
        report.findings.push({ rule: 'solver-pull-secret-rejected', severity, message, apiVersion: 'v1', kind: 'Secret', name: c.secret, namespace: n.name, path: null, issuer: key });
      }
    }
    i.needsFix = issuerNeedsFix(report.findings, key, i.namespaces);
  }
  const count = (s: string): number => report.findings.filter((f) => f.severity === s).length;
  report.summary = { ...report.summary, errors: count('error'), warnings: count('warning'), infos: count('info') };
}

/**
 * Why `fix` cannot rely on a pull secret that already exists in a namespace: the registry refused it
 * (asked, or a solver Pod carrying it was refused), or it holds no credentials for the registry.
 */
export function knownBadPullSecret(n: NamespaceReport, secret: SecretSummary | undefined, context: Pick<ScanContext, 'registryKnown' | 'solverImage'>): string | undefined {
  if (!secret) return undefined;
  const redo = 'put working credentials in it, or delete it and run fix again with --pull-secret-source copy:NAMESPACE/NAME';
  const c = n.pullSecretChecks?.find((x) => x.secret === secret.name && FAILED.has(x.verdict));
  if (c) return `exists, but the registry ${what(c)} (${c.detail}); ${redo}`;
  const registries = secret.registries ?? [];
  if (!context.registryKnown || secret.dockerConfigError || (secret.placeholder && registries.length === 0)) return undefined;
  if (coveringKey(registries, context.solverImage) !== undefined) return undefined;
  return `exists, but has no credentials for ${context.solverImage.registry} (it names ${registries.length > 0 ? registries.join(', ') : 'no registry'}); ${redo}`;
}
