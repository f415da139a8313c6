import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

// bench/coverage.ts runs this suite with and without coverage; it reads verdicts and figures from
// the tests' records, so the plugin's table and report files are off. Two workers on two cores: the
// two files run in parallel.
export default defineConfig({
  plugins: [memoryBudget({ summary: false, report: false })],
  test: { testTimeout: 300_000, include: ['*.bench-test.ts'], maxWorkers: 2 },
})
