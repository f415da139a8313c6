import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

export default defineConfig({
  plugins: [memoryBudget()],
  test: {
    // The leaky twin (leaky/) fails on purpose: it has a config of its own and is not run here.
    include: ['*.test.ts'],
    // A memory check runs its block dozens of times, with a full GC and real I/O in each cycle.
    testTimeout: 60_000,
    experimental: {
      viteModuleRunner: false,
      nodeLoader: false,
    },
  },
})
