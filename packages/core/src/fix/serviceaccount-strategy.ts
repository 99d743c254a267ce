import { podTemplateSpec } from '../model/issuer.js';
import { solverFieldServed } from '../schema/cert-manager-version.js';
import { nonEmptyString } from '../model/value.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { Finding } from '../service/finding.js';
import type { TextEdit } from '../text/text-edit.js';
import { solverTarget } from './finding-target.js';
import type { FixOutcome } from './fix-outcome.js';
import { moveStrayServiceAccount } from './move-stray-service-account.js';
import { setNestedScalar } from './set-nested-scalar.js';
import { documentStyle } from './text-style.js';

/**
 * Set podTemplate.spec.serviceAccountName on each http01 solver the findings name, where the
 * cert-manager version serves it: gatewayHTTPRoute has no podTemplate before 1.16, and the API
 * server would refuse the issuer (strict) or drop the field.
 */
export function serviceAccountEdits(file: ParsedFile, findings: readonly Finding[], serviceAccountName: string, certManagerVersion?: string): FixOutcome {
  const edits: TextEdit[] = [];
  const skipped: FixOutcome['skipped'] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.rule !== 'http01-solver-missing-service-account') continue;
    const t = solverTarget(file, f);
    const doc = t && file.doc(t.docIndex);
    if (!t || !doc) {
      skipped.push({ finding: f, code: 'solver-moved', reason: 'the solver is no longer where the finding says; analyse the file again' });
      continue;
    }
    const style = documentStyle(doc, file.source);
    for (const variant of t.solver.http01Variants) {
      if (nonEmptyString(podTemplateSpec(t.solver, variant)?.['serviceAccountName'])) continue;
      const served = solverFieldServed(['http01', variant, 'podTemplate', 'spec', 'serviceAccountName'], certManagerVersion);
      if (!served.ok) {
        skipped.push({ finding: f, code: 'field-not-served', reason: `cert-manager ${served.version} has no http01.${variant}.podTemplate${served.since ? ` (it arrives in ${served.since})` : ''}, so its solver Pod cannot be given a ServiceAccount; use --strategy dns01, or upgrade cert-manager` });
        continue;
      }
      const base = [...t.itemPath, ...t.solver.path, 'http01', variant];
      // A name written one level too high is the user's choice: move it rather than add another.
      const moved = moveStrayServiceAccount(file, t.docIndex, [...base, 'podTemplate'], style);
      if (moved) {
        if ('reason' in moved) skipped.push({ code: moved.code, finding: f, reason: moved.reason });
        else edits.push(...moved.edits);
        continue;
      }
      const r = setNestedScalar(file, t.docIndex, base, ['podTemplate', 'spec', 'serviceAccountName'], serviceAccountName, style);
      if (!r.ok) {
        skipped.push({ finding: f, code: r.code, reason: r.reason });
        continue;
      }
      // Solvers that alias one anchored mapping share one edit.
      if (seen.has(r.key) || !r.edit) continue;
      seen.add(r.key);
      edits.push(r.edit);
    }
  }
  return { edits, skipped };
}
