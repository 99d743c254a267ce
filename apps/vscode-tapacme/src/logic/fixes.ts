import { describeRef, fix, FixError, fixAll } from '@tapacme/core';
import type { Finding, FixResult, Settings, TextEdit } from '@tapacme/core';

/** Edits in offsets of the text they were computed on; the host maps them to positions. */
export interface EditPlan {
  edits: TextEdit[];
  /** Why some finding could not be fixed (shown to the user), empty when all went through. */
  notes: string[];
}

/** The quick fixes a finding offers, in the order the light bulb shows them. */
export type QuickFixKind = 'serviceaccount' | 'dns01' | 'emit-service-account' | 'pull-secret-entry' | 'pull-secrets-add' | 'pull-secret-name';

export interface QuickFixOffer {
  kind: QuickFixKind;
  title: string;
  /** Only the fix that resolves the finding by itself is preferred (it powers Auto Fix). */
  isPreferred: boolean;
  /** Edits known now (serviceaccount, and emit for a namespace the finding names); undefined when the user still has to choose. */
  plan?: EditPlan;
  /** emit-service-account: the namespace when the finding names it. */
  namespace?: string;
}

export const TITLES = {
  serviceaccount: 'Add podTemplate ServiceAccount',
  dns01: 'Convert solver to DNS01…',
  emitPick: 'Add ServiceAccount manifest…',
  emitFor: (ns: string): string => (ns === '' ? 'Add ServiceAccount manifest (no namespace)' : `Add ServiceAccount manifest for namespace "${ns}"`),
  pullSecretEntry: (name: string): string => `Write as "- name: ${name}"`,
  pullSecretsAdd: (name: string): string => `Add imagePullSecrets: ${name}`,
  pullSecretName: (name: string): string => `Name the entry "${name}"`,
  fixAll: 'Fix all tapacme problems in this file',
} as const;

/** What the fixes of one finding are, with the edits computed where no choice is needed. */
export function quickFixesFor(text: string, fileName: string, finding: Finding, settings: Settings): QuickFixOffer[] {
  const offers: QuickFixOffer[] = [];
  if (finding.fixes.includes('serviceaccount')) {
    const plan = serviceAccountPlan(text, fileName, [finding], settings);
    // Offered only when the core has an edit: a finding it cannot fix gets no light bulb that does nothing.
    if (plan.edits.length > 0) offers.push({ kind: 'serviceaccount', title: TITLES.serviceaccount, isPreferred: true, plan });
  }
  if (finding.fixes.includes('dns01')) offers.push({ kind: 'dns01', title: TITLES.dns01, isPreferred: false });
  offers.push(...pullSecretOffers(text, fileName, finding, settings));
  if (finding.rule === 'service-account-missing-in-namespace') {
    const namespace = finding.data.namespace;
    const plan = emitPlan(text, fileName, { namespace, serviceAccountName: finding.data.serviceAccount, pullSecretName: settings.pullSecretName, issuer: finding.data.issuer });
    if (plan.edits.length > 0) offers.push({ kind: 'emit-service-account', title: TITLES.emitFor(namespace), isPreferred: true, plan, namespace });
  } else if (finding.rule === 'http01-solver-missing-service-account') {
    // The manifest the preferred fix will need, for a namespace the user picks.
    offers.push({ kind: 'emit-service-account', title: TITLES.emitPick, isPreferred: false });
  }
  return offers;
}

/** The fixes of a ServiceAccount's pull secrets; naming an entry without a name is offered, never preferred, since it changes meaning. */
function pullSecretOffers(text: string, fileName: string, finding: Finding, settings: Settings): QuickFixOffer[] {
  const offers: QuickFixOffer[] = [];
  for (const kind of ['pull-secret-entry', 'pull-secrets-add', 'pull-secret-name'] as const) {
    if (!finding.fixes.includes(kind)) continue;
    const plan = guarded(() => fix(text, [finding], { strategy: 'serviceaccount', fileName, pullSecretName: settings.pullSecretName, replaceEmptyPullSecretNames: kind === 'pull-secret-name' }));
    if (plan.edits.length === 0) continue;
    const secret = kind === 'pull-secret-entry' ? secretOfEntry(text, plan) : settings.pullSecretName;
    const title = kind === 'pull-secret-entry' ? TITLES.pullSecretEntry(secret) : kind === 'pull-secrets-add' ? TITLES.pullSecretsAdd(secret) : TITLES.pullSecretName(secret);
    offers.push({ kind, title, isPreferred: kind !== 'pull-secret-name', plan });
  }
  return offers;
}

/** The secret name a `- x` entry holds: the text right after the inserted `name: `. */
function secretOfEntry(text: string, plan: EditPlan): string {
  const at = plan.edits[0]?.offset ?? 0;
  const m = /^(["']?)([^"'\s,\]]*)\1/.exec(text.slice(at));
  return m?.[2] ?? '';
}

/** podTemplate.spec.serviceAccountName on each solver the findings name. */
export function serviceAccountPlan(text: string, fileName: string, findings: readonly Finding[], settings: Settings): EditPlan {
  return guarded(() => fix(text, findings, { strategy: 'serviceaccount', fileName, serviceAccountName: settings.serviceAccountName }));
}

export interface EmitRequest {
  namespace: string;
  serviceAccountName: string;
  pullSecretName: string;
  issuer?: string | undefined;
}

/** A ServiceAccount document (with the pull secret) appended to the file, in its own style. */
export function emitPlan(text: string, fileName: string, req: EmitRequest): EditPlan {
  return guarded(() =>
    fix(text, [], {
      strategy: 'serviceaccount',
      fileName,
      serviceAccountName: req.serviceAccountName,
      emitServiceAccounts: { namespaces: [req.namespace], pullSecretName: req.pullSecretName, ...(req.issuer ? { issuer: req.issuer } : {}) },
    }),
  );
}

/**
 * Everything `source.fixAll.tapacme` fixes: serviceAccountName on every http01 solver without one,
 * then the ServiceAccount documents that `service-account-missing-in-namespace` findings ask for;
 * all edits refer to the original text. The core's fixAll computes it, as for `kubectl tapacme fix`.
 */
export function fixAllPlan(text: string, fileName: string, findings: readonly Finding[], settings: Settings): EditPlan {
  // Pull secrets are fixed with the solvers; an entry without a name is left for the user to name.
  const result = fixAll([{ fileName, text }], findings, settings, { strategy: 'serviceaccount', emitServiceAccounts: 'findings' });
  const notes = result.notes.map((n) => n.message);
  for (const file of result.files) {
    if (file.failed) notes.push(file.failed.message);
    notes.push(...file.notes.map((n) => n.message));
  }
  return { edits: result.files.flatMap((f) => f.edits), notes };
}

function guarded(run: () => FixResult): EditPlan {
  try {
    const r = run();
    return { edits: r.edits.map((e) => ({ ...e })), notes: r.skipped.map((s) => s.reason) };
  } catch (e) {
    if (e instanceof FixError) return { edits: [], notes: [e.message] };
    throw e;
  }
}

/** "ClusterIssuer letsencrypt", for the comment above a generated ServiceAccount. */
export function issuerLabel(f: Finding): string {
  return describeRef(f.object);
}
