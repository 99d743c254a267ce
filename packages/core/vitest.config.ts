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
    // A ceiling for a loaded 2-core CI machine, not a timing assertion; speed lives in bench/.
    testTimeout: 600_000,
  },
});
