// Self-test of vitest-global-setup.ts against the real cluster:
//   node_modules/.bin/vitest run --config tools/cluster/vitest.config.ts   (from the repo root)
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    globalSetup: ['./vitest-global-setup.ts'],
    testTimeout: 60_000,
  },
});
