import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

// bench/soak.ts runs this suite in each pool; it reads every figure from the tests' records, so the
// plugin's table and report files are off.
export default defineConfig({
  plugins: [memoryBudget({ summary: false, report: false })],
  // Two workers on two cores: files in parallel, as a user's suite runs on a CI machine (Vitest's default
  // there is one worker fewer than cores).
  test: { testTimeout: 120_000, include: ['*.soak.ts'], maxWorkers: 2 },
})
