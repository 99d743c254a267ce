// Text, JSON and YAML renderings of the scan report. The JSON shape is the documented, stable one.
import { stringify } from 'yaml';
import type { CertificateChainReport, ConditionReport, IssuerReport, NamespaceReport, ScanReport } from '@tapacme/core/live';
import type { Style } from '../output/style.js';

/** The report in its documented key order (issuers and findings first), plus the read warnings. */
export function scanJson(report: ScanReport, readWarnings: readonly string[]): Record<string, unknown> {
  return {
    issuers: report.issuers.map((i) => ({
      kind: i.kind,
      name: i.name,
      namespace: i.namespace,
      ready: i.ready,
      solvers: i.solvers,
      namespaces: i.namespaces.map((n) => ({
        name: n.name,
        evidence: n.evidence,
        certificates: n.certificates,
        serviceAccount: n.serviceAccount,
        problems: n.problems,
        failures: n.failures,
        ...(n.pullSecretChecks ? { pullSecretChecks: n.pullSecretChecks } : {}),
      })),
      apiVersion: i.apiVersion,
      needsFix: i.needsFix,
    })),
    findings: report.findings,
    certManager: report.certManager,
    solverImage: report.solverImage,
    noFixNeeded: report.noFixNeeded,
    unattributedFailures: report.unattributedFailures,
    warnings: [...readWarnings, ...report.warnings],
    summary: report.summary,
  };
}

export function renderScanJson(report: ScanReport, readWarnings: readonly string[]): string {
  return `${JSON.stringify(scanJson(report, readWarnings), null, 2)}\n`;
}

export function renderScanYaml(report: ScanReport, readWarnings: readonly string[]): string {
  return stringify(scanJson(report, readWarnings), { lineWidth: 0 });
}

const issuerLabel = (i: Pick<IssuerReport, 'kind' | 'name' | 'namespace'>): string => (i.namespace ? `${i.kind} ${i.namespace}/${i.name}` : `${i.kind} ${i.name}`);

function sev(s: Style, severity: string): string {
  return severity === 'error' ? s.red('error') : severity === 'warning' ? s.yellow('warning') : s.dim(severity);
}

/** How many healthy namespaces to name before "and N more". */
const HEALTHY_SHOWN = 10;

