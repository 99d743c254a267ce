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
  const middleware = [...(options.middleware ?? [])];
  // TAPACME_REQUEST_LOG=1: one stderr line per request (method, path, status, milliseconds); never bodies.
  if (process.env['TAPACME_REQUEST_LOG'] === '1') {
    middleware.push({ post: (r, status, ms) => process.stderr.write(`request: ${r.method} ${r.path} ${status} ${ms.toFixed(0)} ms\n`) });
  }
  return KubeClient.connect(config, { ...options, middleware });
}

/** Report a failure that stops a cluster command; returns true when it was one of ours. */
export function reportClusterError(e: unknown, io: Io): boolean {
  if (e instanceof KubeconfigError || e instanceof ApiError) {
    io.err(`${io.errStyle.red('error:')} ${e.message}\n`);
    return true;
  }
  return false;
}
