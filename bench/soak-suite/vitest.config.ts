import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

// bench/soak.ts runs this suite in each pool; it reads every figure from the tests' records, so the
// plugin's table and report files are off.
export default defineConfig({
  plugins: [memoryBudget({ summary: false, report: false })],
  test: { testTimeout: 120_000, include: ['*.soak.ts'] },
})
