// `fix --emit kyverno|namespace-provisioner`: documents that keep the solver ServiceAccount in every namespace that
// obtains certificates from an issuer, now and later, through an engine the cluster already runs.
// The cluster client is loaded with import() only on the live path.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ParsedFile } from '@tapacme/core';
import type { ManifestObject } from '@tapacme/core';
import { keepMetadata, scanCluster, selectIssuers, toManifestObject } from '@tapacme/core/live';
import { DURABLE_ENGINES, emitDurableCoverage, emittedFiles, namespacesOutsideProvisioner, parsePullSecretSource, renderEmitted } from '@tapacme/core/policies';
import type { DurableEngine, DurableOptions, EmitResult } from '@tapacme/core/policies';
import type { ParsedArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { EMIT_OUTPUT, GATEWAY_MODES } from '../flag-values.js';
import { collectInputs } from '../input/collect-inputs.js';
import { inputPaths } from '../input/input-paths.js';
import { collectOptions } from '../input/collect-options.js';
import type { Io } from '../output/io.js';
import { buildReport } from '../output/report.js';
import { textErrors } from '../output/text-report.js';
import { UsageError } from '../usage-error.js';
import { VERSION } from '../version.js';

/** The option flags that shape the output, echoed into every document so it can be regenerated the same way. */
const ECHOED = ['service-account', 'pull-secret', 'pull-secret-source', 'gateways', 'git-url', 'git-ref', 'git-sub-path', 'kubeconfig', 'context', 'namespace'];

function regenerateCommand(args: ParsedArgs, engine: DurableEngine, fileMode: boolean): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['kubectl tapacme fix'];
  if (fileMode) for (const p of inputPaths(args, existsSync)) parts.push('-f', quote(p));
  else parts.push(...args.positionals.map(quote));
  if (args.bool('recursive')) parts.push('-R');
  parts.push('--emit', engine);
  for (const name of ECHOED) {
    if (!args.has(name)) continue;
    const v = args.string(name);
    if (v !== undefined) parts.push(`--${name}`, quote(v));
  }
  return parts.join(' ');
}

