import { expect, test } from 'vitest'
import { runBudgetCheck } from '../../src/checks/budget-check.ts'
import type { HeapProbe } from '../../src/engine/cycles.ts'

test('the allocation pass numbers its cycles on from the retained pass: `cycle` is unique within one call', async () => {
  const probe: HeapProbe = {
    gc: () => {},
    read: (series, index) => {
      series.data[index] = 1_000_000
      series.code[index] = 0
    },
    code: () => 0,
  }
  const seen: number[] = []
  const budget = { name: 'cycles', file: '/project/memory-budgets.json', cycles: 5, warmup: 2, leak: 0, allocated: 1e9 }
  const outcome = await runBudgetCheck(({ cycle }) => void seen.push(cycle), budget, probe, process.cwd())
  expect(outcome.allocations).toBeDefined()
  // Retained pass: warm-up, baseline, candidate warm-up, candidate; then the allocation pass's own.
  const { warmupRun, candidateWarmupRun } = outcome.measurement
  const allocationWarmup = outcome.allocations!.measurement.warmupRun
  expect(seen).toHaveLength(warmupRun + 5 + candidateWarmupRun + 5 + allocationWarmup + 10)
  expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i))
}, 60_000)
