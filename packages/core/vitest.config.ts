import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// TAPACME_TEST_DIST=1 reruns the same tests against the compiled output in dist/.
const dist = process.env.TAPACME_TEST_DIST === '1';
const distDir = fileURLToPath(new URL('./dist/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: dist ? [{ find: /^(?:\.\.\/)+src\//, replacement: distDir }] : [],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
