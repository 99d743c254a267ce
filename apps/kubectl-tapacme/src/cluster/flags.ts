// Flags of the cluster commands. Loaded for help, parsing and completion: no cluster client here.
import { parseCertManagerVersion } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import type { FlagSpec } from '../commands/command.js';
import { DRY_RUN, LIVE_FIX_OUTPUT } from '../flag-values.js';
import { UsageError } from '../usage-error.js';
import type { ConnectionFlags } from './kubeconfig.js';

const CONN = 'Connection (as kubectl):';

/** kubectl's own connection flags (genericclioptions.ConfigFlags), same names and meaning. */
export function connectionFlags(): FlagSpec[] {
  return [
    { name: 'kubeconfig', type: 'string', placeholder: 'FILE', complete: 'any-file', describe: 'path to the kubeconfig file (only this file is read)', group: CONN },
    { name: 'context', type: 'string', placeholder: 'NAME', describe: 'the kubeconfig context to use', group: CONN },
    { name: 'cluster', type: 'string', placeholder: 'NAME', describe: 'the kubeconfig cluster to use', group: CONN },
    { name: 'user', type: 'string', placeholder: 'NAME', describe: 'the kubeconfig user to use', group: CONN },
    { name: 'namespace', short: 'n', type: 'string', placeholder: 'NAMESPACE', describe: 'namespace for plain Issuer names', group: CONN },
    { name: 'server', short: 's', type: 'string', placeholder: 'URL', describe: 'address of the Kubernetes API server', group: CONN },
    { name: 'token', type: 'string', placeholder: 'TOKEN', describe: 'bearer token for the API server', group: CONN },
    { name: 'as', type: 'string', placeholder: 'USER', describe: 'user to impersonate', group: CONN },
    { name: 'as-group', type: 'strings', placeholder: 'GROUP', describe: 'group to impersonate; repeatable', group: CONN },
    { name: 'request-timeout', type: 'string', placeholder: 'DURATION', defaultValue: '0', describe: 'time to wait for each request (e.g. 30s, 1m; 0: no limit)', group: CONN },
    { name: 'insecure-skip-tls-verify', type: 'boolean', describe: 'do not verify the server certificate (insecure)', group: CONN },
    { name: 'certificate-authority', type: 'string', placeholder: 'FILE', complete: 'pem-file', describe: 'CA certificate file for the server', group: CONN },
  ];
}

export function connectionFromArgs(args: ParsedArgs): ConnectionFlags {
  const c: ConnectionFlags = {};
  const set = <K extends keyof ConnectionFlags>(key: K, v: ConnectionFlags[K] | undefined): void => {
    if (v !== undefined && v !== '') c[key] = v;
  };
  set('kubeconfig', args.string('kubeconfig'));
  set('context', args.string('context'));
  set('cluster', args.string('cluster'));
  set('user', args.string('user'));
  set('namespace', args.string('namespace'));
  set('server', args.string('server'));
  set('token', args.string('token'));
  set('as', args.string('as'));
  set('requestTimeout', args.string('request-timeout'));
  set('certificateAuthority', args.string('certificate-authority'));
  const groups = args.strings('as-group');
  if (groups.length > 0) {
    if (!c.as) throw new UsageError('--as-group needs --as (kubectl requires a user to impersonate with a group)');
    c.asGroups = groups;
  }
  if (args.bool('insecure-skip-tls-verify')) c.insecureSkipTlsVerify = true;
  return c;
}

const LIVE = 'Cluster (fix without files):';

export function scanOnlyFlags(): FlagSpec[] {
  return [
    { name: 'solver-image', type: 'string', placeholder: 'IMAGE', describe: 'the ACME solver image, when the cert-manager controller cannot be read (default: its --acme-http01-solver-image)' },
    { name: 'chunk-size', type: 'string', placeholder: 'N', describe: 'page size of every list (default: whole lists from a 1.34+ API server, else per kind; 0: no paging)' },
    {
      name: 'verify-pull-secrets', type: 'boolean',
      describe: 'ask the solver image\'s registry whether each namespace\'s pull secrets may pull it, as kubelet would (their credentials go to that registry only; needs get on secrets)',
    },
    { name: 'registry-ca-file', type: 'string', placeholder: 'FILE', complete: 'pem-file', describe: 'PEM file of CAs for the registry\'s TLS, with --verify-pull-secrets (added to Node\'s own and NODE_EXTRA_CA_CERTS)' },
  ];
}

/** scan's --cert-manager-version: the running controller's version (fix declares the same flag for files and cluster alike). */
export function scanCertManagerVersionFlag(): FlagSpec {
  return { name: 'cert-manager-version', type: 'string', placeholder: 'VERSION', describe: 'the running cert-manager controller\'s version, e.g. 1.11 or v1.11.5 (default: from its Deployment\'s image tag or version label)' };
}

/** --cert-manager-version, checked: "1.11", "v1.11.5". */
export function certManagerVersionFlag(args: ParsedArgs): string | undefined {
  const v = args.string('cert-manager-version');
  if (v === undefined || v === '') return undefined;
  if (!parseCertManagerVersion(v.trim())) throw new UsageError(`--cert-manager-version must be a version like 1.11 or v1.11.5, got "${v}"`);
  return v.trim();
}

/** The flags `fix` takes only in live mode (appended to the file-mode flags). */
export function liveFixOnlyFlags(): FlagSpec[] {
  return [
    { name: 'pull-secret-source', type: 'string', placeholder: 'SOURCE', describe: 'where the pull secret in each namespace comes from: existing (must be there), placeholder (secretgen-controller fills it) or copy:NAMESPACE/NAME; default: placeholder when secretgen-controller is installed, else existing', group: LIVE },
    { name: 'dry-run', type: 'string', values: DRY_RUN, defaultValue: 'none', placeholder: 'MODE', describe: 'client: show the plan, send nothing; server: send every write with dryRun=All', group: LIVE },
    { name: 'output', short: 'o', type: 'string', values: LIVE_FIX_OUTPUT, placeholder: 'FORMAT', describe: 'print the manifests (for a GitOps repository) instead of applying them', group: LIVE },
    { name: 'yes', short: 'y', type: 'boolean', describe: 'apply without asking', group: LIVE },
    { name: 'cluster-resource-namespace', type: 'string', placeholder: 'NAMESPACE', describe: 'where a ClusterIssuer\'s DNS01 secrets are read (default: the controller\'s --cluster-resource-namespace)', group: LIVE },
    { name: 'concurrency', type: 'string', placeholder: 'N', defaultValue: '16', describe: 'writes in flight at once', group: LIVE },
    ...scanOnlyFlags().map((f) => ({ ...f, group: LIVE })),
    ...connectionFlags(),
  ];
}

export function positiveInt(args: ParsedArgs, name: string, fallback: number, min = 1): number {
  const v = args.string(name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got "${v}"`);
  return Number(v);
}
