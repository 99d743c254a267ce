/** Process exit codes, the CLI's contract with scripts and CI. */
export const ExitCode = {
  /** Nothing at or above --fail-on; a fix that succeeded. */
  ok: 0,
  /** check: findings at or above --fail-on. */
  findings: 1,
  /** Some input could not be processed (unreadable, unparsable, a template), or the command line is wrong. */
  inputError: 2,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
