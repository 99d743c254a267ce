import * as vscode from 'vscode';
import { analyzeFiles } from '@tapacme/core';
import type { Finding, SourceFile } from '@tapacme/core';
import { diagnosticsOf } from '../logic/diagnostics.js';
import { fileNameOf } from './analyses.js';
import type { DocumentAnalyses } from './analyses.js';
import { readConfig } from './config.js';
import { toRange, toSeverity } from './convert.js';

export interface WorkspaceCheckSummary {
  files: number;
  findings: number;
  filesWithFindings: number;
  unreadable: number;
}

const EXCLUDE = '**/{node_modules,.git,.turbo,dist,out}/**';
/** Files larger than this are generated bundles, not manifests someone edits. */
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * "tapacme: Check workspace": every *.yaml/*.yml file, analysed together (a ServiceAccount in one
 * file counts for Certificates in another), reported to the Problems panel. Open documents keep
 * their live diagnostics; only what the live analysis cannot see (findings across files) is added
 * for them, and a document's entry is dropped as soon as it is edited.
 */
export class WorkspaceCheck implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tapacme-workspace');
  private readonly sub: vscode.Disposable;

  constructor(private readonly analyses: DocumentAnalyses) {
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.collection.delete(e.document.uri);
    });
  }

  async run(): Promise<WorkspaceCheckSummary> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'tapacme: checking workspace' }, async () => {
      const uris = await vscode.workspace.findFiles('**/*.{yaml,yml}', EXCLUDE);
      const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
      const decoder = new TextDecoder('utf-8');
      const files: SourceFile[] = [];
      const byName = new Map<string, vscode.Uri>();
      let unreadable = 0;
      for (const uri of uris) {
        const doc = open.get(uri.toString());
        try {
          const text = doc ? doc.getText() : await readSmall(uri, decoder);
          if (text === undefined) continue;
          files.push({ fileName: fileNameOf(uri), text });
          byName.set(fileNameOf(uri), uri);
        } catch {
          unreadable++;
        }
      }
      const config = readConfig();
      const result = analyzeFiles(files, config.settings);
      const perFile = new Map<string, Finding[]>();
      for (const f of result.findings) {
        if (f.fileName === undefined) continue;
        const list = perFile.get(f.fileName) ?? [];
        list.push(f);
        perFile.set(f.fileName, list);
      }
      this.collection.clear();
      let count = 0;
      for (const [fileName, findings] of perFile) {
        const uri = byName.get(fileName);
        if (!uri) continue;
        const doc = open.get(uri.toString());
        if (doc && !readConfig(uri).enable) continue;
        // What the live diagnostics of an open document already show is not repeated.
        const live = doc ? this.analyses.current(doc)?.result.findings ?? [] : [];
        const extra = findings.filter((f) => !live.some((l) => l.rule === f.rule && l.message === f.message && l.range?.start.offset === f.range?.start.offset));
        count += findings.length;
        this.collection.set(
          uri,
          diagnosticsOf({ findings: extra, errors: [] }).map((spec) => {
            const d = new vscode.Diagnostic(toRange(spec.range), spec.message, toSeverity(spec.severity));
            d.source = spec.source;
            d.code = { value: spec.code.value, target: vscode.Uri.parse(spec.code.target) };
            return d;
          }),
        );
      }
      const summary: WorkspaceCheckSummary = { files: files.length, findings: count, filesWithFindings: perFile.size, unreadable };
      const msg = `tapacme: ${summary.findings} finding${summary.findings === 1 ? '' : 's'} in ${summary.filesWithFindings} of ${summary.files} YAML file${summary.files === 1 ? '' : 's'}${unreadable ? ` (${unreadable} unreadable)` : ''}.`;
      if (summary.findings > 0) {
        void vscode.window.showWarningMessage(msg, 'Show Problems').then((a) => (a ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
      } else void vscode.window.showInformationMessage(msg);
      return summary;
    });
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}

async function readSmall(uri: vscode.Uri, decoder: { decode(bytes: Uint8Array): string }): Promise<string | undefined> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_BYTES) return undefined;
  return decoder.decode(await vscode.workspace.fs.readFile(uri));
}
