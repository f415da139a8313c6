// A user's view of the package: what it exports, imported by name. Checked with
// test/types/matchers.types.ts by scripts/compat.sh (compat/types-check/tsconfig.json), against the
// built dist/index.d.ts, with Vitest 5 and with Vitest 4.
import { defineConfig } from 'vitest/config'
import { memoryBudget, type BudgetInput, type CycleContext, type LeakOptions, type MemoryBudgetOptions } from 'vitest-memory-budget'

export const config = defineConfig({ plugins: [memoryBudget()], test: { testTimeout: 60_000 } })
export const withBudgets = defineConfig({ plugins: [memoryBudget({ budgets: 'budgets/memory.json' })] })

export const options: MemoryBudgetOptions = { budgets: 'memory-budgets.json' }
export const budget: BudgetInput = { retained: '600 kB', leak: 1024 }
export const leak: LeakOptions = { cycles: 30, leak: '1 kB' }
export const context: CycleContext = { enabled: true, cycle: 0 }
// @ts-expect-error the context is read-only
context.enabled = false
// @ts-expect-error the plugin takes an options object
memoryBudget('memory-budgets.json')
// @ts-expect-error budget inputs take budget keys only
export const wrong: BudgetInput = { retaind: '1 kB' }
