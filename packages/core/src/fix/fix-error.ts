/** Why a fix changed nothing at all. */
export type FixErrorCode =
  /** The text has input errors (syntax, template...): it is not fixed until it reads. */
  | 'input-error'
  /** The dns01 strategy was chosen without a dns01 block. */
  | 'dns01-block-missing'
  /** The fixed text did not hold exactly the intended objects; a defect to report. */
  | 'verification-failed';

/** A fix that was refused as a whole; the text is unchanged. */
export class FixError extends Error {
  constructor(
    readonly code: FixErrorCode,
    message: string,
  ) {
    super(message);
  }
}
