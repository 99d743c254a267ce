import type { ParsedArgs } from '../args.js';
import type { Io } from '../output/io.js';

/** `fix` without files: fix the issuers in the cluster of the current kubeconfig context. */
export async function runLiveFix(args: ParsedArgs, io: Io): Promise<number> {
  return (await import('../cluster/run-fix.js')).runLiveFix(args, io);
}
