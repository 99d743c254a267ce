// The watch tests: the built CLI's `watch` against the real kube-apiserver of tools/cluster (globalSetup).
// Run through scripts/test-watch.sh, which gives them their own cluster state dir: one test restarts the
// API server, which must not disturb other suites sharing a cluster.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.live.ts'],
    globalSetup: [fileURLToPath(new URL('../../../../tools/cluster/vitest-global-setup.ts', import.meta.url))],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
