// Helpers for the live tests: run the built CLI and the pinned kubectl against the test cluster.
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { runProcess } from '../../helpers/process.js';
import type { ProcessResult } from '../../helpers/process.js';

export type Obj = Record<string, unknown>;

export const APP = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../../bin/kubectl-tapacme', import.meta.url));
export const REGISTRY = 'registry.example.com';
export const SOLVER_IMAGE = `${REGISTRY}/tap/cert-manager-acmesolver:v1.21.1`;
export const SA = 'tap-acme-http01-solver';

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the live tests through scripts/test-cluster.sh (the cluster globalSetup sets it)`);
  return v;
}

export type Run = ProcessResult;

export function run(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return runProcess(cmd, args, { env: { ...process.env, NO_COLOR: '1', ...options.env }, input: options.input });
}

/** The CLI as users run it, with request counting on (it prints "requests: N ..., writes: W" to stderr). */
export function tapacme(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return run(process.execPath, [CLI, ...args], { ...options, env: { TAPACME_REQUEST_STATS: '1', ...options.env } });
}

export async function kubectl(args: readonly string[], options: { input?: string; kubeconfig?: string } = {}): Promise<string> {
  const r = await run(env('TAPACME_KUBECTL'), ['--kubeconfig', options.kubeconfig ?? env('KUBECONFIG'), ...args], options.input !== undefined ? { input: options.input } : {});
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export async function kubectlTry(args: readonly string[], options: { input?: string; kubeconfig?: string } = {}): Promise<Run> {
  return run(env('TAPACME_KUBECTL'), ['--kubeconfig', options.kubeconfig ?? env('KUBECONFIG'), ...args], options.input !== undefined ? { input: options.input } : {});
}

export async function apply(yaml: string): Promise<void> {
  await kubectl(['apply', '--server-side', '--field-manager=test-setup', '-f', '-'], { input: yaml });
}

export async function getJson(kind: string, name: string, namespace?: string): Promise<Obj | undefined> {
  const r = await kubectlTry(['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json', '--show-managed-fields']);
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout) as Obj;
}

export async function resourceVersion(kind: string, name: string, namespace?: string): Promise<string | undefined> {
  const o = await getJson(kind, name, namespace);
  return (o?.['metadata'] as Obj | undefined)?.['resourceVersion'] as string | undefined;
}

/** "requests: 14 (get 3, list 11), writes: 0" -> numbers. */
export function stats(stderr: string): { requests: number; writes: number; byVerb: Record<string, number>; credentials: string } {
  const m = /requests: (\d+) \(([^)]*)\), writes: (\d+)/.exec(stderr);
  if (!m) throw new Error(`no request stats in:\n${stderr}`);
  const byVerb: Record<string, number> = {};
  for (const part of (m[2] ?? '').split(', ').filter(Boolean)) {
    const [verb, n] = part.split(' ');
    if (verb) byVerb[verb] = Number(n);
  }
  return { requests: Number(m[1]), writes: Number(m[3]), byVerb, credentials: /credentials: (\S+)/.exec(stderr)?.[1] ?? '' };
}

export const id = (): string => Math.random().toString(36).slice(2, 7);

/** The cert-manager controller as a Deployment object (no controller runs: the scan only reads its flags). */
export function controllerDeployment(solverImage = SOLVER_IMAGE): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager, namespace: cert-manager, labels: {app.kubernetes.io/component: controller}}
spec:
  selector: {matchLabels: {app: cert-manager}}
  template:
    metadata: {labels: {app: cert-manager}}
    spec:
      containers:
      - name: cert-manager-controller
        image: quay.io/jetstack/cert-manager-controller:v1.21.1
        args: ["--v=2", "--cluster-resource-namespace=$(POD_NAMESPACE)", "--acme-http01-solver-image=${solverImage}"]
`;
}

export function docs(yaml: string): Obj[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

/**
 * The solver Pod as cert-manager's pkg/issuer/acme/http/pod.go builds it from an issuer's podTemplate:
 * generateName cm-acme-http-solver-, the solver labels, the acmesolver container, and the template's
 * serviceAccountName and imagePullSecrets.
 */
export function solverPod(issuer: Obj, namespace: string, image = SOLVER_IMAGE): Obj {
  const solvers = ((issuer['spec'] as Obj)['acme'] as Obj)['solvers'] as Obj[];
  const http01 = solvers.find((s) => s['http01'])?.['http01'] as Obj;
  const variant = (http01['ingress'] ?? http01['gatewayHTTPRoute']) as Obj;
  const tpl = ((variant['podTemplate'] as Obj | undefined)?.['spec'] ?? {}) as Obj;
  const spec: Obj = {
    restartPolicy: 'OnFailure',
    containers: [{ name: 'acmesolver', image, args: ['--listen-port=8089', '--domain=example.com', '--token=t', '--key=k'], ports: [{ name: 'http', containerPort: 8089 }] }],
  };
  if (tpl['serviceAccountName']) spec['serviceAccountName'] = tpl['serviceAccountName'];
  if (Array.isArray(tpl['imagePullSecrets'])) spec['imagePullSecrets'] = tpl['imagePullSecrets'];
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { generateName: 'cm-acme-http-solver-', namespace, labels: { 'acme.cert-manager.io/http01-solver': 'true', 'acme.cert-manager.io/http-domain': '1', 'acme.cert-manager.io/http-token': '1' } },
    spec,
  };
}

/** Create a Pod the way cert-manager's controller does (kubectl create); the API server's admission decides. */
export async function createSolverPod(issuer: Obj, namespace: string): Promise<Run & { pod?: Obj }> {
  const r = await kubectlTry(['create', '-f', '-', '-o', 'json'], { input: JSON.stringify(solverPod(issuer, namespace)) });
  return r.code === 0 ? { ...r, pod: JSON.parse(r.stdout) as Obj } : r;
}

export function managers(o: Obj | undefined): string[] {
  const mf = ((o?.['metadata'] as Obj | undefined)?.['managedFields'] ?? []) as Obj[];
  return mf.map((m) => String(m['manager']));
}
