import { defineConfig } from 'vitest/config';

// The tests run the built CLI as a process (TAPACME_CLI, default: node dist/kubectl-tapacme.cjs),
// so `test` and `test:dist` exercise the same artefact.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
