import { scanCluster } from '@tapacme/core/live';
import type { ParsedArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../output/io.js';
import { connect, reportClusterError, retryWarnings } from './connect.js';
import { FAIL_ON, SCAN_OUTPUT } from '../flag-values.js';
import { certManagerVersionFlag, positiveInt } from './flags.js';
import { readSnapshot } from './read-snapshot.js';
import { printStats } from './stats.js';
import { stringify } from 'yaml';
import { coverageText, readCoverage, withCoverage } from '../watch/scan-coverage.js';
import { renderScanHtml } from './render-html.js';
import { renderScanText, scanJson } from './render-scan.js';
import { registryOptions, verifyPullSecrets } from '../registry/verify-pull-secrets.js';
import type { RegistryOptions } from '../registry/registry-client.js';
import { writeJson, writeJsonDrained } from '../output/json-stream.js';
import type { KubeClient } from './client.js';

export async function runScan(args: ParsedArgs, io: Io): Promise<number> {
  const output = args.choice('output', SCAN_OUTPUT, 'text', '-o/--output');
  const failOn = args.choice('fail-on', FAIL_ON, 'error');
  const chunkSize = args.has('chunk-size') ? positiveInt(args, 'chunk-size', 0, 0) : undefined;
  const registry = registryOptions(args);
  let client;
  try {
    const t0 = performance.now();
    client = await connect(args, { onRetry: retryWarnings(io) });
    const t1 = performance.now();
    const timings: Record<string, number> = (client.timings = { connect: t1 - t0 });
    const { report, coverage, allWarnings } = await readAndAnalyse(client, args, io, { chunkSize, registry }, timings);
    const t2 = performance.now();
    // Streamed: at 10,000 namespaces the document is 27 MB, which as one string set the peak memory.
    if (output === 'json') {
      const doc = withCoverage(scanJson(report, allWarnings), coverage.byIssuer);
      if (io.outDrained) await writeJsonDrained(doc, io.out, io.outDrained);
      else writeJson(doc, io.out);
    }
    else if (output === 'html') io.out(renderScanHtml(withCoverage(scanJson(report, allWarnings), coverage.byIssuer), `tapacme scan: context ${client.config.contextName}`));
    else if (output === 'yaml') io.out(stringify(withCoverage(scanJson(report, allWarnings), coverage.byIssuer), { lineWidth: 0 }));
    else io.out(renderScanText(report, allWarnings, io.outStyle, io.prog) + coverageText(report, coverage.byIssuer, io.outStyle, io.prog));
    timings['output'] = performance.now() - t2;
    const threshold = failOn === 'none' ? [] : failOn === 'warning' ? ['error', 'warning'] : ['error'];
    return report.findings.some((f) => threshold.includes(f.severity)) ? ExitCode.findings : ExitCode.ok;
  } catch (e) {
    const code = reportClusterError(e, io);
    if (code !== undefined) return code;
    throw e;
  } finally {
    if (client) {
      printStats(client, io);
      client.close();
    }
  }
}

/**
 * Read the cluster and analyse it. The snapshot stays inside this function, so it can be collected
 * before the report is written out.
 */
async function readAndAnalyse(client: KubeClient, args: ParsedArgs, io: Io, options: { chunkSize: number | undefined; registry: RegistryOptions }, timings: Record<string, number>) {
  const t0 = performance.now();
  const { snapshot, warnings } = await readSnapshot(client, options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {});
  const t1 = performance.now();
  timings['read'] = t1 - t0;
  const solverImage = args.string('solver-image');
  const certManagerVersion = certManagerVersionFlag(args);
  const { report, context } = scanCluster(snapshot, { ...(solverImage ? { solverImage } : {}), ...(certManagerVersion ? { certManagerVersion } : {}) });
  // Opt-in: the only part of scan that talks to anything but the API server.
  const verified = args.bool('verify-pull-secrets') ? await verifyPullSecrets(client, report, context, { registry: options.registry }) : undefined;
  if (verified) {
    for (const w of verified.warnings) io.err(`${io.errStyle.yellow('warning:')} ${w}\n`);
    if (verified.namespaces > 0) io.err(`Asked ${context.solverImage.registry} about ${verified.secrets} pull secret${verified.secrets === 1 ? '' : 's'} in ${verified.namespaces} namespace${verified.namespaces === 1 ? '' : 's'} (${verified.credentials} distinct credential${verified.credentials === 1 ? '' : 's'} sent).\n`);
  }
  // Per issuer, whether a Kyverno policy, a Namespace Provisioner source or a running watch covers later namespaces.
  const coverage = await readCoverage(client, snapshot, report);
  timings['analyse'] = performance.now() - t1;
  return { report, coverage, allWarnings: [...warnings, ...coverage.warnings] };
}
