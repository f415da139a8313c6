import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

export default defineConfig({
  plugins: [memoryBudget()],
  // A memory check runs its block some 80 times with a full GC after each, and an allocation pass:
  // seconds, more on a busy CI machine than Vitest's default 5 s allow.
  test: { testTimeout: 60_000 },
})
