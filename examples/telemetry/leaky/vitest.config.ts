import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

/**
 * THE LEAKY TWIN, which FAILS ON PURPOSE. Not part of `npm run example`: run it with
 *
 *   vitest run --config examples/telemetry/leaky/vitest.config.ts
 *
 * The root is examples/telemetry, the example's own, so that the twin uses the same client and the
 * same `sites.direct` globs (`src/telemetry/**`); only the tests, the budget file and the report
 * are the twin's. Never record its budget with -u: that would write the leak into it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [memoryBudget({ budgets: 'leaky/memory-budgets.json', report: { dir: 'leaky/memory-report' } })],
  test: {
    include: ['leaky/*.test.ts'],
    testTimeout: 60_000,
    // As in ../vitest.config.ts: Node loads the TypeScript itself, so report lines are the source's.
    experimental: {
      viteModuleRunner: false,
      nodeLoader: false,
    },
  },
})
