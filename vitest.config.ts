import { defineConfig } from 'vitest/config'

// The repo's own tests. Memory suites run inside them, on fixture folders, through vitest/node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start Vitest runs of their own and measure for seconds: give them room,
    // and run files one at a time so two memory suites do not compete for the 2 cores. The bounds
    // are for hangs only: with two soaks sharing the machine (load 10 on 2 cores) the core suite's
    // two-pool run took over 120 s.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    // The JSON report feeds .ci/run's closing 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
})
