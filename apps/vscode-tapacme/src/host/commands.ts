import * as vscode from 'vscode';
import { namespaceChoices } from '@tapacme/core';
import type { Finding, FindingOf } from '@tapacme/core';
import { rematch } from '../logic/diagnostics.js';
import { dns01Snippet, providerPicks } from '../logic/dns01-snippet.js';
import { emitPlan, fixAllPlan, issuerLabel, quickFixesFor, serviceAccountPlan } from '../logic/fixes.js';
import type { EditPlan } from '../logic/fixes.js';
import { validNamespace } from '../logic/namespaces.js';
import { fileNameOf } from './analyses.js';
import type { Analysis, DocumentAnalyses } from './analyses.js';
import type { FixArgs } from './code-actions.js';
import { toWorkspaceEdit } from './convert.js';

/** What a fix command did; returned for the integration tests, ignored by VS Code. */
export type FixCommandResult = 'applied' | 'stale' | 'cancelled' | 'failed';

export class FixCommands {
  constructor(private readonly analyses: DocumentAnalyses) {}

  /**
   * Apply a quick fix computed for `args.version`. When the document changed since, the finding is
   * looked up in a fresh analysis and the edit computed again; a finding that is gone changes nothing.
   */
  async applyFix(args: FixArgs): Promise<FixCommandResult> {
    const target = await this.target(args);
    if (!target) return 'stale';
    const { doc, analysis, finding, current } = target;
    let plan: EditPlan | undefined = current ? args.plan : undefined;
    if (!plan) {
      const settings = analysis.config.settings;
      if (args.kind === 'serviceaccount') plan = serviceAccountPlan(doc.getText(), fileNameOf(doc.uri), [finding], settings);
      else if (args.kind === 'emit-service-account' && args.namespace !== undefined) {
        plan = emitPlan(doc.getText(), fileNameOf(doc.uri), { namespace: args.namespace, serviceAccountName: missingAccount(finding)?.serviceAccount ?? settings.serviceAccountName, pullSecretName: settings.pullSecretName, issuer: missingAccount(finding)?.issuer });
      } else if (args.kind === 'pull-secret-entry' || args.kind === 'pull-secrets-add' || args.kind === 'pull-secret-name') {
        plan = quickFixesFor(doc.getText(), fileNameOf(doc.uri), finding, settings).find((o) => o.kind === args.kind)?.plan;
        if (!plan) return 'failed';
      } else return 'failed';
    }
    return this.apply(doc, plan);
  }

