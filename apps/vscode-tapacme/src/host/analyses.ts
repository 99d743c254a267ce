import * as vscode from 'vscode';
import { IncrementalAnalyzer } from '@tapacme/core';
import type { AnalyzeResult, ChangedRange, Finding, Settings } from '@tapacme/core';
import type { ExtensionConfig } from '../logic/config.js';
import { foldChanges } from '../logic/changes.js';
import { diagnosticsOf } from '../logic/diagnostics.js';
import { readConfig, SECTION } from './config.js';
import { toRange, toSeverity } from './convert.js';

/** How long typing pauses before the diagnostics update. */
export const DEBOUNCE_MS = 150;

/** A diagnostic that carries its finding and the document version it was computed for. */
export class FindingDiagnostic extends vscode.Diagnostic {
  constructor(
    range: vscode.Range,
    message: string,
    severity: vscode.DiagnosticSeverity,
    readonly finding: Finding,
    readonly version: number,
  ) {
    super(range, message, severity);
  }
}

export interface Analysis {
  version: number;
  config: ExtensionConfig;
  result: AnalyzeResult;
}

interface Entry {
  /** The document object: an untitled URI is reused by the next untitled document. */
  doc: vscode.TextDocument;
  analyzer: IncrementalAnalyzer;
  /** The document's `tapacme.*` settings, read once; a configuration change drops it (see `configChanged`). */
  config: ExtensionConfig | undefined;
  last?: Analysis;
  /** Where the text changed since the last analysis, so the analyser need not compare texts. */
  changed?: ChangedRange;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Diagnostics of open YAML documents. Each document keeps an incremental analyser, so an edit
 * re-parses only the YAML documents it touched; updates wait for a pause in typing.
 */
export class DocumentAnalyses implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tapacme');
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's diagnostics were replaced (the workspace check drops its stale copy). */
  readonly onDidAnalyze = this.changed.event;

  constructor() {
    this.disposables.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        const entry = this.entries.get(e.document.uri.toString());
        if (entry?.doc === e.document) entry.changed = foldChanges(entry.changed, e.contentChanges);
        this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // An untitled URI is reused: a late close of the previous document must not clear its successor.
        if (this.entries.get(d.uri.toString())?.doc === d) this.forget(d.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        for (const entry of this.entries.values()) entry.config = undefined;
        for (const d of vscode.workspace.textDocuments) this.refresh(d);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.refresh(d);
  }

  static isCandidate(doc: vscode.TextDocument): boolean {
    return doc.languageId === 'yaml';
  }

  /** The analysis of the document's current text: cached when its version is current, else run now. */
  current(doc: vscode.TextDocument): Analysis | undefined {
    if (!DocumentAnalyses.isCandidate(doc)) return undefined;
    const entry = this.entries.get(doc.uri.toString());
    if (entry?.doc === doc && entry.config && entry.last?.version === doc.version) return entry.last;
    return this.run(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!DocumentAnalyses.isCandidate(doc)) return;
    const entry = this.entries.get(doc.uri.toString());
    if (entry?.doc !== doc) {
      this.refresh(doc);
      return;
    }
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      delete entry.timer;
      // The document may have closed meanwhile; a closed document keeps no diagnostics.
      if (!doc.isClosed && this.entries.get(doc.uri.toString()) === entry) this.run(doc);
    }, DEBOUNCE_MS);
  }

  private refresh(doc: vscode.TextDocument): void {
    if (!DocumentAnalyses.isCandidate(doc)) {
      // A document whose language changed away from YAML loses its diagnostics.
      if (this.entries.has(doc.uri.toString())) this.forget(doc.uri);
      return;
    }
    this.run(doc);
  }

  private run(doc: vscode.TextDocument): Analysis | undefined {
    const key = doc.uri.toString();
    let entry = this.entries.get(key);
    const known = entry?.doc === doc ? entry.config : undefined;
    const config = known ?? readConfig(doc.uri);
    if (!config.enable) {
      this.forget(doc.uri);
      return undefined;
    }
    if (entry?.doc !== doc) {
      if (entry?.timer) clearTimeout(entry.timer);
      entry = { doc, analyzer: new IncrementalAnalyzer({ fileName: fileNameOf(doc.uri), settings: config.settings }), config };
      this.entries.set(key, entry);
    } else if (!known) {
      // Read again after a configuration change: the analyser's caches hold findings of the old settings.
      if (!sameSettings(entry.last?.config.settings, config.settings)) entry.analyzer.setSettings(config.settings);
      entry.config = config;
    }
    const changed = entry.changed;
    delete entry.changed;
    const analysis: Analysis = { version: doc.version, config, result: entry.analyzer.analyze(doc.getText(), changed) };
    entry.last = analysis;
    this.collection.set(
      doc.uri,
      diagnosticsOf(analysis.result).map((spec) => {
        const d = new FindingDiagnostic(toRange(spec.range), spec.message, toSeverity(spec.severity), spec.finding, doc.version);
        d.source = spec.source;
        d.code = { value: spec.code.value, target: vscode.Uri.parse(spec.code.target) };
        return d;
      }),
    );
    this.changed.fire(doc.uri);
    return analysis;
  }

  private forget(uri: vscode.Uri): void {
    const entry = this.entries.get(uri.toString());
    if (entry?.timer) clearTimeout(entry.timer);
    this.entries.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** The name findings carry: the path for files, the URI otherwise (untitled, virtual workspaces). */
export function fileNameOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

function sameSettings(a: Settings | undefined, b: Settings): boolean {
  if (!a || a.serviceAccountName !== b.serviceAccountName || a.pullSecretName !== b.pullSecretName) return false;
  const ids = new Set([...Object.keys(a.rules), ...Object.keys(b.rules)]) as Set<keyof Settings['rules']>;
  return [...ids].every((id) => a.rules[id] === b.rules[id]);
}