export function renderScanText(report: ScanReport, readWarnings: readonly string[], s: Style, prog: string): string {
  const out: string[] = [];
  const cm = report.certManager;
  const version = cm.version ? `${cm.version} (${cm.versionSource === 'crd-label' ? 'CRD label' : 'controller image'})` : cm.versionRange ? `${cm.versionRange} (served schema)` : 'version unknown';
  const controller = cm.controllerVersion && cm.controllerVersion !== cm.version
    ? `; controller ${cm.controllerVersion} (${cm.controllerVersionSource === 'option' ? '--cert-manager-version' : cm.controllerVersionSource === 'controller-label' ? 'Deployment label' : 'controller image'})`
    : '';
  out.push(`${s.bold('cert-manager')} ${cm.installed ? version : 'not installed'}${controller}; podTemplate.spec.imagePullSecrets ${cm.podTemplateImagePullSecrets ? 'served' : 'not served'}${cm.secretgen ? '; secretgen-controller installed' : ''}`);
  const img = report.solverImage;
  const source = img.source === 'controller-flag' ? 'controller flag' : img.source === 'option' ? '--solver-image' : img.source === 'default' ? 'cert-manager default' : 'unknown: controller not found';
  out.push(`${s.bold('solver image')} ${img.image} (${source})`);
  for (const w of [...readWarnings, ...report.warnings]) out.push(`${s.yellow('warning:')} ${w}`);
  const nfn = report.noFixNeeded;
  if (nfn) {
    out.push(`${s.green('no fix needed:')} ${nfn.reason} (${nfn.evidence.join(', ')})`);
    if (nfn.strength) out.push(`  ${nfn.strength === 'strong' ? s.green('strong evidence:') : s.yellow('weak evidence:')} ${nfn.strengthReason ?? ''}`);
  }
  out.push('');
  if (report.issuers.length === 0) out.push('No ACME issuers.');
  for (const i of report.issuers) {
    const ready = i.ready ? `  Ready=${i.ready.status}${i.ready.status !== 'True' && i.ready.reason ? ` (${i.ready.reason}${i.ready.message ? `: ${i.ready.message}` : ''})` : ''}` : '';
    out.push(`${s.bold(issuerLabel(i))}  ${i.needsFix ? s.red('needs a fix') : s.green('ok')}${s.dim(ready)}`);
    for (const sv of i.solvers) {
      const what = sv.type === 'http01' ? `http01 ${sv.variant ?? ''}, ${sv.serviceAccountName ? `serviceAccountName ${sv.serviceAccountName}` : 'no serviceAccountName'}${sv.imagePullSecrets.length > 0 ? `, imagePullSecrets ${sv.imagePullSecrets.join(', ')}` : ''}` : sv.type === 'dns01' ? `dns01 ${sv.dns01Provider ?? ''}` : 'invalid';
      out.push(`  solver ${sv.index + 1}: ${what}`);
    }
    const key = i.namespace ? `Issuer/${i.namespace}/${i.name}` : `ClusterIssuer/${i.name}`;
    for (const f of report.findings.filter((x) => x.issuer === key && x.kind === i.kind)) {
      out.push(`  ${sev(s, f.severity)} ${f.rule}${f.path ? ` at ${f.path}` : ''}: ${f.message}`);
    }
    const troubled = i.namespaces.filter((n) => n.problems.length > 0 || n.failures.length > 0);
    const healthy = i.namespaces.filter((n) => n.problems.length === 0 && n.failures.length === 0);
    out.push(`  ${i.namespaces.length === 1 ? '1 namespace obtains' : `${i.namespaces.length} namespaces obtain`} certificates from it${troubled.length > 0 ? `, ${troubled.length} with problems` : ''}`);
    const asked = i.namespaces.filter((n) => n.pullSecretChecks?.some((c) => c.source === 'registry'));
    if (asked.length > 0) {
      const pulls = asked.filter(authenticates).map((n) => n.name);
      const fails = asked.filter((n) => !authenticates(n)).map((n) => n.name);
      out.push(`  registry check: ${pulls.length === 1 ? '1 namespace authenticates' : `${pulls.length} namespaces authenticate`}${pulls.length > 0 ? ` (${listed(pulls)})` : ''}, ${fails.length} do${fails.length === 1 ? 'es' : ''} not${fails.length > 0 ? ` (${listed(fails)})` : ''}`);
    }
    for (const n of troubled) out.push(...namespaceLines(n, s));
    if (healthy.length > 0) {
      const names = healthy.slice(0, HEALTHY_SHOWN).map((n) => n.name).join(', ');
      out.push(`    ${s.green('ok')}: ${names}${healthy.length > HEALTHY_SHOWN ? ` and ${healthy.length - HEALTHY_SHOWN} more (-o json lists all)` : ''}`);
    }
    out.push('');
  }
  if (report.unattributedFailures.length > 0) {
    out.push(s.bold('Failures not matched to an issuer'));
    for (const f of report.unattributedFailures) out.push(`  ${f.namespace}: ${f.kind} ${f.name} ${f.reason}: ${f.message}`);
    out.push('');
  }
  const sum = report.summary;
  const line = `${sum.issuers} ACME issuer${sum.issuers === 1 ? '' : 's'}, ${sum.namespaces} namespace${sum.namespaces === 1 ? '' : 's'}: ${sum.errors} error${sum.errors === 1 ? '' : 's'}, ${sum.warnings} warning${sum.warnings === 1 ? '' : 's'}`;
  out.push(report.issuers.some((i) => i.needsFix) ? `${line}. Fix with \`${prog} fix\` (preview: \`${prog} fix --dry-run=server\`).` : `${line}.`);
  return `${out.join('\n')}\n`;
}

