import * as vscode from 'vscode';
import type { Finding } from '@tapacme/core';
import { DIAGNOSTIC_SOURCE, rematch } from '../logic/diagnostics.js';
import { fixAllPlan, quickFixesFor, TITLES } from '../logic/fixes.js';
import type { EditPlan, QuickFixKind } from '../logic/fixes.js';
import { FindingDiagnostic, fileNameOf } from './analyses.js';
import type { DocumentAnalyses } from './analyses.js';
import { toWorkspaceEdit } from './convert.js';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('tapacme');

/** Arguments of the commands behind the quick fixes: pinned to the version they were computed for. */
export interface FixArgs {
  uri: string;
  version: number;
  kind: QuickFixKind;
  finding: Finding;
  plan?: EditPlan;
  namespace?: string;
}

export const COMMANDS = {
  applyFix: 'tapacme.applyFix',
  convertToDns01: 'tapacme.convertToDns01',
  addServiceAccountManifest: 'tapacme.addServiceAccountManifest',
  fixAll: 'tapacme.fixAll',
  checkWorkspace: 'tapacme.checkWorkspace',
} as const;

export class CodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(
    private readonly analyses: DocumentAnalyses,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const only = context.only;
    if (only && FIX_ALL_KIND.intersects(only) && !only.contains(vscode.CodeActionKind.QuickFix)) return this.fixAll(doc);
    if (only && !only.intersects(vscode.CodeActionKind.QuickFix)) return [];
    const analysis = this.analyses.current(doc);
    if (!analysis) return [];
    const text = doc.getText();
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = findingOf(diagnostic, doc, analysis.result.findings);
      if (!finding) continue;
      for (const offer of quickFixesFor(text, fileNameOf(doc.uri), finding, analysis.config.settings)) {
        const action = new vscode.CodeAction(offer.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = offer.isPreferred;
        const args: FixArgs = { uri: doc.uri.toString(), version: doc.version, kind: offer.kind, finding, ...(offer.plan ? { plan: offer.plan } : {}), ...(offer.namespace !== undefined ? { namespace: offer.namespace } : {}) };
        const command = offer.kind === 'dns01' ? COMMANDS.convertToDns01 : offer.kind === 'emit-service-account' && offer.namespace === undefined ? COMMANDS.addServiceAccountManifest : COMMANDS.applyFix;
        action.command = { title: offer.title, command, arguments: [args] };
        actions.push(action);
      }
    }
    const fixable = analysis.result.findings.filter((f) => f.rule === 'http01-solver-missing-service-account' || f.rule === 'service-account-missing-in-namespace' || f.fixes.includes('pull-secret-entry') || f.fixes.includes('pull-secrets-add'));
    if (actions.length > 0 && fixable.length > 1) {
      const all = new vscode.CodeAction(TITLES.fixAll, vscode.CodeActionKind.QuickFix);
      all.command = { title: TITLES.fixAll, command: COMMANDS.fixAll, arguments: [doc.uri.toString()] };
      actions.push(all);
    }
    return actions;
  }

  /** source.fixAll.tapacme, for editor.codeActionsOnSave: an edit computed on the text being saved. */
  private fixAll(doc: vscode.TextDocument): vscode.CodeAction[] {
    const analysis = this.analyses.current(doc);
    if (!analysis) return [];
    const plan = fixAllPlan(doc.getText(), fileNameOf(doc.uri), analysis.result.findings, analysis.config.settings);
    this.log.info(`source.fixAll.tapacme for ${doc.uri.toString(true)} v${doc.version}: ${plan.edits.length} edit(s)${plan.notes.length > 0 ? `; ${plan.notes.join('; ')}` : ''}`);
    if (plan.edits.length === 0) return [];
    const action = new vscode.CodeAction('Fix all tapacme problems', FIX_ALL_KIND);
    action.edit = toWorkspaceEdit(doc, plan.edits);
    return [action];
  }
}

/** The diagnostic's own finding when it is current; otherwise the same finding in a fresh analysis. */
function findingOf(diagnostic: vscode.Diagnostic, doc: vscode.TextDocument, fresh: readonly Finding[]): Finding | undefined {
  if (diagnostic instanceof FindingDiagnostic) return diagnostic.version === doc.version ? diagnostic.finding : rematch(diagnostic.finding, fresh);
  // A diagnostic rebuilt by VS Code (no subclass): match by rule and position.
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return fresh.find((f) => f.rule === code && f.range?.start.line === diagnostic.range.start.line && f.range.start.character === diagnostic.range.start.character);
}
