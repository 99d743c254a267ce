import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT } from '@tapacme/core';
import { connectionFlags } from '../cluster/flags.js';
import type { CommandSpec, FlagSpec } from './command.js';

const RUN = 'Watch:';
const HA = 'Leader election and health:';
const DEPLOY = 'In-cluster manifests (--print-deployment):';

function watchFlags(): FlagSpec[] {
  return [
    { name: 'service-account', type: 'string', placeholder: 'NAME', describe: `ServiceAccount to keep present for issuers that name none, and the name every solver gets when given (default: the issuer's own, else ${DEFAULT_SERVICE_ACCOUNT})`, group: RUN },
    { name: 'pull-secret', type: 'string', placeholder: 'NAME', defaultValue: DEFAULT_PULL_SECRET, describe: 'image pull secret the ServiceAccounts name', group: RUN },
    { name: 'pull-secret-source', type: 'string', placeholder: 'SOURCE', describe: 'existing (must be there), placeholder (secretgen-controller fills it) or copy:NAMESPACE/NAME; default: placeholder when secretgen-controller is installed, else existing', group: RUN },
    { name: 'fix-issuers', type: 'boolean', describe: 'also set podTemplate.spec.serviceAccountName on the issuers (by default the watch only keeps namespaces covered; run `fix` once)', group: RUN },
    { name: 'force', type: 'boolean', describe: 'keep pull secrets even where the cluster pulls the solver image without credentials', group: RUN },
    { name: 'solver-image', type: 'string', placeholder: 'IMAGE', describe: 'the ACME solver image, when the cert-manager controller Deployment cannot be read', group: RUN },
    { name: 'resync-period', type: 'string', placeholder: 'DURATION', defaultValue: '5m', describe: 'reconcile everything this often, besides reacting to changes', group: RUN },
    { name: 'debounce', type: 'string', placeholder: 'DURATION', defaultValue: '50ms', describe: 'wait this long after a change for more before reconciling', group: RUN },
    { name: 'log-level', type: 'string', values: ['debug', 'info', 'warn', 'error'], defaultValue: 'info', describe: 'JSON log lines on stderr at or above this level', group: RUN },
    { name: 'leader-elect', type: 'string', values: ['true', 'false'], defaultValue: 'true', describe: 'hold a coordination.k8s.io Lease so that only one replica writes', group: HA },
    { name: 'lease-namespace', type: 'string', placeholder: 'NAMESPACE', describe: 'namespace of the Lease kubectl-tapacme-watch (default: -n, the context\'s, or the Pod\'s namespace)', group: HA },
    { name: 'identity', type: 'string', placeholder: 'ID', describe: 'this replica\'s name in the Lease (default: $POD_NAME, else host-pid-random)', group: HA },
    { name: 'lease-duration', type: 'string', placeholder: 'DURATION', defaultValue: '15s', describe: 'how long a Lease not renewed still counts', group: HA },
    { name: 'renew-deadline', type: 'string', placeholder: 'DURATION', defaultValue: '10s', describe: 'a leader that could not renew for this long stops writing', group: HA },
    { name: 'retry-period', type: 'string', placeholder: 'DURATION', defaultValue: '2s', describe: 'how often to try to acquire or renew the Lease', group: HA },
    { name: 'health-addr', type: 'string', placeholder: 'ADDR', defaultValue: '127.0.0.1:8081', describe: '/healthz and /readyz: HOST:PORT, :PORT for every interface, 0 for a free port, off for none', group: HA },
    { name: 'print-deployment', type: 'boolean', describe: 'print Namespace, ServiceAccount, least-privilege RBAC and a Deployment that run the watch in the cluster, and exit', group: DEPLOY },
    { name: 'image', type: 'string', placeholder: 'IMAGE', describe: 'container image with kubectl-tapacme, by tag or by digest (default: ghcr.io/tapacme/kubectl-tapacme:<version>; a bare sha256:DIGEST pins that repository)', group: DEPLOY },
    { name: 'image-pull-secret', type: 'string', placeholder: 'NAME', describe: 'pull secret for that image, in the deployment namespace', group: DEPLOY },
    { name: 'deployment-namespace', type: 'string', placeholder: 'NAMESPACE', defaultValue: 'tapacme-system', describe: 'namespace to run the watch in', group: DEPLOY },
    { name: 'replicas', type: 'string', placeholder: 'N', defaultValue: '2', describe: 'replicas (one leads, the others wait)', group: DEPLOY },
    { name: 'solver-service-account', type: 'strings', placeholder: 'NAME', describe: 'more solver ServiceAccount names the RBAC may write (issuers that name their own); repeatable', group: DEPLOY },
    ...connectionFlags(),
  ];
}

export const watchCommand: CommandSpec = {
  name: 'watch',
  describe: 'keep the solver ServiceAccount and pull secret in every namespace that obtains certificates, as namespaces appear',
  usage: 'watch [ISSUER...] [--pull-secret-source SOURCE] [--health-addr ADDR] [--print-deployment [--image IMAGE]]',
  long: [
    'A long-running reconcile loop: informers follow issuers, Certificates, Challenges, annotated Ingresses and Gateways, namespaces,',
    'and the solver ServiceAccounts and pull secrets; whatever a namespace that obtains certificates lacks is written by server-side',
    'apply (field manager kubectl-tapacme), as `fix` plans it. Replicas elect a leader through the Lease kubectl-tapacme-watch; only',
    'the leader writes. Logs are JSON lines on stderr; SIGTERM or SIGINT stop it after releasing the Lease.',
  ].join('\n'),
  positional: { name: 'issuers', describe: 'issuers to keep covered: a ClusterIssuer name, ClusterIssuer/NAME or Issuer/NAMESPACE/NAME; none: every ACME issuer with an HTTP01 solver', complete: 'none' },
  flags: watchFlags,
  examples: [
    ['watch letsencrypt --pull-secret-source placeholder', 'keep ClusterIssuer letsencrypt covered from this machine'],
    ['watch --print-deployment --image registry.example.com/tapacme:0.1.0 --pull-secret-source placeholder | kubectl apply -f -', 'run it in the cluster'],
  ],
  run: async (args, io) => (await import('../watch/run-watch.js')).runWatch(args, io),
};
