import { ParsedFile } from '../parse/parsed-file.js';
import type { Obj } from '../model/value.js';
import type { Finding } from '../service/finding.js';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from '../settings.js';
import { applyEdits } from '../text/text-edit.js';
import type { TextEdit } from '../text/text-edit.js';
import { dns01Edits } from './dns01-strategy.js';
import { emitServiceAccountEdit } from './emit-service-accounts.js';
import { FixError } from './fix-error.js';
import type { FixOutcome } from './fix-outcome.js';
import { pullSecretEdits } from './pull-secret-edits.js';
import { serviceAccountEdits } from './serviceaccount-strategy.js';
import { verifyFix } from './verify-fix.js';

export type FixStrategy = 'serviceaccount' | 'dns01';

export interface FixOptions {
  strategy: FixStrategy;
  fileName?: string;
  /** serviceaccount: the name to set (default tap-acme-http01-solver). */
  serviceAccountName?: string;
  /** The cert-manager version the issuers are for (default: the newest known): no field it does not serve is written. */
  certManagerVersion?: string;
  /** dns01: the content of the dns01 block, e.g. { route53: { region: 'eu-west-1' } }. */
  dns01?: Obj;
  /** The pull secret ServiceAccounts without imagePullSecrets get (default registry-credentials). */
  pullSecretName?: string;
  /** Also name imagePullSecrets entries that have no name after pullSecretName (this changes what they mean). */
  replaceEmptyPullSecretNames?: boolean;
  /** Also append ServiceAccount documents for these namespaces. */
  emitServiceAccounts?: { namespaces: readonly string[]; pullSecretName?: string; issuer?: string };
}

export interface FixResult {
  edits: TextEdit[];
  /** What could not be fixed, and why. */
  skipped: FixOutcome['skipped'];
  /** The text with the edits applied (equal to the input when there are none). */
  text: string;
}

export { FixError } from './fix-error.js';
export type { FixErrorCode } from './fix-error.js';

/**
 * Edits that fix the given findings in `text` (findings from `analyze` of this same text), given as
 * text or as the ParsedFile the findings came from (which saves reading it again).
 * The edits only insert or replace what the strategy needs; the result is parsed again and checked
 * to hold exactly the intended objects before it is returned, so a fix never corrupts a file.
 */
export function fix(input: string | ParsedFile, findings: readonly Finding[], options: FixOptions): FixResult {
  const given = typeof input === 'string' ? undefined : input;
  const fileName = options.fileName ?? given?.fileName ?? findings.find((f) => f.fileName)?.fileName ?? '<text>';
  const file = given && given.fileName === fileName ? given : new ParsedFile(fileName, typeof input === 'string' ? input : input.source.text);
  const text = file.source.text;
  if (file.errors.length > 0) {
    const e = file.errors[0];
    throw new FixError('input-error', `${fileName}:${e?.line ?? 1}: ${e?.message ?? 'cannot parse'}; nothing was changed`);
  }
  const ownFindings = findings.filter((f) => f.fileName === undefined || f.fileName === fileName);
  const serviceAccountName = options.serviceAccountName || DEFAULT_SERVICE_ACCOUNT;
  let outcome: FixOutcome;
  if (options.strategy === 'serviceaccount') outcome = serviceAccountEdits(file, ownFindings, serviceAccountName, options.certManagerVersion);
  else if (options.dns01) outcome = dns01Edits(file, ownFindings, options.dns01);
  else throw new FixError('dns01-block-missing', 'the dns01 strategy needs a dns01 block (a file or provider flags)');
  // ServiceAccounts' pull secrets are fixed the same way whatever the strategy does to the issuers.
  const pull = pullSecretEdits(file, ownFindings, { pullSecretName: options.pullSecretName || DEFAULT_PULL_SECRET, replaceEmptyNames: options.replaceEmptyPullSecretNames === true });
  outcome.skipped.push(...pull.skipped);
  const edits = [...outcome.edits, ...pull.edits];
  const emit = options.emitServiceAccounts;
  let emitted = 0;
  let appended: TextEdit | undefined;
  if (emit && emit.namespaces.length > 0) {
    if (file.source.text.trimStart().startsWith('{') || file.source.text.trimStart().startsWith('[')) {
      outcome.skipped.push({ code: 'json-cannot-append', reason: 'a JSON file cannot hold extra documents; write the ServiceAccounts to a YAML file instead' });
    } else {
      const e = emitServiceAccountEdit(file, { namespaces: emit.namespaces, serviceAccountName, pullSecretName: emit.pullSecretName || DEFAULT_PULL_SECRET, ...(emit.issuer ? { issuer: emit.issuer } : {}) });
      if (e) {
        appended = e;
        emitted = emit.namespaces.length;
      }
    }
  }
  if (edits.length === 0 && !appended) return { edits, skipped: outcome.skipped, text };
  // Applied in this order, the appended documents come after an insertion at the very end.
  const result = applyEdits(text, appended ? [...edits, appended] : edits);
  const problem = verifyFix(file, result, edits, appended, {
    strategy: options.strategy,
    serviceAccountName,
    ...(options.dns01 ? { dns01: options.dns01 } : {}),
    emitted,
    pullSecretChanges: pull.changes,
  });
  if (problem) throw new FixError('verification-failed', `${fileName}: the fix did not produce the intended objects (${problem}); nothing was changed. Please report this with the file.`);
  if (appended) edits.push(appended);
  edits.sort((a, b) => a.offset - b.offset);
  return { edits, skipped: outcome.skipped, text: result };
}
