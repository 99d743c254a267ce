import type { CommandSpec } from './command.js';
import { analysisFlags } from './analysis-flags.js';
import { CHECK_OUTPUT, FAIL_ON } from '../flag-values.js';
import { inputFlags, manifestPositional } from './input-flags.js';

export const checkCommand: CommandSpec = {
  name: 'check',
  describe: 'report ACME solvers that cannot pull their image, in manifest files',
  usage: 'check [PATH|-]... [-f PATH]... [-R] [-o text|json|sarif] [--fail-on error|warning|none]',
  long: 'All files are analysed together, so a ServiceAccount defined in one file and Certificates in another are seen as one set.',
  positional: manifestPositional,
  flags: () => [
    ...inputFlags,
    ...analysisFlags,
    { name: 'output', short: 'o', type: 'string', values: CHECK_OUTPUT, defaultValue: 'text', describe: 'output format', placeholder: 'FORMAT' },
    { name: 'fail-on', type: 'string', values: FAIL_ON, defaultValue: 'error', describe: 'lowest severity that makes the exit code 1', placeholder: 'SEVERITY' },
  ],
  examples: [
    ['check config/', 'check the .yaml, .yml and .json files in config/'],
    ['check -R -f gitops/ -o sarif > tapacme.sarif', 'check a whole tree and write SARIF for code scanning'],
    ['check - < issuer.yaml', 'check manifests from stdin'],
    ['check --cert-manager-version 1.11 config/', 'check against cert-manager 1.11, the version TAP 1.5 ships'],
  ],
  run: async (args, io) => (await import('../check/run-check.js')).runCheck(args, io),
};