/** The solver Pod would pull there: a secret it carries authenticated with the registry. */
function authenticates(n: NamespaceReport): boolean {
  const carried = new Set(n.serviceAccount?.imagePullSecrets.map((p) => p.name) ?? []);
  return (n.pullSecretChecks ?? []).some((c) => c.source === 'registry' && c.verdict === 'authenticated' && carried.has(c.secret));
}

function listed(names: readonly string[]): string {
  return `${names.slice(0, HEALTHY_SHOWN).join(', ')}${names.length > HEALTHY_SHOWN ? ` and ${names.length - HEALTHY_SHOWN} more` : ''}`;
}

function namespaceLines(n: NamespaceReport, s: Style): string[] {
  const ev = n.evidence.map((e) => `${e.kind} ${e.name}${e.via === 'annotation' ? ' (annotation)' : ''}`).join(', ');
  const lines = [`    ${s.bold(n.name)}  ${s.dim(ev)}`];
  const sa = n.serviceAccount;
  if (sa) {
    const secrets = sa.imagePullSecrets.map((p) => `${p.name}${!p.exists ? ' (missing)' : !p.dockerConfigJson ? ' (not dockerconfigjson)' : p.coversRegistry === false ? ' (other registry)' : ''}`);
    lines.push(`      ServiceAccount ${sa.name}${sa.configured ? '' : ' (default: the issuer names none)'}: ${sa.exists ? `exists${secrets.length > 0 ? `, pull secrets ${secrets.join(', ')}` : ', no pull secrets'}` : 'missing'}`);
  }
  const checks = n.pullSecretChecks ?? [];
  if (checks.length > 0) lines.push(`      pull secrets against the registry: ${checks.map((c) => `${c.secret} ${c.verdict === 'authenticated' ? s.green(c.verdict) : s.red(c.verdict)} (${c.source === 'registry' ? c.detail : `from ${c.detail}`})`).join('; ')}`);
  for (const p of n.problems) lines.push(`      ${sev(s, p.severity)} ${p.rule}: ${p.message}`);
  for (const c of n.certificates) lines.push(...certificateLines(c, s));
  for (const f of n.failures) {
    const runsAs = f.serviceAccountName !== undefined
      ? ` (runs as ServiceAccount ${f.serviceAccountName}, ${f.imagePullSecrets && f.imagePullSecrets.length > 0 ? `pull secrets ${f.imagePullSecrets.join(', ')}` : 'no pull secrets'})`
      : '';
    lines.push(`      ${s.dim(`${f.kind} ${f.name}: ${f.reason}${f.message ? `: ${f.message}` : ''}${runsAs}`)}`);
  }
  return lines;
}

const cond = (c: ConditionReport | null, name: string): string => (c ? `${name}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.status !== 'True' && c.message ? `: ${c.message}` : ''}` : `${name} unknown`);

/** A Certificate that is not Ready and what stands behind it, as `cmctl status certificate` walks it. */
function certificateLines(c: CertificateChainReport, s: Style): string[] {
  const lines = [`      ${s.dim(`Certificate ${c.name}: ${cond(c.ready, 'Ready')}`)}`];
  if (c.request) lines.push(`        ${s.dim(`CertificateRequest ${c.request.name}: ${cond(c.request.approved, 'Approved')}; ${cond(c.request.ready, 'Ready')}`)}`);
  if (c.order) lines.push(`        ${s.dim(`Order ${c.order.name}: ${c.order.state ?? 'no state yet'}${c.order.reason ? `: ${c.order.reason}` : ''}`)}`);
  for (const ch of c.challenges) lines.push(`        ${s.dim(`Challenge ${ch.name} (${ch.type ?? '?'}): ${ch.state ?? 'no state yet'}${ch.reason ? `: ${ch.reason}` : ''}`)}`);
  return lines;
}
