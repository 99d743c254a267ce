// The flags `fix --emit kyverno|namespace-provisioner` adds; the runner is ../emit/run-emit-policies.ts, loaded with import().
import { DURABLE_ENGINES } from '@tapacme/core/policies';
import { EMIT_OUTPUT, GATEWAY_MODES } from '../flag-values.js';
import type { FlagSpec } from './command.js';

const GROUP = 'Durable coverage (--emit):';

/**
 * The flags `--emit` adds to fix. `taken` are the names fix already declares (-o, --pull-secret-source and the
 * connection flags come from the live fix); those are shared, not declared twice.
 */
export function emitPolicyFlags(taken: ReadonlySet<string> = new Set()): FlagSpec[] {
  const flags: FlagSpec[] = [
    { name: 'emit', type: 'string', values: DURABLE_ENGINES, placeholder: 'ENGINE', group: GROUP, describe: 'print the policy (kyverno) or the ytt source and tap-values (namespace-provisioner) that keep the solver ServiceAccount in every namespace using the issuers, now and later, plus the issuer change; nothing is applied' },
    { name: 'output', short: 'o', type: 'string', values: EMIT_OUTPUT, defaultValue: 'yaml', group: GROUP, describe: 'output format of the emitted documents' },
    { name: 'pull-secret-source', type: 'string', placeholder: 'SOURCE', defaultValue: 'placeholder', group: GROUP, describe: 'where the pull secret comes from: existing, placeholder (secretgen-controller) or copy:NAMESPACE/NAME (Kyverno clones and syncs it)' },
    { name: 'output-dir', type: 'string', placeholder: 'DIR', group: GROUP, describe: 'write the documents as files under DIR (one per policy, issuer, ytt source) instead of one stream on stdout' },
    { name: 'gateways', type: 'string', values: GATEWAY_MODES, defaultValue: 'auto', group: GROUP, describe: 'kyverno: trigger on Gateway API Gateways too (auto: when the cluster serves the Gateway CRD; always from files)' },
    { name: 'git-url', type: 'string', placeholder: 'URL', group: GROUP, describe: 'namespace-provisioner: the GitOps repository the ytt source is committed to' },
    { name: 'git-ref', type: 'string', placeholder: 'REF', defaultValue: 'origin/main', group: GROUP, describe: 'namespace-provisioner: the Git ref the provisioner fetches' },
    { name: 'git-sub-path', type: 'string', placeholder: 'PATH', defaultValue: 'namespace-provisioner/tapacme-acme-solver', group: GROUP, describe: 'namespace-provisioner: the folder in the repository that holds the ytt source' },
  ];
  return flags.filter((f) => !taken.has(f.name));
}
