// Helpers of the e2e tests: every command runs inside the rig through `e2e.sh exec`, the same
// path `pnpm e2e:exec` takes, so the tests use the rig's contract as anyone else does.
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { env, run } from '../live/cluster/helpers.js';
import type { Run } from '../live/cluster/helpers.js';

export type Obj = Record<string, unknown>;

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const E2E_SH = fileURLToPath(new URL('../../../../tools/e2e/e2e.sh', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/kubectl-tapacme', import.meta.url));

export type { Run };
export { env };

export interface RunOptions {
  input?: string;
  /** The caller's directory, as pnpm passes it in INIT_CWD. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command inside the rig's namespaces with its environment. */
export function inRig(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return run('bash', [E2E_SH, 'exec', '--', cmd, ...args], {
    env: { ...(options.cwd ? { INIT_CWD: options.cwd } : {}), ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
}

/** kubectl in the rig; throws with its stderr when it fails. */
export async function kubectl(args: readonly string[], input?: string): Promise<string> {
  const r = await inRig('kubectl', args, input !== undefined ? { input } : {});
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export function kubectlTry(args: readonly string[], input?: string): Promise<Run> {
  return inRig('kubectl', args, input !== undefined ? { input } : {});
}

/** The built CLI in the rig, as `kubectl tapacme` would run it. */
export function tapacme(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return inRig(CLI, args, options);
}

export async function apply(yaml: string): Promise<void> {
  await kubectl(['apply', '--server-side', '--field-manager=e2e-test', '-f', '-'], yaml);
}

export async function getJson(kind: string, name: string, namespace?: string): Promise<Obj | undefined> {
  const r = await kubectlTry(['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json']);
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout) as Obj;
}

export async function list(kind: string, namespace: string, selector?: string): Promise<Obj[]> {
  const out = await kubectl(['get', kind, '-n', namespace, ...(selector ? ['-l', selector] : []), '-o', 'json']);
  return ((JSON.parse(out) as Obj)['items'] ?? []) as Obj[];
}

export function docs(yaml: string): Obj[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

export const id = (): string => Math.random().toString(36).slice(2, 7);

/** Polls until `check` returns a value (not undefined), or fails with what was last seen. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 180_000, everyMs = 1_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function condition(o: Obj | undefined, type: string): Obj | undefined {
  const conds = ((o?.['status'] as Obj | undefined)?.['conditions'] ?? []) as Obj[];
  return conds.find((c) => c['type'] === type);
}

/** An ACME ClusterIssuer on the rig's Pebble with one HTTP01 solver and no ServiceAccount, as TAP's docs start out. */
export function http01ClusterIssuer(name: string, ingress: Obj = { class: 'nginx' }): string {
  return `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: ${name}
spec:
  acme:
    server: ${env('TAPACME_E2E_ACME_SERVER')}
    skipTLSVerify: true
    email: ops@example.com
    privateKeySecretRef:
      name: ${name}-account
    solvers:
    - http01:
        ingress: ${JSON.stringify(ingress)}
`;
}

export function certificate(namespace: string, name: string, issuer: string, dnsName: string): string {
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  secretName: ${name}-tls
  dnsNames: [${dnsName}]
  issuerRef:
    name: ${issuer}
    kind: ClusterIssuer
    group: cert-manager.io
`;
}

export async function waitIssuerReady(name: string): Promise<void> {
  await waitFor(`ClusterIssuer ${name} Ready`, async () => (condition(await getJson('clusterissuer', name), 'Ready')?.['status'] === 'True' ? true : undefined), 120_000);
}

/** Restarts the rig's node with (or without) registry credentials of its own, as integrated GKE/AKS/EKS nodes have. */
export async function nodeCredentials(state: 'on' | 'off'): Promise<void> {
  const r = await run('bash', [E2E_SH, 'node-credentials', state], {});
  if (r.code !== 0) throw new Error(`e2e.sh node-credentials ${state} failed (${r.code}): ${r.stderr}`);
}
