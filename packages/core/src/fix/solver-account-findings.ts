import { ParsedFile } from '../parse/parsed-file.js';
import { analyzeParsed } from '../service/analyze.js';
import type { Finding } from '../service/finding.js';
import type { Settings } from '../settings.js';
import type { FileFix } from './fix-all.js';

const PULL_SECRET_RULES = new Set<string>(['solver-service-account-without-pull-secrets', 'pull-secret-entry-malformed']);

/**
 * Pull-secret findings that the fixed files raise and the given ones lack: a ServiceAccount becomes
 * a solver's when the fix names it, and its pull secrets then matter. Without them, a second `fix`
 * would change what the first called fixed. Only looked for when a fix set a name and the files
 * hold ServiceAccounts, so a big file without any is not analysed twice.
 */
export function newPullSecretFindings(files: readonly ParsedFile[], fixed: readonly FileFix[], findings: readonly Finding[], settings: Settings): Finding[] {
  if (!fixed.some((f) => f.changed) || !files.some((f) => f.objects.some((o) => o.kind === 'ServiceAccount'))) return [];
  const byName = new Map(fixed.map((f) => [f.fileName, f]));
  const after = files.map((f) => {
    const fix = byName.get(f.fileName);
    return fix?.changed ? new ParsedFile(f.fileName, fix.text) : f;
  });
  const known = new Set(findings.filter((f) => PULL_SECRET_RULES.has(f.rule)).map(keyOf));
  return analyzeParsed(after, settings).findings.filter((f) => PULL_SECRET_RULES.has(f.rule) && !known.has(keyOf(f)));
}

function keyOf(f: Finding): string {
  return JSON.stringify([f.fileName, f.rule, f.docIndex, f.itemPath, f.rule === 'pull-secret-entry-malformed' ? f.data.index : undefined]);
}
