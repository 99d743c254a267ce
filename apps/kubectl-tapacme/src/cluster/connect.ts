import type { ParsedArgs } from '../args.js';
import type { Io } from '../output/io.js';
import { KubeClient } from './client.js';
import type { ClientOptions } from './client.js';
import { ApiError } from './errors.js';
import { connectionFromArgs } from './flags.js';
import { KubeconfigError, resolveConfig } from './kubeconfig.js';

/** Resolve the kubeconfig with kubectl's rules and load credentials; throws KubeconfigError with what to do. */
export async function connect(args: ParsedArgs, options: ClientOptions = {}): Promise<KubeClient> {
  const config = resolveConfig(connectionFromArgs(args));
  return KubeClient.connect(config, options);
}

/** Report a failure that stops a cluster command; returns true when it was one of ours. */
export function reportClusterError(e: unknown, io: Io): boolean {
  if (e instanceof KubeconfigError || e instanceof ApiError) {
    io.err(`${io.errStyle.red('error:')} ${e.message}\n`);
    return true;
  }
  return false;
}
