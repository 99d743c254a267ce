import type { Finding } from '../service/finding.js';
import type { TextEdit } from '../text/text-edit.js';

/** Edits for one file, and the findings a strategy could not fix, with the reason. */
export interface FixOutcome {
  edits: TextEdit[];
  skipped: { finding?: Finding; reason: string }[];
}
