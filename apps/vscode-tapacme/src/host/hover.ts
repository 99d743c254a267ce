import * as vscode from 'vscode';
import { findingAt } from '../logic/diagnostics.js';
import { hoverMarkdown } from '../logic/hover.js';
import type { DocumentAnalyses } from './analyses.js';
import { toRange } from './convert.js';

/** Hover on a finding: why the solver Pod fails, and what each fix does. */
export class FindingHover implements vscode.HoverProvider {
  constructor(private readonly analyses: DocumentAnalyses) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const analysis = this.analyses.current(doc);
    if (!analysis) return undefined;
    const offset = doc.offsetAt(position);
    const here = analysis.result.findings.filter((f) => findingAt(f, offset));
    const md = hoverMarkdown(here, analysis.config.settings);
    const first = here[0];
    if (!md || !first?.range) return undefined;
    const content = new vscode.MarkdownString(md);
    content.isTrusted = false;
    return new vscode.Hover(content, toRange(first.range));
  }
}
