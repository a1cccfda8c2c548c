import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not threads: several suites start child processes and servers that must not share an isolate.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
