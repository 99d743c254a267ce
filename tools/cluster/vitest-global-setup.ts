// Vitest globalSetup for live tests: starts the real test cluster (tools/cluster/cluster.sh)
// before the run and stops it after. Use it from a package's vitest config:
//
//   test: { globalSetup: ['../../tools/cluster/vitest-global-setup.ts'] }
//
// Tests then read process.env.KUBECONFIG, TAPACME_KUBECONFIG_LIMITED, TAPACME_KUBECTL and
// TAPACME_CERT_MANAGER_VERSION, or `inject('tapacmeCluster')`.
//
// Several vitest processes (turbo runs packages in parallel) share one cluster: each holds a
// lease, and the last one to finish stops it. A cluster started by `pnpm cluster:up` is never
// stopped here; with TAPACME_CLUSTER_KEEP=1 the cluster is started that way (if not up) and kept.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface TapacmeCluster {
  kubeconfig: string;
  kubeconfigLimited: string;
  kubectl: string;
  certManagerVersion: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tapacmeCluster: TapacmeCluster;
  }
}

const script = fileURLToPath(new URL('./cluster.sh', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    // Progress goes to our stderr; stdout is the answer.
    const child = spawn('bash', [script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`tools/cluster/cluster.sh ${args.join(' ')} exited with ${String(code)}`)),
    );
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lease = `vitest-${process.pid}`;
  let leased = false;
  if (process.env.TAPACME_CLUSTER_KEEP === '1') {
    // Kept clusters behave like `pnpm cluster:up` ones: only `pnpm cluster:down` stops them.
    const up = await run(['status']).then(() => true, () => false);
    if (!up) await run(['up']);
  } else {
    await run(['up', '--lease', lease], { ...process.env, TAPACME_LEASE_PID: String(process.pid) });
    leased = true;
  }
  const env = JSON.parse(await run(['env', '--json'])) as Record<string, string>;
  const cluster: TapacmeCluster = {
    kubeconfig: env.KUBECONFIG ?? '',
    kubeconfigLimited: env.TAPACME_KUBECONFIG_LIMITED ?? '',
    kubectl: env.TAPACME_KUBECTL ?? '',
    certManagerVersion: env.TAPACME_CERT_MANAGER_VERSION ?? '',
  };
  // Test workers start after globalSetup and inherit these.
  Object.assign(process.env, env);
  project.provide('tapacmeCluster', cluster);

  return async () => {
    if (leased) await run(['down', '--lease', lease]);
  };
}
