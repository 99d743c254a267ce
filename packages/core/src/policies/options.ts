import { parseFixPullSecretSource } from '../live/plan.js';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from '../settings.js';

/**
 * Where the solver's pull secret comes from in a namespace:
 * - `placeholder`: a secretgen-controller placeholder Secret that TAP's exported registry credentials fill in;
 * - `clone`: a copy of a named Secret (Kyverno keeps it in sync with its source);
 * - `existing`: something else already provides it; only the ServiceAccount is written.
 */
export type PullSecretSource =
  | { kind: 'placeholder' }
  | { kind: 'existing' }
  | { kind: 'clone'; namespace: string; name: string };

export type DurableEngine = 'kyverno' | 'namespace-provisioner';
export const DURABLE_ENGINES: readonly DurableEngine[] = ['kyverno', 'namespace-provisioner'];

export interface DurableOptions {
  /** ServiceAccount to set on issuers that name none (issuers that already name one keep theirs). */
  serviceAccountName: string;
  pullSecretName: string;
  pullSecretSource: PullSecretSource;
  /** Kyverno: also trigger on Gateway API Gateways (omit where the Gateway CRD is not installed). */
  gateways: boolean;
  /** The command line that regenerates this output, written into every document's header. */
  regenerate: string;
  /** Namespace Provisioner: where the ytt file will live in the GitOps repository. */
  git: { url: string; ref: string; subPath: string };
}

export function resolveDurableOptions(partial: Partial<DurableOptions> = {}): DurableOptions {
  return {
    serviceAccountName: partial.serviceAccountName || DEFAULT_SERVICE_ACCOUNT,
    pullSecretName: partial.pullSecretName || DEFAULT_PULL_SECRET,
    pullSecretSource: partial.pullSecretSource ?? { kind: 'placeholder' },
    gateways: partial.gateways ?? true,
    regenerate: partial.regenerate ?? '',
    git: {
      url: partial.git?.url || 'https://git.example.com/platform/gitops.git',
      ref: partial.git?.ref || 'origin/main',
      subPath: partial.git?.subPath || 'namespace-provisioner/tapacme-acme-solver',
    },
  };
}

/** Parses the `--pull-secret-source` value `existing|placeholder|copy:NAMESPACE/NAME` (the same syntax as `fix`). */
export function parsePullSecretSource(value: string): PullSecretSource {
  // One grammar for both commands; policies have no 'auto' (they never look at the cluster).
  const parsed = value === '' || value === 'auto' ? undefined : parseFixPullSecretSource(value);
  if (!parsed || 'error' in parsed || parsed.type === 'auto') {
    throw new Error(`--pull-secret-source must be existing, placeholder or copy:NAMESPACE/NAME, got "${value}"`);
  }
  return parsed.type === 'copy' ? { kind: 'clone', namespace: parsed.namespace, name: parsed.name } : { kind: parsed.type };
}
