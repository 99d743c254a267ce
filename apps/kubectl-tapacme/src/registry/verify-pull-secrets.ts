// --verify-pull-secrets: each namespace's pull secrets, read from the API server, checked against the
// solver image's registry. One request chain per distinct credential; the secret data stays in memory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_TYPE, applyPullSecretChecks, credentialsFor, secretsToVerify } from '@tapacme/core/live';
import type { PullSecretCheck, RegistryCredential, ScanContext, ScanReport } from '@tapacme/core/live';
import type { ParsedArgs } from '../args.js';
import type { KubeClient } from '../cluster/client.js';
import { ApiError } from '../cluster/errors.js';
import { RESOURCES } from '../cluster/resources.js';
import { UsageError } from '../usage-error.js';
import { RegistryClient } from './registry-client.js';
import type { CredentialVerdict, RegistryOptions } from './registry-client.js';

const TIMEOUT_MS = 10_000;
/** Secrets read, and registry checks made, at once. */
const CONCURRENCY = 8;

export interface VerifyOptions {
  /** Only the namespaces of these issuers (fix: the ones it would touch). */
  issuerKeys?: readonly string[];
  /** A pull secret to check in each of those namespaces besides the ServiceAccount's (fix's --pull-secret). */
  also?: string;
  registry: RegistryOptions;
}

export interface VerifySummary {
  namespaces: number;
  secrets: number;
  /** Distinct credentials sent to the registry. */
  credentials: number;
  warnings: string[];
}

/** --registry-ca-file, read (the flag is refused without --verify-pull-secrets). */
export function registryOptions(args: ParsedArgs): RegistryOptions {
  const file = args.string('registry-ca-file');
  if (file && !args.bool('verify-pull-secrets')) throw new UsageError('--registry-ca-file goes with --verify-pull-secrets');
  if (!file) return { timeoutMs: TIMEOUT_MS };
  let ca: string;
  try {
    ca = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--registry-ca-file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--registry-ca-file ${file}: no PEM certificate in it`);
  return { ca, timeoutMs: TIMEOUT_MS };
}

/** Ask the registry about every namespace's pull secrets and fold the answers into the report. */
export async function verifyPullSecrets(client: KubeClient, report: ScanReport, context: ScanContext, options: VerifyOptions): Promise<VerifySummary> {
  const summary: VerifySummary = { namespaces: 0, secrets: 0, credentials: 0, warnings: [] };
  if (!context.registryKnown) {
    summary.warnings.push('--verify-pull-secrets: the solver image is unknown (pass --solver-image); no registry was asked');
    return summary;
  }
  if (report.solverImage.public) {
    summary.warnings.push(`--verify-pull-secrets: the solver image ${report.solverImage.image} is public; no registry was asked`);
    return summary;
  }
  const wanted = secretsToVerify(report, options.issuerKeys, options.also);
  const registry = new RegistryClient(context.solverImage, options.registry);
  // One promise per distinct credential, keyed by a hash so that no map holds the password as a key.
  const byCredential = new Map<string, Promise<CredentialVerdict>>();
  const checkCredential = (c: RegistryCredential): Promise<CredentialVerdict> => {
    const key = createHash('sha256').update(c.username).update('\0').update(c.password).digest('hex');
    let p = byCredential.get(key);
    if (!p) byCredential.set(key, (p = registry.check(c)));
    return p;
  };
  const checks = new Map<string, PullSecretCheck[]>();
  const jobs = [...wanted].flatMap(([ns, names]) => names.map((name) => ({ ns, name })));
  try {
    await pool(jobs, CONCURRENCY, async ({ ns, name }) => {
      const check = await checkSecret(client, ns, name, context, checkCredential);
      const list = checks.get(ns) ?? [];
      list.push(check);
      checks.set(ns, list);
    });
  } finally {
    registry.close();
  }
  // In the order the secrets are named, whatever order the answers came in.
  for (const [ns, names] of wanted) checks.get(ns)?.sort((a, b) => names.indexOf(a.secret) - names.indexOf(b.secret));
  applyPullSecretChecks(report, checks, context.solverImage);
  summary.namespaces = wanted.size;
  summary.secrets = jobs.length;
  summary.credentials = byCredential.size;
  const tlsTrouble = [...checks.values()].flat().find((c) => c.verdict === 'error' && /certificate/i.test(c.detail));
  if (tlsTrouble) summary.warnings.push(`--verify-pull-secrets: ${tlsTrouble.detail}; give the registry's CA with --registry-ca-file (or NODE_EXTRA_CA_CERTS)`);
  return summary;
}

async function checkSecret(client: KubeClient, ns: string, name: string, context: ScanContext, checkCredential: (c: RegistryCredential) => Promise<CredentialVerdict>): Promise<PullSecretCheck> {
  const result = (verdict: PullSecretCheck['verdict'], detail: string): PullSecretCheck => ({ secret: name, verdict, source: 'registry', detail });
  let secret: Record<string, unknown> | undefined;
  try {
    secret = await client.get(RESOURCES.secrets, name, ns);
  } catch (e) {
    if (e instanceof ApiError && e.forbidden) return result('error', 'cannot read it: get on secrets is forbidden (--verify-pull-secrets needs it)');
    return result('error', `cannot read it: ${(e as Error).message}`);
  }
  if (!secret) return result('unreadable', 'it does not exist');
  const type = typeof secret['type'] === 'string' ? secret['type'] : 'Opaque';
  if (type !== DOCKER_CONFIG_JSON_TYPE && type !== DOCKER_CFG_TYPE) return result('unreadable', `it is of type ${type}, not kubernetes.io/dockerconfigjson`);
  const data = (secret['data'] ?? {}) as Record<string, unknown>;
  const { credentials, error } = credentialsFor(type, data, context.solverImage);
  if (credentials.length === 0) {
    return error ? result('unreadable', `its docker config cannot be read (${error})`) : result('no-credentials', `it has no credentials for ${context.solverImage.registry}; not sent anywhere`);
  }
  // kubelet tries each credential in turn; the first that works is the one that pulls.
  let first: CredentialVerdict | undefined;
  for (const c of credentials) {
    const v = await checkCredential(c);
    if (v.verdict === 'authenticated') return result(v.verdict, v.detail);
    first ??= v;
  }
  return result(first?.verdict ?? 'error', first?.detail ?? 'no answer');
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