function options(args: ParsedArgs, engine: DurableEngine, fileMode: boolean): Partial<DurableOptions> {
  const o: Partial<DurableOptions> = { regenerate: regenerateCommand(args, engine, fileMode) };
  const sa = args.string('service-account');
  const secret = args.string('pull-secret');
  if (sa) o.serviceAccountName = sa;
  if (secret) o.pullSecretName = secret;
  const source = args.string('pull-secret-source');
  if (source !== undefined && source !== 'auto') {
    try {
      o.pullSecretSource = parsePullSecretSource(source);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const git = { url: args.string('git-url') ?? '', ref: args.string('git-ref') ?? '', subPath: args.string('git-sub-path') ?? '' };
  if (git.subPath.startsWith('/') || git.subPath.split('/').includes('..')) throw new UsageError(`--git-sub-path must be a relative path inside the repository, got "${git.subPath}"`);
  o.git = git;
  return o;
}

/** `fix --emit ENGINE`, from files (-f, paths, -) or from the issuers in the cluster. */
export async function runEmitPolicies(args: ParsedArgs, io: Io, fileMode: boolean): Promise<number> {
  const engine = args.choice('emit', DURABLE_ENGINES, 'kyverno');
  args.choice('output', EMIT_OUTPUT, 'yaml', '-o/--output');
  const gateways = args.choice('gateways', GATEWAY_MODES, 'auto');
  for (const f of ['write', 'diff', 'emit-service-account']) {
    if (args.bool(f)) throw new UsageError(`--${f} cannot be combined with --emit: --emit prints documents to apply or commit (use --output-dir to write them as files)`);
  }
  if (args.has('strategy') && args.string('strategy') !== 'serviceaccount') throw new UsageError('--emit keeps ServiceAccounts present; it works with --strategy serviceaccount only');
  const opts = options(args, engine, fileMode);

  let result: EmitResult;
  if (fileMode) {
    const read = await fromFiles(args, io);
    if (!read) return ExitCode.inputError;
    result = emitDurableCoverage(engine, read, { ...opts, gateways: gateways !== 'omit' }, VERSION);
  } else {
    const r = await fromCluster(args, io, engine, opts, gateways);
    if (typeof r === 'number') return r;
    result = r;
  }

  for (const note of result.notes) io.err(`${io.errStyle.yellow('note:')} ${note}\n`);
  if (result.documents.length === 0) return ExitCode.ok;
  const outDir = args.string('output-dir');
  if (outDir) {
    const files = emittedFiles(result.documents);
    for (const [file, text] of files) {
      const path = resolve(outDir, file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      io.err(`wrote ${join(outDir, file)}\n`);
    }
  } else {
    io.out(renderEmitted(result.documents));
  }
  io.err(nextSteps(result, io, outDir !== undefined));
  return ExitCode.ok;
}

async function fromFiles(args: ParsedArgs, io: Io): Promise<ManifestObject[] | undefined> {
  const paths = inputPaths(args, existsSync);
  if (paths.length === 0) throw new UsageError('give the files with the issuers, or - to read stdin');
  if (paths.includes('-') && io.stdinIsTTY) io.err('reading manifests from stdin (end with Ctrl-D)\n');
  const inputs = await collectInputs(paths, collectOptions(args));
  const parsed = inputs.files.map((f) => new ParsedFile(f.fileName, f.text));
  const texts = new Map(inputs.files.map((f) => [f.fileName, f.text]));
  const errors = buildReport({ findings: [], errors: parsed.flatMap((p) => p.errors) }, inputs.problems, texts, inputs.files.length).errors;
  if (errors.length > 0) {
    // Half the issuers would give a policy that silently misses the rest: emit nothing.
    io.err(textErrors(errors, io.errStyle));
    io.err('nothing was emitted: fix the input first\n');
    return undefined;
  }
  return parsed.flatMap((p) => p.objects);
}

/** What to do with the output, on stderr. */
function nextSteps(r: EmitResult, io: Io, toDir: boolean): string {
  const where = toDir ? 'the files' : 'the output';
  if (r.engine === 'kyverno') {
    return `${io.errStyle.dim(`${r.targets.length} issuer${r.targets.length === 1 ? '' : 's'} covered. Apply ${where} with \`kubectl apply -f\` (ClusterRoles first, then the ClusterPolicies; the issuers last) or commit ${toDir ? 'them' : 'it'} to your GitOps repository; Kyverno >= 1.11 needed.`)}\n`;
  }
  return `${io.errStyle.dim(`${r.targets.length} issuer${r.targets.length === 1 ? '' : 's'} covered. Commit the ytt file to your GitOps repository, merge the tap-values fragment and update TAP; apply the issuers once the provisioner has reconciled.`)}\n`;
}

/** The issuers (and, for the provisioner, the namespaces and their consumers) read from the cluster. */
async function fromCluster(args: ParsedArgs, io: Io, engine: DurableEngine, opts: Partial<DurableOptions>, gateways: (typeof GATEWAY_MODES)[number]): Promise<EmitResult | number> {
  // Loaded only here: the cluster client and its dependencies stay out of the offline path.
  const [{ connect, reportClusterError, retryWarnings }, { readSnapshot }] = await Promise.all([import('../cluster/connect.js'), import('../cluster/read-snapshot.js')]);
  let client;
  try {
    client = await connect(args, { onRetry: retryWarnings(io) });
    const { snapshot, warnings } = await readSnapshot(client);
    for (const w of warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);
    const { report, context } = scanCluster(snapshot);
    let issuers: ManifestObject[];
    if (args.positionals.length > 0) {
      const { keys, errors } = selectIssuers(report, context, args.positionals, client.config.namespaceExplicit ? client.config.namespace : undefined);
      if (errors.length > 0) {
        for (const e of errors) io.err(`${io.errStyle.red('error:')} ${e}\n`);
        return ExitCode.inputError;
      }
      issuers = keys.map((k) => context.issuers.get(k)).filter((i): i is ManifestObject => i !== undefined);
    } else {
      issuers = [...context.issuers.values()];
    }
    const withGateways = gateways === 'include' || (gateways === 'auto' && snapshot.crds.gateway);
    const result = emitDurableCoverage(engine, issuers, { ...opts, gateways: withGateways }, VERSION);
    if (engine === 'namespace-provisioner') {
      const namespaces = await client.list(NAMESPACES, { limit: 500 }, (o) => toManifestObject(o, 'Namespace', 'v1', keepMetadata));
      result.notes.push(...provisionerGaps(result, [...issuers, ...snapshot.certificates, ...snapshot.ingresses, ...snapshot.gateways, ...namespaces]));
    }
    return result;
  } catch (e) {
    const code = reportClusterError(e, io);
    if (code !== undefined) return code;
    throw e;
  } finally {
    client?.close();
  }
}

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, scan: ['list'], fix: [], why: 'which namespaces the Namespace Provisioner manages' } as const;

/** Namespaces the provisioner will not reach, for the live path's notes. */
export function provisionerGaps(r: EmitResult, objects: readonly ManifestObject[]): string[] {
  const notes: string[] = [];
  for (const t of r.targets) {
    const outside = namespacesOutsideProvisioner(t, objects);
    if (outside.length === 0) continue;
    notes.push(
      `${t.key}: ${outside.length} namespace${outside.length === 1 ? '' : 's'} obtaining certificates ${outside.length === 1 ? 'is' : 'are'} not managed by the Namespace Provisioner (no apps.tanzu.vmware.com/tap-ns label): ${outside.join(', ')}; ` +
        'run `kubectl tapacme fix` for them, or choose --emit kyverno or `kubectl tapacme watch`',
    );
  }
  return notes;
}
