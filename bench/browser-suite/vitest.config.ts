import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'
import { chromium } from '../../fixtures/suites/browser/chromium.ts'

// bench/browser.ts: each fixture of accuracy.test.ts run many times in one Chromium page.
// BENCH_BROWSER_RUNS=<leaks>,<clean> sets how many (default 20 and 50).
const [leaks = 20, clean = 50] = (process.env.BENCH_BROWSER_RUNS ?? '20,50').split(',').map(Number)

export default defineConfig({
  plugins: [memoryBudget({ summary: false, report: false })],
  define: { __RUNS__: JSON.stringify({ leaks, clean }) },
  test: { include: ['*.test.ts'], browser: chromium, testTimeout: 120_000 },
})
