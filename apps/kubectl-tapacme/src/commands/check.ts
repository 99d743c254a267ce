import type { CommandSpec } from './command.js';
import { inputFlags, manifestPositional } from './input-flags.js';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export const FAIL_ON = ['error', 'warning', 'none'] as const;

export const checkCommand: CommandSpec = {
  name: 'check',
  describe: 'report ACME solvers that cannot pull their image, in manifest files',
  usage: 'check [PATH|-]... [-f PATH]... [-R] [-o text|json|sarif] [--fail-on error|warning|none]',
  long: 'All files are analysed together, so a ServiceAccount defined in one file and Certificates in another are seen as one set.',
  positional: manifestPositional,
  flags: () => [
    ...inputFlags,
    { name: 'output', short: 'o', type: 'string', values: OUTPUT_FORMATS, defaultValue: 'text', describe: 'output format', placeholder: 'FORMAT' },
    { name: 'fail-on', type: 'string', values: FAIL_ON, defaultValue: 'error', describe: 'lowest severity that makes the exit code 1', placeholder: 'SEVERITY' },
  ],
  examples: [
    ['check config/', 'check the .yaml, .yml and .json files in config/'],
    ['check -R -f gitops/ -o sarif > tapacme.sarif', 'check a whole tree and write SARIF for code scanning'],
    ['check - < issuer.yaml', 'check manifests from stdin'],
  ],
  run: async (args, io) => (await import('../check/run-check.js')).runCheck(args, io),
};
