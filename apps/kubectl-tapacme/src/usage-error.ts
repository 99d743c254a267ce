/** A wrong command line or option value: reported as "error: ..." with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
