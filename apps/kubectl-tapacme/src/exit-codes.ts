/** Process exit codes, the CLI's contract with scripts and CI. */
export const ExitCode = {
  /** Nothing at or above --fail-on; a fix that succeeded. */
  ok: 0,
  /** check: findings at or above --fail-on. */
  findings: 1,
  /** fix: some finding could not be fixed (each reason is reported), or a fixed file could not be written. */
  notFixed: 1,
  /** Some input could not be processed (unreadable, unparsable, too large, not UTF-8, empty stdin, a template), or the command line is wrong. Wins over 1. */
  inputError: 2,
  /** Live commands: a partial or failed apply, or a request that still failed after its retries (with the report of what was done). */
  partial: 1,
  /** Stopped by SIGINT (Ctrl-C), after reporting what was done: 128 + 2, as shells count it. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
