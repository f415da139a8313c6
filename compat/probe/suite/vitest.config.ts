import { defineConfig } from 'vitest/config'
import { memoryBudget } from 'vitest-memory-budget'

export default defineConfig({ plugins: [memoryBudget()], test: { testTimeout: 60_000 } })
