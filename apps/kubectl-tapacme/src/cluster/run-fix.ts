// `fix` against a live cluster: scan, plan, then print, dry-run or apply the plan.
import { createInterface } from 'node:readline/promises';
import { DEFAULT_SERVICE_ACCOUNT } from '@tapacme/core';
import { parseFixPullSecretSource, planFix, scanCluster, selectIssuers } from '@tapacme/core/live';
import type { ApiOp, FixPlan, PlanOptions } from '@tapacme/core/live';
import { stringify } from 'yaml';
import type { ParsedArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { resolveFixSettings } from '../fix/fix-settings.js';
import type { Io } from '../output/io.js';
import { UsageError } from '../usage-error.js';
import type { KubeClient } from './client.js';
import { connect, reportClusterError, retryWarnings } from './connect.js';
import { countOutcomes, executePlan } from './execute.js';
import type { OpResult, OpOutcome } from './execute.js';
import { DRY_RUN, LIVE_FIX_OUTPUT } from '../flag-values.js';
import { certManagerVersionFlag, positiveInt } from './flags.js';
import { Progress } from './progress.js';
import { readSnapshot } from './read-snapshot.js';
import { printStats } from './stats.js';
import { RESOURCES, resourceOfKind } from './resources.js';
import type { Obj } from '../json-object.js';
import { registryOptions, verifyPullSecrets } from '../registry/verify-pull-secrets.js';
import type { RegistryOptions } from '../registry/registry-client.js';

const FILE_ONLY = ['write', 'diff', 'emit-service-account', 'recursive'];

/** `fix` without files: fix the issuers in the cluster of the current kubeconfig context. */
export async function runClusterFix(args: ParsedArgs, io: Io): Promise<number> {
  const fileOnly = FILE_ONLY.find((f) => args.has(f));
  if (fileOnly) throw new UsageError(`--${fileOnly} is for manifest files; give the files (or -f) to fix them, or leave it out to fix the cluster`);
  const resolved = await resolveFixSettings(args, { serviceAccountName: DEFAULT_SERVICE_ACCOUNT });
  if (!resolved.settings) {
    for (const e of resolved.fileErrors) io.err(`${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
    return ExitCode.inputError;
  }
  const settings = resolved.settings;
  const dryRun = args.choice('dry-run', DRY_RUN, 'none');
  const output = args.has('output') ? args.choice('output', LIVE_FIX_OUTPUT, 'yaml', '-o/--output') : undefined;
  const concurrency = positiveInt(args, 'concurrency', 16);
  const chunkSize = args.has('chunk-size') ? positiveInt(args, 'chunk-size', 0, 0) : undefined;
  const source = parseFixPullSecretSource(args.string('pull-secret-source'));
  if ('error' in source) throw new UsageError(source.error);
  if (settings.strategy === 'dns01' && args.has('pull-secret-source')) throw new UsageError('--pull-secret-source goes with --strategy serviceaccount');
  if (output && source.type === 'copy') throw new UsageError('-o with --pull-secret-source copy:... would print registry credentials; use placeholder or existing for manifests');
  const registry = registryOptions(args); // refuses --registry-ca-file without --verify-pull-secrets
  const verify = args.bool('verify-pull-secrets') ? registry : undefined;

  let client: KubeClient | undefined;
  try {
    const t0 = performance.now();
    client = await connect(args, { maxSockets: concurrency, onRetry: retryWarnings(io) });
    const api = client;
    // Where a run's time goes (printed with TAPACME_REQUEST_STATS): connect, read, plan (analysis included), write.
    const timings: Record<string, number> = (client.timings = { connect: performance.now() - t0 });
    const { plan, options } = await scanAndPlan(api, chunkSize, async () => {
      const options: PlanOptions = {
        strategy: settings.strategy,
        issuers: args.positionals,
        namespace: api.config.namespace,
        ...(args.has('service-account') ? { serviceAccountName: settings.serviceAccountName } : {}),
        ...(settings.pullSecretName ? { pullSecretName: settings.pullSecretName } : {}),
        pullSecretSource: source,
        ...(settings.dns01 ? { dns01: settings.dns01 } : {}),
        ...(args.string('cluster-resource-namespace') ? { clusterResourceNamespace: args.string('cluster-resource-namespace') } : {}),
        force: args.bool('force'),
      };
      if (source.type === 'copy' && settings.strategy === 'serviceaccount') {
        const src = await api.get(RESOURCES.secrets, source.name, source.namespace);
        if (!src) throw new UsageError(`--pull-secret-source copy:${source.namespace}/${source.name}: that Secret does not exist`);
        const type = typeof src['type'] === 'string' ? src['type'] : 'Opaque';
        if (type !== 'kubernetes.io/dockerconfigjson' && type !== 'kubernetes.io/dockercfg') {
          throw new UsageError(`--pull-secret-source copy:${source.namespace}/${source.name} is of type ${type}, not kubernetes.io/dockerconfigjson`);
        }
        options.copySource = { type, data: (src['data'] ?? {}) as Record<string, string> };
      }
      return options;
    }, { solverImage: args.string('solver-image'), certManagerVersion: certManagerVersionFlag(args), verify }, io, timings);
    if (plan.errors.length > 0) {
      for (const e of plan.errors) io.err(`${io.errStyle.red('error:')} ${e}\n`);
      io.err('Nothing was changed.\n');
      return ExitCode.inputError;
    }
    for (const w of plan.warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);

    if (output) return printManifests(plan, output, io);

    const changes = plan.ops.filter((o) => o.action === 'create' || o.action === 'update');
    const blocked = plan.ops.filter((o) => o.action === 'blocked');
    if (plan.issuers.length === 0) {
      io.err(args.positionals.length === 0 ? 'No ACME issuer needs a fix; nothing was changed.\n' : 'Nothing to fix.\n');
      return ExitCode.ok;
    }
    if (plan.noFixNeeded && changes.length === 0 && blocked.length === 0) {
      io.err(`No fix needed: ${plan.noFixNeeded.reason} (${plan.noFixNeeded.evidence.join(', ')}); nothing was changed. --force fixes anyway.\n`);
      if (plan.noFixNeeded.strength === 'weak') io.err(`${io.errStyle.yellow('warning:')} the evidence is weak: ${plan.noFixNeeded.strengthReason ?? ''}\n`);
      return ExitCode.ok;
    }
    if (plan.noFixNeeded) io.err(`No pull secrets needed (${plan.noFixNeeded.reason}); only creating the ServiceAccounts the issuers name. --force does the full fix.\n`);
    if (changes.length === 0 && blocked.length === 0) {
      io.err(`Nothing to do: ${plan.ops.length} object${plan.ops.length === 1 ? ' is' : 's are'} already as the fix needs (${plan.issuers.join(', ')}); nothing was written.\n`);
      return ExitCode.ok;
    }

    if (dryRun === 'client') {
      printPlan(plan, io);
      io.err(`Dry run (client): nothing was sent. ${changes.length} change${changes.length === 1 ? '' : 's'}${blocked.length > 0 ? `, ${blocked.length} blocked` : ''}.\n`);
      return blocked.length > 0 ? ExitCode.findings : ExitCode.ok;
    }
    if (dryRun === 'none' && !args.bool('yes')) {
      printPlan(plan, io);
      const ok = await confirm(io, `Apply ${changes.length} change${changes.length === 1 ? '' : 's'} to context "${client.config.contextName}"?`);
      if (ok === undefined) {
        io.err(`${io.errStyle.red('error:')} refusing to change the cluster without --yes (stdin is not a terminal); preview with --dry-run=server\n`);
        return ExitCode.inputError;
      }
      if (!ok) {
        io.err('Nothing was changed.\n');
        return ExitCode.ok;
      }
    }

    const server = dryRun === 'server';
    const progress = new Progress(io, plan.ops.length, server);
    // Ctrl-C: start no more writes, let those in flight finish, report, exit 130. A second one quits at once.
    const interrupt = new AbortController();
    const onSigint = (): void => {
      if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
      interrupt.abort();
      io.err(`\n${io.errStyle.yellow('interrupted:')} starting no more changes; waiting for those in flight (Ctrl-C again to quit at once)\n`);
    };
    process.on('SIGINT', onSigint);
    let results: OpResult[];
    const writeStart = performance.now();
    try {
      results = await executePlan(
        plan,
        {
          apply: async (op) => {
            const res = resourceOfKind(op.kind);
            if (!res || !op.body) throw new Error(`no API resource for ${op.kind}`);
            await api.apply(res, op.body, { dryRun: server, force: op.force });
          },
          read: async (op) => {
            const res = resourceOfKind(op.kind);
            if (!res) return undefined;
            return api.get(res, op.name, op.namespace ?? undefined);
          },
        },
        { concurrency, dryRun: server, signal: interrupt.signal, ...(options.copySource ? { copySource: options.copySource } : {}), onResult: (r, done) => progress.update(r, done) },
      );
    } finally {
      process.off('SIGINT', onSigint);
      timings['write'] = performance.now() - writeStart;
    }
    progress.finish();
    printResults(results, io, server);
    if (interrupt.signal.aborted) return ExitCode.interrupted;
    const c = countOutcomes(results);
    return c.failed + c.blocked + c.skipped + c.unknown > 0 ? ExitCode.partial : ExitCode.ok;
  } catch (e) {
    const code = reportClusterError(e, io);
    if (code !== undefined) {
      io.err('Nothing was changed.\n');
      return code;
    }
    throw e;
  } finally {
    if (client) {
      printStats(client, io);
      client.close();
    }
  }
}

function printManifests(plan: FixPlan, output: 'yaml' | 'json', io: Io): number {
  const manifests = plan.ops.filter((o) => o.manifest && !o.sensitive && o.action !== 'blocked').map((o) => o.manifest as Obj);
  for (const o of plan.ops.filter((x) => x.action === 'blocked')) io.err(`${io.errStyle.yellow('warning:')} ${o.id}: ${o.reason}\n`);
  if (output === 'json') io.out(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n`);
  else io.out(manifests.map((m) => `---\n${stringify(m, { lineWidth: 0 })}`).join(''));
  io.err(`${manifests.length} manifest${manifests.length === 1 ? '' : 's'} printed; nothing was sent to the cluster.\n`);
  return ExitCode.ok;
}

const ACTION_WORD: Record<ApiOp['action'], string> = { create: 'create', update: 'update', unchanged: 'unchanged', blocked: 'blocked' };

function printPlan(plan: FixPlan, io: Io): void {
  const s = io.errStyle;
  io.err(`Plan (${plan.strategy}) for ${plan.issuers.join(', ')}:\n`);
  let unchanged = 0;
  for (const op of plan.ops) {
    if (op.action === 'unchanged') {
      unchanged++;
      continue;
    }
    const word = op.action === 'blocked' ? s.red(ACTION_WORD[op.action]) : s.green(ACTION_WORD[op.action]);
    io.err(`  ${word} ${op.id}: ${op.reason}\n`);
  }
  if (unchanged > 0) io.err(`  ${unchanged} unchanged\n`);
}

async function confirm(io: Io, question: string): Promise<boolean | undefined> {
  if (!io.stdinIsTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

const KIND_ORDER = ['Secret', 'ServiceAccount', 'ClusterIssuer', 'Issuer'];
const OUTCOMES: readonly OpOutcome[] = ['created', 'updated', 'unchanged', 'failed', 'blocked', 'skipped', 'unknown'];

function printResults(results: readonly OpResult[], io: Io, dryRun: boolean): void {
  const s = io.errStyle;
  const would = (o: OpOutcome): string => (dryRun && (o === 'created' || o === 'updated') ? `would be ${o}` : o);
  for (const r of results) {
    if (r.outcome === 'unchanged' && !r.message) continue;
    const colour = r.outcome === 'created' || r.outcome === 'updated' ? s.green : r.outcome === 'unchanged' ? s.dim : s.red;
    io.err(`${colour(would(r.outcome))} ${r.op.id}${r.message ? `: ${r.message}` : r.outcome === 'created' || r.outcome === 'updated' ? `: ${r.op.reason}` : ''}\n`);
  }
  io.err(`${dryRun ? 'Server dry run (dryRun=All, nothing was stored)' : 'Summary'}:\n`);
  const kinds = [...new Set(results.map((r) => r.op.kind))].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
  for (const kind of kinds) {
    const c = countOutcomes(results.filter((r) => r.op.kind === kind));
    io.err(`  ${kind}s: ${OUTCOMES.filter((o) => c[o] > 0 || ['created', 'updated', 'unchanged', 'failed'].includes(o)).map((o) => `${c[o]} ${would(o)}`).join(', ')}\n`);
  }
  const notDone = results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked' || r.outcome === 'skipped');
  const unknown = results.filter((r) => r.outcome === 'unknown');
  if (notDone.length > 0 || unknown.length > 0) {
    const done = results.filter((r) => r.outcome === 'created' || r.outcome === 'updated');
    io.err(`${dryRun ? 'Would be done' : 'Done'} (${done.length}): ${done.length > 0 ? done.map((r) => r.op.id).join(', ') : 'nothing'}.\n`);
    if (notDone.length > 0) io.err(`${s.red('Not done')} (${notDone.length}): ${notDone.map((r) => r.op.id).join(', ')}.\n`);
    if (unknown.length > 0) io.err(`${s.red('Unknown')} (${unknown.length}, sent but unanswered, and could not be read back): ${unknown.map((r) => r.op.id).join(', ')}.\n`);
    io.err('Fix the cause above and run the same command again: it reads the cluster again, leaves finished objects as they are and does the rest.\n');
  }
}

/**
 * Read, scan and plan. Only the plan leaves this function, so the snapshot (every Certificate,
 * ServiceAccount and Secret summary) can be collected before the writes start.
 */
async function scanAndPlan(
  client: KubeClient,
  chunkSize: number | undefined,
  makeOptions: () => Promise<PlanOptions>,
  versions: { solverImage: string | undefined; certManagerVersion: string | undefined; verify: RegistryOptions | undefined },
  io: Io,
  timings: Record<string, number>,
): Promise<{ plan: FixPlan; options: PlanOptions }> {
  const t0 = performance.now();
  const { snapshot, warnings } = await readSnapshot(client, chunkSize !== undefined ? { chunkSize } : {});
  const t1 = performance.now();
  timings['read'] = t1 - t0;
  for (const w of warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);
  const { solverImage, certManagerVersion } = versions;
  const { report, context } = scanCluster(snapshot, { ...(solverImage ? { solverImage } : {}), ...(certManagerVersion ? { certManagerVersion } : {}) });
  for (const w of report.warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);
  const options = await makeOptions();
  if (versions.verify && options.strategy === 'serviceaccount') {
    // Only the namespaces this fix would touch, and the pull secret it would leave in place there.
    const { keys } = selectIssuers(report, context, options.issuers ?? [], options.namespace);
    const verified = await verifyPullSecrets(client, report, context, { registry: versions.verify, issuerKeys: keys, ...(options.pullSecretName ? { also: options.pullSecretName } : {}) });
    for (const w of verified.warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);
  }
  const plan = planFix(report, context, options);
  timings['plan'] = performance.now() - t1;
  return { plan, options };
}
