// Live tests: the built CLI against the real kube-apiserver that tools/cluster starts (globalSetup).
// TAPACME_LIVE_SUITE picks the files for the cert-manager CRD version the cluster runs:
//   current (default): v1.21.1 CRDs;  v1.11: the v1.11.0 CRDs TAP 1.5 ships.
// Run through scripts/test-cluster.sh, which starts one cluster per suite in its own state dir.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const suite = process.env.TAPACME_LIVE_SUITE ?? 'current';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: suite === 'v1.11' ? ['cluster/**/*.v1-11.live.ts'] : ['cluster/**/*.live.ts'],
    exclude: suite === 'v1.11' ? [] : ['cluster/**/*.v1-11.live.ts'],
    globalSetup: [fileURLToPath(new URL('../../../../tools/cluster/vitest-global-setup.ts', import.meta.url))],
    // One shared API server on a small machine: files one after another, tests in order.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
