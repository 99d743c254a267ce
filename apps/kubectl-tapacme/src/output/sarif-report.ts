import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rules } from '@tapacme/core';
import type { Severity } from '@tapacme/core';
import { STDIN_NAME } from '../input/collect-inputs.js';
import { VERSION } from '../version.js';
import type { Report } from './report.js';

const README = 'https://github.com/tapacme/tapacme/blob/main/packages/core/README.md';

/** GitHub's heading anchor: lower case, punctuation other than - and _ dropped ("1.12" -> "112"). */
export function githubAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

export function ruleHelpUri(ruleId: string): string {
  return `${README}#${githubAnchor(ruleId)}`;
}

const level = (s: Severity): 'error' | 'warning' | 'note' => (s === 'info' ? 'note' : s);

/**
 * SARIF 2.1.0 for code-scanning services. Paths under the working directory are relative to the
 * SRCROOT base (what GitHub expects); others are file: URIs. Input errors become tool notifications.
 */
export function sarifReport(report: Report, cwd: string = process.cwd()): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id as string, i]));
  const srcRoot = pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href;
  const artifact = (file: string): { uri: string; uriBaseId?: string } => {
    if (file === STDIN_NAME) return { uri: 'stdin' };
    const abs = resolve(cwd, file);
    const rel = relative(cwd, abs);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
      return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
    }
    return { uri: pathToFileURL(abs).href };
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tapacme',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: 'https://github.com/tapacme/tapacme',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              helpUri: ruleHelpUri(r.id),
              help: { text: `${r.why}\nSee ${ruleHelpUri(r.id)}` },
              defaultConfiguration: { level: level(r.defaultSeverity) },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: e.message },
              descriptor: { id: e.code },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: artifact(e.file),
                    ...(e.line === null ? {} : { region: { startLine: e.line, ...(e.column === null ? {} : { startColumn: e.column }) } }),
                  },
                },
              ],
            })),
          },
        ],
        originalUriBaseIds: { SRCROOT: { uri: srcRoot } },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
          level: level(f.severity),
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(f.file),
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
              logicalLocations: [
                {
                  name: f.name ?? '(unnamed)',
                  kind: 'object',
                  fullyQualifiedName: [f.kind, f.namespace, f.name ?? '(unnamed)'].filter((x) => x !== null).join('/'),
                },
              ],
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
