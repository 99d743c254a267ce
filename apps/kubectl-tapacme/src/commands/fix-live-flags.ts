import { liveFixOnlyFlags } from '../cluster/flags.js';
import type { FlagSpec } from './command.js';

/**
 * Extension point: flags that only `fix` against a live cluster takes (kubeconfig, context, namespace,
 * dry-run ...). Declared here, apart from fix-live.ts, because the parser needs them before any
 * module is loaded; keep this file free of imports of the cluster client.
 */
export function liveFixFlags(): FlagSpec[] {
  return liveFixOnlyFlags();
}
