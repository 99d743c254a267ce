import type { ParsedArgs } from '../args.js';
import type { Io } from '../output/io.js';
import { KubeClient } from './client.js';
import type { ClientOptions } from './client.js';
import type { RetryNotice } from './request-info.js';
import { ExitCode } from '../exit-codes.js';
import { ApiError } from './errors.js';
import { connectionFromArgs } from './flags.js';
import { KubeconfigError, resolveConfig } from './kubeconfig.js';
import { ProxyEnvError } from './proxy-env.js';

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

/** Say on stderr what a retry waits for: "warning: list secrets: 503 ...; attempt 2 of 6 in 0.4 s". */
export function retryWarnings(io: Io): (n: RetryNotice) => void {
  // Under throttling thousands of writes wait at once: one line per cause a second, with how many were folded in.
  let lastCause = '';
  let lastAt = 0;
  let folded = 0;
  return (n) => {
    const now = Date.now();
    if (n.cause === lastCause && now - lastAt < 1000) {
      folded++;
      return;
    }
    const more = folded > 0 ? ` (${folded} more request${folded === 1 ? '' : 's'} retried for the same cause)` : '';
    lastCause = n.cause;
    lastAt = now;
    folded = 0;
    const what = `${n.request.verb} ${n.request.resource}${n.request.name ? ` "${n.request.name}"` : ''}${n.request.namespace ? ` in namespace "${n.request.namespace}"` : ''}`;
    io.err(`${io.errStyle.yellow('warning:')} ${what}: ${n.cause}; attempt ${n.attempt + 1} of ${n.attempts} in ${(n.delayMs / 1000).toFixed(1)} s${n.why === 'Retry-After' ? ' (Retry-After)' : ''}${more}\n`);
  };
}

/**
 * Report a failure that stops a cluster command and return its exit code, or undefined when it was
 * not one of ours: 1 when the API server could not be reached or kept failing after the retries,
 * 2 for a configuration the user must fix (kubeconfig, proxy variables, credentials, permissions).
 */
export function reportClusterError(e: unknown, io: Io): number | undefined {
  if (e instanceof KubeconfigError || e instanceof ProxyEnvError || e instanceof ApiError) {
    io.err(`${io.errStyle.red('error:')} ${e.message}\n`);
    return e instanceof ApiError && e.transient ? ExitCode.partial : ExitCode.inputError;
  }
  return undefined;
}
