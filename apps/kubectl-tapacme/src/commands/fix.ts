import { existsSync } from 'node:fs';
import { DEFAULT_PULL_SECRET, DEFAULT_SERVICE_ACCOUNT, dns01Flags, dns01Providers } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import { liveFixOnlyFlags } from '../cluster/flags.js';
import { CNAME_STRATEGIES, STRATEGIES } from '../flag-values.js';
import type { CommandSpec, FlagSpec } from './command.js';
import { emitPolicyFlags } from './emit-policies.js';
import { analysisFlags } from './analysis-flags.js';
import { inputFlags, manifestPositional } from './input-flags.js';

/** Flag names of every DNS01 provider field (route53-region, cloudflare-api-token-secret-ref, ...). */
export function providerFlagNames(): Set<string> {
  return new Set(dns01Flags().map((f) => f.flag));
}

function fixFlags(): FlagSpec[] {
  const strategy = 'Strategy:';
  const dns01 = 'DNS01 (--strategy dns01):';
  const providerFlags: FlagSpec[] = dns01Flags().map(({ flag, provider, field }) => ({
    name: flag,
    type: 'string',
    describe: field.description,
    ...(field.values ? { values: field.values } : {}),
    placeholder: field.type === 'secretRef' ? 'NAME:KEY' : 'VALUE',
    group: `DNS01 ${provider.title} (--dns01-provider ${provider.key}):`,
  }));
  // Flags only `fix` against a live cluster takes (connection, --dry-run ...): the parser needs them before any implementation is loaded.
  const liveFlags = liveFixOnlyFlags();
  return [
    ...inputFlags,
    ...analysisFlags,
    { name: 'write', type: 'boolean', describe: 'rewrite the files in place (atomically; files with errors or nothing to fix are left alone)' },
    { name: 'diff', type: 'boolean', describe: 'print a unified diff of the changes instead of the fixed text' },
    {
      name: 'force',
      type: 'boolean',
      describe: 'files: with --write, also replace read-only files (keeping the mode) and files with other hard links (splitting them); cluster: fix even when the cluster needs no fix, and go on when DNS01 secrets are missing',
    },
    { name: 'strategy', type: 'string', values: STRATEGIES, defaultValue: 'serviceaccount', describe: 'how to fix each HTTP01 solver', group: strategy },
    { name: 'service-account', type: 'string', placeholder: 'NAME', defaultValue: DEFAULT_SERVICE_ACCOUNT, describe: 'ServiceAccount the solver Pods run as', group: strategy },
    { name: 'pull-secret', type: 'string', placeholder: 'NAME', defaultValue: DEFAULT_PULL_SECRET, describe: 'image pull secret the emitted ServiceAccounts name, and that ServiceAccounts without imagePullSecrets get', group: strategy },
    { name: 'replace-empty-pull-secret-names', type: 'boolean', describe: 'also name imagePullSecrets entries that have no name after --pull-secret (this changes what they mean)', group: strategy },
    {
      name: 'emit-service-account',
      type: 'boolean',
      describe: "append the solver ServiceAccount to the issuer's file for every namespace the files show obtaining certificates from it",
      group: strategy,
    },
    { name: 'dns01-solver', type: 'string', placeholder: 'FILE', complete: 'manifest-file', describe: "YAML file with the dns01 block's content", group: dns01 },
    { name: 'dns01-provider', type: 'string', placeholder: 'NAME', values: dns01Providers.map((p) => p.key), describe: 'build the dns01 block from this provider\'s flags', group: dns01 },
    { name: 'dns01-cname-strategy', type: 'string', values: CNAME_STRATEGIES, describe: 'follow CNAMEs when presenting the challenge record', group: dns01 },
    ...providerFlags,
    ...liveFlags,
    ...emitPolicyFlags(new Set(liveFlags.map((f) => f.name))),
  ];
}

/**
 * File mode when the command names files: -f, `-`, an existing path, or a name that looks like a
 * manifest file (so a typo reports "no such file" rather than trying the cluster). Otherwise live mode.
 */
export function isFileMode(args: ParsedArgs, exists: (p: string) => boolean = existsSync): boolean {
  return args.has('filename') || args.positionals.some((p) => p === '-' || exists(p) || /\.(ya?ml|json)$/i.test(p));
}

export const fixCommand: CommandSpec = {
  name: 'fix',
  describe: 'fix the solvers in manifest files: set a ServiceAccount, or switch to DNS01',
  usage: 'fix [PATH|-]... [--strategy serviceaccount|dns01] [--service-account NAME] [--emit-service-account] [--dns01-solver FILE | --dns01-provider NAME ...] [--write | --diff]',
  long: [
    'With one file (or -) and neither --write nor --diff, the fixed text goes to stdout. With several files, choose --diff to review or --write to apply.',
    'Edits only insert (serviceaccount) or replace the http01 entry (dns01), in the file\'s own style; every result is parsed again and checked before it is shown or written.',
    'Exit codes: 0 everything fixed (or nothing to fix), 1 some finding could not be fixed or a file not written (each reason is shown), 2 some input could not be processed (the others are still fixed); 2 wins over 1.',
  ].join('\n'),
  positional: manifestPositional,
  flags: fixFlags,
  examples: [
    ['fix issuer.yaml', 'print issuer.yaml with serviceAccountName set on every HTTP01 solver'],
    ['fix --diff -R gitops/', 'show what would change in a whole tree'],
    ['fix --write --pull-secret tap-registry sa.yaml', "write TAP's '- registry-credentials' as '- name: registry-credentials', and add imagePullSecrets where a solver ServiceAccount has none"],
    ['fix --write --emit-service-account config/', 'fix in place and add the ServiceAccount where Certificates need it'],
    ['fix --write --strategy dns01 --dns01-provider route53 --route53-region eu-west-1 issuer.yaml', 'switch to DNS01 with Route53'],
    ['fix --write --strategy dns01 --dns01-solver dns01.yaml issuer.yaml', 'switch to DNS01 with a block from a file'],
  ],
  run: async (args, io) => {
    if (args.has('emit')) return (await import('../emit/run-emit-policies.js')).runEmitPolicies(args, io, isFileMode(args));
    if (isFileMode(args)) return (await import('../fix/run-fix-files.js')).runFixFiles(args, io);
    return (await import('../cluster/run-fix.js')).runClusterFix(args, io);
  },
};