  /** "Convert solver to DNS01…": pick a provider, then fill its fields in a snippet. */
  async convertToDns01(args: FixArgs, providerKey?: string): Promise<FixCommandResult> {
    let key = providerKey;
    if (!key) {
      const pick = await vscode.window.showQuickPick(
        providerPicks().map((p) => ({ label: p.label, description: p.description, detail: p.detail, key: p.key })),
        { title: 'Convert solver to DNS01', placeHolder: 'DNS provider that serves the certificate\'s domains', matchOnDescription: true, matchOnDetail: true },
      );
      if (!pick) return 'cancelled';
      key = pick.key;
    }
    // The quick pick waits for the user: the document may have changed meanwhile.
    const target = await this.target(args);
    if (!target) return 'stale';
    const { doc, finding } = target;
    const s = dns01Snippet(doc.getText(), fileNameOf(doc.uri), finding, key);
    if ('error' in s) {
      void vscode.window.showWarningMessage(`tapacme: cannot convert this solver: ${s.error}`);
      return 'failed';
    }
    const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false, preview: false });
    const range = new vscode.Range(doc.positionAt(s.offset), doc.positionAt(s.offset + s.length));
    // keepWhitespace: the core already indented every line; VS Code must not indent them again.
    const ok = await editor.insertSnippet(new vscode.SnippetString(s.snippet), range, { keepWhitespace: true, undoStopBefore: true, undoStopAfter: true });
    return ok ? 'applied' : 'failed';
  }

  /** "Add ServiceAccount manifest…": for a namespace the file shows, or one the user types. */
  async addServiceAccountManifest(args: FixArgs, namespace?: string): Promise<FixCommandResult> {
    let ns = namespace ?? args.namespace;
    if (ns === undefined) {
      const before = await this.target(args);
      if (!before) return 'stale';
      ns = await pickNamespace(before.doc.getText(), fileNameOf(before.doc.uri), before.finding);
      if (ns === undefined) return 'cancelled';
    }
    const target = await this.target(args);
    if (!target) return 'stale';
    const { doc, analysis, finding } = target;
    const settings = analysis.config.settings;
    const serviceAccountName = missingAccount(finding)?.serviceAccount ?? settings.serviceAccountName;
    return this.apply(doc, emitPlan(doc.getText(), fileNameOf(doc.uri), { namespace: ns, serviceAccountName, pullSecretName: settings.pullSecretName, issuer: missingAccount(finding)?.issuer ?? issuerLabel(finding) }));
  }

  /** "tapacme: Fix all in file". */
  async fixAll(uri?: string | vscode.Uri): Promise<FixCommandResult> {
    const doc = uri ? await vscode.workspace.openTextDocument(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri) : vscode.window.activeTextEditor?.document;
    if (!doc) return 'cancelled';
    const analysis = this.analyses.current(doc);
    if (!analysis) {
      void vscode.window.showInformationMessage('tapacme: this is not a YAML document, or tapacme.enable is off.');
      return 'cancelled';
    }
    const plan = fixAllPlan(doc.getText(), fileNameOf(doc.uri), analysis.result.findings, analysis.config.settings);
    if (plan.edits.length === 0 && plan.notes.length === 0) {
      void vscode.window.showInformationMessage('tapacme: nothing to fix in this file.');
      return 'applied';
    }
    return this.apply(doc, plan);
  }

  private async apply(doc: vscode.TextDocument, plan: EditPlan): Promise<FixCommandResult> {
    if (plan.notes.length > 0) void vscode.window.showWarningMessage(`tapacme: ${plan.notes.join('; ')}`);
    if (plan.edits.length === 0) return 'failed';
    return (await vscode.workspace.applyEdit(toWorkspaceEdit(doc, plan.edits))) ? 'applied' : 'failed';
  }

  /** The document and the finding as they are now; `current` says whether the pinned version still holds. */
  private async target(args: FixArgs): Promise<{ doc: vscode.TextDocument; analysis: Analysis; finding: Finding; current: boolean } | undefined> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    const analysis = this.analyses.current(doc);
    if (!analysis) return undefined;
    if (doc.version === args.version) return { doc, analysis, finding: args.finding, current: true };
    const finding = rematch(args.finding, analysis.result.findings);
    if (!finding) {
      void vscode.window.showInformationMessage('tapacme: the document changed and this problem is gone; nothing was changed.');
      return undefined;
    }
    return { doc, analysis, finding, current: false };
  }
}

async function pickNamespace(text: string, fileName: string, finding: Finding): Promise<string | undefined> {
  const OTHER = 'Other namespace…';
  const NONE = '(no namespace: the namespace of the apply)';
  const choices = namespaceChoices(text, fileName, finding);
  const pick = await vscode.window.showQuickPick([...choices.map((c) => ({ label: c.namespace, detail: c.reason })), { label: OTHER, detail: 'type a namespace' }, { label: NONE, detail: 'write no metadata.namespace' }], {
    title: 'Add ServiceAccount manifest',
    placeHolder: 'Namespace the solver Pod runs in (the Certificate\'s namespace)',
  });
  if (!pick) return undefined;
  if (pick.label === NONE) return '';
  if (pick.label !== OTHER) return pick.label;
  return vscode.window.showInputBox({ title: 'Add ServiceAccount manifest', prompt: 'Namespace', validateInput: (v) => validNamespace(v.trim()) ?? (v.trim() === '' ? 'type a namespace' : undefined) }).then((v) => v?.trim());
}

/** What a missing-ServiceAccount finding names; undefined for other findings. */
function missingAccount(f: Finding): FindingOf<'service-account-missing-in-namespace'>['data'] | undefined {
  return f.rule === 'service-account-missing-in-namespace' ? f.data : undefined;
}
