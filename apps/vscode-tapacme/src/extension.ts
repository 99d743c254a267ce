// The tapacme extension: a thin adapter from VS Code to @tapacme/core. It reads text and proposes
// edits; it never talks to a cluster, so activation loads nothing beyond the core.
import * as vscode from 'vscode';
import { DocumentAnalyses } from './host/analyses.js';
import { CodeActions, COMMANDS } from './host/code-actions.js';
import type { FixArgs } from './host/code-actions.js';
import { FixCommands } from './host/commands.js';
import { FindingHover } from './host/hover.js';
import { WorkspaceCheck } from './host/workspace-check.js';

const YAML: vscode.DocumentSelector = [{ language: 'yaml' }];

export function activate(context: vscode.ExtensionContext): { analyses: DocumentAnalyses } {
  const log = vscode.window.createOutputChannel('tapacme', { log: true });
  const analyses = new DocumentAnalyses();
  const commands = new FixCommands(analyses);
  const workspaceCheck = new WorkspaceCheck(analyses);
  context.subscriptions.push(
    log,
    analyses,
    workspaceCheck,
    vscode.languages.registerCodeActionsProvider(YAML, new CodeActions(analyses, log), CodeActions.metadata),
    vscode.languages.registerHoverProvider(YAML, new FindingHover(analyses)),
    vscode.commands.registerCommand(COMMANDS.applyFix, (args: FixArgs) => commands.applyFix(args)),
    vscode.commands.registerCommand(COMMANDS.convertToDns01, (args: FixArgs, provider?: string) => commands.convertToDns01(args, provider)),
    vscode.commands.registerCommand(COMMANDS.addServiceAccountManifest, (args: FixArgs, namespace?: string) => commands.addServiceAccountManifest(args, namespace)),
    vscode.commands.registerCommand(COMMANDS.fixAll, (uri?: string | vscode.Uri) => commands.fixAll(uri)),
    vscode.commands.registerCommand(COMMANDS.checkWorkspace, () => workspaceCheck.run()),
  );
  return { analyses };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
