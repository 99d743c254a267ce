import { dns01Flags, dns01FromFlags, dns01Provider, dns01Providers, parseSettings } from '@tapacme/core';
import type { FixStrategy, Settings } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import { analysisSettings } from '../commands/analysis-flags.js';
import { CNAME_STRATEGIES, STRATEGIES } from '../flag-values.js';
import { UsageError } from '../usage-error.js';
import { readDns01SolverFile } from './dns01-solver-file.js';
import type { Dns01FileResult } from './dns01-solver-file.js';

export interface FixSettings {
  strategy: FixStrategy;
  serviceAccountName: string;
  /** Set only when --pull-secret was given; otherwise emitted ServiceAccounts copy an existing one's. */
  pullSecretName?: string;
  emit: boolean;
  /** Name imagePullSecrets entries without a name after the pull secret (--replace-empty-pull-secret-names). */
  replaceEmptyPullSecretNames: boolean;
  /** --cert-manager-version and --integrated-registry. */
  analysis: Pick<Settings, 'certManagerVersion' | 'integratedRegistry'>;
  dns01?: Record<string, unknown>;
  write: boolean;
  diff: boolean;
  /** --write also replaces read-only files and splits hard links. */
  force: boolean;
}

export type ResolvedSettings = { settings: FixSettings; fileErrors?: undefined } | { settings?: undefined; fileErrors: Dns01FileResult['errors'] };

/** A name flag, checked by the core's settings parser; a value it cannot use names the flag. */
function objectName(args: ParsedArgs, flag: string, key: 'serviceAccountName' | 'pullSecretName'): string | undefined {
  const v = args.string(flag);
  if (v === undefined) return undefined;
  const problem = parseSettings({ [key]: v }).problems[0];
  if (problem) throw new UsageError(`--${flag} "${v}" ${problem.message}`);
  return v;
}

/** Read and check the fix flags; flag mistakes throw UsageError naming the flag, a bad --dns01-solver file returns its errors. */
export async function resolveFixSettings(args: ParsedArgs, defaults: { serviceAccountName: string }): Promise<ResolvedSettings> {
  const write = args.bool('write');
  const diff = args.bool('diff');
  const emit = args.bool('emit-service-account');
  const serviceAccountName = objectName(args, 'service-account', 'serviceAccountName') ?? defaults.serviceAccountName;
  const pullSecretName = objectName(args, 'pull-secret', 'pullSecretName');

  const flagToProvider = new Map(dns01Flags().map((f) => [f.flag, f.provider.key]));
  const providerValues = args.stringsWhere((name) => flagToProvider.has(name));
  const providerFlagsGiven = Object.keys(providerValues);
  const dns01Given = ['dns01-solver', 'dns01-provider', 'dns01-cname-strategy'].filter((f) => args.has(f)).map((f) => `--${f}`);
  const anyDns01 = [...dns01Given, ...providerFlagsGiven.map((f) => `--${f}`)];

  let strategy: FixStrategy = args.choice('strategy', STRATEGIES, 'serviceaccount');
  if (!args.has('strategy') && anyDns01.length > 0) strategy = 'dns01';
  const analysis = analysisSettings(args);
  const replaceEmptyPullSecretNames = args.bool('replace-empty-pull-secret-names');
  const force = args.bool('force');
  const base = { serviceAccountName, ...(pullSecretName ? { pullSecretName } : {}), emit, replaceEmptyPullSecretNames, analysis, write, diff, force };

  if (strategy === 'serviceaccount') {
    if (anyDns01.length > 0) throw new UsageError(`${anyDns01[0]} goes with --strategy dns01, but --strategy is serviceaccount`);
    return { settings: { strategy, ...base } };
  }
  if (emit) throw new UsageError('--emit-service-account goes with --strategy serviceaccount: DNS01 solvers run no Pod in the namespaces');
  if (args.has('service-account')) throw new UsageError('--service-account goes with --strategy serviceaccount');

  const cname = args.has('dns01-cname-strategy') ? args.choice('dns01-cname-strategy', CNAME_STRATEGIES, 'None') : undefined;
  const solverFile = args.string('dns01-solver');
  const providerFlag = args.string('dns01-provider');
  if (solverFile !== undefined && providerFlag !== undefined) throw new UsageError('give either --dns01-solver FILE or --dns01-provider NAME, not both');

  if (solverFile !== undefined) {
    if (providerFlagsGiven.length > 0) throw new UsageError(`--${providerFlagsGiven[0]} goes with --dns01-provider; with --dns01-solver, write the provider's settings in ${solverFile}`);
    const r = await readDns01SolverFile(solverFile, analysis.certManagerVersion);
    if (!r.block) return { fileErrors: r.errors };
    return { settings: { strategy, ...base, dns01: cname ? { ...r.block, cnameStrategy: cname } : r.block } };
  }

  const providers = [...new Set(providerFlagsGiven.map((f) => flagToProvider.get(f)))];
  let providerKey = providerFlag;
  if (providerKey === undefined) {
    if (providers.length > 1) throw new UsageError(`flags for several DNS01 providers given (${providers.join(', ')}); choose one with --dns01-provider`);
    providerKey = providers[0];
  }
  if (providerKey === undefined) {
    throw new UsageError(`--strategy dns01 needs the dns01 block: --dns01-solver FILE, or --dns01-provider NAME (${dns01Providers.map((p) => p.key).join(', ')}) with its flags`);
  }
  const provider = dns01Provider(providerKey) ?? dns01Providers.find((p) => p.key.toLowerCase() === providerKey.toLowerCase());
  if (!provider) throw new UsageError(`--dns01-provider must be one of ${dns01Providers.map((p) => p.key).join(', ')}, got "${providerKey}"`);
  const foreign = providerFlagsGiven.find((f) => flagToProvider.get(f) !== provider.key);
  if (foreign) throw new UsageError(`--${foreign} belongs to --dns01-provider ${flagToProvider.get(foreign) ?? '?'}, not ${provider.key}`);
  const built = dns01FromFlags(provider.key, providerValues, cname, analysis.certManagerVersion);
  if (!built.block) throw new UsageError(built.errors.join('\n       '));
  return { settings: { strategy, ...base, dns01: built.block } };
}
