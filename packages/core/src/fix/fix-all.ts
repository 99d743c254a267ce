import type { Obj } from '../model/value.js';
import { ParsedFile } from '../parse/parsed-file.js';
import type { SourceFile } from '../service/analyze.js';
import type { Finding } from '../service/finding.js';
import type { Settings } from '../settings.js';
import { SourceText } from '../text/source-text.js';
import type { TextEdit } from '../text/text-edit.js';
import { fix, FixError } from './fix.js';
import type { FixResult, FixStrategy } from './fix.js';
import type { FixNote } from './fix-note.js';
import { planForConsumers, planForFindings } from './plan-service-accounts.js';
import type { ServiceAccountPlan, ServiceAccountRequest } from './plan-service-accounts.js';
import { newPullSecretFindings } from './solver-account-findings.js';

export interface FixAllOptions {
  /** How HTTP01 solvers without a ServiceAccount are fixed. */
  strategy: FixStrategy;
  /** dns01: the content of the dns01 block, e.g. { route53: { region: 'eu-west-1' } }. */
  dns01?: Obj;
  /**
   * Also append solver ServiceAccount documents:
   * - 'consumers': in every namespace the files show obtaining certificates from an issuer, for the
   *   names the files manage or this fix sets, into the issuer's file (`fix --emit-service-account`);
   * - 'findings': in the namespaces `service-account-missing-in-namespace` findings name, into the
   *   finding's file (the editor's fix-all, which sees one document).
   */
  emitServiceAccounts?: 'consumers' | 'findings';
  /**
   * The pull secret the user chose: emitted ServiceAccounts name it (else an existing definition's,
   * 'consumers', else `settings.pullSecretName`), and so do ServiceAccounts given imagePullSecrets.
   */
  pullSecretName?: string;
  /** Opt-in rewrite: name imagePullSecrets entries that have no name after the pull secret (this changes what they mean). */
  replaceEmptyPullSecretNames?: boolean;
  /** Files to leave alone (their input has errors): not fixed, and 'consumers' notes what they would have received. */
  blocked?: ReadonlySet<string>;
}

/** One file's fix: edits against the text as given, or why there are none. */
export interface FileFix {
  fileName: string;
  /** Sorted by offset, all against the original text; empty when nothing changes or the fix failed. */
  edits: TextEdit[];
  /** The text with the edits applied (the original when there are none). */
  text: string;
  changed: boolean;
  /** A `fix-failed` note when the file could not be fixed (nothing in it changes). */
  failed?: FixNote;
  /** What was not done in this file (not-fixed, not-an-append). */
  notes: FixNote[];
}

export interface FixAllResult {
  /** One per file that is not blocked, in the order given. */
  files: FileFix[];
  /** About the whole set (which ServiceAccounts could not be placed), before any file's notes. */
  notes: FixNote[];
}

/**
 * Everything a fix-all does to a set of files, computed once for every shell: the CLI prints, diffs
 * or writes `files`, the editor turns one file's edits into a WorkspaceEdit. `findings` come from
 * analysing the same texts (analyze, analyzeFiles). Each step is checked by `fix` before it counts.
 */
export function fixAll(files: readonly (SourceFile | ParsedFile)[], findings: readonly Finding[], settings: Settings, options: FixAllOptions): FixAllResult {
  const blocked = options.blocked ?? new Set<string>();
  const plan = planServiceAccounts(files, findings, settings, options, blocked);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.fileName ?? '';
    const list = byFile.get(key);
    if (list) list.push(f);
    else byFile.set(key, [f]);
  }
  const fixOne = (file: SourceFile | ParsedFile): FileFix => fixFile(file.fileName, file instanceof ParsedFile ? file : file.text, byFile.get(file.fileName) ?? [], plan?.byFile.get(file.fileName) ?? [], settings, options);
  const open = files.filter((f) => !blocked.has(f.fileName));
  const out = open.map(fixOne);
  if (options.strategy === 'serviceaccount') {
    // ServiceAccounts the fix made solvers' get their pull secrets in the same run.
    const parsed = open.map((f) => (f instanceof ParsedFile ? f : new ParsedFile(f.fileName, f.text)));
    const extra = newPullSecretFindings(parsed, out, findings, settings);
    for (const f of extra) byFile.set(f.fileName ?? '', [...(byFile.get(f.fileName ?? '') ?? []), f]);
    const again = new Set(extra.map((f) => f.fileName ?? ''));
    open.forEach((file, i) => {
      if (again.has(file.fileName)) out[i] = fixOne(parsed[i] as ParsedFile);
    });
  }
  return { files: out, notes: plan?.notes ?? [] };
}

