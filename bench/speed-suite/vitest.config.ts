import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

// Run by bench/speed.ts, one Vitest run per worker heap size. ballast.ts grows the worker's heap
// first; no timeout, since at 500 MB a check takes minutes (what issue 14 is about).
export default defineConfig({
  plugins: [memoryBudget()],
  test: { pool: 'forks', setupFiles: ['./ballast.ts'], testTimeout: 0, hookTimeout: 0 },
})
