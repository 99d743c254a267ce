import type { Finding } from '../service/finding.js';
import type { FixErrorCode } from './fix-error.js';
import type { SkipCode } from './fix-outcome.js';

/**
 * Why something a fix-all was asked to do was not done, as data: a shell picks its words and its
 * level by `code`, and shows `message` (a full sentence) as is.
 * - not-fixed: a finding the strategy could not fix (`finding` says which); the rest of the file is fixed
 * - fix-failed: the file could not be fixed at all (it does not parse, or the result did not verify); it is left unchanged
 * - no-consumers: an issuer no Certificate, Ingress or Gateway in the files uses, so no namespace is known for its ServiceAccount
 * - service-account-managed-elsewhere: an issuer names a ServiceAccount the files do not define
 * - file-has-errors: the file a ServiceAccount belongs in has input errors, so it is not written
 * - invalid-namespace: a namespace the files name cannot exist (not a DNS-1123 label), so no ServiceAccount is added to it
 * - not-an-append: an added ServiceAccount would not have been an append at the end of the file
 */
export type FixNoteCode = 'not-fixed' | 'fix-failed' | 'no-consumers' | 'service-account-managed-elsewhere' | 'file-has-errors' | 'invalid-namespace' | 'not-an-append';

export interface FixNote {
  code: FixNoteCode;
  message: string;
  fileName?: string;
  /** not-fixed: the finding left as it was. */
  finding?: Finding;
  /** The finer reason: the fix's SkipCode (not-fixed) or FixError code (fix-failed). */
  cause?: SkipCode | FixErrorCode;
}