function planServiceAccounts(
  files: readonly (SourceFile | ParsedFile)[],
  findings: readonly Finding[],
  settings: Settings,
  options: FixAllOptions,
  blocked: ReadonlySet<string>,
): ServiceAccountPlan | undefined {
  if (options.emitServiceAccounts === 'findings') {
    return planForFindings(findings, { serviceAccountName: settings.serviceAccountName, pullSecretName: options.pullSecretName ?? settings.pullSecretName });
  }
  if (options.emitServiceAccounts !== 'consumers') return undefined;
  return planForConsumers({
    files: files.map((f) => (f instanceof ParsedFile ? f : new ParsedFile(f.fileName, f.text))),
    findings,
    blocked,
    serviceAccountName: settings.serviceAccountName,
    pullSecretName: options.pullSecretName,
    defaultPullSecret: settings.pullSecretName,
  });
}

/** The strategy's edits, then one append per ServiceAccount request, each verified on its own; all mapped onto the original text. */
function fixFile(fileName: string, input: string | ParsedFile, findings: readonly Finding[], requests: readonly ServiceAccountRequest[], settings: Settings, options: FixAllOptions): FileFix {
  const notes: FixNote[] = [];
  const skipped = (r: FixResult): void => {
    for (const s of r.skipped) notes.push({ code: 'not-fixed', cause: s.code, fileName, message: s.reason, ...(s.finding ? { finding: s.finding } : {}) });
  };
  const original = typeof input === 'string' ? input : input.source.text;
  try {
    const first = fix(input, findings, {
      strategy: options.strategy,
      fileName,
      serviceAccountName: settings.serviceAccountName,
      ...(settings.certManagerVersion ? { certManagerVersion: settings.certManagerVersion } : {}),
      pullSecretName: options.pullSecretName ?? settings.pullSecretName,
      ...(options.replaceEmptyPullSecretNames ? { replaceEmptyPullSecretNames: true } : {}),
      ...(options.dns01 ? { dns01: options.dns01 } : {}),
    });
    skipped(first);
    const edits = first.edits.map((e) => ({ ...e }));
    let text = first.text;
    for (const req of requests) {
      // One call per ServiceAccount name: `fix` verifies each addition on its own.
      const next = fix(text, [], {
        strategy: 'serviceaccount',
        fileName,
        serviceAccountName: req.serviceAccountName,
        emitServiceAccounts: { namespaces: req.namespaces, pullSecretName: req.pullSecretName, ...(req.issuer ? { issuer: req.issuer } : {}) },
      });
      skipped(next);
      for (const e of next.edits) {
        if (e.offset !== text.length || e.length !== 0) {
          notes.push({ code: 'not-an-append', fileName, message: 'an added ServiceAccount was not an append at the end of the file; it was left out' });
          continue;
        }
        appendAtEnd(edits, original, e.newText);
        text += e.newText;
      }
    }
    return { fileName, edits, text, changed: text !== original, notes };
  } catch (e) {
    if (!(e instanceof FixError)) throw e;
    const failed: FixNote = { code: 'fix-failed', cause: e.code, fileName, message: e.message };
    return { fileName, edits: [], text: original, changed: false, failed, notes };
  }
}

/** Appends `newText` to the original text, merged into an edit that already ends there (edits must not touch). */
function appendAtEnd(edits: TextEdit[], original: string, newText: string): void {
  const end = original.length;
  const last = edits.find((e) => e.offset + e.length === end);
  if (last) {
    last.newText += newText;
    return;
  }
  const range = new SourceText(original).rangeAt(end, end);
  edits.push({ offset: end, length: 0, newText, range });
}
