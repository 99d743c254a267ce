// End-to-end tests: the built CLI, kubectl and cmctl against cert-manager's own controller and
// webhook, Pebble and BIND in the rig of tools/e2e (globalSetup starts it, or reuses a running one).
// Run through scripts/test-e2e.sh, which also stops the rig afterwards.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.e2e.ts'],
    globalSetup: ['./global-setup.ts'],
    // One rig on a small machine: files one after another (one of them switches the served CRDs).
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
