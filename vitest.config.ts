import { defineConfig } from 'vitest/config'

// The repo's own tests. Memory suites run inside them, on fixture folders, through vitest/node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start Vitest runs of their own and measure for seconds: give them room,
    // and run files one at a time so two memory suites do not compete for the 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // The JSON report feeds .ci/run's closing 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
})
