import { isIssuer, solversOf } from '../model/issuer.js';
import type { SolverView } from '../model/issuer.js';
import { samePath } from '../model/manifest-object.js';
import type { ManifestObject } from '../model/manifest-object.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { SolverData } from '../rules/rule.js';
import type { Finding } from '../service/finding.js';

/** A finding about one solver. */
export type SolverFinding = Extract<Finding, { data: SolverData }>;

export interface SolverTarget {
  finding: SolverFinding;
  docIndex: number;
  itemPath: readonly (string | number)[];
  issuer: ManifestObject;
  solver: SolverView;
}

/** The issuer solver a finding points at, looked up again in freshly parsed text. */
export function solverTarget(file: ParsedFile, f: SolverFinding): SolverTarget | undefined {
  if (f.docIndex === undefined) return undefined;
  const itemPath = f.itemPath ?? [];
  const issuer = file.objects.find((o) => o.origin.type === 'file' && o.origin.docIndex === f.docIndex && samePath(o.origin.itemPath, itemPath));
  if (!issuer || !isIssuer(issuer)) return undefined;
  const solver = solversOf(issuer).find((s) => s.index === f.data.solverIndex);
  return solver ? { finding: f, docIndex: f.docIndex, itemPath, issuer, solver } : undefined;
}
