import type { CommandSpec } from './command.js';
import { connectionFlags, scanCertManagerVersionFlag, scanOnlyFlags } from '../cluster/flags.js';
import { FAIL_ON, SCAN_OUTPUT } from '../flag-values.js';

export const scanCommand: CommandSpec = {
  name: 'scan',
  describe: 'report, for a live cluster, which namespaces\' solver Pods cannot run or pull their image',
  usage: 'scan [-o text|json|yaml|html] [--fail-on error|warning|none] [--solver-image IMAGE] [connection flags]',
  long: [
    'Reads every ACME ClusterIssuer and Issuer, the namespaces that obtain certificates from each (Certificates, annotated Ingresses and Gateways, a namespaced Issuer\'s own namespace), the solver ServiceAccount and its pull secrets in each of them, and the failing solver Pods, Challenges and Events. One paginated list per kind; nothing is written.',
    'Secrets are read for their type and the registries a pull secret names; their data is never printed.',
    'Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 the cluster could not be read (kubeconfig, connection, permissions).',
  ].join('\n'),
  flags: () => [
    { name: 'output', short: 'o', type: 'string', values: SCAN_OUTPUT, defaultValue: 'text', describe: 'output format (json: the documented, stable shape; html: a self-contained report of the same data)', placeholder: 'FORMAT' },
    { name: 'fail-on', type: 'string', values: FAIL_ON, defaultValue: 'error', describe: 'lowest severity that makes the exit code 1', placeholder: 'SEVERITY' },
    ...scanOnlyFlags(),
    scanCertManagerVersionFlag(),
    ...connectionFlags(),
  ],
  examples: [
    ['scan', 'scan the cluster of the current kubeconfig context'],
    ['scan --context prod -o json', 'the report as JSON, for scripts'],
    ['scan -o html > report.html', 'a page to open in a browser: issuers, their namespaces by state, evidence on click'],
  ],
  run: async (args, io) => (await import('../cluster/run-scan.js')).runScan(args, io),
};
